"""vaultlint's language server (`vaultlint server`): diagnostics as notes are
typed, code actions for fixes, link completion, navigation and renames, on
pygls. Installed with the `server` extra; see `server.py` and the README."""

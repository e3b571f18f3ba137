"""Fixing notes: the fixer's passes, the atomic writer, the interactive prompt, and `vaultlint mv`."""

"""Readers of the vault's files that are not Markdown notes (canvases, bases)."""

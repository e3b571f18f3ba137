"""vaultlint: a linter and maintenance tool for Obsidian vaults."""

__version__ = "0.1.0"

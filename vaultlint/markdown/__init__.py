"""Text to structure, with no files and no vault: the scanner, front-matter, stamps and words."""

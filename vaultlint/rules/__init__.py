"""The built-in rules, one per module. Every module here is found by
`vaultlint.registry.builtin_rules()`; nothing lists them by hand."""

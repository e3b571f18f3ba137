"""Benchmarks for vaultlint: synthetic vaults (`benchmarks.generate`) and
`python -m benchmarks`, which times `vaultlint check` against the floor."""

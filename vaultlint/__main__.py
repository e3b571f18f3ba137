from vaultlint.cli import run

run()

from vaultlint.cli import main

main(prog_name="vaultlint")

import sys, time, cProfile, pstats
from pathlib import Path
from vaultlint.api import open_vault
from vaultlint.rule import Context
from vaultlint import note as nm
root = Path(sys.argv[1]); which=sys.argv[2].split(",")
config, vault = open_vault([root])
rules = [r for r in config.active_rules() if r.name in which]
paths = vault.note_paths[:int(sys.argv[3])]
ctx = Context(vault, config, paths)
notes=[nm.parse(p,*nm.decode(nm.read_bytes(vault.root,p)),vault.stamp_pattern) for p in paths]
def go():
    for n in notes:
        for r in rules: list(r.check_note(n, ctx))
go()  # warm: indexes, suggestions
t=time.process_time(); go(); print("second pass", time.process_time()-t)
cProfile.run("go()", "/tmp/r.prof")
pstats.Stats("/tmp/r.prof").sort_stats("tottime").print_stats(14)

"""`vaultlint fix` killed with SIGKILL at random moments loses nothing.

A generated vault whose every note has a safe fix is fixed by `python -m
vaultlint fix` in a child process, which is killed (SIGKILL: no cleanup,
no `finally`) after a random delay, again and again on the same vault.
After each kill every note is byte for byte its old text or its fixed text
(never cut short, never missing, no stray note); when a run is let finish,
every note is its fixed text.

The default run does a few kills (about 20 s); VAULTLINT_KILL_ROUNDS=60 VAULTLINT_KILL_NOTES=300
does many more. Figures are printed with `-s`.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("VAULTLINT_KILL_ROUNDS", "8"))
NOTES = int(os.environ.get("VAULTLINT_KILL_NOTES", "80"))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def make_vault(root: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (root / ".obsidian").mkdir(parents=True)
    for i in range(count):
        folder = root / f"f{i % 10}"
        folder.mkdir(exist_ok=True)
        prose = "".join(f"Line {j} of note {i}, about [[n{(i + j) % count}]].\n" for j in range(rng.randint(5, 400)))
        # An unused suppression: its safe fix removes it.
        text = f"# Note {i}\n\n{prose}\nEnd %% vaultlint-disable broken-heading %%\n"
        (folder / f"n{i}.md").write_bytes(text.encode())


def notes(root: Path) -> dict[str, bytes]:
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                path = Path(folder, name)
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def fix_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "vaultlint", "fix", str(root)]


def run_fix(root: Path) -> float:
    start = time.monotonic()
    proc = subprocess.run(fix_command(root), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return time.monotonic() - start


def test_fix_killed_at_random_moments_loses_nothing(tmp_path):
    original = tmp_path / "original"
    make_vault(original, NOTES)
    old = notes(original)
    reference = tmp_path / "reference"
    shutil.copytree(original, reference)
    full_run = run_fix(reference)
    new = notes(reference)
    assert set(new) == set(old) and all(new[p] != old[p] for p in old)  # every note has something to fix

    rng = random.Random(int(os.environ.get("VAULTLINT_KILL_SEED", "1")))
    vault = tmp_path / "vault"
    kills = checked = damaged = finished = fresh_copies = 0
    for round_no in range(ROUNDS):
        if round_no % 4 == 0:  # a fresh vault now and then, so that kills land mid-write, not on a done vault
            shutil.rmtree(vault, ignore_errors=True)
            shutil.copytree(original, vault)
            fresh_copies += 1
        proc = subprocess.Popen(fix_command(vault), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, full_run * 0.9))
        if proc.poll() is None:
            proc.kill()  # SIGKILL
            kills += 1
        else:
            finished += 1
        proc.communicate(timeout=60)
        now = notes(vault)
        assert set(now) == set(old), f"notes missing or added: {set(old) ^ set(now)}"
        for path, data in now.items():
            checked += 1
            if data not in (old[path], new[path]):
                damaged += 1
        assert damaged == 0, f"round {round_no}: a note is neither its old nor its new text"
    # A run let finish completes the job.
    run_fix(vault)
    assert notes(vault) == new
    print(f"\nkill test: {ROUNDS} runs, {kills} killed (SIGKILL), {finished} finished before the kill, "
          f"{fresh_copies} fresh vaults of {NOTES} notes, {checked} notes checked, {damaged} damaged; "
          f"a full fix run takes {full_run:.1f} s")

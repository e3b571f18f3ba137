"""`vaultlint fix` and `vaultlint mv` killed with SIGKILL at random moments
lose nothing, and leave nothing behind.

A generated vault whose every note has a safe fix is fixed by `python -m
vaultlint fix` in a child process, which is killed (SIGKILL: no cleanup,
no `finally`) after a random delay, again and again on the same vault; and
a note most notes link to is moved by `vaultlint mv` the same way. After
each kill every note is byte for byte its old text or its new text (never
cut short, never missing, no stray note); when a run is let finish, every
note is its new text, and no temporary file a kill left is there any more
(`writer.sweep`).

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
from click.testing import CliRunner

from vaultlint.cli import main
from vaultlint.engine import run as engine
from vaultlint.engine import start as engine_start
from vaultlint.fix import writer

REPO = Path(__file__).resolve().parents[2]
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


MOVED = ("f0/n0.md", "f0/moved.md")  # a note most notes link to (see `make_vault`), and its new name


def command(kind: str, root: Path) -> list[str]:
    if kind == "fix":
        return [sys.executable, "-m", "vaultlint", "fix", str(root)]
    return [sys.executable, "-m", "vaultlint", "mv", str(root / MOVED[0]), str(root / MOVED[1])]


def temporaries(root: Path) -> list[str]:
    """vaultlint's temporary files anywhere under `root` (hidden ones too)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(f"*{writer.TEMP_SUFFIX}"))


def run_to_end(args: list[str]) -> float:
    start = time.monotonic()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return time.monotonic() - start


@pytest.mark.parametrize("kind", ["fix", "mv"])
def test_killed_at_random_moments_loses_nothing_and_leaves_nothing(tmp_path, kind):
    original = tmp_path / "original"
    make_vault(original, NOTES)
    old = notes(original)
    reference = tmp_path / "reference"
    shutil.copytree(original, reference)
    full_run = run_to_end(command(kind, reference))
    new = notes(reference)
    renamed = dict([MOVED]) if kind == "mv" else {}
    was = {new_path: old_path for old_path, new_path in renamed.items()}
    changed = sum(new[renamed.get(p, p)] != old[p] for p in old)
    assert changed == len(old) if kind == "fix" else changed > len(old) // 2  # many notes to write

    rng = random.Random(int(os.environ.get("VAULTLINT_KILL_SEED", "1")))
    vault = tmp_path / "vault"
    kills = checked = damaged = finished = fresh_copies = 0
    left: set[tuple[int, str]] = set()  # the temporary files kills left behind (in which vault)
    for round_no in range(ROUNDS):
        # A fresh vault now and then, so that kills land mid-write, not on a done vault.
        if not vault.exists() or (round_no % 4 == 0 if kind == "fix" else (vault / MOVED[1]).exists()):
            shutil.rmtree(vault, ignore_errors=True)
            shutil.copytree(original, vault)
            fresh_copies += 1
        proc = subprocess.Popen(command(kind, vault), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, full_run * 0.9))
        if proc.poll() is None:
            proc.kill()  # SIGKILL
            kills += 1
        else:
            finished += 1
        proc.communicate(timeout=60)
        now = notes(vault)
        assert set(now) in (set(old), set(new)), f"notes missing or added: {set(old) ^ set(now)}"
        for path, data in now.items():
            checked += 1
            if data not in (old.get(was.get(path, path)), new.get(renamed.get(path, path))):
                damaged += 1
        assert damaged == 0, f"round {round_no}: a note is neither its old nor its new text"
        left.update((fresh_copies, name) for name in temporaries(vault))
    # A run let finish completes the job (the same command, or, once the
    # move is done, a check), and removes what kills left: once they are
    # two seconds old (`writer.GRACE`), as they are by now.
    time.sleep(writer.GRACE)
    again = command(kind, vault)
    if kind == "mv" and not (vault / MOVED[0]).exists():
        again = [sys.executable, "-m", "vaultlint", "check", str(vault)]
    run_to_end(again)
    assert notes(vault) == new
    assert temporaries(vault) == []
    print(
        f"\nkill test ({kind}): {ROUNDS} runs, {kills} killed (SIGKILL), {finished} finished before the kill, "
        f"{fresh_copies} fresh vaults of {NOTES} notes, {checked} notes checked, {damaged} damaged, "
        f"{len(left)} temporary files left by kills, none by the last run; "
        f"a full run takes {full_run:.1f} s"
    )


# A writer stopped after its temporary file is written and synced, before
# the rename: as `vaultlint fix` or `mv` is when a kill lands there.
STOPPED_WRITER = """
import os, sys, time
from pathlib import Path
from vaultlint.fix import writer
def stop(*args):
    print("written", flush=True)
    time.sleep(600)
os.replace = stop
writer.write_note(Path(sys.argv[1]), "f/n.md", "new text\\n", False, "old text\\n")
"""


def backdate(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def vault_with_note(root: Path) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    (root / "f").mkdir()
    (root / "f" / "n.md").write_bytes(b"old text\n")
    (root / "f" / "other.md").write_bytes(b"[[n]]\n")
    return root


NEXT_RUNS = {
    "check": lambda root: ["check", str(root)],
    "fix": lambda root: ["fix", str(root)],
    "mv": lambda root: ["mv", str(root / "f" / "other.md"), str(root / "f" / "renamed.md")],
}


@pytest.mark.parametrize("next_run", sorted(NEXT_RUNS))
def test_a_killed_writers_temporary_file_is_removed_by_the_next_run_never_a_live_ones(tmp_path, next_run):
    """While its writer lives (it holds the file's lock), a temporary file
    stays, however old; once the writer is killed, the next check, fix or
    mv removes it and says so on stderr. The note is its old text."""
    root = vault_with_note(tmp_path / "vault")
    writer_proc = subprocess.Popen([sys.executable, "-c", STOPPED_WRITER, str(root)], cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert writer_proc.stdout.readline() == b"written\n"
        [temp] = temporaries(root)
        assert writer.TEMP_NAME.fullmatch(temp.rsplit("/", 1)[1])
        backdate(root / temp, 2 * writer.STALE_AFTER)
        result = CliRunner().invoke(main, ["check", str(root)])
        assert "Traceback" not in result.output and temporaries(root) == [temp]  # its writer is at work
    finally:
        writer_proc.kill()
        writer_proc.wait()
    backdate(root / temp, writer.GRACE)
    result = CliRunner().invoke(main, NEXT_RUNS[next_run](root))
    assert result.exit_code in (0, 1), result.output
    assert temporaries(root) == []
    assert f"vaultlint: removed {temp}, a temporary file left behind by a write cut short" in result.stderr
    assert (root / "f" / "n.md").read_bytes() == b"old text\n"


def test_only_vaultlints_own_stale_temporary_files_go(tmp_path):
    """Files that only look like vaultlint's, files in hidden folders (never
    walked), a symbolic link named as one, and an empty temporary file under
    an hour old (its writer may not have locked it yet) stay."""
    root = vault_with_note(tmp_path / "vault")
    suffix = writer.TEMP_SUFFIX
    stay = [
        f"f/.n.md.abc1234{suffix}",
        f"f/.n.md.ABCD1234{suffix}",
        f"f/.n.md.abcd1234{suffix}.bak",
        "f/.n.md.abcd1234.vaultlint.TMP",
        f".obsidian/.n.md.abcd1234{suffix}",
        f"f/.empty.md.abcd1234{suffix}",
    ]
    for path in stay:
        (root / path).write_bytes(b"" if "empty" in path else b"not ours\n")
        backdate(root / path, 2 * writer.STALE_AFTER if "empty" not in path else writer.STALE_AFTER / 2)
    (root / f"f/.link.md.abcd1234{suffix}").symlink_to(root / "f" / "n.md")
    (root / f"f/.dir.md.abcd1234{suffix}").mkdir()
    stay += [f"f/.link.md.abcd1234{suffix}", f"f/.dir.md.abcd1234{suffix}"]
    result = CliRunner().invoke(main, ["check", str(root)])
    assert "removed" not in result.stderr
    assert all(os.path.lexists(root / path) for path in stay)
    assert (root / "f" / "n.md").read_bytes() == b"old text\n"
    backdate(root / f"f/.empty.md.abcd1234{suffix}", writer.STALE_AFTER)  # an hour old: its writer is gone
    result = CliRunner().invoke(main, ["check", str(root)])
    assert f"removed f/.empty.md.abcd1234{suffix}" in result.stderr
    assert [p for p in stay if not os.path.lexists(root / p)] == [f"f/.empty.md.abcd1234{suffix}"]


def test_a_large_vaults_walk_is_not_kept_while_a_temporary_file_waits(tmp_path, monkeypatch):
    """A large vault is walked by a child, and its walk kept while no folder
    changes: a temporary file it cannot remove yet would never be seen
    again. So a walk that sees one is not kept; a later run removes it."""
    monkeypatch.setattr(engine_start, "WALK_IN_CHILD_MIN", 1)
    root = vault_with_note(tmp_path / "vault")
    temp = root / "f" / f".n.md.abcd1234{writer.TEMP_SUFFIX}"
    temp.touch()  # empty: stale only when an hour old
    api_lint = ["check", str(root)]
    CliRunner().invoke(main, api_lint)  # records the notes: the next runs walk in a child
    then = 1_700_000_000 * 10**9
    for folder in (root, root / "f"):
        os.utime(folder, ns=(then, then))  # long unchanged: a walk of them could be kept
    for _ in range(2):
        result = CliRunner().invoke(main, api_lint)
        assert "removed" not in result.stderr and temp.exists()
        start = engine.Start(root)
        walks = start._walked is not None
        start.close()
        assert walks  # not kept
    backdate(temp, writer.STALE_AFTER)
    result = CliRunner().invoke(main, api_lint)
    assert "removed f/.n.md.abcd1234" in result.stderr and not temp.exists()


@pytest.mark.parametrize("name", ["長" * 80 + ".md", "n" * 251 + ".md"], ids=["cjk-243-bytes", "ascii-254-bytes"])
def test_a_note_with_the_longest_name_is_written_and_its_temporary_file_would_be_found(tmp_path, monkeypatch, name):
    """A name of up to 255 bytes is a note's; its temporary file's name has
    only its beginning (it would be too long), and still the form `sweep`
    looks for. (It was "File name too long": such a note was never fixed.)"""
    root = vault_with_note(tmp_path / "vault")
    (root / "f" / name).write_bytes(b"old text\n")
    made = []
    real_replace = os.replace

    def replace(source, target):
        made.append(os.path.basename(source))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    assert writer.write_note(root, f"f/{name}", "new text\n", False, "old text\n")
    assert (root / "f" / name).read_bytes() == b"new text\n"
    [temp] = made
    assert len(os.fsencode(temp)) <= 255 and writer.TEMP_NAME.fullmatch(temp) and temp.startswith("." + name[:50])

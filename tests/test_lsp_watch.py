"""`vaultlint check --watch`: the vault checked again as files change, what
appeared (+) and what went away (-) printed; Ctrl-C ends it with exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("watchfiles")

from vaultlint.lsp.watch import watch  # noqa: E402


def test_watch_says_what_appeared_and_went_away(make_vault):
    root = make_vault({"a.md": "# A\n[[b]]\n", "b.md": "# B\n"})
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root, lines.append), kwargs={"stop": stop, "use_cache": False})
    thread.start()
    try:
        wait_for(lines, "watching")
        assert not any(line.startswith(("+", "-")) for line in lines)
        (root / "b.md").unlink()
        wait_for(lines, "+ a.md:2:1:")
        assert any(line.startswith("+ a.md:2:1:") and "`b`" in line for line in lines)
        (root / "b.md").write_text("# B again\n")
        wait_for(lines, "- a.md:2:1:")
        # A line added above the problem moves it: it is the same problem, neither new nor gone.
        (root / "b.md").unlink()
        wait_for(lines, "+ a.md:2:1:", count=2)
        before = len(lines)
        (root / "a.md").write_text("# A\n\nmore\n[[b]]\n")
        time.sleep(1.5)
        assert not any(line.startswith(("+", "-")) for line in lines[before:])
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def wait_for(lines: list[str], start: str, count: int = 1, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sum(1 for line in lines if line.startswith(start) or start in line and start == "watching") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"no line {start!r} in {lines}")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_ends_the_watch_with_exit_0(make_vault):
    root = make_vault({"a.md": "# A\n[[nowhere]]\n"})
    process = subprocess.Popen([sys.executable, "-m", "vaultlint", "check", "--watch", "--no-cache", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        end = time.monotonic() + 60
        while "watching" not in line and time.monotonic() < end:
            line = process.stdout.readline()
        assert "watching" in line
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "stopped watching" in err and "Traceback" not in err

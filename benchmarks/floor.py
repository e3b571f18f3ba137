"""The floor: the least any linter of a vault must do. Walk the vault, read
and decode every note, find its links and its stamps with one regex each.

    python -m benchmarks.floor VAULT
    python -m benchmarks.floor --stat VAULT

With `--stat`, the floor of a run that keeps what it learnt: walk the vault
and stat every note, the least it must do to know which notes changed.

`vaultlint check` is measured against this, in the same run on the same
machine, so that the ratio means something whatever the machine.
"""

from __future__ import annotations

import os
import re
import sys

LINK = re.compile(r"!?\[\[([^\]\n]+)\]\]")
STAMP = re.compile(r'<a class="yt-timestamp" data-t="([^"<>\n]{0,20})">\[([^\]\n]{0,20})\]</a>')


def floor(root: str) -> tuple[int, int, int]:
    notes = links = stamps = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                with open(os.path.join(folder, name), "rb") as f:
                    text = f.read().decode("utf-8")
                notes += 1
                links += len(LINK.findall(text))
                stamps += len(STAMP.findall(text))
    return notes, links, stamps


def stat_floor(root: str) -> int:
    notes = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                os.stat(os.path.join(folder, name))
                notes += 1
    return notes


if __name__ == "__main__":
    if sys.argv[1] == "--stat":
        print(f"{stat_floor(sys.argv[2])} notes")
    else:
        notes, links, stamps = floor(sys.argv[1])
        print(f"{notes} notes, {links} links, {stamps} stamps")

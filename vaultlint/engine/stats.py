"""What a run of the engine did, counted as it goes: the notes in the vault,
those checked, those whose results came from the cache, those read, the
vault rules run or reused, the worker processes used.

`vaultlint check --verbose` prints it (`RunStats.line`), and a library user
finds it as `api.lint(...).stats`. The tests assert on it instead of patching
the engine's functions to count their calls: what a user can see of the cache
at work is what they guard.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class RunStats:
    """Counts of one run (or, for `run_rules` given the same `RunStats`
    several times, of several: each adds its counts)."""

    notes: int = 0  # the files rules check in the vault (notes, and `.base` files)
    checked: int = 0  # notes checked afresh: their rules run on them (or found unreadable)
    reused: int = 0  # notes whose results came from the cache, not checked again
    # Notes read from their files and parsed, by this process or its workers,
    # each time: a run of a few changed notes reads each for its summary, then
    # again to check it; a rule may read a linked note.
    read: int = 0
    whole: bool = False  # the whole result of an earlier run reused, as the cache kept it
    vault_rules_run: int = 0
    vault_rules_reused: int = 0  # vault rules whose results came from the cache
    workers: int = 0  # worker processes that checked notes (0: this process alone)

    def line(self) -> str:
        """One line for people: `10,000 notes; 3 checked, 9,997 reused from
        the cache; 5 read; 2 vault rules reused`."""
        parts = [f"{self.notes:,} note{_s(self.notes)}"]
        if self.whole:
            parts.append("the last result reused whole from the cache")
        else:
            done = f"{self.checked:,} checked"
            if self.reused:
                done += f", {self.reused:,} reused from the cache"
            parts.append(done)
        parts.append(f"{self.read:,} read")
        rules = []
        if self.vault_rules_run:
            rules.append(f"{self.vault_rules_run} vault rule{_s(self.vault_rules_run)} run")
        if self.vault_rules_reused:
            rules.append(f"{self.vault_rules_reused} vault rule{_s(self.vault_rules_reused)} reused")
        if rules:
            parts.append(", ".join(rules))
        if self.workers:
            parts.append(f"{self.workers} worker process{'' if self.workers == 1 else 'es'}")
        return "; ".join(parts)


def _s(n: int) -> str:
    return "" if n == 1 else "s"

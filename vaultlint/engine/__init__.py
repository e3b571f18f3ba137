"""The engine: the batch run, change detection (stat, git's index), the store (SQLite), its codec and keys,
forked children and suppressions.

`from vaultlint.engine import X` and `vaultlint.engine.X` (what the module `vaultlint.engine`, now
`vaultlint.engine.run`, gave) keep working: its names are re-exported here.
"""

# ruff: noqa: F401

from .changes import (
    RACY_NS,
    Known,
    Moved,
    Stat,
    moved,
    moved_staged,
    now_ns,
    trusted,
)
from .child import (
    in_child,
)
from .codec import (
    no_gc,
    pack,
    unpack,
    unpack_chunks,
)
from .keys import (
    config_key as make_config_key,
)
from .keys import (
    digest,
    fingerprint,
    fingerprint_paths,
)
from .run import (
    CHANGED_MAX_SHARE,
    CHECKING,
    CHILD_SHARE,
    CHILD_SHARE_FEW,
    CHUNKS_PER_WORKER,
    FEW_NOTES,
    INTERNAL_ERROR,
    MIN_CHUNK,
    NO_SUMMARY,
    POOL_MIN_NOTES,
    READING,
    SAVING,
    SAVING_STEPS,
    TARGETS,
    UNREADABLE,
    VAULT_PATH,
    WALK_IN_CHILD_MIN,
    Checked,
    Found,
    Progress,
    Run,
    Start,
    Summaries,
    check,
    check_one,
    chunks,
    every_alias,
    find,
    finish,
    folders_unchanged,
    guarded,
    note_diagnostics,
    prepared,
    reported,
    run_rules,
    spread,
    summary,
    unreadable,
    vault_rules,
)
from .stats import (
    RunStats,
)
from .store import (
    Cache,
    Deps,
    Entry,
    Last,
    index_compared,
)
from .suppressions import (
    directives,
)

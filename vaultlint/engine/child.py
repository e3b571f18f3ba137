"""Work started in a forked child, its result read back through a pipe."""

from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Callable

from .codec import _loads


def in_child(work: Callable[[], object]) -> Callable[[], object]:
    """Start `work` in a forked child; the function returned waits for what
    it returns (marshalled through a pipe), or None if it failed. The child
    leaves by `os._exit`: nothing of the parent's (buffers, the database,
    exit handlers) runs in it."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return lambda: None
    if pid == 0:  # pragma: no cover (the child)
        # Short-lived: no cycle collection, which would walk (and so copy)
        # every object inherited, a files record of 100,000 notes among them.
        gc.disable()
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(marshal.dumps(work()))
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result():
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return _loads(data) if status == 0 else None

    return result

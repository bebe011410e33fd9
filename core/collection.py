"""Cyclic garbage collection paused around work that allocates many objects, none part of a
cycle: reading a project's universe (goals.engine.population), checking an import file and
preparing its write (imports). Their allocations would otherwise set off full collections over
every object of the process: about a fifth of the time of each at national scale."""

import gc
from contextlib import contextmanager


@contextmanager
def without_collection():
    """No cyclic garbage collection inside; the collector left as it was found, also on an
    error and when nested. Also usable as a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

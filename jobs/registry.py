"""Which function runs which kind of job. Apps register handlers in their `jobs.py` module,
which the jobs app imports at start-up (see JobsConfig.ready):

    from jobs.registry import job_handler

    @job_handler("imports.spreadsheet")
    def run_spreadsheet_import(job, progress):
        progress(0, len(rows))
        ...
        return {"created": 12, "updated": 3}   # JSON, shown on the job page

A failed job (its handler raised, or its worker died: jobs/liveness.py) may be tried again by
the user who started it: the handler runs again from the start with the same payload, so it
must be safe to run again (all-or-nothing, or idempotent). `before_retry(job)`, optional, runs
when the user asks for it, before the job is queued again (put the job's objects back in the
state the handler starts from); it raises JobFailed with a reason to refuse the retry.
`retryable=False` offers no retry at all.

Old rows are removed on schedule by `manage.py prune` (and the worker, daily), which runs every
registered pruner:

    from jobs.registry import pruner

    @pruner("uploads")
    def prune_uploads():
        return Upload.objects.filter(...).delete()[0]   # how many were removed
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Handler:
    kind: str
    function: Callable
    result_template: str | None = None
    retryable: bool = True
    before_retry: Callable | None = None


_handlers: dict[str, Handler] = {}
_pruners: dict[str, Callable[[], int]] = {}


def job_handler(
    kind: str,
    *,
    result_template: str | None = None,
    retryable: bool = True,
    before_retry: Callable | None = None,
):
    """Register `function(job, progress)` as the handler of jobs of `kind` (unique).
    `result_template`, optional, is a template included on the job page to show the result
    (context: `job`, `result`); without it the result's keys and values are listed."""

    def decorator(function):
        existing = _handlers.get(kind)
        if existing is not None and existing.function is not function:
            same = (existing.function.__module__, existing.function.__qualname__) == (
                function.__module__,
                function.__qualname__,
            )
            if not same:
                raise ImproperlyConfigured(f"Two job handlers for the kind {kind!r}.")
        _handlers[kind] = Handler(
            kind=kind,
            function=function,
            result_template=result_template,
            retryable=retryable,
            before_retry=before_retry,
        )
        return function

    return decorator


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def pruner(name: str):
    """Register `function()` (returns how many rows it removed) under `name` for
    `manage.py prune`. Registering the same name again replaces it."""

    def decorator(function):
        _pruners[name] = function
        return function

    return decorator


def registered_pruners() -> dict[str, Callable[[], int]]:
    return dict(sorted(_pruners.items()))

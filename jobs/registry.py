"""Which function runs which kind of job. Apps register handlers in their `jobs.py` module,
which the jobs app imports at start-up (see JobsConfig.ready):

    from jobs.registry import job_handler

    @job_handler("imports.spreadsheet")
    def run_spreadsheet_import(job, progress):
        progress(0, len(rows))
        ...
        return {"created": 12, "updated": 3}   # JSON, shown on the job page
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Handler:
    kind: str
    function: Callable
    result_template: str | None = None


_handlers: dict[str, Handler] = {}


def job_handler(kind: str, *, result_template: str | None = None):
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
        _handlers[kind] = Handler(kind=kind, function=function, result_template=result_template)
        return function

    return decorator


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)

"""Where one project's summary refresh spends its time: every SQL statement of
`goals.summaries.compute` timed one by one, and the Python functions by cProfile.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench
    .venv/bin/python bench/refresh_statements.py 25000     # the project nearest that size

Prints the total, the SQL time and its statements (slowest first, the first 300 characters of
each), then the 12 functions with the most own time. One untimed compute first.
"""

import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import setup  # noqa: E402

setup("2026-06-30", migrate=False)  # the national data set's today

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402


def main() -> None:
    from core.models import Project
    from enrolments.models import Enrolment
    from goals import summaries

    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 25_000
    sizes = dict(
        Enrolment.objects.values("project").annotate(n=Count("id")).values_list("project", "n")
    )
    pk = min(sizes, key=lambda p: abs(sizes[p] - wanted))
    project = Project.objects.get(pk=pk)
    summaries.compute(project)
    log = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append(((time.perf_counter() - started) * 1000, sql))

    profile = cProfile.Profile()
    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        profile.enable()
        summaries.compute(project)
        profile.disable()
        total = (time.perf_counter() - started) * 1000
    sql = sum(ms for ms, _ in log)
    print(f"project {pk}, {sizes[pk]:,} enrolments: {total:.0f} ms (under cProfile), "
          f"SQL {sql:.0f} ms in {len(log)} statements")  # fmt: skip
    for ms, statement in sorted(log, reverse=True):
        print(f"{ms:8.1f}  {statement[:300]}")
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()

"""Dashboards and the portfolio on the national-scale database (bench/national.py), before and
after the per-project summaries, with DuckDB as the analytical reference.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench
    .venv/bin/python bench/dashboard.py
    DATABASE_URL=sqlite:///bench/data/national-tenth.sqlite3 .venv/bin/python bench/dashboard.py

Measured, warm (one untimed run first), median of --runs runs:

- **before**: the engine over the raw rows (goals.engine.evaluate_project plus the dashboard's
  flow, hours and follow-up queries) — what every dashboard view cost without summaries;
- **plain SQL**: the very SQL statements the engine sent (captured on this database) executed
  again directly, without Django; on PostgreSQL the same statements also in DuckDB over the same
  rows (bench/data/national.duckdb, made by `bench/national.py duckdb`);
- **after**: the dashboard page as a project manager gets it (Django's test client: the request,
  the summary read and the whole page rendered), and the summary read alone;
- **portfolio**: all 2,000 projects' goals — as one plain SQL statement over the raw rows
  (PostgreSQL/SQLite/DuckDB), and from the summaries (the data, and the page's first 50 projects).

Prints a Markdown table for docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("FOLJSAM_TODAY", "2026-06-30")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

DUCKDB = ROOT / "bench" / "data" / "national.duckdb"
IN_WORK = (
    "'employed_full_time', 'employed_part_time', 'subsidised_full_time', "
    "'subsidised_part_time', 'self_employed'"
)
# Every project's goals in one statement over the raw rows: in work at day 90 among completers
# (with the missing follow-ups), job chances ≥ 4 at exit, the share of women, participants.
PORTFOLIO_SQL = f"""
SELECT e.project_id,
       COUNT(*) AS enrolled,
       SUM(CASE WHEN e.exit_reason = 'completed' THEN 1 ELSE 0 END) AS completers,
       SUM(CASE WHEN e.exit_reason = 'completed' AND f.status IN ({IN_WORK})
                THEN 1 ELSE 0 END) AS in_work_90,
       SUM(CASE WHEN e.exit_reason = 'completed' AND (f.id IS NULL OR f.recorded_on IS NULL)
                THEN 1 ELSE 0 END) AS follow_up_missing,
       SUM(CASE WHEN e.exit_reason = 'completed' AND s.value >= 4 THEN 1 ELSE 0 END) AS chances,
       SUM(CASE WHEN e.exit_reason = 'completed' AND s.id IS NULL THEN 1 ELSE 0 END)
           AS chances_missing,
       SUM(CASE WHEN p.gender = 'woman' THEN 1 ELSE 0 END) AS women
FROM enrolments_enrolment e
JOIN participants_participant p ON p.id = e.participant_id
LEFT JOIN enrolments_followup f ON f.enrolment_id = e.id AND f.day = 90
LEFT JOIN surveys_question q ON q.project_id = e.project_id AND q.key = 'job_chances'
LEFT JOIN surveys_surveyanswer s
       ON s.enrolment_id = e.id AND s.occasion = 'exit' AND s.question_id = q.id
GROUP BY e.project_id
"""


def timed(function, runs: int) -> tuple[float, object]:
    """Median milliseconds of `runs` runs after one warm-up run, and the last result."""
    result = function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def raw_dashboard(project):
    from goals import engine, summaries

    return engine.evaluate_project(project), summaries.dashboard_figures(project)


def captured_sql(project) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        raw_dashboard(project)
    return [q["sql"] for q in queries.captured_queries]


def count_queries(function) -> int:
    """Statements sent while `function` runs (a request resets Django's own query log)."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return count[0]


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for sql in statements:
            raw.execute(sql)
            raw.fetchall()


def duck_sql(duck, statements: list[str]) -> tuple[int, int]:
    ok = failed = 0
    for sql in statements:
        try:
            duck.execute(sql).fetchall()
            ok += 1
        except Exception:  # a PostgreSQL-only construct: counted, not hidden
            failed += 1
    return ok, failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before-runs", type=int, default=3, help="runs of the slow raw paths")
    args = parser.parse_args()

    from accounts.models import User
    from core.models import Project
    from enrolments.models import Enrolment
    from goals import summaries
    from goals.models import ProjectSummary

    vendor = connection.vendor
    sizes = dict(
        Enrolment.objects.values("project")
        .annotate(n=django.db.models.Count("id"))
        .values_list("project", "n")
    )
    largest = Project.objects.get(pk=max(sizes, key=sizes.get))
    typical_size = 500 if vendor == "postgresql" else 50
    typical = Project.objects.get(pk=min(sizes, key=lambda pk: abs(sizes[pk] - typical_size)))
    manager = User.objects.get(username="bench-manager")
    client = Client(HTTP_HOST="localhost")
    client.force_login(manager)
    duck = None
    if vendor == "postgresql" and DUCKDB.exists():
        import duckdb

        duck = duckdb.connect(str(DUCKDB), read_only=True)

    print(f"\n{vendor}: {len(sizes):,} projects, {sum(sizes.values()):,} enrolments\n")
    print("| what | project | enrolments | queries | " + vendor + " ms | DuckDB ms |")
    print("|---|---|---:|---:|---:|---:|")
    for label, project in (("largest", largest), ("typical", typical)):
        n = sizes[project.pk]
        statements = captured_sql(project)
        before, _ = timed(lambda p=project: raw_dashboard(p), args.before_runs)
        plain, _ = timed(lambda s=statements: run_sql(s), args.before_runs)
        duck_ms = ""
        if duck is not None:
            ok, failed = duck_sql(duck, statements)
            if not failed:
                duck_ms, _ = timed(lambda s=statements: duck_sql(duck, s), args.before_runs)
                duck_ms = f"{duck_ms:.0f}"
            else:
                duck_ms = f"({failed} of {ok + failed} statements not DuckDB SQL)"
        print(f"| before: engine over raw rows | {label} | {n:,} | {len(statements)} | "
              f"{before:.0f} | |")  # fmt: skip
        print(f"| plain SQL: the engine's statements | {label} | {n:,} | {len(statements)} | "
              f"{plain:.0f} | {duck_ms} |")  # fmt: skip
        summary = ProjectSummary.objects.filter(project=project).first()
        if summary is None or not summary.computed_at:
            summaries.refresh(project)
        read_ms, data = timed(lambda p=project: summaries.read(p), args.runs)
        assert data.fresh, "the summary must be fresh for the after figures"
        url = reverse("goals:dashboard", kwargs={"project_id": project.pk})
        page_queries = count_queries(lambda u=url: client.get(u))
        page_ms, response = timed(lambda u=url: client.get(u), args.runs)
        assert response.status_code == 200
        print(f"| after: summary read | {label} | {n:,} | – | {read_ms:.1f} | |")
        print(f"| after: whole dashboard page | {label} | {n:,} | "
              f"{page_queries} | {page_ms:.1f} | |")  # fmt: skip

    plain_portfolio, rows = timed(lambda: run_sql([PORTFOLIO_SQL]), args.before_runs)
    duck_ms = ""
    if duck is not None:
        duck_ms, _ = timed(lambda: duck.execute(PORTFOLIO_SQL).fetchall(), args.before_runs)
        duck_ms = f"{duck_ms:.0f}"
    print(f"| plain SQL: portfolio, 4 goals × all projects | all | {sum(sizes.values()):,} | 1 | "
          f"{plain_portfolio:.0f} | {duck_ms} |")  # fmt: skip
    ids = list(sizes)
    data_ms, rows = timed(lambda: summaries.portfolio(ids), args.runs)
    print(f"| after: portfolio data, {len(rows):,} goals | all | {sum(sizes.values()):,} | 2 | "
          f"{data_ms:.1f} | |")  # fmt: skip
    url = reverse("portfolio:portfolio")
    page_ms, response = timed(lambda: client.get(url), args.runs)
    assert response.status_code == 200
    print(f"| after: portfolio page (first 50 projects) | all | {sum(sizes.values()):,} | – | "
          f"{page_ms:.1f} | |")  # fmt: skip
    csv_ms, response = timed(lambda: client.get(url + "?format=csv"), args.runs)
    print(f"| after: portfolio CSV, every goal of every project | all | {sum(sizes.values()):,} "
          f"| – | {csv_ms:.1f} | |")  # fmt: skip


if __name__ == "__main__":
    main()

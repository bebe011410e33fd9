"""What the disclosure plan costs when a project's summary is computed (goals.summaries.refresh).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench
    .venv/bin/python bench/national.py generate --scale 1 --projects 20   # once
    .venv/bin/python bench/disclosure.py [--runs 3] [--projects 3]

For the largest projects of the database (by enrolments), median of --runs runs, warm:

- **engine**: every goal computed from the raw rows, exact (what a summary cost before plans);
- **engine + people**: the same with `Context(members=True)`: the bit sets of which people each
  figure counts (three primary-key queries a goal, the universe in two);
- **plan**: the flow's people and `goals.publication.build_plan` (core.disclosure over every
  table of the project: goals, breakdowns, years, quarters, flow, hours; the hours' people are
  read once before, as `summaries.figures_and_plan` reads them for both figures and plan);
- **refresh**: the whole `goals.summaries.refresh`, stored.

None of this runs while a user waits for a large project: a summary of more than
GOAL_SUMMARY_LIVE_LIMIT enrolments is refreshed by the task queue. Prints a Markdown table for
docs/performance.md.
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
from django.db.models import Count  # noqa: E402

from core.models import Project  # noqa: E402
from core.policy import project_threshold  # noqa: E402
from goals import engine, summaries  # noqa: E402
from goals.engine.population import Context  # noqa: E402
from goals.figures import hours_members  # noqa: E402


def timed(function, runs: int) -> tuple[float, object]:
    function()  # warm
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(project, runs: int) -> dict:
    exact, _ = timed(lambda: engine.evaluate_project(project), runs)

    def with_people():
        context = Context(project, members=True)
        return context, engine.evaluate_project(project, context=context)

    people, (context, results) = timed(with_people, runs)
    taking_part = hours_members(project, context.universe, project_ids=context.project_ids)
    figures = summaries.dashboard_figures(project, hours_members=taking_part)
    threshold = project_threshold(project)

    def make():
        return summaries.make_plan(
            project, results, figures, context, threshold=threshold, hours_members=taking_part
        )

    plan_time, plan = timed(make, runs)
    refresh, _ = timed(lambda: summaries.refresh(project), runs)
    goals = plan["goals"].values()
    rows = sum(1 + sum(len(g) for g in d["breakdown"].values()) for d in goals)
    hidden = sum(
        (d["level"] is None) + sum(1 for g in d["breakdown"].values() for r in g.values() if r)
        for d in goals
    )
    return {
        "exact": exact,
        "people": people,
        "plan": plan_time,
        "refresh": refresh,
        "rows": rows,
        "hidden": hidden,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, default=3)
    args = parser.parse_args()
    projects = list(
        Project.objects.annotate(size=Count("enrolments")).order_by("-size")[: args.projects]
    )
    print(f"database: {connection.vendor}; median of {args.runs} warm runs\n")
    print(
        "| enrolments | engine | engine + people | plan | refresh (stored) | goal rows | hidden |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for project in projects:
        m = measure(project, args.runs)
        print(
            f"| {project.size:,} | {m['exact']:.2f} s | {m['people']:.2f} s | {m['plan']:.2f} s "
            f"| {m['refresh']:.2f} s | {m['rows']} | {m['hidden']} |"
        )


if __name__ == "__main__":
    main()

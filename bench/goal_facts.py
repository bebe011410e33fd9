"""Time the goals counted from the fact table (goals/facts.py) against the engine over the raw
rows, on the national-scale database (bench/national.py), and what keeping the table costs.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench
    .venv/bin/python bench/national.py generate --scale 1      # builds the fact table too
    .venv/bin/python bench/goal_facts.py --runs 5
    .venv/bin/python bench/goal_facts.py --all                 # + every project's refresh

Prints a markdown table (warm median of --runs, one untimed run first):
- per project size (the largest, about 25,000, 5,000 and 500 enrolments): every goal with its
  breakdowns and the members for the disclosure control, from the raw rows (the engine as it
  was, one statement per breakdown) and from the fact table; the whole refresh
  (goals.summaries.refresh: goals, flow, hours, follow-ups due, disclosure plan, stored);
- the dashboard page as a manager gets it right after a counted write (an enrolment saved),
  and the page's first figures_state request (which counts a small project's figures);
- the write path: an enrolment saved with and without the fact table kept (each write rolled
  back), in ms per row;
- with --all, the refresh of every project in turn (what the nightly command does), and the
  rebuild of the whole fact table in one statement.
Nothing is left changed: the timed writes are rolled back.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import setup  # noqa: E402

setup("2026-06-30", migrate=False)  # the national data set's today

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402


class Rollback(Exception):
    pass


def timed(function, runs: int) -> float:
    """Median milliseconds of `runs` runs after one warm-up run."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def rolled_back(function):
    """Run `function` in a transaction that is rolled back; its milliseconds."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            function()
            elapsed = (time.perf_counter() - started) * 1000
            raise Rollback
    except Rollback:
        return elapsed


def evaluate(project, *, facts: bool):
    from goals.engine import evaluate_project
    from goals.engine.population import Context

    return evaluate_project(project, context=Context(project, members=True, facts=facts))


def write_cost(project, rows: int) -> tuple[float, float]:
    """Milliseconds per enrolment saved (an exit status corrected), with and without the
    fact rows kept in the same transaction."""
    from django.db.models.signals import post_save

    from enrolments.models import Enrolment
    from goals import facts

    enrolments = list(Enrolment.objects.filter(project=project).order_by("pk")[:rows])

    def save_all():
        for enrolment in enrolments:
            enrolment.save()

    kept = statistics.median(rolled_back(save_all) for _ in range(3)) / rows
    post_save.disconnect(sender=Enrolment, dispatch_uid="facts-save-enrolments.Enrolment")
    try:
        without = statistics.median(rolled_back(save_all) for _ in range(3)) / rows
    finally:
        post_save.connect(
            facts._on_save, sender=Enrolment, dispatch_uid="facts-save-enrolments.Enrolment"
        )
    return kept, without


def page_after_write(project, client, runs: int) -> tuple[float, float]:
    """The dashboard page right after a counted write, each write rolled back: the write,
    its commit-time work (the refresh queued), then the page (the last figures, marked as being
    updated), then the page's first ask whether they are current (figures_state: a project of
    up to LIVE_LIMIT enrolments is counted in it; a larger one answers at once, its task counts
    it). Medians of both requests."""
    from enrolments.models import Enrolment

    kwargs = {"project_id": project.pk}
    url = reverse("goals:dashboard", kwargs=kwargs)
    state = reverse("goals:figures_state", kwargs=kwargs)
    enrolment = Enrolment.objects.filter(project=project, exited_on__isnull=False).first()
    pages, states = [], []
    for _ in range(runs + 1):
        try:
            with transaction.atomic():
                enrolment.save()  # a counted write: the summary is stale now
                started = time.perf_counter()
                response = client.get(url)
                pages.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                started = time.perf_counter()
                response = client.get(state)
                states.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 204)
                raise Rollback
        except Rollback:
            pass
    return statistics.median(pages[1:]), statistics.median(states[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="also refresh every project")
    args = parser.parse_args()

    from accounts.models import User
    from core.models import Project
    from enrolments.models import Enrolment
    from goals import facts, summaries

    sizes = dict(
        Enrolment.objects.values("project").annotate(n=Count("id")).values_list("project", "n")
    )
    chosen = []
    for wanted in (max(sizes.values()), 25_000, 5_000, 500):
        pk = min(sizes, key=lambda pk, w=wanted: abs(sizes[pk] - w))
        if pk not in chosen:
            chosen.append(pk)
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench-manager"))
    with open("/proc/loadavg") as load:
        print(f"\n{connection.vendor}, {len(sizes):,} projects, load {load.read().split()[0]}")
    print("\n| project enrolments | goals, raw rows ms | goals, fact table ms | "
          "refresh ms | dashboard after a write ms | its first figures_state ms |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    for pk in chosen:
        project = Project.objects.get(pk=pk)
        facts.ensure(project.counted_project_ids())
        raw = [r.to_dict() for r in evaluate(project, facts=False)]
        fast = [r.to_dict() for r in evaluate(project, facts=True)]
        assert raw == fast, f"project {pk}: the fact table and the raw rows disagree"
        raw_ms = timed(lambda p=project: evaluate(p, facts=False), max(1, args.runs // 2))
        fact_ms = timed(lambda p=project: evaluate(p, facts=True), args.runs)
        refresh_ms = timed(lambda p=project: summaries.refresh(p), args.runs)
        page_ms, state_ms = page_after_write(project, client, args.runs)
        print(f"| {sizes[pk]:,} | {raw_ms:.0f} | {fact_ms:.0f} | {refresh_ms:.0f} | "
              f"{page_ms:.0f} | {state_ms:.0f} |")  # fmt: skip

    largest = Project.objects.get(pk=chosen[0])
    kept, without = write_cost(largest, 200)
    print(f"\nWrite path, an enrolment saved in a project of {sizes[largest.pk]:,}: "
          f"{kept:.2f} ms per row with the fact rows kept, {without:.2f} ms without "
          f"(+{kept - without:.2f} ms)")  # fmt: skip

    if args.all:
        started = time.perf_counter()
        with transaction.atomic():
            facts.rebuild()
        print(f"Fact table of every project rebuilt in one statement: "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        started = time.perf_counter()
        for project in Project.objects.order_by("pk"):
            summaries.refresh(project)
        print(f"Every project's refresh in turn ({len(sizes):,}): "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()

"""Recompute the stored dashboard figures (goals.summaries) of stale projects, or all.

--jobs N recomputes them in N processes (on PostgreSQL; SQLite takes one writer at a time, so
there the command stays in one): each project's refresh is its own transaction and reads only
its own project, so the processes share nothing but the database. The projects that took
longest last time go first, so that no large one is left running alone at the end."""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from core.models import Project
from goals import summaries
from goals.engine import current_versions
from goals.models import ProjectSummary


def refresh(pk: int) -> None:
    summaries.refresh(Project.objects.get(pk=pk))


class Command(BaseCommand):
    help = "Recompute the goal summaries of every stale project (--all: of every project)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recompute every project")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="processes to recompute in (PostgreSQL; the server's cores, say)",
        )

    def handle(self, *args, **options):
        jobs = options["jobs"]
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        if jobs > 1 and connection.vendor == "sqlite":
            self.stderr.write("SQLite takes one writer at a time: recomputing in one process.")
            jobs = 1
        started = time.perf_counter()
        stored = {s.project_id: s for s in ProjectSummary.objects.all()}
        due = []
        for project in Project.objects.order_by("pk"):
            summary = stored.get(project.pk)
            versions = [v.pk for v in current_versions(project)]
            if options["all"] or not summaries.is_fresh(summary, versions):
                due.append(project.pk)
        if jobs == 1:
            for pk in due:
                refresh(pk)
        else:
            last = {pk: s.seconds for pk, s in stored.items()}
            due.sort(key=lambda pk: -last.get(pk, 0))
            # A forked process must not use its parent's connection: each opens its own.
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                for _ in pool.map(refresh, due):
                    pass
        self.stdout.write(
            f"{len(due)} project summaries recomputed in {time.perf_counter() - started:.1f} s"
        )

"""Recompute the stored dashboard figures (goals.summaries) of stale projects, or all.

--jobs N recomputes them in N processes (on PostgreSQL; SQLite takes one writer at a time, so
there the command stays in one, as it does inside a caller's transaction): each project's
refresh is its own transaction and reads only its own project, so the processes share nothing
but the database. The projects that took longest last time (and those never computed) go
first, so that no large one is left running alone at the end. A project whose refresh fails is
named, the others are still recomputed, and the command then fails."""

import multiprocessing
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from core.models import Project
from goals import summaries
from goals.engine import current_versions_of
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
        if jobs > 1 and connection.in_atomic_block:
            # Other processes would not see what this transaction wrote, and closing its
            # connection (below) would end it.
            self.stderr.write("Inside a transaction: recomputing in one process.")
            jobs = 1
        started = time.perf_counter()
        # Without the stored figures and plans: only whether each is fresh, and its time.
        stored = {s.project_id: s for s in ProjectSummary.objects.defer("dashboard", "disclosure")}
        projects = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        if options["all"]:
            due = projects
        else:
            versions = current_versions_of()  # of every project
            due = [
                pk
                for pk in projects
                if not summaries.is_fresh(stored.get(pk), [v.pk for v in versions.get(pk, [])])
            ]
        if jobs == 1 or len(due) < 2:
            for pk in due:
                refresh(pk)
        else:
            self._in_processes(due, stored, min(jobs, len(due)))
        self.stdout.write(
            f"{len(due)} project summaries recomputed in {time.perf_counter() - started:.1f} s"
        )

    def _in_processes(self, due: list[int], stored: dict, jobs: int) -> None:
        never = float("inf")  # not computed yet: its size unknown, so among the first
        last = {pk: summary.seconds or never for pk, summary in stored.items()}
        due = sorted(due, key=lambda pk: -last.get(pk, never))
        # Forked processes (they start with this one's state, and take the next project from
        # a shared counter). Not a process pool: its threads deliver the work, and a fork of a
        # process with other threads (a test server, say) can wait for them forever. A forked
        # process must not use its parent's connection: each opens its own.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        taken = context.Value("i", 0)
        workers = []
        for _ in range(jobs):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(due, taken, sending))
            process.start()
            sending.close()
            workers.append((process, receiving))
        done: set[int] = set()
        failed: dict[int, str] = {}
        for process, receiving in workers:
            try:
                finished, errors = receiving.recv()
                done.update(finished)
                failed.update(errors)
            except EOFError:
                pass  # the process ended without a report: its projects are counted below
            process.join()
        for pk in set(due) - done - set(failed):
            failed[pk] = "its process ended before it was recomputed"
        for pk in sorted(failed):
            self.stderr.write(f"project {pk}: {failed[pk]}")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(due)} project summaries failed: projects "
                + ", ".join(map(str, sorted(failed)))
            )


def _work(due: list[int], taken, report) -> None:
    """In a forked process: the next project not yet taken, until there is none; then the
    projects recomputed and the reasons of those that failed, sent to the parent."""
    # The parent closed its connections before forking; should one have stayed open (another
    # alias inside a transaction, say), forget it here without closing it: closing would end
    # the parent's session, and using it would mix two processes' statements on one socket.
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None
    finished, errors = [], {}
    try:
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value += 1
            if index >= len(due):
                break
            try:
                refresh(due[index])
                finished.append(due[index])
            except Exception as error:  # named in the parent; the others are still recomputed
                errors[due[index]] = f"{type(error).__name__}: {error}"
    finally:
        connections.close_all()
        report.send((finished, errors))

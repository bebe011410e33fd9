"""Recompute the stored dashboard figures (goals.summaries) of stale projects, or all."""

import time

from django.core.management.base import BaseCommand

from core.models import Project
from goals import summaries
from goals.engine import current_versions
from goals.models import ProjectSummary


class Command(BaseCommand):
    help = "Recompute the goal summaries of every stale project (--all: of every project)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recompute every project")

    def handle(self, *args, **options):
        started = time.perf_counter()
        stored = {s.project_id: s for s in ProjectSummary.objects.all()}
        done = 0
        for project in Project.objects.order_by("pk"):
            summary = stored.get(project.pk)
            versions = [v.pk for v in current_versions(project)]
            if options["all"] or not summaries.is_fresh(summary, versions):
                summaries.refresh(project)
                done += 1
        self.stdout.write(
            f"{done} project summaries recomputed in {time.perf_counter() - started:.1f} s"
        )

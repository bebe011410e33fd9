"""How long the PDF of a status report takes for the largest project (issue 13: under 10 s).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench
    .venv/bin/python bench/national.py generate --scale 1      # once (bench/national.py)
    .venv/bin/python bench/status_report.py --runs 3

    DATABASE_URL=sqlite:///demo.sqlite3 FOLJSAM_TODAY=2015-06-22 \\
        .venv/bin/python bench/status_report.py --runs 3

Times the work of the PDF job (reports.status.make_pdf: the figures of the period collected and
the PDF compiled and stored) for the project with the most enrolments — every calendar year of
the project, its last full quarter and the whole project so far — as the median of `--runs`
after one warm-up run, and apart its two halves (the figures, `document`; the PDF,
`compile_pdf`). The project's stored summary is brought up to date first and timed on its own
line: it is the nightly refresh's work (goals.summaries), which the
dashboard needs as much as the report. The reports made here are drafts, deleted at the end.
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
os.environ.setdefault("FOLJSAM_TODAY", "2026-06-30")  # bench/national.py's today

import django  # noqa: E402

django.setup()


def timed(function, runs: int) -> tuple[float, object]:
    """Median seconds of `runs` runs after one warm-up run, and the last result."""
    result = function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from core.models import Membership, Project, Role
    from enrolments.models import Enrolment
    from goals import engine, summaries
    from goals.models import ProjectSummary
    from reports import status
    from reports.models import StatusReport

    sizes = dict(
        Enrolment.objects.values("project").annotate(n=Count("id")).values_list("project", "n")
    )
    project = Project.objects.get(pk=max(sizes, key=sizes.get))
    by = (
        Membership.objects.filter(project=project, role=Role.MANAGER).first()
        or Membership.objects.filter(role=Role.MANAGER).first()
    )
    user = by.user if by else User.objects.filter(is_superuser=True).first()
    print(
        f"\n{connection.vendor}: the largest project, {project.title} ({sizes[project.pk]:,} "
        f"enrolments, {len(engine.current_versions(project))} goals)\n"
    )
    started = time.perf_counter()
    summary = ProjectSummary.objects.filter(project=project).first()
    if not summaries.is_fresh(summary, [v.pk for v in engine.current_versions(project)]):
        summaries.refresh(project)
        seconds = time.perf_counter() - started
        print(f"summary refresh (the nightly work, not the PDF's): {seconds:.1f} s\n")

    choices = [value for value, _label in status.period_choices(project)]
    years = [v for v in choices if v.startswith("year:")]
    quarters = [v for v in choices if v.startswith("quarter:")]
    # Every calendar year, the last full quarter, and the whole project so far.
    periods = [*reversed(years), quarters[1] if len(quarters) > 1 else quarters[0], "project"]
    print("| period | PDF job (s) | figures (s) | typst PDF (s) | pages | PDF size (kB) |")
    print("|---|---:|---:|---:|---:|---:|")
    made = []
    try:
        for period in periods:
            report = status.create(
                project=project, by=user, period=period, language="sv", title=f"Bench {period}"
            )
            made.append(report.pk)
            job_s, report = timed(lambda r=report: status.make_pdf(r), args.runs)
            doc_s, doc = timed(lambda r=report: status.document(r), args.runs)
            pdf_s, content = timed(lambda d=doc: status.compile_pdf(d), args.runs)
            from io import BytesIO

            from pypdf import PdfReader

            pages = len(PdfReader(BytesIO(content)).pages)
            print(
                f"| {status.period_name(report)} | {job_s:.2f} | {doc_s:.2f} | {pdf_s:.2f} | "
                f"{pages} | {len(content) / 1024:.0f} |"
            )
    finally:
        StatusReport.objects.filter(pk__in=made).delete()


if __name__ == "__main__":
    main()

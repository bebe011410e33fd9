"""Time the survey work that grows with a project: making the invitations that fell due (the
daily round, a set query per questionnaire and occasion with bulk inserts, in the task queue)
and the response figures every Surveys and Goals page reads (one grouped query).

    DEBUG=1 .venv/bin/python bench/survey_round.py [--rows 100000]

Without DATABASE_URL a temporary SQLite file is used. The project of bench/export_rows.py
(`make_world`: N active enrolments started 2013-02-15), half of them exited 2014-03-01, and a
published questionnaire asked at entry and exit: 1.5 × N invitations.
"""

import argparse
import time

import setup_django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_django.setup()
    import datetime as dt

    from django.db import connection
    from export_rows import make_world

    from enrolments.models import Enrolment
    from surveys import distribution, tracking
    from tests.survey_fixtures import published_questionnaire

    project, _user, _membership = make_world(args.rows, tag="surveys")
    ids = list(Enrolment.objects.filter(project=project).values_list("pk", flat=True))
    Enrolment.objects.filter(pk__in=ids[: len(ids) // 2]).update(
        status="exited",
        exited_on=dt.date(2014, 3, 1),
        exit_reason="completed",
        exit_status="job_seeking",
    )
    questionnaire = published_questionnaire(
        project, keys=("job_chances", "network"), languages=("sv", "ar"), at_entry=True
    )
    questionnaire.published_at = dt.datetime(2013, 1, 1, tzinfo=dt.UTC)
    questionnaire.save(update_fields=["published_at"])
    print(f"{connection.vendor}: {args.rows:,} enrolments")
    print("| step | rows | s | CPU s |")
    print("|---|---:|---:|---:|")
    for label, run in [
        ("create_due (the daily round, first time)", lambda: distribution.create_due()),
        ("create_due (again: nothing new)", lambda: distribution.create_due()),
        ("response figures, a reader who sees people", lambda: tracking.figures(project, None)),
        ("response figures, aggregate reader (threshold 5)", lambda: tracking.figures(project, 5)),
    ]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        rows = result if isinstance(result, int) else sum(f.due for f in result[:-1] or result)
        print(
            f"| {label} | {rows:,} | {time.perf_counter() - wall:.2f} "
            f"| {time.process_time() - cpu:.2f} |"
        )


if __name__ == "__main__":
    main()

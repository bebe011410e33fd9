"""Time the streamed table export: the case list of a project with N enrolments, as the
manager downloads it (every row, in the page's order).

    DEBUG=1 .venv/bin/python bench/export_rows.py [--rows 1000000] [--xlsx-rows 200000]
        [--audit-rows 100000] [--view-rows 100000]

Without DATABASE_URL a temporary SQLite file is used (with it: an empty scratch database). The
rows are made in a few SQL statements (INSERT … SELECT over a recursive sequence, copying one
participant and one enrolment made by the ORM): N identified participants with a name and N
active enrolments with a case worker, a third of them with an open follow-up (the list's
"next follow-up due" is a subquery per row).

Measured, each on its own:

- **CSV**: core.export.csv_lines over the case list's own queryset and row function
  (enrolments.exports.case_list_rows: values_list + iterator): rows per second, and the
  process's peak memory (ru_maxrss) after the first tenth of the rows and at the end — the same
  peak at both points is memory that does not grow with the rows.
- **XLSX**: core.export.write_xlsx (openpyxl write-only) of the first `--xlsx-rows` rows into a
  temporary file.
- **Audit**: enrolments.exports.log_people_exported for `--audit-rows` people (one audit entry
  per person exported, in keyset chunks).
- **The view**: the case list's CSV download through Django's test client as the manager, with
  `--view-rows` enrolments in the project (its audit included).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))


def timed():
    """(wall, CPU) clocks: on a shared machine the CPU time of the process (SQLite runs in it)
    says more about the code than the wall clock does."""
    return time.perf_counter(), time.process_time()


def rates(rows, started) -> str:
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    return f"{rows:,} | {wall:.1f} | {rows / wall:,.0f} | {cpu:.1f} | {rows / cpu:,.0f}"


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def make_world(rows: int, tag: str = "big"):
    """A project, its manager, and `rows` participants with one active enrolment each."""
    import datetime as dt

    from django.db import connection

    from accounts.models import User
    from core.models import Membership, Organisation, Project, Role
    from enrolments.models import Enrolment, FollowUp, Status
    from participants.models import Participant

    owner = Organisation.objects.create(
        name=f"Bench kommun {tag}", kind=Organisation.Kind.MUNICIPALITY
    )
    project = Project.objects.create(
        title=f"Bench {tag}",
        owner=owner,
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=dt.date(2012, 1, 1),
        ends_on=dt.date(2016, 12, 31),
        follow_up_days=[90],
    )
    user = User.objects.create_user(
        f"bench-{tag}", password="x", first_name="Berit", last_name="Bench"
    )
    membership = Membership.objects.create(
        user=user, organisation=owner, project=project, role=Role.MANAGER
    )
    template = Participant.objects.create(
        given_name="Mall", family_name="Bench", birth_year=1980, identity_hash=tag.ljust(64, "0")
    )
    enrolment = Enrolment.objects.create(
        participant=template,
        project=project,
        status=Status.ACTIVE,
        referred_on=dt.date(2013, 2, 1),
        started_on=dt.date(2013, 2, 15),
        case_worker=user,
    )
    p_table, e_table = Participant._meta.db_table, Enrolment._meta.db_table
    f_table = FollowUp._meta.db_table
    p_cols = [f.column for f in Participant._meta.local_concrete_fields if f.column != "id"]
    e_cols = [f.column for f in Enrolment._meta.local_concrete_fields if f.column != "id"]
    f_cols = [f.column for f in FollowUp._meta.local_concrete_fields if f.column != "id"]
    sequence = "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %s) "
    p_values = {
        "given_name": "'Person' || seq.i",
        "identity_hash": f"'{tag}' || printf('%%0{64 - len(tag)}d', seq.i)",
        "birth_year": "1950 + seq.i %% 50",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {p_table} ({', '.join(p_cols)}) "
            f"{sequence}SELECT {', '.join(p_values.get(c, c) for c in p_cols)} "
            f"FROM {p_table}, seq WHERE {p_table}.id = %s",
            [rows - 1, template.pk],
        )
        e_values = {
            "participant_id": f"{template.pk} + seq.i",
            "referred_on": "date('2013-02-01', '+' || (seq.i %% 300) || ' days')",
            "started_on": "date('2013-02-01', '+' || (seq.i %% 300 + 5) || ' days')",
        }
        cursor.execute(
            f"INSERT INTO {e_table} ({', '.join(e_cols)}) "
            f"{sequence}SELECT {', '.join(e_values.get(c, c) for c in e_cols)} "
            f"FROM {e_table}, seq WHERE {e_table}.id = %s",
            [rows - 1, enrolment.pk],
        )
        follow_up = FollowUp.objects.create(enrolment=enrolment, day=90, due_on=dt.date(2013, 9, 1))
        f_values = {
            "enrolment_id": f"{enrolment.pk} + seq.i * 3",
            "due_on": "date('2013-09-01', '+' || (seq.i %% 300) || ' days')",
        }
        cursor.execute(
            f"INSERT INTO {f_table} ({', '.join(f_cols)}) "
            f"{sequence}SELECT {', '.join(f_values.get(c, c) for c in f_cols)} "
            f"FROM {f_table}, seq WHERE {f_table}.id = %s",
            [max(rows // 3 - 1, 1), follow_up.pk],
        )
    assert Enrolment.objects.filter(project=project).count() == rows
    return project, user, membership


def case_list_queryset(membership):
    """The case list's queryset as the view builds it for "everyone I may see", sorted by name."""
    from django.db.models import F

    from enrolments import exports
    from enrolments.models import Enrolment

    order = [F("participant__is_anonymous"), F("participant__family_name"),
             F("participant__given_name"), F("pk")]  # fmt: skip
    return (
        Enrolment.objects.visible_to(membership)
        .annotate(next_follow_up_on=exports.next_follow_up_due())
        .order_by(*order)
    )


def csv_bench(membership, rows: int):
    from django.utils import translation

    from core import export
    from enrolments import exports

    with translation.override("sv"):
        columns = exports.case_list_columns()
        written, size, tenth, at_tenth = 0, 0, max(rows // 10, 1), None
        start_rss = maxrss_mb()
        started = timed()
        for chunk in export.csv_lines(
            columns, exports.case_list_rows(case_list_queryset(membership))
        ):
            size += len(chunk)
            written += chunk.count(b"\n")
            if at_tenth is None and written >= tenth:
                at_tenth = maxrss_mb()
    print(
        f"| CSV (Swedish) | {rates(written - 1, started)} | "
        f"{start_rss:.0f} / {at_tenth:.0f} / {maxrss_mb():.0f} | {size / 1e6:.0f} MB |"
    )


def xlsx_bench(membership, rows: int):
    import itertools

    from django.utils import translation

    from core import export
    from enrolments import exports

    with translation.override("sv"), tempfile.TemporaryFile() as handle:
        columns = exports.case_list_columns()
        source = itertools.islice(exports.case_list_rows(case_list_queryset(membership)), rows)
        start_rss = maxrss_mb()
        started = timed()
        written = export.write_xlsx(handle, [("Deltagare", columns, source)])
        size = handle.tell()
    print(
        f"| XLSX (write-only) | {rates(written, started)} | "
        f"{start_rss:.0f} / – / {maxrss_mb():.0f} | {size / 1e6:.0f} MB |"
    )


def audit_bench(membership, user, rows: int):
    from types import SimpleNamespace

    from enrolments import exports
    from enrolments.models import Enrolment

    request = SimpleNamespace(user=user, project=membership.project)
    enrolments = Enrolment.objects.visible_to(membership)
    last = enrolments.order_by("pk").values_list("pk", flat=True)[rows - 1]
    queryset = enrolments.filter(pk__lte=last)
    started = timed()
    logged = exports.log_people_exported(request, queryset, "participant_id", "bench export")
    print(f"| audit, one entry per person | {rates(logged, started)} | | |")


def view_bench(user, project, rows: int):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    path = reverse("enrolments:case_list", kwargs={"project_id": project.pk})
    started = timed()
    response = client.get(path + "?scope=all&format=csv")
    size = 0
    written = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        written += chunk.count(b"\n")
    print(f"| the view (audit + CSV) | {rates(written - 1, started)} | | {size / 1e6:.0f} MB |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--audit-rows", type=int, default=100_000)
    parser.add_argument("--view-rows", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("FOLJSAM_TODAY", "2015-06-22")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    project, user, membership = make_world(args.rows)
    made = time.perf_counter() - started
    print(f"{connection.vendor}: {args.rows:,} enrolments made in {made:.0f} s")
    print(
        "| export | rows | s | rows/s | CPU s | rows per CPU s "
        "| peak memory MB (start / after 10 % / end) | size |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    csv_bench(membership, args.rows)
    if args.xlsx_rows:
        xlsx_bench(membership, args.xlsx_rows)
    if args.audit_rows:
        audit_bench(membership, user, args.audit_rows)
    if args.view_rows:
        small, small_user, _membership = make_small(args.view_rows)
        view_bench(small_user, small, args.view_rows)


def make_small(rows):
    """A second project for the view, of `rows` enrolments (its audit is what the view adds)."""
    return make_world(rows, tag="view")


if __name__ == "__main__":
    main()

"""Time the spreadsheet import: a generated file of N rows, checked and written.

    DEBUG=1 .venv/bin/python bench/import_rows.py [--rows 100000] [--format csv|xlsx]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import DEBUG=1 \
        .venv/bin/python bench/import_rows.py

Without DATABASE_URL a temporary SQLite file is used; with it, the database must be an empty
scratch database (the script migrates it and creates a project). The file has 80 % identified
people (unique numbers in the test series) and 20 % anonymous rows with an external id; every
fifth row has an exit, a recorded follow-up and hours in an intervention. Prints rows per second
for the check (dry run), the write (one transaction, bulk queries) and a second import of the
same file (everything matched, nothing written).

    DEBUG=1 .venv/bin/python bench/import_rows.py --rows 20000 --lock

--lock measures instead how long the import holds the write transaction (on SQLite: the
database's one write lock): as it was before issue 12 (the check and the write inside the
transaction) and as imports.services.import_upload() does it now (check and prepare outside,
then the fingerprint comparison and the prepared INSERTs inside), each on a fresh project.
"""

import argparse
import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))


def identity_numbers(count, day=dt.date(1950, 1, 1)):
    from core.validators import luhn_check_digit

    made = 0
    while made < count:
        for serial in range(980, 1000):  # the test series
            ten = f"{day:%y%m%d}{serial:03d}"
            yield f"{day:%Y%m%d}{serial:03d}{luhn_check_digit(ten)}"
            made += 1
            if made == count:
                return
        day += dt.timedelta(days=1)


def generate(rows: int, first_birthday=dt.date(1950, 1, 1)) -> list[dict]:
    identified = rows * 4 // 5
    numbers = identity_numbers(identified, first_birthday)
    out = []
    for i in range(rows):
        row = {
            "Kön": "Kvinna" if i % 2 else "Man",
            "Födelseregion": "sweden" if i % 3 else "outside_europe",
            "Utbildningsnivå": "upper_secondary",
            "Målgrupper": "ltu",
            "Område": "Herrgården",
            "Anvisningsdatum": "2012-02-01",
            "Startdatum": "2012-02-15",
            "Försörjning vid start": "social_assistance",
            "Arbetsmarknadsstatus vid start": "long_term_unemployed",
        }
        if i < identified:
            row.update(
                {
                    "Personnummer": next(numbers),
                    "Förnamn": f"Person{i}",
                    "Efternamn": "Bench",
                    "Samtycke datum": "2012-02-01",
                }
            )
        else:
            row.update({"Externt id": f"anon-{i}", "Födelseår": str(1960 + i % 40)})
        if i % 5 == 0:
            row.update(
                {
                    "Avslutsdatum": "2013-01-31",
                    "Avslutsorsak": "completed",
                    "Status vid avslut": "employed_full_time",
                    "Försörjning vid avslut": "salary",
                    "Uppföljning 1 dag": "90",
                    "Uppföljning 1 datum": "2013-05-01",
                    "Uppföljning 1 status": "employed_full_time",
                    "Uppföljning 1 källa": "register",
                    "Insats 1": "Praktik",
                    "Insats 1 timmar": "40",
                }
            )
        out.append(row)
    return out


HEADERS = [
    "Externt id",
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Kön",
    "Födelseår",
    "Födelseregion",
    "Utbildningsnivå",
    "Samtycke datum",
    "Målgrupper",
    "Område",
    "Anvisningsdatum",
    "Startdatum",
    "Arbetsmarknadsstatus vid start",
    "Försörjning vid start",
    "Avslutsdatum",
    "Avslutsorsak",
    "Status vid avslut",
    "Försörjning vid avslut",
    "Uppföljning 1 dag",
    "Uppföljning 1 datum",
    "Uppföljning 1 status",
    "Uppföljning 1 källa",
    "Insats 1",
    "Insats 1 timmar",
]


def to_bytes(rows, fmt):
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADERS)
        for row in rows:
            sheet.append([row.get(h, "") for h in HEADERS])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--lock", action="store_true", help="time the write transaction")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("FOLJSAM_TODAY", "2015-06-22")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)

    def make_project(title="Bench"):
        return _project(title)

    if args.lock:
        return lock_bench(args, make_project, connection, transaction)
    project, user = make_project()
    rows = generate(args.rows)
    content = to_bytes(rows, args.format)
    return speed_bench(args, project, user, content, connection, transaction)


def _project(title):
    from accounts.models import User
    from core.models import Area, Membership, Municipality, Organisation, Project, Role, TargetGroup
    from interventions.models import Intervention, InterventionCategory

    owner = Organisation.objects.create(name=f"{title} kommun", kind=Organisation.Kind.MUNICIPALITY)
    project = Project.objects.create(
        title=title,
        owner=owner,
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=dt.date(2012, 1, 1),
        ends_on=dt.date(2014, 12, 31),
        follow_up_days=[90],
    )
    TargetGroup.objects.create(project=project, code="ltu", name="Långtidsarbetslösa")
    area, _new = Area.objects.get_or_create(
        name="Herrgården", municipality=Municipality.objects.get(name="Malmö")
    )
    project.areas.add(area)
    user = User.objects.create_user(f"bench-{title}", password="x")
    Membership.objects.create(user=user, organisation=owner, project=project, role=Role.MANAGER)
    Intervention.objects.create(
        project=project,
        name="Praktik",
        provider=owner,
        category=InterventionCategory.objects.first(),
    )
    return project, user


def lock_bench(args, make_project, connection, transaction):
    """How long the write transaction lasts: before (check and write inside) and now."""
    from imports.services import prepare_write
    from imports.validation import check, fingerprint

    content = to_bytes(generate(args.rows), args.format)
    # The second project's people are others (the first file's would be found, not created).
    other = to_bytes(generate(args.rows, dt.date(1985, 1, 1)), args.format)
    name = f"bench.{args.format}"
    print(f"{connection.vendor}: {args.rows} rows, {args.format}, {len(content) / 1e6:.1f} MB")
    print("| import | write transaction s | outside the transaction s |")
    print("|---|---:|---:|")
    project, user = make_project("Before")
    started = time.perf_counter()
    with transaction.atomic():
        plan = check(content, filename=name, project=project, user=user)
        prepare_write(plan, project=project, by=user).execute()
    before = time.perf_counter() - started
    print(f"| before: check and write in the transaction | {before:.2f} | 0 |")
    project, user = make_project("Now")
    started = time.perf_counter()
    plan = check(other, filename=name, project=project, user=user)
    prepared = prepare_write(plan, project=project, by=user)
    outside = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        assert fingerprint(project, plan.hashes, plan.keys) == plan.fingerprint
        prepared.execute()
    held = time.perf_counter() - started
    print(f"| now: check and prepare outside, one short write | {held:.2f} | {outside:.2f} |")


def speed_bench(args, project, user, content, connection, transaction):
    from enrolments.models import Enrolment
    from imports.services import write_rows
    from imports.validation import check

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{connection.vendor}: {args.rows} rows, {args.format}, {len(content) / 1e6:.1f} MB")

    cpu = time.process_time()
    started = time.perf_counter()
    plan = check(content, filename=f"bench.{args.format}", project=project, user=user)
    checked = time.perf_counter() - started
    checked_cpu = time.process_time() - cpu
    cpu = time.process_time()
    assert not plan.rejected, plan.errors()[:5]
    started = time.perf_counter()
    with transaction.atomic():
        write_rows(plan, project=project, by=user)
    written = time.perf_counter() - started
    written_cpu = time.process_time() - cpu
    cpu = time.process_time()
    assert Enrolment.objects.filter(project=project).count() == args.rows
    started = time.perf_counter()
    again = check(content, filename=f"bench.{args.format}", project=project, user=user)
    with transaction.atomic():
        write_rows(again, project=project, by=user)
    second = time.perf_counter() - started
    second_cpu = time.process_time() - cpu
    assert again.counts()["unchanged_enrolments"] == args.rows

    n = args.rows
    print(f"load average before the run: {load}")
    print("| step | seconds | rows/s | Python CPU seconds |")
    print("|---|---:|---:|---:|")
    for name, wall, cpu_s in (
        ("check (dry run)", checked, checked_cpu),
        ("write (one transaction)", written, written_cpu),
        ("check + write together", checked + written, checked_cpu + written_cpu),
        ("the same file again (nothing written)", second, second_cpu),
    ):
        print(f"| {name} | {wall:.1f} | {n / wall:,.0f} | {cpu_s:.1f} |")


if __name__ == "__main__":
    main()

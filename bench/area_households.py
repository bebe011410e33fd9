"""Time the area programme's household figures as the number of households grows: the Areas
page's figures (by area and by quarter, grouped queries on the one rule of
enrolments/households.py) for a reader who sees people and for an aggregate reader (through
core.disclosure.suppress), and the first page of the household list.

    DEBUG=1 .venv/bin/python bench/area_households.py [--households 20000]

Without DATABASE_URL a temporary SQLite file is used. A programme with five area parts; the
households spread over them, one or two adult members each, every member enrolled in the part;
about 40 % of the households' members exited with a salary (self-sufficient), the rest active.
"""

import argparse
import time

import setup_django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    args = parser.parse_args()
    setup_django.setup()
    import datetime as dt
    import random

    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from areas import figures
    from core.models import Area, Membership, Municipality, Organisation, Project, Role
    from enrolments.models import Enrolment, Status
    from participants.models import Household, Participant

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(15)
    owner = Organisation.objects.create(name="Bench stad", kind=Organisation.Kind.MUNICIPALITY)
    malmo = Municipality.objects.get(name="Malmö")
    period = {"starts_on": dt.date(2010, 1, 1), "ends_on": dt.date(2015, 12, 31)}
    programme = Project.objects.create(
        title="Bench områdesprogram", owner=owner, kind="programme", phase="implementation",
        **period,
    )  # fmt: skip
    parts = []
    for i in range(5):
        part = Project.objects.create(
            title=f"Bench del {i}", owner=owner, kind="area_part", parent=programme,
            phase="implementation", **period,
        )  # fmt: skip
        area = Area.objects.create(name=f"Benchområde {i}", municipality=malmo)
        part.areas.add(area)
        programme.areas.add(area)
        parts.append((part, area))
    user = User.objects.create_user("bench-areas", password="x")
    Membership.objects.create(user=user, organisation=owner, project=programme, role=Role.MANAGER)
    with transaction.atomic():
        households = Household.objects.bulk_create(
            Household(
                project=parts[i % 5][0],
                reference=f"B-{i:06d}",
                area=parts[i % 5][1],
                adults=rng.choice([1, 2]),
                long_term_social_assistance=True,
                contacted_on=dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(700)),
            )
            for i in range(args.households)
        )
        people = Participant.objects.bulk_create(
            Participant(
                gender=rng.choice(["woman", "man"]), birth_year=1980, household=h, is_anonymous=True
            )
            for h in households
            for _ in range(h.adults)
        )
        enrolments = []
        for person in people:
            done = person.household.pk % 5 < 2  # two households in five self-sufficient
            enrolments.append(
                Enrolment(
                    participant=person,
                    project_id=person.household.project_id,
                    referred_on=person.household.contacted_on,
                    started_on=person.household.contacted_on,
                    status=Status.EXITED if done else Status.ACTIVE,
                    exited_on=person.household.contacted_on + dt.timedelta(days=300)
                    if done
                    else None,
                    exit_reason="completed" if done else "",
                    exit_status="employed_full_time" if done else "",
                    exit_income_source="salary" if done else "",
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    if connection.vendor == "postgresql":
        # As autovacuum would after a load: without statistics the planner takes the freshly
        # filled tables for empty and runs the date's subquery over every exit (minutes).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    households_url = reverse("areas:households", args=[programme.pk])
    index_url = reverse("areas:index", args=[programme.pk])
    print(f"{connection.vendor}: {args.households:,} households, {len(people):,} members")
    print("| what | s (median of 5) |")
    print("|---|---:|")
    for label, run in [
        ("household figures, a reader who sees people",
         lambda: figures.household_figures(programme)),
        ("household figures, aggregate reader (threshold 5)",
         lambda: figures.household_figures(programme, 5)),
        ("the Areas page (GET, whole response)", lambda: client.get(index_url)),
        ("the household list, first page (GET)", lambda: client.get(households_url)),
    ]:  # fmt: skip
        times = []
        for _ in range(5):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        print(f"| {label} | {sorted(times)[2]:.3f} |")


if __name__ == "__main__":
    main()

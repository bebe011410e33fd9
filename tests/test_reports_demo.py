"""The demo's reports as their users get them.

The status report of "Integration genom arbete" for 2011, downloaded by the steering group: every
figure in it is the steering group's dashboard's and quarters page's.

The ESF indicator file of the demo agrees with the demo's own export and with a count over its
enrolments made another way (database queries, not esf/facts.py).

"Integration genom arbete" (ESF 2007–2013, follow-ups at 90 and 180 days): the XLSX its
project manager downloads is read with openpyxl; its participants entering each year equal the
rows of the case-list export (XLSX) started that year, and every figure equals a count of
Enrolment rows with the ORM. `load_demo` runs once for the module in a transaction that is
rolled back at the end."""

import datetime as dt
import io

import pytest
from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import translation

from core.models import Membership, Project, Role
from enrolments.models import Enrolment

from .demo_data import DEMO_TODAY, demo, demo_clock  # noqa: F401 - the module's demo data

pytestmark = pytest.mark.django_db
TITLE = "Integration genom arbete"


def manager_client(client, project):
    membership = Membership.objects.filter(project=project, role=Role.MANAGER).first()
    client.force_login(membership.user)
    return client


def sheet_rows(response, sheet=0):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[sheet].iter_rows(values_only=True))


def esf_file(client, project, period):
    with translation.override("en"):
        path = reverse("esf:indicators", args=[project.pk])
    rows = sheet_rows(client.get(f"{path}?format=xlsx&period={period}"))
    assert rows[0][:5] == ("Code", "Indicator", "Women", "Men", "Total")
    return {row[0]: row[2:5] for row in rows[1:]}


def case_list_started(client, project) -> list[dt.date]:
    with translation.override("en"):
        path = reverse("enrolments:case_list", args=[project.pk])
    rows = sheet_rows(client.get(f"{path}?format=xlsx&scope=all"))
    column = rows[0].index("Started on")
    return [row[column].date() for row in rows[1:] if row[column] is not None]


def by_gender(queryset) -> tuple[int, int, int]:
    women = queryset.filter(participant__gender="woman").count()
    men = queryset.filter(participant__gender="man").count()
    return women, men, queryset.count()


def orm_counts(project, year) -> dict[str, tuple[int, int, int]]:
    """The 2007–2013 figures counted with the ORM, from the definitions in
    docs/esf-indicators.md."""
    started = Enrolment.objects.filter(project=project, started_on__isnull=False)
    if year:
        started = started.filter(started_on__year=year)
    left = Enrolment.objects.filter(project=project, exited_on__isnull=False)
    if year:
        left = left.filter(exited_on__year=year)
    unemployed = Q(
        labour_market_status__in=[
            "unemployed", "long_term_unemployed", "in_programme", "newly_arrived"
        ]
    )  # fmt: skip
    started = started.annotate(age=ExtractYear("started_on") - F("participant__birth_year"))
    in_work = ["employed_full_time", "employed_part_time", "subsidised_full_time",
               "subsidised_part_time", "self_employed"]  # fmt: skip
    today = dt.date.fromisoformat(DEMO_TODAY)
    six = left.filter(
        follow_ups__day=180,
        follow_ups__due_on__lte=today,
        follow_ups__reached=True,
        follow_ups__status__in=in_work,
    )
    return {
        "ENT": by_gender(started),
        "LAB-EMP": by_gender(started.filter(labour_market_status="employed_part_time")),
        "LAB-UNE": by_gender(started.filter(unemployed)),
        "LAB-UNE-LT": by_gender(
            started.filter(
                Q(labour_market_status="long_term_unemployed")
                | (unemployed & Q(months_without_work__gte=12))
                | (unemployed & Q(age__lt=25, months_without_work__gte=6))
            )
        ),
        "LAB-INA": by_gender(
            started.filter(labour_market_status__in=["inactive", "sick_leave", "studying"])
        ),
        "AGE-15-24": by_gender(started.filter(age__gte=15, age__lte=24)),
        "AGE-55-64": by_gender(started.filter(age__gte=55, age__lte=64)),
        "VUL-MIG": by_gender(
            started.exclude(participant__region_of_birth__in=["sweden", "unknown"])
        ),
        "VUL-DIS": by_gender(started.filter(participant__disability=True)),
        "EDU-1-2": by_gender(
            started.filter(participant__education_level__in=["primary_short", "primary"])
        ),
        "EDU-3": by_gender(started.filter(participant__education_level="upper_secondary")),
        "EDU-5-6": by_gender(
            started.filter(
                participant__education_level__in=["post_secondary_short", "post_secondary_long"]
            )
        ),
        "LEA": by_gender(left),
        "RES-WORK-STUDY": by_gender(left.filter(exit_status__in=[*in_work, "studies"])),
        "RES-WORK-6M": by_gender(six),
    }


@pytest.mark.parametrize("period", ["project", "2010", "2011", "2012"])
def test_the_demo_file_agrees_with_the_case_list_export_and_a_count_over_the_rows(client, period):
    project = Project.objects.get(title=TITLE)
    client = manager_client(client, project)
    figures = esf_file(client, project, period)
    year = None if period == "project" else int(period)
    started = [d for d in case_list_started(client, project) if year is None or d.year == year]
    assert figures["ENT"][2] == len(started) > 0
    for code, expected in orm_counts(project, year).items():
        assert figures[code] == expected, (period, code)
        assert all(isinstance(value, int) for value in figures[code])


# --- the status report ------------------------------------------------------------------------


def test_the_steering_group_downloads_the_2011_report_and_its_figures_are_the_dashboards(client):
    import re

    from django.contrib.auth import get_user_model

    from core.policy import disclosure_for
    from goals import summaries
    from reports.comparison import quarter_comparison
    from reports.models import StatusReport

    project = Project.objects.get(title=TITLE)
    steering = Membership.objects.get(project=project, user__username="steering")
    client.force_login(get_user_model().objects.get(username="steering"))
    listing = client.get(reverse("status_reports:list", args=[project.pk])).content.decode()
    report = StatusReport.objects.get(project=project, title__startswith="Lägesrapport 2011")
    assert report.is_issued and "Lägesrapport 2012" not in listing  # a draft is not theirs
    download = reverse("status_reports:download", args=[project.pk, report.pk])
    assert download in listing
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(report.pdf)
    doc = report.figures
    assert (report.period_start, report.period_end) == (dt.date(2011, 1, 1), dt.date(2011, 12, 31))

    # The goals as the steering group's dashboard shows them.
    threshold = disclosure_for(steering)
    assert doc["threshold"] == threshold == 5
    dashboard = summaries.read(project, threshold=threshold)
    by_key = {r.key: r for r in dashboard.results}
    assert [g["key"] for g in doc["goals"]] == list(by_key)
    for goal in doc["goals"]:
        result = by_key[goal["key"]]
        assert goal["suppressed"] == bool(result.suppressed), goal["key"]
        if not result.suppressed:
            assert (goal["numerator"], goal["denominator"]) == (
                result.numerator,
                result.denominator,
            )
            assert goal["value"] == pytest.approx(result.value * 100)

    # The year's quarters as the steering group's quarters page shows them.
    with translation.override("sv"):
        page = quarter_comparison(project, steering)
    expected = {}
    for goal in page["goals"]:
        for row in goal["rows"]:
            if row["label"].startswith("2011") and not row["outside"]:
                expected[goal["key"], row["label"]] = (row["result"]["suppressed"],
                                                       row["result"]["value"])  # fmt: skip
    got = {}
    for goal in doc["period_goals"]:
        for row in goal["rows"]:
            label = re.search(r"2011 (Q|kv\. )\d", row["label"])  # the report is in Swedish
            if label:
                got[goal["key"], label.group(0)] = (row["suppressed"], row["value"])
    assert expected and got.keys() == expected.keys()
    for key, (suppressed, value) in expected.items():
        assert got[key][0] == suppressed, key
        assert got[key][1] == (None if value is None else pytest.approx(value)), key

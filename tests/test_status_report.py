"""Status reports: the figures in the PDF are the dashboard's for the same period and reader;
an issued report never changes; bad input (Arabic and Somali text, a long title with quotation
marks and typst markup, no goals, a period without data) still gives a right PDF; a failed PDF
job says why and can be retried; who may see, download, write and issue."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from core import clock
from core.models import LogEntry, Role
from core.policy import disclosure_for
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services as goal_services
from goals import summaries
from jobs.models import Job
from jobs.services import retry_job
from reports import status
from reports.comparison import quarter_comparison
from reports.models import IssuedReportError, StatusReport

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 6, 1)
ARABIC = "المشروع يسير بشكل جيد هذا العام"
SOMALI = "Mashruucu si fiican ayuu u socdaa sannadkan"


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = 5


def completer(project, started_on, exited_on, gender, work):
    enrolment = EnrolmentFactory(
        project=project,
        participant=AnonymousParticipantFactory(gender=gender),
        status=Status.EXITED,
        referred_on=started_on,
        started_on=started_on,
        exited_on=exited_on,
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
    )
    due = exited_on + dt.timedelta(days=90)
    FollowUp.objects.create(
        enrolment=enrolment,
        day=90,
        due_on=due,
        reached=True,
        status=OutcomeStatus.EMPLOYED_FULL_TIME if work else OutcomeStatus.JOB_SEEKING,
        source="register",
        recorded_on=due,
    )
    return enrolment


@pytest.fixture
def world():
    """A project with every role and two goals with periods. Started and exited in 2009 Q1:
    20 (12 in work at day 90), Q2: 6 (3 in work), Q3: 3 (2 in work; a small quarter, hidden
    from the steering group)."""
    project = ProjectFactory(title="Integration genom arbete", follow_up_days=[90])
    members = {
        role: MembershipFactory(project=project, role=role, user__username=role)
        for role in (Role.MANAGER, Role.CASE_WORKER, Role.EVALUATOR, Role.STEERING, Role.PROVIDER)
    }
    manager = members[Role.MANAGER].user
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.45},
        by=manager,
    )
    goal_services.create_goal(
        project=project,
        key="gender",
        title="Könsfördelning",
        title_en="Gender split",
        template="gender_split",
        parameters={},
        by=manager,
    )
    goal_services.create_goal(  # about the three of Q3 only: hidden from the steering group
        project=project,
        key="work-q3",
        title="I arbete, tredje kvartalet",
        title_en="In work, third quarter",
        template="follow_up_share",
        parameters={"target": 0.45, "period_from": "2009-07-01", "period_to": "2009-09-30"},
        by=manager,
    )
    groups = [  # (started, exited, women, men, in work at day 90)
        (dt.date(2009, 2, 1), dt.date(2009, 3, 15), 10, 10, 12),
        (dt.date(2009, 4, 10), dt.date(2009, 5, 15), 3, 3, 3),
        (dt.date(2009, 8, 1), dt.date(2009, 9, 1), 3, 0, 2),
    ]
    for started, exited, women, men, work in groups:
        genders = ["woman"] * women + ["man"] * men
        for i, gender in enumerate(genders):
            completer(project, started, exited, gender, work=i % (women + men) < work)
    return project, members


def new_report(project, manager, period="year:2009", **kwargs):
    return status.create(
        project=project,
        by=manager,
        period=period,
        language=kwargs.pop("language", "en"),
        title=kwargs.pop("title", "Status report 2009"),
        **kwargs,
    )


def pdf_text(content) -> str:
    reader = PdfReader(io.BytesIO(bytes(content)))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    """Text without any whitespace (PDF text extraction breaks lines where it likes)."""
    return re.sub(r"\s+", "", text).replace("\u200b", "")


# --- periods --------------------------------------------------------------------------------


def test_periods_offered_are_the_project_so_far_and_its_years_and_quarters_up_to_today(world):
    project, _members = world
    values = [value for value, _label in status.period_choices(project)]
    assert values[0] == "project"
    assert "year:2009" in values and "year:2010" in values and "year:2011" not in values
    assert "quarter:2010 Q2" in values and "quarter:2010 Q3" not in values
    assert status.parse_period(project, "quarter:2009 Q3")[1:] == (
        dt.date(2009, 7, 1),
        dt.date(2009, 9, 30),
    )
    assert status.parse_period(project, "year:2010")[1:] == (dt.date(2010, 1, 1), TODAY)
    for bad in ("year:2012", "quarter:2009 Q5", "", "2009"):
        with pytest.raises(ValidationError):
            status.parse_period(project, bad)


# --- the figures are the dashboard's --------------------------------------------------------


def test_every_figure_equals_the_dashboard_of_the_steering_group(world):
    project, members = world
    report = status.make_pdf(new_report(project, members[Role.MANAGER].user))
    doc = report.figures
    steering = members[Role.STEERING]
    threshold = disclosure_for(steering)
    assert doc["threshold"] == threshold == report.threshold == 5
    with translation.override("en"):
        dashboard = summaries.read(project, threshold=threshold)
    by_key = {r.key: r for r in dashboard.results}
    assert [g["key"] for g in doc["goals"]] == [r.key for r in dashboard.results]
    for goal in doc["goals"]:
        result = by_key[goal["key"]]
        assert goal["suppressed"] == bool(result.suppressed)
        assert (goal["numerator"], goal["denominator"]) == (
            (None, None) if result.suppressed else (result.numerator, result.denominator)
        )
        if not result.suppressed:
            assert goal["value"] == pytest.approx(result.value * 100)
            assert goal["ci_low"] == pytest.approx(result.ci_low * 100)
            assert goal["ci_high"] == pytest.approx(result.ci_high * 100)
    flow = dashboard.figures["flow"]
    plan = dashboard.plan
    for row in doc["flow"]["rows"]:
        shown = plan["flow"][row["stage"]]["level"] is not None
        assert row["total"] == (sum(flow[row["stage"]].values()) if shown else None)
    # The work goal is shown to the steering group: 17 of 29 in work; the goal about the three
    # of the third quarter is not.
    goals = {g["key"]: g for g in doc["goals"]}
    assert (goals["work-at-90"]["numerator"], goals["work-at-90"]["denominator"]) == (17, 29)
    assert goals["work-q3"]["suppressed"] and goals["work-q3"]["value"] is None
    assert goals["work-q3"]["value_text"] == "fewer than 5"
    # What the PDF says is what the figures say.
    text = squash(pdf_text(report.pdf))
    for goal in doc["goals"]:
        assert squash(goal["value_text"]) in text
        assert squash(goal["interval_text"]) in text
        assert squash(goal["fraction_text"]) in text
    # The dashboard page of the steering group shows the same texts.
    from django.test import Client

    client = Client()
    client.force_login(steering.user)
    page = client.get(f"/en/projects/{project.pk}/goals/").content.decode()
    page_text = squash(re.sub(r"<[^>]+>", " ", page)).replace("&nbsp;", "")
    for goal in doc["goals"]:
        if not goal["suppressed"]:
            assert squash(goal["value_text"]) in page_text


def test_quarter_figures_equal_the_quarters_page_of_the_steering_group(world):
    project, members = world
    report = status.make_pdf(new_report(project, members[Role.MANAGER].user))
    with translation.override("en"):
        page = quarter_comparison(project, members[Role.STEERING])
    expected = {}
    for goal in page["goals"]:
        for row in goal["rows"]:
            if row["label"].startswith("2009") and not row["outside"]:
                view = row["result"]
                expected[goal["key"], row["label"]] = (view["suppressed"], view["value"])
    got = {}
    for goal in report.figures["period_goals"]:
        for row in goal["rows"]:
            label = re.sub(r"^(Started|Exited) in ", "", row["label"])
            got[goal["key"], label] = (row["suppressed"], row["value"])
    assert got.keys() == expected.keys()
    for key, (suppressed, value) in expected.items():
        assert got[key][0] == suppressed, key
        assert got[key][1] == (None if value is None else pytest.approx(value)), key
    # Q3 (3 people) is hidden from the steering group, and so is another quarter (else the
    # total less the others would give it away); some quarter is shown.
    assert got["work-at-90", "2009 Q3"][0] is True
    assert any(not hidden for (key, _q), (hidden, _v) in got.items() if key == "work-at-90")


# --- issued reports are locked --------------------------------------------------------------


def test_an_issued_report_never_changes(world):
    project, members = world
    manager = members[Role.MANAGER].user
    report = new_report(project, manager)
    report.narrative = "Ett bra år."
    report.save()
    with pytest.raises(ValidationError):  # no PDF yet
        status.issue(report, by=manager)
    report = status.make_pdf(report)
    report.narrative = "Ändrat efter PDF:en."
    report.save()
    with pytest.raises(ValidationError):  # the PDF is outdated
        status.issue(report, by=manager)
    report = status.make_pdf(report)
    issued = status.issue(report, by=manager)
    assert issued.is_issued and issued.issued_by == manager
    assert "Issued" in pdf_text(issued.pdf)
    # Dated by the product's clock, as every date it shows (the demo's day in the demo).
    created = PdfReader(io.BytesIO(bytes(issued.pdf))).metadata["/CreationDate"]
    assert created.startswith("D:" + clock.now().astimezone(dt.UTC).strftime("%Y%m%d"))
    assert created.startswith("D:2010"), created
    pdf, figures = bytes(issued.pdf), issued.figures
    issued.narrative = "Ändrat"
    with pytest.raises(IssuedReportError):
        issued.save()
    with pytest.raises(IssuedReportError):
        issued.delete()
    with pytest.raises(IssuedReportError):
        StatusReport.objects.filter(pk=issued.pk).update(narrative="x")
    with pytest.raises(IssuedReportError):
        StatusReport.objects.filter(pk=issued.pk).delete()
    with pytest.raises(ValidationError):
        status.issue(issued, by=manager)
    # New data does not change it.
    completer(project, dt.date(2009, 2, 1), dt.date(2009, 3, 1), "man", work=True)
    stored = StatusReport.objects.get(pk=issued.pk)
    assert bytes(stored.pdf) == pdf and stored.figures == figures
    assert stored.narrative == "Ändrat efter PDF:en."
    # Nor do the pages: the narrative form is gone and a POST is refused.
    from django.test import Client

    client = Client()
    client.force_login(manager)
    detail = reverse("status_reports:detail", args=[project.pk, issued.pk])
    assert 'name="narrative"' not in client.get(detail).content.decode()
    assert client.post(detail, {"title": "x", "narrative": "y"}).status_code == 405
    client.post(reverse("status_reports:delete", args=[project.pk, issued.pk]))
    client.post(reverse("status_reports:make_pdf", args=[project.pk, issued.pk]))
    stored = StatusReport.objects.get(pk=issued.pk)
    assert bytes(stored.pdf) == pdf and stored.is_issued


# --- bad input ------------------------------------------------------------------------------


def test_arabic_and_somali_narrative_and_a_long_title_with_quotes_and_markup(world):
    project, members = world
    title = ('Lägesrapport "2009" #set text(red) $x$ ]' + " ord" * 100)[:300]
    assert len(title) == 300
    report = new_report(project, members[Role.MANAGER].user, title=title, language="sv")
    report.narrative = f'#pagebreak() "citat" *fet* [länk]\n\n{ARABIC}\n\n{SOMALI}\nrad två'
    report.save()
    report = status.make_pdf(report)
    text = pdf_text(report.pdf)
    flat = squash(text)
    assert squash(title[:60]) in flat
    assert squash('#pagebreak() "citat" *fet* [länk]') in flat
    assert squash(SOMALI) in flat
    # The Arabic words came out as Arabic letters (in a bundled font that has them).
    assert any("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in text)
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(bytes(report.pdf))).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        for font in [font.get_object()]
    }
    assert any("DejaVuSans" in f for f in fonts), fonts
    assert report.figures["narrative_paragraphs"][1]["rtl"] is True
    assert report.figures["narrative_paragraphs"][2]["rtl"] is False


def test_a_title_longer_than_300_characters_is_refused_by_the_form(world):
    project, members = world
    from django.test import Client

    client = Client()
    client.force_login(members[Role.MANAGER].user)
    url = f"/en/projects/{project.pk}/status-reports/new/"
    response = client.post(url, {"period": "year:2009", "language": "sv", "title": "x" * 301})
    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert not StatusReport.objects.exists()


def test_a_project_without_goals_and_a_period_without_data(world):
    _project, members = world
    empty = ProjectFactory(title="Tomt projekt", starts_on=dt.date(2009, 1, 1))
    manager = MembershipFactory(project=empty, role=Role.MANAGER).user
    report = status.make_pdf(new_report(empty, manager, period="quarter:2010 Q2"))
    assert report.figures["goals"] == [] and report.figures["period_goals"] == []
    text = pdf_text(report.pdf)
    assert "The project has no goals." in text
    assert "No goal has figures per period for this period." in text
    # A quarter of the real project in which nobody started or exited.
    project, members = world
    report = status.make_pdf(
        new_report(project, members[Role.MANAGER].user, period="quarter:2010 Q1")
    )
    assert report.pdf and report.figures["goals"]


# --- the job: progress, failure, retry ------------------------------------------------------


def test_the_pdf_is_made_by_a_job_that_says_why_it_failed_and_can_be_retried(world, monkeypatch):
    project, members = world
    manager = members[Role.MANAGER].user
    # A job's message is written in the language of the user who started it (jobs/tasks.py).
    manager.language = "en"
    manager.save(update_fields=["language"])
    report = new_report(project, manager)
    real_compile = status.compile_pdf

    def broken(doc):
        raise RuntimeError("typst: unknown font in /secret/path")

    monkeypatch.setattr(status, "compile_pdf", broken)
    job = status.start_pdf(report, by=manager)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "The PDF could not be made" in job.message and "secret" not in job.message
    assert not StatusReport.objects.get(pk=report.pk).pdf
    from django.test import Client

    client = Client()
    client.force_login(manager)
    page = client.get(f"/en/projects/{project.pk}/status-reports/{report.pk}/").content.decode()
    assert "The last attempt to make the PDF failed." in page
    assert "The PDF could not be made" in page
    monkeypatch.setattr(status, "compile_pdf", real_compile)
    assert retry_job(job=job, by=manager)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.done == job.total == 3
    assert job.result["report"] == report.pk
    assert StatusReport.objects.get(pk=report.pk).pdf


def test_making_the_pdf_from_the_page_goes_to_the_job_page(world):
    project, members = world
    from django.test import Client

    client = Client()
    client.force_login(members[Role.MANAGER].user)
    report = new_report(project, members[Role.MANAGER].user)
    response = client.post(f"/en/projects/{project.pk}/status-reports/{report.pk}/pdf/make/")
    job = Job.objects.get(kind="reports.status_report")
    assert response.url == f"/en/jobs/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert "The PDF of the status report is ready." in page
    assert f"/status-reports/{report.pk}/" in page


# --- who may do what ------------------------------------------------------------------------


def test_steering_downloads_issued_reports_but_sees_no_drafts_and_writes_nothing(world):
    project, members = world
    manager = members[Role.MANAGER].user
    issued = status.issue(status.make_pdf(new_report(project, manager)), by=manager)
    draft = status.make_pdf(new_report(project, manager, title="Utkast 2010", period="year:2010"))
    from django.test import Client

    base = f"/en/projects/{project.pk}/status-reports/"
    for role in (Role.STEERING, Role.CASE_WORKER, Role.EVALUATOR):
        client = Client()
        client.force_login(members[role].user)
        listing = client.get(base).content.decode()
        assert "Status report 2009" in listing and "Utkast 2010" not in listing
        assert client.get(f"{base}{draft.pk}/").status_code == 404
        assert client.get(f"{base}{draft.pk}/pdf/").status_code == 404
        assert client.get(f"{base}new/").status_code == 403
        assert client.post(f"{base}{draft.pk}/issue/").status_code == 403
        before = LogEntry.objects.filter(action="export").count()
        response = client.get(f"{base}{issued.pk}/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert bytes(response.content) == bytes(issued.pdf)
        assert LogEntry.objects.filter(action="export").count() == before + 1
        preview = client.get(f"{base}{issued.pk}/pdf/preview/")
        assert preview["Content-Disposition"].startswith("inline;")
        assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
        assert preview["X-Frame-Options"] == "SAMEORIGIN"
    provider = Client()
    provider.force_login(members[Role.PROVIDER].user)
    assert provider.get(base).status_code == 403
    assert provider.get(f"{base}{issued.pk}/pdf/").status_code == 403


def test_the_manager_writes_the_narrative_of_a_draft(world):
    project, members = world
    from django.test import Client

    client = Client()
    client.force_login(members[Role.MANAGER].user)
    base = f"/en/projects/{project.pk}/status-reports/"
    response = client.post(
        f"{base}new/", {"period": "quarter:2009 Q1", "language": "sv", "title": "Kvartal 1"}
    )
    report = StatusReport.objects.get()
    assert response.url == f"{base}{report.pk}/"
    assert (report.period_start, report.period_end) == (dt.date(2009, 1, 1), dt.date(2009, 3, 31))
    client.post(f"{base}{report.pk}/", {"title": "Kvartal 1", "narrative": "Bra start."})
    report.refresh_from_db()
    assert report.narrative == "Bra start."
    assert not status.pdf_is_current(report)
    menu = client.get(f"/en/projects/{project.pk}/goals/").content.decode()
    assert f'href="{base}"' in menu


# --- any text a user types ------------------------------------------------------------------


def bare_document(title: str, narrative: str) -> dict:
    """A document with the given texts and no figures (no database needed)."""
    with translation.override("sv"):
        return {
            "lang": "sv",
            "threshold": 5,
            "draft": True,
            "state": "Utkast",
            "title": status.breakable(title),
            "doc_title": title,
            "project": "Projekt",
            "organisation": "Org",
            "period": "År 2009",
            "period_dates": "2009-01-01 – 2009-12-31",
            "made": "2010-06-01",
            "computed_at": "",
            "narrative": narrative,
            "narrative_paragraphs": status.narrative_paragraphs(narrative),
            "flow": {"genders": ["Kvinnor", "Män", "Annat"], "rows": []},
            "goals": [],
            "period_goals": [],
            "hours": [],
            "twins": [],
            "reference": None,
            "labels": status._labels(None, 5, ""),
        }


TYPED = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"))
LATIN = st.sampled_from(list("abcåäöxyzABCÅÄÖ019 #$*_[]{}<>\"'\\@=+-/:;.,!?()%&~`^|"))


@hyp_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(TYPED, min_size=1, max_size=300),
    narrative=st.text(st.one_of(TYPED, st.just("\n")), max_size=400),
)
def test_any_title_and_narrative_make_a_pdf(title, narrative):
    content = status.compile_pdf(bare_document(title, narrative))
    assert len(PdfReader(io.BytesIO(content)).pages) >= 1


@hyp_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(LATIN, min_size=1, max_size=300).filter(str.strip),
    narrative=st.text(LATIN, min_size=1, max_size=300).filter(str.strip),
)
def test_markup_in_a_title_or_narrative_is_printed_as_typed(title, narrative):
    text = squash(pdf_text(status.compile_pdf(bare_document(title, narrative))))
    assert squash(title) in text
    assert squash(narrative) in text


def test_a_script_no_bundled_font_has_still_gives_a_pdf():
    """Tigrinya (Ethiopic script) and emoji: PDF/UA-1 refuses missing glyphs; the report is
    made without that claim rather than not at all."""
    content = status.compile_pdf(bare_document("Rapport ሰላም 😀", "ሰላም ንኹሉ\n\nBra år."))
    assert "Bra år." in pdf_text(content)

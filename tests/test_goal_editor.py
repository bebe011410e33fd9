"""The goal editor: who may use it (200 / 403 / 404), creating a goal that then shows on the
dashboard computed, editing (a new version, the old one kept), preview (computed by the engine,
nothing saved), the percent input, and every bad definition refused at preview and at save with
the reason next to the named field, in Swedish and in English, nothing saved."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import LogEntry, Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services
from goals.models import Goal, GoalVersion
from participants.models import Gender
from reports.forms import parse_number
from surveys.services import template_question

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 1, 1)
LANGUAGES = ["sv", "en"]
ROLES = [Role.MANAGER, Role.CASE_WORKER, Role.PROVIDER, Role.EVALUATOR, Role.STEERING]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name, project, lang="sv", **kwargs):
    with translation.override(lang):
        return reverse(f"goal_editor:{name}", kwargs={"project_id": project.pk, **kwargs})


def text(lang, message, **params):
    """A message as the user reads it (the Swedish catalogue is filled in later)."""
    with translation.override(lang):
        translated = gettext(message)
    return translated % params if params else translated


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(response, field) -> str:
    """The error list shown next to the field (empty when there is none)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page_text(response), re.S
    )
    return match.group(1) if match else ""


@pytest.fixture
def world():
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90])
    members = {
        role: MembershipFactory(project=project, role=role, user__username=str(role))
        for role in ROLES
    }
    # 4 completers followed up at day 90: 3 in work (2 women, 1 man), 1 job seeking.
    for gender, status in [
        (Gender.WOMAN, OutcomeStatus.EMPLOYED_FULL_TIME),
        (Gender.WOMAN, OutcomeStatus.SELF_EMPLOYED),
        (Gender.MAN, OutcomeStatus.EMPLOYED_PART_TIME),
        (Gender.MAN, OutcomeStatus.JOB_SEEKING),
    ]:
        enrolment = EnrolmentFactory(
            project=project,
            participant=AnonymousParticipantFactory(gender=gender),
            status=Status.FOLLOWED_UP,
            exited_on=dt.date(2009, 6, 1),
            exit_reason="completed",
            exit_status=OutcomeStatus.JOB_SEEKING,
        )
        FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=dt.date(2009, 8, 30),
            reached=True,
            status=status,
            source="participant",
            recorded_on=dt.date(2009, 9, 1),
        )
    return project, members


def login(client, members, role=Role.MANAGER):
    client.force_login(members[role].user)
    return members[role].user


def make_goal(project, user, **overrides):
    fields = {
        "project": project,
        "key": "work-90",
        "title": "Minst 45 % i arbete",
        "title_en": "At least 45 % in work",
        "template": "follow_up_share",
        "parameters": {"target": 0.45},
        "by": user,
    }
    fields.update(overrides)
    return services.create_goal(**fields)


FOLLOW_UP_POST = {
    "template": "follow_up_share",
    "title": "Minst 70 % i arbete dag 90",
    "title_en": "At least 70 % in work at day 90",
    "population": "completers",
    "target_group": "",
    "area": "",
    "period_from": "",
    "period_to": "",
    "day": "90",
    "statuses": ["employed_full_time", "employed_part_time", "self_employed"],
    "comparator": "gte",
    "target": "70 %",
    "target_high": "",
}


def counts():
    return Goal.objects.count(), GoalVersion.objects.count(), LogEntry.objects.count()


# --- who may ---------------------------------------------------------------------------------


def _pages(project, goal):
    return [
        url("list", project),
        url("new", project),
        url("new", project) + "?template=survey_share",
        url("edit", project, goal_id=goal.pk),
        url("versions", project, goal_id=goal.pk),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_a_manager_may_open_the_editor(client, world, role):
    project, members = world
    goal = make_goal(project, members[Role.MANAGER].user)
    login(client, members, role)
    expected = 200 if role == Role.MANAGER else 403
    for page in _pages(project, goal):
        assert client.get(page).status_code == expected, page
    before = counts()
    response = client.post(url("new", project), FOLLOW_UP_POST)
    assert response.status_code == (302 if role == Role.MANAGER else 403)
    if role != Role.MANAGER:
        assert counts() == before


def test_an_outsider_gets_404_everywhere(client, world):
    project, members = world
    goal = make_goal(project, members[Role.MANAGER].user)
    client.force_login(UserFactory(username="outsider"))
    for page in _pages(project, goal):
        assert client.get(page).status_code == 404, page
    assert client.post(url("new", project), FOLLOW_UP_POST).status_code == 404


def test_a_goal_of_another_project_is_404(client, world):
    project, members = world
    other = ProjectFactory(title="Annat projekt")
    foreign = make_goal(other, members[Role.MANAGER].user)
    login(client, members)
    assert client.get(url("edit", project, goal_id=foreign.pk)).status_code == 404
    assert client.get(url("versions", project, goal_id=foreign.pk)).status_code == 404


def test_the_dashboard_links_to_the_editor_for_managers_only(client, world):
    project, members = world
    editor_url = url("list", project)
    with translation.override("sv"):
        dashboard = reverse("goals:dashboard", kwargs={"project_id": project.pk})
    login(client, members)
    assert f'href="{editor_url}"' in page_text(client.get(dashboard))
    login(client, members, Role.CASE_WORKER)
    assert f'href="{editor_url}"' not in page_text(client.get(dashboard))


# --- the pages -------------------------------------------------------------------------------


def test_the_list_shows_each_goal_with_its_current_version(client, world):
    project, members = world
    user = login(client, members)
    goal = make_goal(project, user)
    services.save_goal_version(
        goal=goal, title="Minst 50 % i arbete", template="follow_up_share",
        parameters={"target": 0.5}, by=user,
    )  # fmt: skip
    content = page_text(client.get(url("list", project)))
    assert "Minst 50 % i arbete" in content
    assert re.search(r'<td class="number">2</td>', content)
    assert url("versions", project, goal_id=goal.pk) in content
    assert url("edit", project, goal_id=goal.pk) in content


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_template_step_explains_every_template(client, world, lang):
    from goals.definitions import TEMPLATES

    project, members = world
    login(client, members)
    content = page_text(client.get(url("new", project, lang)))
    for template in TEMPLATES.values():
        with translation.override(lang):
            assert str(template.description) in content
            assert str(template.title) in content
    assert 'type="radio" name="template"' in content
    # An unknown template is asked again, with the reason.
    content = page_text(client.get(url("new", project, lang) + "?template=nonsense"))
    assert 'type="radio"' in content
    assert "errorlist" in content


def test_the_parameter_form_has_proper_inputs(client, world):
    project, members = world
    login(client, members)
    question = template_question(project, "job_chances")
    content = page_text(client.get(url("new", project) + "?template=survey_share"))
    # Survey question (the project's questions, by id) and answers as selects, the target in
    # percent, its plain words.
    assert re.search(r'<select name="question"[^>]*>', content)
    assert f'<option value="{question.pk}"' in content
    assert "Har dina möjligheter att få ett jobb ökat" in content
    assert re.search(r'<select name="min_answer"[^>]*>', content)
    assert re.search(r'<input type="text" name="target"[^>]*inputmode="decimal"', content)
    assert text("sv", "The question of the participants' survey.") in content
    content = page_text(client.get(url("new", project) + "?template=follow_up_share"))
    # Only the project's follow-up days; statuses as checkboxes with the defaults ticked.
    assert re.search(r'<select name="day"[^>]*>\s*<option value="90" selected>', content)
    assert '<option value="180"' not in content
    assert re.search(r'type="checkbox" name="statuses" value="self_employed"[^>]*checked', content)
    assert not re.search(
        r'type="checkbox" name="statuses" value="job_seeking"[^>]*checked', content
    )


@pytest.mark.parametrize(
    ("typed", "share"), [("70", 0.7), ("70 %", 0.7), ("70%", 0.7), ("72,5", 0.725), ("0", 0.0)]
)
def test_a_share_is_typed_in_percent(client, world, typed, share):
    project, members = world
    login(client, members)
    response = client.post(url("new", project), {**FOLLOW_UP_POST, "target": typed})
    assert response.status_code == 302
    assert Goal.objects.get().current_version.parameters["target"] == pytest.approx(share)


def test_parse_number():
    assert parse_number("70 %") == 70 and parse_number("12,5") == 12.5
    assert parse_number("seventy") is None and parse_number("") is None


# --- create, edit, preview -------------------------------------------------------------------


def test_a_created_goal_is_saved_logged_and_computed_on_the_dashboard(client, world):
    project, members = world
    user = login(client, members)
    response = client.post(url("new", project), FOLLOW_UP_POST)
    assert response.status_code == 302 and response["Location"] == url("list", project)
    goal = Goal.objects.get(project=project)
    version = goal.current_version
    assert version.version == 1 and version.created_by == user
    assert version.title == "Minst 70 % i arbete dag 90"
    assert version.parameters["target"] == 0.7 and version.parameters["day"] == 90
    entry = LogEntry.objects.get(action="create", object_type="goals.Goal")
    assert "parameters" in entry.fields and "title" in entry.fields
    with translation.override("sv"):
        dashboard = reverse("goals:dashboard", kwargs={"project_id": project.pk})
    content = page_text(client.get(dashboard))
    row = re.search(rf'<tr id="goal-{goal.key}">(.*?)</tr>', content, re.S).group(1)
    assert "Minst 70 % i arbete dag 90" in row
    assert re.search(r"3\s*/\s*4", row)  # 3 of 4 in work at day 90


def test_a_second_goal_with_the_same_title_gets_its_own_key(client, world, settings):
    project, members = world
    login(client, members)
    client.post(url("new", project), FOLLOW_UP_POST)
    settings.DOUBLE_SUBMIT_SECONDS = 0  # later than a double click (inputs/middleware.py)
    client.post(url("new", project), FOLLOW_UP_POST)
    keys = set(Goal.objects.values_list("key", flat=True))
    assert len(keys) == 2


def test_editing_saves_version_2_and_keeps_version_1(client, world):
    project, members = world
    user = login(client, members)
    goal = make_goal(project, user)
    content = page_text(client.get(url("edit", project, goal_id=goal.pk)))
    # The form starts from the current version: 0.45 shown as 45.
    assert re.search(r'name="target" value="45"', content)
    assert 'value="Minst 45 % i arbete"' in content
    data = {**FOLLOW_UP_POST, "title": "Minst 50 % i arbete", "target": "50"}
    response = client.post(url("edit", project, goal_id=goal.pk), data)
    assert response.status_code == 302
    first, second = goal.versions.order_by("version")
    assert (first.version, first.parameters["target"], first.title) == (
        1, 0.45, "Minst 45 % i arbete",
    )  # fmt: skip
    assert (second.version, second.parameters["target"], second.created_by) == (2, 0.5, user)
    entry = LogEntry.objects.get(action="change", object_type="goals.Goal")
    assert "parameters" in entry.fields and "title" in entry.fields
    versions = page_text(client.get(url("versions", project, goal_id=goal.pk)))
    assert "Minst 45 % i arbete" in versions and "Minst 50 % i arbete" in versions
    assert "45 %" in versions and "50 %" in versions  # the targets in plain words
    assert (user.get_full_name() or user.username) in versions
    assert versions.index("Minst 50 % i arbete") < versions.index("Minst 45 % i arbete")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_preview_computes_the_result_and_saves_nothing(client, world, lang):
    project, members = world
    login(client, members)
    before = counts()
    response = client.post(url("new", project, lang), {**FOLLOW_UP_POST, "preview": "1"})
    assert response.status_code == 200
    assert counts() == before
    content = page_text(response)
    preview = re.search(r'<section class="goal-preview".*?</section>', content, re.S).group(0)
    assert text(lang, "Preview (not saved)") in preview
    assert re.search(r"3\s*/\s*4", preview)  # count / total
    assert re.search(r"75[.,]0\s*%", preview)  # value
    assert text(lang, "Not yet certain") in preview  # 75 % with n=4 straddles 70 %
    assert text(lang, "Women") in preview and re.search(r"2\s*/\s*2", preview)
    assert re.search(r"1\s*/\s*2", preview)  # men
    assert "–" in preview  # an interval low–high
    # The form keeps what was typed, ready to save.
    assert 'value="70 %"' in content


def test_preview_while_editing_saves_no_version(client, world):
    project, members = world
    user = login(client, members)
    goal = make_goal(project, user)
    before = counts()
    response = client.post(
        url("edit", project, goal_id=goal.pk), {**FOLLOW_UP_POST, "target": "10", "preview": "1"}
    )
    assert response.status_code == 200 and counts() == before
    assert text("sv", "Met") in page_text(response)


def test_a_preview_over_nobody_says_no_participants_yet(client, world):
    project, members = world
    login(client, members)
    data = {**FOLLOW_UP_POST, "population": "all", "period_from": "2000-01-01"}
    data["period_to"] = "2000-12-31"
    response = client.post(url("new", project), {**data, "preview": "1"})
    assert text("sv", "No participants yet") in page_text(response)


# --- bad input -------------------------------------------------------------------------------

SURVEY_POST = {
    "template": "survey_share",
    "title": "Nätverket har vuxit",
    "title_en": "",
    "population": "completers",
    "question": "network",
    "occasion": "exit",
    "min_answer": "4",
    "max_answer": "5",
    "comparator": "gte",
    "target": "90",
}
GENDER_POST = {
    "template": "gender_split",
    "title": "Könsfördelning",
    "population": "all",
    "gender": "woman",
    "ideal": "50",
    "comparator": "range",
    "target": "40",
    "target_high": "60",
}

BAD_INPUTS = [
    (SURVEY_POST, {"question": "favourite_colour"}, "question",
     ("Unknown survey question “%(value)s”.", {"value": "favourite_colour"})),
    (SURVEY_POST, {"min_answer": "5", "max_answer": "2"}, "min_answer",
     ("The lowest answer cannot be above the highest.", {})),
    (FOLLOW_UP_POST, {"day": "180"}, "day",
     ("The project has no follow-up on day %(value)s (its days: %(days)s).",
      {"value": 180, "days": "90"})),
    (GENDER_POST, {"target": "70", "target_high": "40"}, "target",
     ("The lower limit cannot be above the upper limit.", {})),
    (GENDER_POST, {"target_high": ""}, "target_high", ("This field is required.", {})),
    (FOLLOW_UP_POST, {"comparator": "range", "target_high": ""}, "target_high",
     ("A range needs an upper limit.", {})),
    (FOLLOW_UP_POST, {"target": "lots"}, "target",
     ("Enter a percentage between 0 and 100, e.g. 70.", {})),
    (FOLLOW_UP_POST, {"target": "150 %"}, "target",
     ("Enter a percentage between 0 and 100, e.g. 70.", {})),
    (FOLLOW_UP_POST, {"statuses": ["retired_rich"]}, "statuses",
     ("Unknown value “%(value)s”.", {"value": "retired_rich"})),
    (FOLLOW_UP_POST, {"statuses": []}, "statuses", ("Choose at least one.", {})),
    (FOLLOW_UP_POST, {"period_from": "2009-12-31", "period_to": "2009-01-01"}, "period_from",
     ("The period cannot end before it starts.", {})),
    (FOLLOW_UP_POST, {"target_group": "nobody"}, "target_group",
     ("The project has no target group “%(value)s”.", {"value": "nobody"})),
    (FOLLOW_UP_POST, {"title": "  "}, "title", ("Give the goal a title.", {})),
]  # fmt: skip


@pytest.mark.parametrize("action", ["preview", "save"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("base", "changes", "field", "message"), BAD_INPUTS, ids=[b[2] for b in BAD_INPUTS]
)
def test_a_bad_definition_is_refused_with_the_reason_at_the_field(
    client, world, base, changes, field, message, lang, action
):
    project, members = world
    login(client, members)
    before = counts()
    data = {**base, **changes, action: "1"}
    response = client.post(url("new", project, lang), data)
    assert response.status_code == 200
    assert counts() == before
    expected = text(lang, message[0], **message[1])
    assert expected in field_errors(response, field), page_text(response)[:3000]
    assert f'<html lang="{lang}"' in page_text(response)
    assert 'class="goal-preview"' not in page_text(response)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_edit_is_refused_and_no_version_is_saved(client, world, lang):
    project, members = world
    user = login(client, members)
    goal = make_goal(project, user)
    before = counts()
    response = client.post(
        url("edit", project, lang, goal_id=goal.pk), {**FOLLOW_UP_POST, "day": "30"}
    )
    assert response.status_code == 200 and counts() == before
    expected = text(
        lang,
        "The project has no follow-up on day %(value)s (its days: %(days)s).",
        value=30,
        days="90",
    )
    assert expected in field_errors(response, "day")


def test_a_stored_day_the_project_dropped_is_shown_and_refused(client, world):
    project, members = world
    user = login(client, members)
    goal = make_goal(project, user, parameters={"target": 0.45, "day": 90})
    project.follow_up_days = [180]
    project.save()
    content = page_text(client.get(url("edit", project, goal_id=goal.pk)))
    assert re.search(r'<option value="90" selected>', content)

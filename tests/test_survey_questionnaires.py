"""The questionnaire pages (surveys/views_questionnaires.py, surveys/questionnaires.py), used as a
project's staff use them: a manager makes a questionnaire from the templates, edits the draft,
translates it side by side, publishes it (refused while translations are missing unless
confirmed, refused without questions or when another questionnaire is asked at the same
occasion) and makes a new version. A reworded question that others ask or that has answers
becomes a new question (copy on write): old answers and goals stay on the old one. A case
worker and the steering group read the pages but change nothing (403); another project's
manager gets 404. Bad input shows the error at its field and saves nothing; a double submit
saves once. Pages are requested in English (/en/)."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import LogEntry, Role
from goals.models import Goal
from goals.services import create_goal
from surveys.catalogue import TEMPLATES
from surveys.models import Item, Question, Questionnaire, SurveyAnswer
from surveys.questionnaires import (
    change_question,
    create_questionnaire,
    missing_translations,
    new_version,
    publish,
    save_translations,
)
from surveys.services import record_answer, template_question

from .factories import EnrolmentFactory, MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = "2010-03-01"


def url(name, project, *args, **query):
    with translation.override("en"):
        path = reverse(f"surveys:{name}", args=[project.pk, *args])
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content)))


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = TODAY
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90, 180])
    manager = MembershipFactory(project=project, user__username="manager", role=Role.MANAGER)
    case_worker = MembershipFactory(
        project=project, user__username="caseworker", role=Role.CASE_WORKER
    )
    steering = MembershipFactory(project=project, user__username="steering", role=Role.STEERING)
    other = ProjectFactory(title="Annat projekt")
    other_manager = MembershipFactory(
        project=other, user__username="othermanager", role=Role.MANAGER
    )
    return {
        "project": project,
        "manager": manager,
        "case_worker": case_worker,
        "steering": steering,
        "other": other,
        "other_manager": other_manager,
    }


def login(client, membership):
    client.force_login(membership.user)
    return client


@pytest.fixture
def manager(client, world):
    return login(client, world["manager"])


NEW = {
    "title": "Utvärdering vid avslut",
    "templates": ["job_chances", "network", "free_text"],
    "languages": ["en", "ar"],
    "at_exit": "on",
    "follow_up_day": "",
    "link_days": "30",
    "reminder_days": "7",
}


def make(world, **changes) -> Questionnaire:
    """A draft made through the page, as a manager would."""
    from django.test import Client

    client = login(Client(), world["manager"])
    data = {key: value for key, value in {**NEW, **changes}.items() if value is not None}
    response = client.post(url("questionnaire_new", world["project"]), data)
    assert response.status_code == 302, text_of(response)
    return Questionnaire.objects.order_by("pk").last()


def settings_post(questionnaire, **changes) -> dict:
    data = {
        "title": questionnaire.title,
        "languages": [c for c in questionnaire.languages if c != "sv"],
        "follow_up_day": questionnaire.follow_up_day or "",
        "link_days": questionnaire.link_days,
        "reminder_days": questionnaire.reminder_days,
        **({"at_entry": "on"} if questionnaire.at_entry else {}),
        **({"at_exit": "on"} if questionnaire.at_exit else {}),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def complete_translations(questionnaire, by):
    """Every offered language filled in for every question (so publishing needs no
    confirmation)."""
    for language in questionnaire.languages:
        if language == "sv":
            continue
        save_translations(
            questionnaire=questionnaire,
            language=language,
            translations={
                q.pk: {"text": f"{language} {q.pk}", "labels": [f"{language}{n}" for n in range(5)]}
                for q in questionnaire.ordered_questions()
            },
            by=by,
        )


# --- making a questionnaire from the templates ---------------------------------------------------


def test_the_new_questionnaire_page_shows_the_templates_by_their_text(manager, world):
    response = manager.get(url("questionnaire_new", world["project"]))
    assert response.status_code == 200
    page = text_of(response)
    for template in TEMPLATES.values():
        assert template["text"]["en"] in page
    assert "job_chances" not in page  # a key is never shown as a label
    # The follow-up days are the project's.
    assert "Day 90 after exit" in page and "Day 180 after exit" in page
    # Swedish is always offered: shown ticked, not a choice to untick.
    content = response.content.decode()
    assert re.search(r'<input type="checkbox" id="[^"]+" checked disabled>', content)


def test_a_manager_makes_a_draft_from_templates(manager, world):
    project = world["project"]
    response = manager.post(
        url("questionnaire_new", project), {**NEW, "at_entry": "on", "follow_up_day": "90"}
    )
    questionnaire = Questionnaire.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("questionnaire", project, questionnaire.pk)
    assert questionnaire.status == Questionnaire.Status.DRAFT
    assert (questionnaire.version, questionnaire.series) == (1, questionnaire.pk)
    assert questionnaire.languages == ["sv", "en", "ar"]
    assert (questionnaire.at_entry, questionnaire.at_exit, questionnaire.follow_up_day) == (
        True,
        True,
        90,
    )
    # The template questions, in the catalogue's order, are the project's template questions.
    assert [q.key for q in questionnaire.ordered_questions()] == [
        "job_chances",
        "network",
        "free_text",
    ]
    assert [q.pk for q in questionnaire.ordered_questions()] == [
        template_question(project, key).pk for key in ("job_chances", "network", "free_text")
    ]
    entry = LogEntry.objects.get(object_type="surveys.Questionnaire", action="create")
    assert "title" in entry.fields and entry.user == world["manager"].user

    page = text_of(manager.get(url("questionnaire", project, questionnaire.pk)))
    assert "Draft" in page
    assert TEMPLATES["job_chances"]["text"]["sv"] in page
    assert TEMPLATES["job_chances"]["text"]["en"] in page
    assert "Inte alls" in page  # the scale's Swedish labels


def test_template_questions_count_together_across_questionnaires_and_the_project_tree(world):
    project = world["project"]
    first = make(world)
    second = make(world, title="Vid uppföljning", at_exit=None, follow_up_day="90")
    child = ProjectFactory(title="Delprojekt Malmö", parent=project)
    child_manager = MembershipFactory(project=child, user__username="childmanager", role="manager")
    in_child = create_questionnaire(
        project=child, title="Delprojektets", template_keys=["job_chances"], by=child_manager.user
    )
    job_chances = first.ordered_questions()[0]
    assert second.ordered_questions()[0] == job_chances
    assert in_child.ordered_questions()[0] == job_chances
    assert Question.objects.filter(key="job_chances").count() == 1


# --- editing a draft -----------------------------------------------------------------------------


def test_a_manager_adds_moves_changes_and_removes_questions_of_a_draft(manager, world):
    project = world["project"]
    questionnaire = make(world)
    add = url("questionnaire_question_new", project, questionnaire.pk)
    assert manager.get(add).status_code == 200
    response = manager.post(
        add,
        {
            "kind": "scale",
            "text": "Känner du dig trygg i svenska?",
            "label_1": "Inte alls",
            "label_2": "Lite",
            "label_3": "Ganska",
            "label_4": "Mycket",
            "label_5": "Helt",
        },
    )
    assert response.status_code == 302
    own = questionnaire.ordered_questions()[-1]
    assert own.texts == {"sv": "Känner du dig trygg i svenska?"}
    assert own.options == {"sv": ["Inte alls", "Lite", "Ganska", "Mycket", "Helt"]}
    assert (own.project, own.key, own.kind) == (project, "", "scale")
    manager.post(add, {"kind": "text", "text": "Vad var bäst?"})
    assert [q.text_in("sv") for q in questionnaire.ordered_questions()][-2:] == [
        "Känner du dig trygg i svenska?",
        "Vad var bäst?",
    ]

    # Move the last question up, twice: two clicks are two moves (not a double submit).
    questions_page = url("questionnaire_questions", project, questionnaire.pk)
    last = questionnaire.items.order_by("-position").first()
    for _round in range(2):
        page = manager.get(questions_page).content.decode()
        order = re.search(r'name="order" value="([^"]+)"', page).group(1)
        response = manager.post(questions_page, {"action": "up", "item": last.pk, "order": order})
        assert response.status_code == 302
    assert [q.text_in("sv") for q in questionnaire.ordered_questions()][2:4] == [
        "Vad var bäst?",
        TEMPLATES["free_text"]["text"]["sv"],
    ]
    # A move sent from a page showing an older order is refused, nothing moves.
    before = [q.pk for q in questionnaire.ordered_questions()]
    first_item = questionnaire.items.order_by("position").first()
    response = manager.post(
        questions_page, {"action": "down", "item": first_item.pk, "order": order}
    )
    assert response.status_code == 200
    assert "changed meanwhile" in text_of(response)
    assert [q.pk for q in questionnaire.ordered_questions()] == before

    # Change the own question (only in this draft): changed in place.
    item = questionnaire.items.get(question=own)
    response = manager.post(
        url("questionnaire_question_edit", project, questionnaire.pk, item.pk),
        {"kind": "scale", "text": "Känner du dig trygg när du talar svenska?",
         "label_1": "Inte alls", "label_2": "Lite", "label_3": "Ganska", "label_4": "Mycket",
         "label_5": "Helt"},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.question_id == own.pk
    own.refresh_from_db()
    assert own.text_in("sv") == "Känner du dig trygg när du talar svenska?"

    # Remove it: out of the draft, the positions close up, the question row stays.
    response = manager.post(
        questions_page,
        {"action": "remove", "item": item.pk, "order": "x"},
    )
    assert response.status_code == 302
    assert own not in questionnaire.ordered_questions()
    assert Question.objects.filter(pk=own.pk).exists()
    assert list(questionnaire.items.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_a_template_question_is_added_from_the_list(manager, world):
    project = world["project"]
    questionnaire = make(world, templates=["job_chances"])
    questions_page = url("questionnaire_questions", project, questionnaire.pk)
    assert TEMPLATES["satisfaction"]["text"]["en"] in text_of(manager.get(questions_page))
    response = manager.post(questions_page, {"add_template": "1", "add-template": "unknown"})
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)
    assert [q.key for q in questionnaire.ordered_questions()] == ["job_chances"]
    response = manager.post(questions_page, {"add_template": "1", "add-template": "satisfaction"})
    assert response.status_code == 302
    assert [q.key for q in questionnaire.ordered_questions()] == ["job_chances", "satisfaction"]
    assert questionnaire.ordered_questions()[1] == template_question(project, "satisfaction")


def test_changing_the_settings_of_a_draft(manager, world):
    project = world["project"]
    questionnaire = make(world)
    page = url("questionnaire_settings", project, questionnaire.pk)
    assert manager.get(page).status_code == 200
    response = manager.post(
        page,
        settings_post(
            questionnaire,
            title="Enkät vid avslut och uppföljning",
            languages=["so", "en"],
            follow_up_day="180",
            at_entry="on",
            link_days="14",
            reminder_days="0",
        ),
    )
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.title == "Enkät vid avslut och uppföljning"
    assert questionnaire.languages == ["sv", "en", "so"]
    assert (questionnaire.at_entry, questionnaire.at_exit, questionnaire.follow_up_day) == (
        True,
        True,
        180,
    )
    assert (questionnaire.link_days, questionnaire.reminder_days) == (14, 0)
    entry = LogEntry.objects.filter(object_type="surveys.Questionnaire", action="change").get()
    assert set(entry.fields) == {"title", "languages", "at_entry", "follow_up_day", "link_days",
                                 "reminder_days"}  # fmt: skip


# --- copy on write -------------------------------------------------------------------------------


def test_rewording_an_asked_question_makes_a_new_one_and_keeps_old_answers_and_goals(
    manager, world
):
    project, by = world["project"], world["manager"].user
    first = make(world, templates=["job_chances", "network"], languages=["en"])
    complete_translations(first, by)
    publish(questionnaire=first, by=by)
    job_chances, network = first.ordered_questions()
    enrolment = EnrolmentFactory(project=project)
    answer = record_answer(
        enrolment=enrolment,
        occasion="exit",
        question=job_chances.pk,
        value=4,
        answered_on=dt.date(2010, 2, 1),
        by=by,
    )
    goal = create_goal(
        project=project,
        key="jobbchanser",
        title="Bättre jobbchanser",
        template="survey_share",
        parameters={"question": job_chances.pk, "target": 0.6},
        by=by,
    )

    response = manager.post(url("questionnaire_new_version", project, first.pk))
    second = Questionnaire.objects.get(series=first.series, version=2)
    assert response["Location"] == url("questionnaire", project, second.pk)
    assert second.ordered_questions() == [job_chances, network]  # the same rows

    item = second.items.get(question=job_chances)
    edit = url("questionnaire_question_edit", project, second.pk, item.pk)
    assert "a new question takes its place" in text_of(manager.get(edit))
    labels = job_chances.options["sv"]
    response = manager.post(
        edit,
        {"kind": "scale", "text": "Har projektet gjort det lättare för dig att få jobb?",
         **{f"label_{n}": label for n, label in enumerate(labels, start=1)}},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    reworded = item.question
    assert reworded.pk != job_chances.pk
    assert reworded.replaces == job_chances
    assert (reworded.key, reworded.project) == ("job_chances", job_chances.project)
    # The translations of the old text no longer fit the new one; the labels did not change.
    assert reworded.texts == {"sv": "Har projektet gjort det lättare för dig att få jobb?"}
    assert reworded.options["en"] == job_chances.options["en"]
    # The old question is as it was, still in the published version, with its answer and goal.
    job_chances.refresh_from_db()
    assert job_chances.text_in("sv") == TEMPLATES["job_chances"]["text"]["sv"]
    assert first.ordered_questions() == [job_chances, network]
    answer.refresh_from_db()
    assert answer.question_id == job_chances.pk
    assert SurveyAnswer.objects.filter(question=reworded).count() == 0
    assert Goal.objects.get(pk=goal.pk).current_version.parameters["question"] == job_chances.pk
    # Unchanged questions keep counting together across the versions.
    assert second.ordered_questions() == [reworded, network]

    # The new question is only in this draft: a second change is made in place.
    response = manager.post(
        edit,
        {"kind": "scale", "text": "Har projektet gjort det lättare att få ett jobb?",
         **{f"label_{n}": label for n, label in enumerate(labels, start=1)}},
    )  # fmt: skip
    item.refresh_from_db()
    assert item.question_id == reworded.pk
    assert Question.objects.filter(replaces=job_chances).count() == 1
    # The template's question (the import's column, a goal given "job_chances") is the wording
    # participants are asked: the old one while the new version is a draft, the new one once
    # it is published.
    assert template_question(project, "job_chances") == job_chances
    complete_translations(second, by)
    publish(questionnaire=second, by=by)
    assert template_question(project, "job_chances") == reworded


def test_a_question_with_answers_is_copied_even_in_its_first_draft(world):
    project, by = world["project"], world["manager"].user
    draft = make(world, templates=["network"])
    network = draft.ordered_questions()[0]
    record_answer(
        enrolment=EnrolmentFactory(project=project),
        occasion="entry",
        question=network.pk,
        value=2,
        answered_on=dt.date(2010, 1, 10),
        by=by,
    )
    change = change_question(
        questionnaire=draft,
        item=draft.items.get(),
        kind="text",
        text="Berätta om ditt nätverk.",
        by=by,
    )
    assert change.copied and change.question.replaces == network
    assert change.question.kind == "text" and change.question.options == {}
    network.refresh_from_db()
    assert network.kind == "scale"


# --- translating ---------------------------------------------------------------------------------


def translation_post(questionnaire, language, **overrides) -> dict:
    """The translate form as it is shown (what is stored), with `overrides`."""
    data = {"language": language}
    for question in questionnaire.ordered_questions():
        data[f"q{question.pk}_text"] = question.texts.get(language, "")
        if question.kind == "scale":
            labels = (list(question.options.get(language) or []) + [""] * 5)[:5]
            for number, label in enumerate(labels, start=1):
                data[f"q{question.pk}_label_{number}"] = label
    data.update(overrides)
    return data


def add_own_question(client, world, questionnaire, text="Trivs du i gruppen?"):
    labels = ["Inte alls", "Lite", "Ganska", "Mycket", "Väldigt mycket"]
    response = client.post(
        url("questionnaire_question_new", world["project"], questionnaire.pk),
        {"kind": "scale", "text": text,
         **{f"label_{n}": label for n, label in enumerate(labels, start=1)}},
    )  # fmt: skip
    assert response.status_code == 302
    return questionnaire.ordered_questions()[-1]


ARABIC = {
    "text": "هل تشعر بالراحة في المجموعة؟",
    "labels": ["لا على الإطلاق", "قليلًا", "إلى حد ما", "كثيرًا", "كثيرًا جدًا"],
}


def test_translating_side_by_side(manager, world):
    project = world["project"]
    questionnaire = make(world)
    own = add_own_question(manager, world, questionnaire)
    # The questionnaire page counts what is missing per language (the templates come
    # translated).
    page = text_of(manager.get(url("questionnaire", project, questionnaire.pk)))
    assert "2 translations of questions are missing" in page
    assert "English ( English ) Missing in 1 of 4 questions" in page
    assert "Arabic ( العربية ) Missing in 1 of 4 questions" in page

    translate = url("questionnaire_translate", project, questionnaire.pk, language="ar")
    response = manager.get(translate)
    assert response.status_code == 200
    content = response.content.decode()
    # The Swedish source beside the Arabic inputs, right to left.
    tag = re.search(rf'<textarea[^>]*name="q{own.pk}_text"[^>]*>', content).group(0)
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag
    tag = re.search(rf'<input[^>]*name="q{own.pk}_label_3"[^>]*>', content).group(0)
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag
    assert "Trivs du i gruppen?" in text_of(response)
    assert text_of(response).count("Missing: no translation yet") == 6

    overrides = {f"q{own.pk}_text": ARABIC["text"]}
    overrides.update(
        {f"q{own.pk}_label_{n}": label for n, label in enumerate(ARABIC["labels"], start=1)}
    )
    response = manager.post(translate, translation_post(questionnaire, "ar", **overrides))
    assert response.status_code == 302
    assert response["Location"] == translate
    own.refresh_from_db()
    assert own.texts["ar"] == ARABIC["text"]
    assert own.options["ar"] == ARABIC["labels"]
    entry = LogEntry.objects.filter(object_type="surveys.Questionnaire").order_by("seq").last()
    assert set(entry.fields) == {f"question {own.pk} text (ar)", f"question {own.pk} labels (ar)"}
    assert "ar" in entry.reason
    assert ARABIC["text"] not in str(entry.fields) + entry.reason  # never the texts
    page = text_of(manager.get(url("questionnaire", project, questionnaire.pk)))
    assert "Arabic ( العربية ) Complete" in page


def test_a_correction_of_a_translation_is_allowed_on_a_published_questionnaire(manager, world):
    project, by = world["project"], world["manager"].user
    questionnaire = make(world, templates=["network"], languages=["ar"])
    publish(questionnaire=questionnaire, by=by)
    network = questionnaire.ordered_questions()[0]
    translate = url("questionnaire_translate", project, questionnaire.pk, language="ar")
    response = manager.post(
        translate, translation_post(questionnaire, "ar", **{f"q{network.pk}_label_1": "أبدًا"})
    )
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.options["ar"][0] == "أبدًا"
    assert network.texts["sv"] == TEMPLATES["network"]["text"]["sv"]  # the same question
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.PUBLISHED


def test_saving_untouched_persian_texts_keeps_their_zero_width_non_joiners(manager, world):
    """The text cleaning drops invisible formatting characters; texts nobody changed are kept
    exactly as stored, so Persian words keep their half-spaces."""
    project = world["project"]
    questionnaire = make(world, templates=["network"], languages=["fa"])
    network = questionnaire.ordered_questions()[0]
    assert "\u200c" in network.texts["fa"]
    translate = url("questionnaire_translate", project, questionnaire.pk, language="fa")
    response = manager.post(translate, translation_post(questionnaire, "fa"), follow=True)
    assert "Nothing was changed" in text_of(response)
    network.refresh_from_db()
    assert network.texts["fa"] == TEMPLATES["network"]["text"]["fa"]


def test_the_translate_page_refuses_a_language_not_offered(manager, world):
    project = world["project"]
    questionnaire = make(world, templates=["network"], languages=["ar"])
    network = questionnaire.ordered_questions()[0]
    before = dict(network.texts)
    translate = url("questionnaire_translate", project, questionnaire.pk, language="xx")
    response = manager.get(translate)
    assert response.status_code == 200
    assert "not offered in “xx”" in text_of(response)
    response = manager.post(translate, {"language": "so", f"q{network.pk}_text": "Shabakaddaada?"})
    assert response.status_code == 200
    network.refresh_from_db()
    assert network.texts == before


def test_a_translation_too_long_shows_the_error_and_saves_nothing(manager, world):
    project = world["project"]
    questionnaire = make(world, templates=["network"], languages=["ar"])
    network = questionnaire.ordered_questions()[0]
    translate = url("questionnaire_translate", project, questionnaire.pk, language="ar")
    response = manager.post(
        translate,
        translation_post(
            questionnaire,
            "ar",
            **{f"q{network.pk}_text": "سؤال جديد", f"q{network.pk}_label_2": "ب" * 61},
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert f'id="id_q{network.pk}_label_2_error"' in content
    network.refresh_from_db()
    assert network.texts["ar"] == TEMPLATES["network"]["text"]["ar"]  # nothing half-saved


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_with_a_missing_translation_needs_the_confirmation(manager, world):
    project = world["project"]
    questionnaire = make(world)
    own = add_own_question(manager, world, questionnaire)
    page = url("questionnaire_publish", project, questionnaire.pk)
    shown = text_of(manager.get(page))
    assert "Missing translations" in shown
    assert "Trivs du i gruppen?" in shown and "Arabic" in shown and "English" in shown
    assert "the question's text and all five labels" in shown

    response = manager.post(page, {})
    assert response.status_code == 200
    assert "confirm that you publish anyway" in text_of(response)
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.DRAFT

    response = manager.post(page, {"confirm_missing": "on"})
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.PUBLISHED
    assert timezone.localdate(questionnaire.published_at) == dt.date.fromisoformat(TODAY)
    assert questionnaire.published_by == world["manager"].user
    assert questionnaire.missing_translations_confirmed
    assert own in questionnaire.ordered_questions()
    entry = LogEntry.objects.filter(object_type="surveys.Questionnaire").order_by("seq").last()
    assert "status" in entry.fields and entry.reason.startswith("questionnaire published")
    page = text_of(manager.get(url("questionnaire", project, questionnaire.pk)))
    assert "Published" in page and "cannot be changed" in page and "New version" in page


def test_a_complete_questionnaire_is_published_without_confirmation(manager, world):
    project = world["project"]
    questionnaire = make(world)
    assert missing_translations(questionnaire) == []  # the templates come translated
    response = manager.post(url("questionnaire_publish", project, questionnaire.pk), {})
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.PUBLISHED
    assert not questionnaire.missing_translations_confirmed


def test_publishing_is_refused_without_questions(manager, world):
    project = world["project"]
    questionnaire = make(world, templates=[])
    response = manager.post(
        url("questionnaire_publish", project, questionnaire.pk), {"confirm_missing": "on"}
    )
    assert response.status_code == 200
    assert "has no question" in text_of(response)
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.DRAFT


def test_publishing_is_refused_at_an_occasion_another_questionnaire_is_asked_at(manager, world):
    project, by = world["project"], world["manager"].user
    first = make(world, title="Avslutsenkäten")
    publish(questionnaire=first, by=by)
    second = make(world, title="Nöjdhetsenkät", templates=["satisfaction"], at_entry="on")
    page = url("questionnaire_publish", project, second.pk)
    assert "Avslutsenkäten" in text_of(manager.get(page))
    response = manager.post(page, {"confirm_missing": "on"})
    assert response.status_code == 200
    shown = text_of(response)
    assert "already asked at the same occasion" in shown
    assert "“Avslutsenkäten” version 1, at exit" in shown
    second.refresh_from_db()
    assert second.status == Questionnaire.Status.DRAFT
    # Asked at entry only, it is published.
    manager.post(
        url("questionnaire_settings", project, second.pk),
        settings_post(second, at_exit=None),
    )
    assert manager.post(page, {}).status_code == 302
    second.refresh_from_db()
    assert second.status == Questionnaire.Status.PUBLISHED


# --- versions ------------------------------------------------------------------------------------


def test_a_new_version_is_a_draft_copy_and_publishing_it_retires_the_old(manager, world, settings):
    project, by = world["project"], world["manager"].user
    first = make(world)
    publish(questionnaire=first, by=by)
    page = url("questionnaire_new_version", project, first.pk)
    assert manager.get(page).status_code == 200
    response = manager.post(page)
    second = Questionnaire.objects.get(series=first.series, version=2)
    assert response["Location"] == url("questionnaire", project, second.pk)
    assert (second.status, second.previous, second.title) == ("draft", first, first.title)
    assert second.ordered_questions() == first.ordered_questions()
    assert (second.languages, second.at_exit) == (first.languages, first.at_exit)

    # One draft per series: a second new version is refused (sent again later, not a double
    # submit).
    settings.DOUBLE_SUBMIT_SECONDS = 0
    response = manager.post(page)
    assert response.status_code == 200
    assert "Version 2 is already" in text_of(response)
    assert Questionnaire.objects.filter(series=first.series).count() == 2

    # Publishing version 2 retires version 1 (no conflict with its own series).
    response = manager.post(url("questionnaire_publish", project, second.pk), {})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("retired", "published")
    shown = text_of(manager.get(url("questionnaire", project, first.pk)))
    assert "replaced by a newer one" in shown and "Version 2 is the one asked now" in shown


def test_a_published_version_cannot_be_edited(manager, world):
    project, by = world["project"], world["manager"].user
    questionnaire = make(world)
    publish(questionnaire=questionnaire, by=by)
    item = questionnaire.items.order_by("position").first()
    question = item.question
    for name, args in [
        ("questionnaire_settings", ()),
        ("questionnaire_questions", ()),
        ("questionnaire_question_new", ()),
        ("questionnaire_question_edit", (item.pk,)),
        ("questionnaire_publish", ()),
    ]:
        response = manager.get(url(name, project, questionnaire.pk, *args))
        assert response.status_code == 200
        assert "cannot be changed" in text_of(response) and "New version" in text_of(response)
    manager.post(
        url("questionnaire_settings", project, questionnaire.pk),
        settings_post(questionnaire, title="Nytt namn"),
    )
    manager.post(
        url("questionnaire_question_edit", project, questionnaire.pk, item.pk),
        {"kind": "text", "text": "Ny fråga"},
    )
    manager.post(
        url("questionnaire_questions", project, questionnaire.pk),
        {"action": "remove", "item": item.pk},
    )
    questionnaire.refresh_from_db()
    question.refresh_from_db()
    assert questionnaire.title == NEW["title"]
    assert question.kind == "scale" and questionnaire.items.count() == 3


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["case_worker", "steering"])
def test_other_roles_read_the_pages_and_change_nothing(client, world, who):
    project = world["project"]
    questionnaire = make(world)
    item = questionnaire.items.first()
    login(client, world[who])
    assert client.get(url("questionnaire", project, questionnaire.pk)).status_code == 200
    index = client.get(url("index", project))
    assert index.status_code == 200
    assert NEW["title"] in text_of(index) and "New questionnaire" not in text_of(index)
    pages = [
        url("questionnaire_new", project),
        url("questionnaire_settings", project, questionnaire.pk),
        url("questionnaire_questions", project, questionnaire.pk),
        url("questionnaire_question_new", project, questionnaire.pk),
        url("questionnaire_question_edit", project, questionnaire.pk, item.pk),
        url("questionnaire_translate", project, questionnaire.pk, language="ar"),
        url("questionnaire_publish", project, questionnaire.pk),
        url("questionnaire_new_version", project, questionnaire.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 403, page
        assert client.post(page, {**NEW, "confirm_missing": "on", "kind": "text",
                                  "text": "Ny", "action": "remove", "item": item.pk}
                           ).status_code == 403, page  # fmt: skip
    assert Questionnaire.objects.count() == 1
    questionnaire.refresh_from_db()
    assert questionnaire.status == "draft" and questionnaire.items.count() == 3


def test_another_projects_questionnaire_is_not_found(client, world):
    questionnaire = make(world)
    item = questionnaire.items.first()
    login(client, world["other_manager"])
    other = world["other"]
    # Not a member of the project: 404, as if it did not exist.
    assert client.get(url("questionnaire", world["project"], questionnaire.pk)).status_code == 404
    # Its ids under one's own project: 404 too, also in a crafted post.
    assert client.get(url("questionnaire", other, questionnaire.pk)).status_code == 404
    response = client.post(url("questionnaire_publish", other, questionnaire.pk), {})
    assert response.status_code == 404
    response = client.post(
        url("questionnaire_question_edit", other, questionnaire.pk, item.pk),
        {"kind": "text", "text": "Ny"},
    )
    assert response.status_code == 404
    questionnaire.refresh_from_db()
    assert questionnaire.status == "draft"


def test_an_item_of_another_questionnaire_is_not_found(manager, world):
    first, second = make(world), make(world, title="Andra")
    item = first.items.first()
    response = manager.get(url("questionnaire_question_edit", world["project"], second.pk, item.pk))
    assert response.status_code == 404
    response = manager.post(
        url("questionnaire_questions", world["project"], second.pk),
        {"action": "remove", "item": item.pk},
    )
    assert response.status_code == 404
    assert first.items.count() == 3


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"languages": ["ar", "xx"]}, "languages", "Select a valid choice. xx is not one"),
        ({"templates": ["job_chances", "wellbeing"]}, "templates", "Select a valid choice."),
        ({"link_days": "0"}, "link_days", "greater than or equal to 1"),
        ({"reminder_days": "30"}, "reminder_days", "fewer days than the link is valid"),
        ({"follow_up_day": "45"}, "follow_up_day", "Select a valid choice."),
    ],
)
def test_bad_input_for_a_new_questionnaire_shows_the_error_and_saves_nothing(
    manager, world, changes, field, message
):
    response = manager.post(url("questionnaire_new", world["project"]), {**NEW, **changes})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert f'id="id_{field}_error"' in content
    assert message in text_of(response)
    assert not Questionnaire.objects.exists()
    assert not Question.objects.exists()


LABELS = {f"label_{n}": label for n, label in enumerate(["Aldrig", "Sällan", "Ibland", "Ofta",
                                                         "Alltid"], start=1)}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "scale", "text": "Hur ofta?", **LABELS, "label_5": ""}, "label_5",
         "A scale needs all five labels: write label 5."),
        ({"kind": "scale", "text": "Hur ofta?", **LABELS, "label_2": "S" * 61}, "label_2",
         "at most 60 characters"),
        ({"kind": "scale", "text": "", **LABELS}, "text", "This field is required."),
        ({"kind": "text", "text": "Å" * 501}, "text", "at most 500 characters"),
        ({"kind": "stars", "text": "Hur ofta?", **LABELS}, "kind", "Select a valid choice."),
    ],
)  # fmt: skip
def test_a_bad_question_shows_the_error_and_saves_nothing(manager, world, data, field, message):
    questionnaire = make(world, templates=["network"])
    before = Question.objects.count()
    response = manager.post(
        url("questionnaire_question_new", world["project"], questionnaire.pk), data
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert f'id="id_{field}_error"' in content
    assert message in text_of(response)
    assert Question.objects.count() == before
    assert questionnaire.items.count() == 1


def test_a_bad_change_of_a_question_changes_nothing(manager, world):
    questionnaire = make(world, templates=["network"])
    item = questionnaire.items.get()
    response = manager.post(
        url("questionnaire_question_edit", world["project"], questionnaire.pk, item.pk),
        {"kind": "scale", "text": "Nytt nätverk?", **LABELS, "label_4": ""},
    )
    assert response.status_code == 200
    assert 'id="id_label_4_error"' in response.content.decode()
    item.refresh_from_db()
    assert item.question.text_in("sv") == TEMPLATES["network"]["text"]["sv"]
    assert Question.objects.count() == 1


def test_texts_go_through_the_text_cleaning(manager, world):
    make(world, title="Enkät\u200b vid\u202e avslut ")
    assert Questionnaire.objects.get().title == "Enkät vid avslut"
    response = manager.post(
        url("questionnaire_new", world["project"]), {**NEW, "title": "Enkät\x07"}
    )
    assert response.status_code == 200
    assert "control character" in text_of(response)


def test_a_double_submit_makes_one_questionnaire(manager, world):
    first = manager.post(url("questionnaire_new", world["project"]), NEW)
    second = manager.post(url("questionnaire_new", world["project"]), NEW)
    assert first.status_code == 302
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert Questionnaire.objects.count() == 1


# --- the list on the Surveys page ----------------------------------------------------------------


def test_the_surveys_page_lists_the_questionnaires(manager, world):
    project, by = world["project"], world["manager"].user
    first = make(world, follow_up_day="90")
    add_own_question(manager, world, first)
    publish(questionnaire=first, confirm_missing=True, by=by)
    new_version(questionnaire=first, by=by)
    response = manager.get(url("index", project))
    page = text_of(response)
    assert "New questionnaire" in page
    assert re.search(r"Utvärdering vid avslut.*1 Published", page)
    assert re.search(r"Utvärdering vid avslut.*2 Draft", page)
    assert "At exit, At follow-up, day 90 after exit" in page
    assert "Swedish, English (1 missing) , Arabic (1 missing)" in page
    content = response.content.decode()
    assert url("questionnaire", project, first.pk) in content
    assert url("questionnaire_new", project) in content


def test_items_keep_their_questions(world):
    """The Item rows of a new version name the same questions as the version they copy."""
    by = world["manager"].user
    first = make(world)
    publish(questionnaire=first, by=by)
    second = new_version(questionnaire=first, by=by)
    assert list(Item.objects.filter(questionnaire=second).values_list("question", "position")) == (
        list(Item.objects.filter(questionnaire=first).values_list("question", "position"))
    )


def test_every_page_answers_in_swedish_too(client, world):
    """The staff's default language: every page renders (the texts come from the catalogue)."""
    project, by = world["project"], world["manager"].user
    published = make(world, languages=["ar", "prs", "ti"])
    publish(questionnaire=published, confirm_missing=True, by=by)
    draft = new_version(questionnaire=published, by=by)
    login(client, world["manager"])
    for questionnaire in (published, draft):
        item = questionnaire.items.first()
        for name, args in [
            ("questionnaire", ()),
            ("questionnaire_settings", ()),
            ("questionnaire_questions", ()),
            ("questionnaire_question_new", ()),
            ("questionnaire_question_edit", (item.pk,)),
            ("questionnaire_translate", ()),
            ("questionnaire_publish", ()),
            ("questionnaire_new_version", ()),
        ]:
            with translation.override("sv"):
                path = reverse(f"surveys:{name}", args=[project.pk, questionnaire.pk, *args])
            assert not path.startswith("/en/")
            assert client.get(path).status_code == 200, path
    with translation.override("sv"):
        for name in ("surveys:questionnaire_new", "surveys:index"):
            assert client.get(reverse(name, args=[project.pk])).status_code == 200


def test_a_case_worker_sees_no_manager_actions(client, world):
    questionnaire = make(world)
    login(client, world["case_worker"])
    project = world["project"]
    response = client.get(url("questionnaire", project, questionnaire.pk))
    assert TEMPLATES["network"]["text"]["sv"] in text_of(response)
    assert "What you can do" not in text_of(response)
    for name in ("questionnaire_questions", "questionnaire_translate", "questionnaire_publish"):
        assert url(name, project, questionnaire.pk) not in response.content.decode()

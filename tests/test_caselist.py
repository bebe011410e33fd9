"""The case list: who sees which enrolments, "my active participants", filters, sort and
pagination on the server, and a bounded number of queries."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Area, LogEntry, Municipality
from enrolments.models import Enrolment, Status

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    ParticipationFactory,
    demo_identity_number,
)
from .test_participant_page import en, exit_enrolment, login, make_world, page_text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    """See test_participant_page.make_world."""
    return make_world(settings)


_births = itertools.count()


def enrol(world, given_name, family_name, *, covered=True, **fields):
    """An identified participant enrolled in the world's project, with a consent covering
    organisation A (or only organisation B), the covered case worker responsible."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=next(_births))
    person = ParticipantFactory(
        given_name=given_name, family_name=family_name, identity=demo_identity_number(birth)
    )
    ConsentFactory(
        participant=person,
        project=world.project,
        organisations=[world.org_a] if covered else [world.org_b],
    )
    fields.setdefault("case_worker", world.case_worker.user)
    return EnrolmentFactory(participant=person, project=world.project, **fields)


def names_in(content: str) -> list[str]:
    """The names in the table's first column, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', content)


def test_a_case_worker_sees_their_active_participants_by_default(client, world):
    enrol(world, "Bo", "Berg", status=Status.PAUSED)
    enrol(world, "Cai", "Ceder", status=Status.EXITED, exited_on=dt.date(2009, 6, 1),
          exit_status="studies")  # fmt: skip
    enrol(world, "Dan", "Dahl", case_worker=world.manager.user)
    response = login(client, world.case_worker).get(url("case_list", world))
    assert response.status_code == 200
    content = page_text(response)
    assert names_in(content) == ["Leyla Ahmadi", "Bo Berg"]
    assert "<caption" in content and '<th scope="col">' in content
    # The list is a read of names: one entry per person shown, by id, never the names.
    entries = LogEntry.objects.filter(action="view")
    shown = Enrolment.objects.filter(case_worker=world.case_worker.user).exclude(
        status=Status.EXITED
    )
    assert sorted(entries.values_list("person_id", flat=True)) == sorted(
        shown.values_list("participant_id", flat=True)
    )
    assert {(e.user, e.reason) for e in entries} == {(world.case_worker.user, "case list")}
    assert "Leyla" not in str(list(LogEntry.objects.values()))


def test_all_i_may_see_widens_the_list_but_never_past_consent(client, world):
    enrol(world, "Dan", "Dahl", case_worker=world.manager.user)
    enrol(world, "Eva", "Ek", covered=False)
    anonymous = EnrolmentFactory(participant=AnonymousParticipantFactory(), project=world.project)
    response = login(client, world.case_worker).get(url("case_list", world) + "?scope=all")
    names = names_in(page_text(response))
    assert names == ["Leyla Ahmadi", "Dan Dahl", f"Anonym deltagare {anonymous.participant.pk}"]
    assert "Eva Ek" not in page_text(response)


def test_the_uncovered_case_worker_does_not_see_the_participant(client, world):
    response = login(client, world.uncovered).get(url("case_list", world) + "?scope=all")
    assert response.status_code == 200
    assert "Leyla" not in page_text(response)


def test_a_manager_sees_every_enrolment_by_default(client, world):
    enrol(world, "Eva", "Ek", covered=False)
    content = page_text(login(client, world.manager).get(url("case_list", world)))
    assert names_in(content) == ["Leyla Ahmadi", "Eva Ek"]


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("provider", 403),
                                             ("evaluator", 403), ("steering", 403)])  # fmt: skip
def test_who_may_not_open_the_case_list(client, world, who, status):
    response = login(client, getattr(world, who)).get(url("case_list", world))
    assert response.status_code == status
    assert "Leyla" not in page_text(response)


def test_filter_by_status(client, world):
    enrol(world, "Bo", "Berg", status=Status.PAUSED)
    content = page_text(
        login(client, world.case_worker).get(url("case_list", world) + "?scope=all&status=paused")
    )
    assert names_in(content) == ["Bo Berg"]


def test_my_closed_participants_show_when_their_status_is_asked_for(client, world):
    enrol(world, "Cai", "Ceder", status=Status.EXITED, exited_on=dt.date(2009, 6, 1),
          exit_status="studies")  # fmt: skip
    content = page_text(
        login(client, world.case_worker).get(url("case_list", world) + "?scope=mine&status=exited")
    )
    assert names_in(content) == ["Cai Ceder"]


def test_filter_by_intervention(client, world):
    placed = enrol(world, "Bo", "Berg")
    participation = ParticipationFactory(enrolment=placed, intervention__project=world.project)
    ParticipationFactory(enrolment=world.enrolment, intervention__project=world.project)
    response = login(client, world.case_worker).get(
        url("case_list", world) + f"?scope=all&intervention={participation.intervention_id}"
    )
    assert names_in(page_text(response)) == ["Bo Berg"]


def test_filter_by_area(client, world):
    malmo = Municipality.objects.get(name="Malmö")
    herrgarden = Area.objects.create(name="Herrgården", municipality=malmo)
    seved = Area.objects.create(name="Seved", municipality=malmo)
    world.project.areas.add(herrgarden, seved)
    enrol(world, "Bo", "Berg", area=herrgarden)
    enrol(world, "Eli", "Eng", area=seved)
    content = page_text(
        login(client, world.case_worker).get(url("case_list", world) + f"?area={herrgarden.pk}")
    )
    assert names_in(content) == ["Bo Berg"]
    assert "Seved" in content  # offered as a choice


def test_a_tampered_filter_is_ignored_and_named(client, world):
    response = login(client, world.case_worker).get(
        en(url("case_list", world)) + "?intervention=abc&sort=participant__identity_hash"
    )
    assert response.status_code == 200
    content = page_text(response)
    assert names_in(content) == ["Leyla Ahmadi"]
    assert 'id="id_sort_error"' in content and 'id="id_intervention_error"' in content


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Leyla Ahmadi", "Bo Berg", "Cai Ceder"]),
        ("-name", ["Cai Ceder", "Bo Berg", "Leyla Ahmadi"]),
        ("referred_on", ["Cai Ceder", "Leyla Ahmadi", "Bo Berg"]),
        ("-referred_on", ["Bo Berg", "Leyla Ahmadi", "Cai Ceder"]),
        ("started_on", ["Leyla Ahmadi", "Bo Berg", "Cai Ceder"]),
        ("-started_on", ["Bo Berg", "Leyla Ahmadi", "Cai Ceder"]),  # never started: last
        ("status", ["Cai Ceder", "Leyla Ahmadi", "Bo Berg"]),  # lifecycle order
        ("-status", ["Bo Berg", "Leyla Ahmadi", "Cai Ceder"]),
    ],
)
def test_sort(client, world, sort, expected):
    enrol(world, "Bo", "Berg", referred_on=dt.date(2009, 3, 1), started_on=dt.date(2009, 3, 10),
          status=Status.PAUSED)  # fmt: skip
    enrol(world, "Cai", "Ceder", referred_on=dt.date(2009, 1, 5), started_on=None,
          status=Status.REFERRED)  # fmt: skip
    content = page_text(
        login(client, world.case_worker).get(url("case_list", world) + f"?sort={sort}")
    )
    assert names_in(content) == expected


def test_pages_of_25_whose_links_keep_the_filters(client, world):
    for n in range(30):
        enrol(world, "Person", f"Nr{n:02d}", status=Status.PAUSED)
    client = login(client, world.case_worker)
    first = page_text(client.get(url("case_list", world) + "?scope=all&status=paused&sort=name"))
    assert len(names_in(first)) == 25
    assert "30" in first  # the caption counts every row
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "status=paused" in link and "sort=name" in link and "scope=all" in link
    second = page_text(client.get(url("case_list", world) + link))
    assert names_in(second) == [f"Person Nr{n:02d}" for n in range(25, 30)]
    # A page beyond the last shows the last page instead of failing.
    assert client.get(url("case_list", world) + "?page=99").status_code == 200


def get_forms(content: str) -> list[str]:
    """Every GET form of the page, as text."""
    forms, rest = [], content
    while '<form method="get"' in rest:
        rest = rest[rest.index('<form method="get"') :]
        forms.append(rest[: rest.index("</form>")])
        rest = rest[rest.index("</form>") :]
    return forms


def test_no_get_form_asks_for_an_identity_number(client, world):
    content = page_text(login(client, world.case_worker).get(url("case_list", world)))
    names = set()
    for form in get_forms(content):
        names |= set(re.findall(r'name="([a-z_]+)"', form))
    assert names == {"q", "scope", "status", "intervention", "area", "sort", "next_action"}
    # The identity number is asked for by a POST form, with a CSRF token.
    post = content[: content.index('name="identity_number"')]
    post = content[post.rindex("<form") :]
    post = post[: post.index("</form>")]
    assert post.startswith('<form method="post"')
    assert 'name="identity_number"' in post and 'name="csrfmiddlewaretoken"' in post


def test_the_case_list_runs_a_bounded_number_of_queries(client, world):
    client = login(client, world.manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("case_list", world) + "?scope=all").status_code == 200
        return len(captured)

    for n in range(10):
        enrol(world, "Person", f"Nr{n:03d}")
    few = queries()
    for n in range(10, 200):
        enrol(world, "Person", f"Nr{n:03d}")
    assert queries() == few


# --- Finding people: by name (GET) and by identity number (POST) -------------------------------


def test_a_name_search_finds_only_people_the_user_may_see(client, world):
    path = url("case_list", world)  # (before a request to /en/ makes reverse() give /en/)
    enrol(world, "Bo", "Berg")
    enrol(world, "Eva", "Bergström", covered=False)  # consent covers organisation B only
    enrol(world, "Dan", "Dahl", case_worker=world.manager.user)
    anonymous = EnrolmentFactory(participant=AnonymousParticipantFactory(), project=world.project)
    covered = names_in(page_text(login(client, world.case_worker).get(path + "?q=berg")))
    assert covered == ["Bo Berg"]
    # The other organisation's case worker finds the person their consent covers, not Bo Berg.
    other = page_text(login(client, world.uncovered).get(path + "?q=berg"))
    assert names_in(other) == ["Eva Bergström"]
    assert "Leyla" not in page_text(login(client, world.uncovered).get(path + "?q=leyla"))
    # The manager sees everyone; an anonymous participant has no name to be found by.
    manager = page_text(login(client, world.manager).get(path + "?q=an"))
    assert f"Anonym deltagare {anonymous.participant.pk}" not in manager
    assert names_in(manager) == ["Dan Dahl"]  # "Dan": given names count as well as family names


@pytest.mark.parametrize("who", ["provider", "evaluator", "steering", "outsider"])
def test_who_may_not_see_participants_finds_no_one_by_name(client, world, who):
    response = login(client, getattr(world, who)).get(url("case_list", world) + "?q=leyla")
    assert response.status_code in (403, 404)
    assert "Leyla" not in page_text(response)


@pytest.mark.parametrize("query", ["leyla", "LEYLA", "ahm", "Leyla Ahmadi", "  ahmadi  leY "])
def test_a_name_search_ignores_case_and_takes_several_words(client, world, query):
    enrol(world, "Leyla", "Berg")
    content = page_text(login(client, world.case_worker).get(url("case_list", world), {"q": query}))
    assert names_in(content) == ["Leyla Ahmadi"] + (["Leyla Berg"] if "ahm" not in query.lower()
                                                     else [])  # fmt: skip


@pytest.mark.parametrize("query", ["åsa", "ÅSA", "öberg", "ÖBERG", "Åsa Öb"])
def test_a_name_search_ignores_case_in_swedish_letters(client, world, query):
    enrol(world, "Åsa", "Öberg")
    content = page_text(login(client, world.case_worker).get(url("case_list", world), {"q": query}))
    assert names_in(content) == ["Åsa Öberg"]


def test_a_name_search_looks_past_my_caseload_unless_asked_not_to(client, world):
    enrol(world, "Dan", "Dahl", case_worker=world.manager.user)
    enrol(world, "Cai", "Dahlin", status=Status.EXITED, exited_on=dt.date(2009, 6, 1),
          exit_status="studies")  # fmt: skip
    client = login(client, world.case_worker)
    # A colleague's participant and an exited one: found.
    assert names_in(page_text(client.get(url("case_list", world) + "?q=dahl"))) == [
        "Dan Dahl",
        "Cai Dahlin",
    ]
    # Within my caseload (open statuses): neither.
    content = page_text(client.get(en(url("case_list", world)) + "?q=dahl&scope=mine"))
    assert names_in(content) == []
    assert "None of your participants has a name like this" in content


def test_a_search_shorter_than_two_letters_says_so_and_changes_nothing(client, world):
    enrol(world, "Bo", "Berg", status=Status.PAUSED)
    client = login(client, world.case_worker)
    before = names_in(page_text(client.get(url("case_list", world))))
    response = client.get(en(url("case_list", world)) + "?q=+b+")
    assert response.status_code == 200
    content = page_text(response)
    assert 'id="id_q_error"' in content
    assert "Type at least two letters of the name to search." in content
    assert names_in(content) == before == ["Leyla Ahmadi", "Bo Berg"]


def test_a_name_search_too_long_is_named_and_ignored(client, world):
    response = login(client, world.case_worker).get(en(url("case_list", world)), {"q": "x" * 101})
    assert response.status_code == 200
    assert 'id="id_q_error"' in page_text(response)
    assert names_in(page_text(response)) == ["Leyla Ahmadi"]


def test_search_filters_sort_and_pages_work_together(client, world):
    for n in range(30):
        enrol(world, "Person", f"Nr{n:02d}", status=Status.PAUSED)
    enrol(world, "Other", "Nr99", status=Status.PAUSED)
    client = login(client, world.case_worker)
    first = page_text(client.get(url("case_list", world) + "?q=person&status=paused&sort=-name"))
    assert len(names_in(first)) == 25 and names_in(first)[0] == "Person Nr29"
    # The filter form keeps the search when a filter or the sort is changed.
    filters = next(form for form in get_forms(first) if 'name="status"' in form)
    assert '<input type="hidden" name="q" value="person">' in filters
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "q=person" in link and "status=paused" in link and "sort=-name" in link
    second = page_text(client.get(url("case_list", world) + link))
    assert names_in(second) == [f"Person Nr{n:02d}" for n in range(4, -1, -1)]


def test_the_name_search_read_is_logged_without_the_name(client, world):
    login(client, world.case_worker).get(url("case_list", world) + "?q=leyla")
    entry = LogEntry.objects.get(action="view")
    assert entry.reason == "case list, name search"
    assert LogEntry.objects.about_person(entry.person_id).get() == entry
    assert "leyla" not in str(list(LogEntry.objects.values())).lower()


def identity_of(world) -> str:
    return world.person.identity_number().formatted()


def test_an_identity_search_by_post_opens_the_one_person_found(client, world):
    response = login(client, world.case_worker).post(
        url("case_list", world), {"identity_number": identity_of(world)}
    )
    assert response.status_code == 302
    assert response["Location"] == url("participant", world, world.enrolment.pk)
    entry = LogEntry.objects.get(action="view")
    assert entry.object_type == "participants.Participant"
    assert entry.object_id == str(world.person.pk)
    assert entry.reason == "case list identity search: 1 rows"
    digits = world.person.identity_number().digits
    assert digits[:8] not in str(list(LogEntry.objects.values()))


def test_an_identity_search_matches_exactly_in_any_written_form(client, world):
    enrol(world, "Bo", "Berg")  # another person with a number
    digits = world.person.identity_number().digits
    client = login(client, world.case_worker)
    for written in (digits, f"{digits[2:8]}-{digits[8:]}", f" {digits[:8]} {digits[8:]} "):
        response = client.post(url("case_list", world), {"identity_number": written})
        assert response["Location"] == url("participant", world, world.enrolment.pk), written


def test_an_identity_search_with_several_enrolments_lists_them(client, world):
    exit_enrolment(world.enrolment, on=dt.date(2009, 6, 1))
    again = EnrolmentFactory(
        participant=world.person, project=world.project, referred_on=dt.date(2009, 8, 1),
        started_on=None, status=Status.REFERRED, case_worker=world.case_worker.user,
    )  # fmt: skip
    response = login(client, world.case_worker).post(
        en(url("case_list", world)), {"identity_number": identity_of(world)}
    )
    assert response.status_code == 200
    content = page_text(response)
    assert names_in(content) == ["Leyla Ahmadi", "Leyla Ahmadi"]
    assert f"/enrolments/{again.pk}/" in content and f"/enrolments/{world.enrolment.pk}/" in content
    # The number is not echoed back into the page.
    assert world.person.identity_number().digits[:8] not in content


@pytest.mark.parametrize("who", ["uncovered", "manager_elsewhere"])
def test_an_identity_search_never_finds_someone_the_user_may_not_see(client, world, who):
    member = world.uncovered if who == "uncovered" else world.outsider
    target = url("case_list", world)
    response = login(client, member).post(en(target), {"identity_number": identity_of(world)})
    if who == "manager_elsewhere":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    content = page_text(response)
    assert "No one you may see in this project has this number." in content
    assert "Leyla" not in content and names_in(content) == []
    entry = LogEntry.objects.get(action="view")
    assert entry.reason == "case list identity search: not visible"


def test_an_identity_search_of_an_unknown_number_says_the_same(client, world):
    unknown = demo_identity_number(dt.date(1990, 1, 1), 990)
    response = login(client, world.case_worker).post(
        en(url("case_list", world)), {"identity_number": unknown}
    )
    content = page_text(response)
    assert "No one you may see in this project has this number." in content
    assert LogEntry.objects.get(action="view").reason == "case list identity search: not found"


@pytest.mark.parametrize("who", ["provider", "evaluator", "steering"])
def test_roles_without_participants_cannot_search_by_number(client, world, who):
    response = login(client, getattr(world, who)).post(
        url("case_list", world), {"identity_number": identity_of(world)}
    )
    assert response.status_code == 403
    assert not LogEntry.objects.filter(action="view").exists()


@pytest.mark.parametrize("number", ["19850309-9821", "abc", "", "2099-01-01"])
def test_an_invalid_identity_number_is_a_field_error(client, world, number):
    response = login(client, world.case_worker).post(
        en(url("case_list", world)), {"identity_number": number}
    )
    assert response.status_code == 200
    content = page_text(response)
    assert 'id="id_identity_number_error"' in content
    assert names_in(content) == ["Leyla Ahmadi"]  # the list is as before
    assert not LogEntry.objects.filter(reason__startswith="case list identity").exists()


def test_an_identity_number_in_the_address_is_ignored(client, world):
    enrol(world, "Bo", "Berg", status=Status.PAUSED)
    client = login(client, world.case_worker)
    number = identity_of(world)
    for params in ({"identity_number": number}, {"pnr": number}):
        response = client.get(url("case_list", world), params)
        assert response.status_code == 200
        # Not a look-up by number: no identity search is logged, nobody is found by it.
        assert not LogEntry.objects.filter(reason__startswith="case list identity").exists()
    assert names_in(page_text(client.get(url("case_list", world), {"pnr": number}))) == [
        "Leyla Ahmadi",
        "Bo Berg",
    ]
    # Typed into the name search, a number is refused (a name has no digits) and taken out of
    # the address at once; the other parameters stay.
    path = en(url("case_list", world))
    response = client.get(path, {"q": number, "status": "paused"})
    assert response.status_code == 302 and response["Location"] == path + "?status=paused"
    content = page_text(client.get(response["Location"]))
    assert "A name has no digits" in content
    assert world.person.identity_number().digits[:8] not in content
    assert names_in(content) == ["Bo Berg"]


# --- Filters: my caseload, next action due -----------------------------------------------------


def test_my_caseload_is_a_filter_a_manager_can_choose(client, world):
    enrol(world, "Dan", "Dahl", case_worker=world.manager.user)
    content = page_text(login(client, world.manager).get(url("case_list", world) + "?scope=mine"))
    assert names_in(content) == ["Dan Dahl"]


def test_next_action_due_means_a_follow_up_overdue_or_due_within_14_days(client, world):
    """Today is 2010-01-01. An exit on D gives the day-90 follow-up on D + 90 days."""
    due = {}
    for name, days in [("Overdue", -1), ("Today", 0), ("Fourteen", 14), ("Fifteen", 15)]:
        enrolment = enrol(world, name, "Ek")
        exit_enrolment(enrolment, on=dt.date(2010, 1, 1) + dt.timedelta(days=days - 90))
        due[name] = enrolment.follow_ups.get(day=90).due_on
    recorded = enrol(world, "Recorded", "Ek")
    exit_enrolment(recorded, on=dt.date(2009, 10, 1))
    recorded.follow_ups.update(recorded_on=dt.date(2009, 12, 30), reached=False)
    assert due["Fourteen"] == dt.date(2010, 1, 15) and due["Overdue"] == dt.date(2009, 12, 31)
    client = login(client, world.case_worker)
    content = page_text(
        client.get(en(url("case_list", world)) + "?scope=all&next_action=on&sort=name")
    )
    assert sorted(names_in(content)) == ["Fourteen Ek", "Overdue Ek", "Today Ek"]
    assert "overdue or due within 14 days" in content
    # Together with a name search.
    content = page_text(client.get(url("case_list", world) + "?q=today&next_action=on"))
    assert names_in(content) == ["Today Ek"]
    # My caseload (the default) keeps exited participants with a follow-up left to record, so
    # "next action due" finds them there too; the recorded one has nothing left.
    content = page_text(client.get(url("case_list", world) + "?next_action=on"))
    assert sorted(names_in(content)) == ["Fourteen Ek", "Overdue Ek", "Today Ek"]
    mine = names_in(page_text(client.get(url("case_list", world))))
    assert "Fifteen Ek" in mine and "Recorded Ek" not in mine


@pytest.mark.parametrize("query", ["%%", "__", "(be", "a.*", "\\\\", "[ab]", "'; --"])
def test_a_name_search_takes_special_characters_literally(client, world, query):
    enrol(world, "Bo", "Berg")
    response = login(client, world.case_worker).get(url("case_list", world), {"q": query})
    assert response.status_code == 200
    assert names_in(page_text(response)) == []

"""The case list: who sees which enrolments, "my active participants", filters, sort and
pagination on the server, and a bounded number of queries."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Area, LogEntry, Municipality
from enrolments.models import Status

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    ParticipationFactory,
    demo_identity_number,
)
from .test_participant_page import en, login, make_world, page_text, url

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
    assert "<caption>" in content and '<th scope="col">' in content
    # The list is a read of names: logged with the number of rows, never the names.
    entry = LogEntry.objects.get(action="view")
    assert entry.user == world.case_worker.user and entry.reason == "case list: 2 rows"
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


def test_the_filter_form_has_no_name_search(client, world):
    content = page_text(login(client, world.case_worker).get(url("case_list", world)))
    form = content[content.index('<form method="get"') :]
    form = form[: form.index("</form>")]
    names = set(re.findall(r'name="([a-z_]+)"', form))
    assert names == {"scope", "status", "intervention", "area", "sort"}


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

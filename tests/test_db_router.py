"""The read replica for reports (foljsam/routers.py, core/replica.py, docs/scaling.md).

A "replica" alias is added for this module as Django's test mirror of the test database: the
same data through a second connection, so every query can be counted on the connection it went
to. Inside `reading_from_replica()` reads go to the replica; outside it, inside a transaction,
after a write, and for sign-in, memberships and the audit log they go to the primary; writes
always go to the primary. The pages that use the scope (the portfolio, the goal comparisons)
read their figures from the replica and show exactly what they show without one.

The tests are transactional: the replica's connection sees only committed rows.
"""

import copy
import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, Membership, Project, Role
from core.replica import REPLICA, reading_from_replica
from goals import summaries
from goals.models import ReferenceProgramme, ReferenceValue

from .factories import MembershipFactory, ProjectFactory, UserFactory
from .test_goal_engine import goal, person

BOTH = ["default", REPLICA]
pytestmark = pytest.mark.django_db(transaction=True, databases=BOTH)


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" connection to the test database, as REPLICA_DATABASE_URL plus Django's test
    mirror give in a test run (foljsam/settings.py)."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {
        **copy.deepcopy(primary),
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"


class Queries:
    """The SQL each connection ran inside the block."""

    def __enter__(self):
        self._contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in BOTH}
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self._contexts.values():
            context.__exit__(*exc)
        # Kept now: the next request empties the connections' logs.
        self._sql = {
            alias: [query["sql"] for query in context.captured_queries]
            for alias, context in self._contexts.items()
        }

    def on(self, alias: str) -> list[str]:
        return self._sql[alias]

    def touching(self, alias: str, table: str) -> list[str]:
        return [sql for sql in self.on(alias) if f'"{table}"' in sql]


# --- the rules --------------------------------------------------------------------------------


def test_reads_inside_the_scope_go_to_the_replica():
    project = ProjectFactory(title="Läses från kopian")
    with Queries() as queries, reading_from_replica():
        titles = list(Project.objects.filter(pk=project.pk).values_list("title", flat=True))
    assert titles == ["Läses från kopian"]
    assert queries.touching(REPLICA, "core_project")
    assert not queries.touching("default", "core_project")


def test_reads_outside_the_scope_go_to_the_primary():
    project = ProjectFactory()
    with Queries() as queries:
        assert Project.objects.filter(pk=project.pk).exists()
    assert queries.touching("default", "core_project")
    assert not queries.on(REPLICA)


def test_the_scope_ends_with_its_block():
    project = ProjectFactory()
    with reading_from_replica():
        pass
    with Queries() as queries:
        assert Project.objects.filter(pk=project.pk).exists()
    assert not queries.on(REPLICA)


def test_writes_go_to_the_primary_and_the_scope_then_reads_its_own_writes():
    project = ProjectFactory(title="Före")
    with Queries() as queries, reading_from_replica():
        assert Project.objects.get(pk=project.pk).title == "Före"  # from the replica
        Project.objects.filter(pk=project.pk).update(title="Efter")
        assert Project.objects.get(pk=project.pk).title == "Efter"
        list(Project.objects.all())
    replica = queries.touching(REPLICA, "core_project")
    assert len(replica) == 1 and replica[0].lstrip().upper().startswith("SELECT")
    primary = queries.touching("default", "core_project")
    assert primary[0].lstrip().upper().startswith("UPDATE")
    assert len(primary) == 3  # the update, then both later reads


def test_a_write_in_plain_sql_also_sends_later_reads_to_the_primary():
    project = ProjectFactory(title="Före")
    with Queries() as queries, reading_from_replica():
        with connections["default"].cursor() as cursor:
            cursor.execute("UPDATE core_project SET title = 'Efter' WHERE id = %s", [project.pk])
        assert Project.objects.get(pk=project.pk).title == "Efter"
    assert not queries.on(REPLICA)


def test_a_saved_object_goes_to_the_primary_even_when_it_was_read_from_the_replica():
    project = ProjectFactory(title="Före")
    with reading_from_replica():
        read = Project.objects.get(pk=project.pk)
        assert read._state.db == REPLICA
        read.title = "Efter"
        with Queries() as queries:
            read.save()
    assert not queries.on(REPLICA)
    assert Project.objects.get(pk=project.pk).title == "Efter"


def test_inside_a_transaction_reads_go_to_the_primary():
    project = ProjectFactory()
    with Queries() as queries, reading_from_replica():
        with transaction.atomic():
            assert Project.objects.filter(pk=project.pk).exists()
        # A transaction that only read has written nothing: back to the replica.
        assert Project.objects.filter(pk=project.pk).exists()
    assert len(queries.touching("default", "core_project")) == 1
    assert len(queries.touching(REPLICA, "core_project")) == 1


def test_sign_in_access_and_audit_are_read_from_the_primary():
    membership = MembershipFactory(role=Role.MANAGER)
    with Queries() as queries, reading_from_replica():
        assert Membership.objects.filter(user=membership.user).count() == 1
        assert type(membership.user).objects.filter(pk=membership.user.pk).exists()
        LogEntry.objects.count()
    assert not queries.on(REPLICA)
    assert len(queries.on("default")) == 3


def test_without_a_replica_the_scope_reads_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA)
    with reading_from_replica():
        assert router.db_for_read(Project) == "default"
        assert router.db_for_write(Project) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate_model("default", Project)
    assert not router.allow_migrate_model(REPLICA, Project)


def test_settings_add_the_replica_only_when_its_url_is_set(monkeypatch):
    path = Path(django_settings.BASE_DIR) / "foljsam" / "settings.py"
    monkeypatch.setenv("DATABASE_URL", "postgres://app@primary.example:5432/foljsam")
    monkeypatch.delenv("REPLICA_DATABASE_URL", raising=False)
    without = runpy.run_path(str(path))
    assert set(without["DATABASES"]) == {"default"}
    monkeypatch.setenv("REPLICA_DATABASE_URL", "postgres://reader@replica.example:5432/foljsam")
    monkeypatch.setenv("CONN_MAX_AGE", "60")
    loaded = runpy.run_path(str(path))
    replica = loaded["DATABASES"][REPLICA]
    assert (replica["HOST"], replica["USER"], replica["CONN_MAX_AGE"]) == (
        "replica.example",
        "reader",
        60,
    )
    # In a test run the replica is the test database, never the real replica.
    assert replica["TEST"] == {"MIRROR": "default"}
    assert loaded["DATABASE_ROUTERS"] == ["foljsam.routers.ReplicaRouter"]


# --- the pages that read from the replica -------------------------------------------------------


def _body(response) -> str:
    if response.streaming:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    else:
        text = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]*', r"\1", text)


def _get(client, user, url):
    client.force_login(user)
    with translation.override("en"):
        response = client.get(url)
    assert response.status_code == 200
    return _body(response)


def _pages(client, user, url, monkeypatch):
    """The page as it is read with the replica (and the SQL each connection ran for it), and
    as it is read without one."""
    with Queries() as queries:
        with_replica = _get(client, user, url)
    with monkeypatch.context() as patch:
        patch.delitem(connections.settings, REPLICA)
        without = _get(client, user, url)
    return with_replica, without, queries


@pytest.fixture
def world():
    """A manager of two twin projects with goals, people and reference values, whose figures
    were computed before the pages are opened (nothing is written while they are read)."""
    user = UserFactory()
    here = ProjectFactory(title="Här", funding_programme="ESF")
    there = ProjectFactory(title="Där")
    here.twins.add(there)
    for project in (here, there):
        MembershipFactory(user=user, project=project, role=Role.MANAGER)
        for gender in ("woman", "woman", "man"):
            person(project, gender=gender)
        goal(project, "gender_split", target=0.5, target_high=1.0)
    programme = ReferenceProgramme.objects.create(name="Jämförelse", name_en="Reference")
    programme.projects.add(here)
    ReferenceValue.objects.create(
        programme=programme, year=2009, participants=100, share_in_work_90_days="0.30"
    )
    for project in (here, there):
        summaries.refresh(project)
    return user, here


@pytest.mark.parametrize(
    "query, figure", [("", "(2/3)"), ("?format=csv", "gender-split;Mål gender_split;2;3;66,7")]
)
def test_the_portfolio_reads_its_figures_from_the_replica(
    client, world, query, figure, monkeypatch
):
    user, _here = world
    url = reverse("portfolio:portfolio") + query
    with_replica, without, queries = _pages(client, user, url, monkeypatch)
    assert figure in with_replica
    assert with_replica == without
    assert queries.touching(REPLICA, "goals_goalsummary")
    assert not queries.touching("default", "goals_goalsummary")


@pytest.mark.parametrize(
    "name, figure, table",
    [
        ("twins", "66.7 %", "goals_enrolmentfact"),
        ("reference", "Whole period (2009–2009)", "goals_referencevalue"),
        ("quarters", "20.8–93.9 %", "goals_enrolmentfact"),
    ],
)
def test_the_goal_comparisons_read_their_figures_from_the_replica(
    client, world, name, figure, table, monkeypatch
):
    user, here = world
    with translation.override("en"):
        url = reverse(f"goal_comparison:{name}", kwargs={"project_id": here.pk})
    with_replica, without, queries = _pages(client, user, url, monkeypatch)
    assert figure in with_replica
    assert with_replica == without
    assert queries.touching(REPLICA, table)
    # On the primary at most the goals' check that the fact table is complete (two counts).
    assert all("COUNT(*)" in sql for sql in queries.touching("default", table))
    # Who may see the page was decided on the primary.
    assert queries.touching("default", "core_membership")
    assert not queries.touching(REPLICA, "core_membership")

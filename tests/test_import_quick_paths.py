"""The import's quick paths give what the general ones give: where the check or the write skips
work for the common case, the skipped work would have found nothing (tests here fail if a quick
path ever decides differently)."""

import gc
import itertools
import uuid
from unittest import mock

import pytest
from django.db import transaction

from core import clock, collection
from core.audit import PreparedLog, locked_head, log_action, verify_chain
from core.fastinsert import New
from core.models import LogEntry
from imports import validation
from imports.reader import FileRefused
from imports.validation import RowChecker, RowPlan, check, vouched_for
from participants.models import EducationLevel, RegionOfBirth

from .factories import ProjectFactory, UserFactory

NAMES = ["", "Anna", "x" * 100, "x" * 101, "Ö" * 100, "Å" * 101]
REGIONS = [*RegionOfBirth.values, "", "mars", None, 3]
EDUCATIONS = [*EducationLevel.values, "", "phd", None]
YEARS = [None, 0, 1, 1899, 1900, 1985, 2015, 2100, 2101, 32767, 32768, -1, "1985", 1985.0, True]


def _model_errors(person: dict, anonymous: bool) -> list:
    """What the participant model's own validation says (RowChecker._model_check without its
    quick path)."""
    plan = RowPlan(number=2, person=dict(person))
    with mock.patch.object(validation, "vouched_for", return_value=False):
        RowChecker._model_check(None, plan, anonymous, header_of=str)
    return plan.errors


def _person(**values) -> dict:
    person = {
        "given_name": "Anna",
        "family_name": "Berg",
        "gender": "woman",
        "birth_year": 1985,
        "region_of_birth": "sweden",
        "arrival_year": None,
        "education_level": "upper_secondary",
    }
    return person | values


def _people():
    for anonymous in (False, True):
        names = {} if not anonymous else {"given_name": "", "family_name": ""}
        yield _person(**names), anonymous
        for given, family in itertools.product(NAMES, NAMES):
            yield _person(given_name=given, family_name=family), anonymous
        for region in REGIONS:
            yield _person(region_of_birth=region, **names), anonymous
        for education in EDUCATIONS:
            yield _person(education_level=education, **names), anonymous
        for birth, arrival in itertools.product(YEARS, YEARS):
            yield _person(birth_year=birth, arrival_year=arrival, **names), anonymous


def test_a_person_vouched_for_passes_the_models_own_validation():
    vouched = refused = 0
    for person, anonymous in _people():
        errors = _model_errors(person, anonymous)
        refused += bool(errors)
        if vouched_for(person, anonymous):
            vouched += 1
            assert errors == [], (person, anonymous)
    assert vouched > 50  # the quick path is taken for ordinary rows
    assert refused > 50  # and the grid reaches the model's refusals


def test_the_check_leaves_the_garbage_collector_as_it_found_it():
    assert gc.isenabled()
    with pytest.raises(FileRefused):
        check(b"", filename="empty.csv", project=None, user=None)
    assert gc.isenabled()
    gc.disable()
    try:
        with collection.without_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.django_db(transaction=False)
def test_prepared_audit_entries_are_links_of_the_chain_whatever_they_hold():
    """PreparedLog makes each distinct entry's canonical text once and quotes a numeric
    object id itself: the chain check (canonical() of every stored entry) must agree with it,
    and the entries hold what was given — for texts json.dumps escapes, non-ASCII digits,
    no user, and placeholders filled in by the write."""
    user, project = UserFactory(username='Å "quoted" \\ user'), ProjectFactory()
    log_action(by=user, action="view", object_type="test.Thing", object_id=1, reason="before")
    now, request = clock.now(), uuid.uuid4()
    object_ids = ["12", "0", "", "x", "١٢", '1"2', "a\\b", "e\u0301", "\u2028", New("t", 1, True)]
    logs = [
        {
            "user_id": who.pk if who else None,
            "user_label": who.get_username() if who else "",
            "project_id": project.pk,
            "action": action,
            "object_type": "test.Thing",
            "object_id": object_id,
            "person_id": person,
            "fields": fields,
            "reason": "import",
            "request_id": request_id,
            "at": now,
        }
        for who in (user, None)
        for action in ("create", "change")
        for object_id in object_ids
        for person in (None, 7, New("t", 0))
        for fields in (["identity_number"], ["b", "a"], [], ["ö", 'q"uote'])
        for request_id in (request, None)
    ]
    prepared = PreparedLog(logs)
    assert len({id(t) for t in prepared.templates}) < len(logs)  # shared templates
    with transaction.atomic():
        locked_head()
        prepared.execute({"t": [41, 42]})
    report = verify_chain()
    assert report.intact and report.count == len(logs) + 1
    stored = list(LogEntry.objects.filter(reason="import").order_by("seq"))
    resolved = {id(object_ids[-1]): "42"}
    assert [(e.object_id, e.person_id, e.fields, e.user_id) for e in stored] == [
        (
            resolved.get(id(log["object_id"]), log["object_id"]),
            41 if isinstance(log["person_id"], New) else log["person_id"],
            log["fields"],
            log["user_id"],
        )
        for log in logs
    ]


def test_cell_texts_are_remembered_only_while_their_file_is_checked():
    """_normalised remembers short code cells for one file's check: a long text (a note typed
    into the wrong column, say) is never kept, and nothing is kept after the check, also when
    it fails."""
    validation._normalised_short.cache_clear()
    assert validation._normalised("Kvinna") == validation._normalised("kvinna ")
    assert validation._normalised_short.cache_info().currsize == 2
    long = "Anna Andersson, 19850101-1234, " * 3
    validation._normalised(long)
    assert validation._normalised_short.cache_info().currsize == 2
    with pytest.raises(FileRefused):
        check(b"", filename="empty.csv", project=None, user=None)
    assert validation._normalised_short.cache_info().currsize == 0

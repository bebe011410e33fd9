"""Free text about a person is encrypted at rest; `manage.py rotate_keys` moves everything
encrypted (identity numbers, notes, plans, uploaded files) to a new key."""

import base64
import datetime as dt
import importlib
import io
import secrets

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.models import TextField, Value
from django.urls import reverse

from core import crypto
from core.fields import EncryptedTextField
from core.models import Role
from enrolments.models import ContactNote
from enrolments.services import add_note
from imports.models import Upload
from participants.models import Participant
from plans.models import ActionPlan, ActionPlanStep, AssessmentItem
from plans.services import record_assessment, save_plan_version

from .factories import (
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)
from .purposes import give_purpose

pytestmark = pytest.mark.django_db

NOTE = "Amira berättade om sin depression och skulderna hos Kronofogden."
HEALTH = "Ont i ryggen, sjukskriven sedan mars."
GOALS = "Komma tillbaka efter sjukskrivningen."
STEP = "Träffa psykologen på vårdcentralen."
NUMBER = demo_identity_number(dt.date(1975, 3, 4))
FILE = "Personnummer;Kön\n197503049806;Kvinna\n".encode()


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def world():
    organisation = OrganisationFactory()
    project = ProjectFactory()
    membership = MembershipFactory(project=project, organisation=organisation, role=Role.MANAGER)
    person = ParticipantFactory(identity=NUMBER)
    enrolment = EnrolmentFactory(participant=person, project=project)
    user = membership.user
    add_note(
        enrolment=enrolment,
        by=user,
        organisation=organisation,
        happened_on=dt.date(2009, 3, 1),
        kind="meeting",
        text=NOTE,
        visibility="project",
    )
    record_assessment(
        enrolment=enrolment,
        assessed_on=dt.date(2009, 3, 2),
        ratings={"health": (2, HEALTH)},
        by=user,
    )
    save_plan_version(
        enrolment=enrolment,
        goals=GOALS,
        steps=[{"description": STEP, "responsible_organisation": organisation}],
        by=user,
    )
    upload = Upload(project=project, created_by=user, filename="f.csv", size=len(FILE))
    upload.set_content(FILE)
    upload.save()
    return {"project": project, "user": user, "enrolment": enrolment, "person": person}


def raw(model, field: str, pk) -> str | bytes:
    """The column as stored, past the field's decryption."""
    table = model._meta.db_table
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        value = cursor.fetchone()[0]
    return bytes(value) if isinstance(value, memoryview) else value


FREE_TEXT = [
    (ContactNote, "text", NOTE),
    (AssessmentItem, "note", HEALTH),
    (ActionPlan, "goals", GOALS),
    (ActionPlanStep, "description", STEP),
]


def values(world):
    """Every encrypted value of the world, read through the models."""
    enrolment = world["enrolment"]
    return {
        "number": Participant.objects.get(pk=world["person"].pk).identity_number().digits,
        "note": ContactNote.objects.get(enrolment=enrolment).text,
        "health": AssessmentItem.objects.get(assessment__enrolment=enrolment).note,
        "goals": ActionPlan.objects.get(enrolment=enrolment).goals,
        "step": ActionPlanStep.objects.get(plan__enrolment=enrolment).description,
        "file": Upload.objects.get(project=world["project"]).raw_content(),
    }


EXPECTED = {
    "number": NUMBER,
    "note": NOTE,
    "health": HEALTH,
    "goals": GOALS,
    "step": STEP,
    "file": FILE,
}


@pytest.mark.parametrize(("model", "field", "text"), FREE_TEXT)
def test_free_text_is_not_stored_in_clear(world, model, field, text):
    row = model.objects.get()
    assert getattr(row, field) == text
    stored = raw(model, field, row.pk)
    assert stored.startswith(crypto.FERNET_PREFIX)
    assert text not in stored and text.split()[0] not in stored
    assert crypto.decrypt_text(stored) == text


def test_the_pages_show_the_text(client, world):
    client.force_login(world["user"])
    give_purpose(client, world["enrolment"])  # the manager reads outside their own caseload
    args = [world["project"].pk, world["enrolment"].pk]
    page = client.get(reverse("enrolments:participant", args=args)).content.decode()
    assert NOTE in page
    plan = client.get(reverse("plans:plan_detail", args=args)).content.decode()
    assert GOALS in plan and STEP in plan


def test_the_text_cannot_be_searched(world):
    with pytest.raises(FieldError):
        list(ContactNote.objects.filter(text__icontains="depression"))
    # An empty note is still found as empty (an erasure or a form skips those).
    assert AssessmentItem.objects.exclude(note="").count() == 1


def test_every_encrypted_text_field_is_rotated():
    """One list of encrypted columns (core.crypto.ENCRYPTED_COLUMNS) covers every
    EncryptedTextField, and every column it names exists."""
    fields = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    }
    listed = set(crypto.ENCRYPTED_COLUMNS)
    assert fields <= listed, f"not in ENCRYPTED_COLUMNS: {sorted(fields - listed)}"
    for label, field in listed:
        apps.get_model(label)._meta.get_field(field)
    assert {(m._meta.label, f) for m, f, _t in FREE_TEXT} <= fields


def test_rotate_keys_moves_everything_to_the_new_key(world, settings):
    key_a, key_b = settings.FIELD_ENCRYPTION_KEY, new_key()
    before = {(m, f): raw(m, f, m.objects.get().pk) for m, f, _t in FREE_TEXT}
    # The new key current, the old one still read: everything reads, and is rotated.
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = key_b, [key_a]
    assert values(world) == EXPECTED
    out = io.StringIO()
    call_command("rotate_keys", "--batch", "2", stdout=out)
    assert "enrolments.ContactNote.text: 1 re-encrypted" in out.getvalue()
    assert "participants.Participant.identity_encrypted: 1" in out.getvalue()
    assert NOTE not in out.getvalue() and NUMBER not in out.getvalue()
    for (model, field), old in before.items():
        assert raw(model, field, model.objects.get().pk) != old
    # Only the new key: everything still reads.
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert values(world) == EXPECTED
    # Run again: nothing left to do.
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "Done: 0 values re-encrypted." in out.getvalue()
    # And the old key alone reads nothing any more.
    settings.FIELD_ENCRYPTION_KEY = key_a
    with pytest.raises(crypto.InvalidToken):
        ContactNote.objects.get().text  # noqa: B018


def test_rotate_keys_without_the_old_key_stops_with_advice(world, settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = new_key(), []
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_OLD_KEYS"):
        call_command("rotate_keys", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("module", "app"),
    [
        ("enrolments.migrations.0005_encrypt_free_text", "enrolments"),
        ("plans.migrations.0003_encrypt_free_text", "plans"),
    ],
)
def test_the_migration_encrypts_text_written_before_and_can_go_back(world, module, app):
    migration = importlib.import_module(module)
    rows = [(m, f, t) for m, f, t in FREE_TEXT if m._meta.app_label == app]
    for model, field, text in rows:  # as the rows were before: clear text
        model.objects.update(**{field: Value(text, output_field=TextField())})
        assert raw(model, field, model.objects.get().pk) == text
        assert getattr(model.objects.get(), field) == text  # read as it is until encrypted
    migration.encrypt_existing(apps, None)
    for model, field, text in rows:
        assert raw(model, field, model.objects.get().pk).startswith(crypto.FERNET_PREFIX)
        assert getattr(model.objects.get(), field) == text
    migration.encrypt_existing(apps, None)  # again: nothing encrypted twice
    for model, field, text in rows:
        assert getattr(model.objects.get(), field) == text
    migration.decrypt_existing(apps, None)
    for model, field, text in rows:
        assert raw(model, field, model.objects.get().pk) == text

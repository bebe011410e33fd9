"""Writes of the area programme's pages: context statistics, local initiatives and households.

Keyword-only, the acting user as `by=`, one transaction, audited with `log_action` (the object by
type and id, the fields by name, never their values). A rule that refuses raises ValidationError
naming the field, and nothing is written.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import now
from core.models import LogEntry
from core.signals import counted_data_changed
from participants.models import Household, Participant


def _changed(form) -> list[str]:
    return list(form.changed_data) if form.instance.pk else list(form.fields)


def save_statistic(*, by, project, form):
    """Save a valid AreaStatisticForm. The same area and year twice (two managers at once) is
    refused at the year."""
    creating = form.instance.pk is None
    fields = _changed(form)
    try:
        with transaction.atomic():
            statistic = form.save()
            log_action(
                by=by,
                action=LogEntry.Action.CREATE if creating else LogEntry.Action.CHANGE,
                obj=statistic,
                project=project,
                fields=fields,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"year": _("The area already has statistics for that year: change those instead.")}
        ) from error
    return statistic


def remove_statistic(*, by, project, statistic) -> None:
    with transaction.atomic():
        log_action(by=by, action=LogEntry.Action.DELETE, obj=statistic, project=project)
        statistic.delete()


def save_initiative(*, by, project, form):
    """Save a valid LocalInitiativeForm; a new initiative belongs to `project`."""
    creating = form.instance.pk is None
    fields = _changed(form)
    if creating:
        form.instance.project = project
    with transaction.atomic():
        initiative = form.save()
        log_action(
            by=by,
            action=LogEntry.Action.CREATE if creating else LogEntry.Action.CHANGE,
            obj=initiative,
            project=project,
            fields=fields,
        )
    return initiative


def remove_initiative(*, by, project, initiative) -> None:
    with transaction.atomic():
        log_action(by=by, action=LogEntry.Action.DELETE, obj=initiative, project=project)
        initiative.delete()


def save_household(*, by, project, household, members, kept=(), fields=()) -> Household:
    """Save a household (a new one belongs to `project`) and set its members: `members` the
    participants chosen, `kept` the ids of members the reader may not see (left as they are).
    One transaction: the household, then each member's household field. Refused, with nothing
    saved, when no member remains or a chosen participant has meanwhile joined another
    household. One audit entry for the household and one per person whose household changed."""
    creating = household.pk is None
    if creating:
        household.project = project
    wanted = {p.pk for p in members} | set(kept)
    with transaction.atomic():
        if not wanted:
            raise ValidationError(
                {
                    "members": _(
                        "Choose at least one member: a household without a registered member "
                        "cannot be followed."
                    )
                }
            )
        try:
            with transaction.atomic():  # a savepoint: two saves of one reference at once
                household.save()
        except IntegrityError as error:
            raise ValidationError(
                {"reference": _("The project already has a household with this reference.")}
            ) from error
        current = set(Participant.objects.filter(household=household).values_list("pk", flat=True))
        added, removed = wanted - current, current - wanted
        taken = (
            Participant.objects.select_for_update()
            .filter(pk__in=added, household__isnull=False)
            .exclude(household=household)
        )
        if taken.exists():
            raise ValidationError(
                {"members": _("A participant you chose has just been put in another household.")}
            )
        moment = now()
        Participant.objects.filter(pk__in=removed).update(household=None, updated_at=moment)
        Participant.objects.filter(pk__in=added).update(household=household, updated_at=moment)
        log_action(
            by=by,
            action=LogEntry.Action.CREATE if creating else LogEntry.Action.CHANGE,
            obj=household,
            project=project,
            fields=[*fields, *(["members"] if added or removed else [])],
        )
        for person_id in sorted(added | removed):
            log_action(
                by=by,
                action=LogEntry.Action.CHANGE,
                object_type=Participant._meta.label,
                object_id=person_id,
                person=person_id,
                project=project,
                fields=["household"],
            )
        # The members' household changed without a model signal: goals count households.
        counted_data_changed.send(sender=Household, project_ids=[household.project_id])
    return household

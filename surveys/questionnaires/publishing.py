"""Publishing a draft questionnaire, and making a new version of a published one."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import log_action
from core.clock import now

from ..models import Item, Occasion, Questionnaire
from .drafts import SETTINGS_FIELDS, _locked, _must_be_draft, _positions
from .reading import (
    SOURCE_LANGUAGE,
    draft_of_series,
    missing_translations,
    occasion_conflicts,
    same_series,
    series_of,
)

# --- publishing and versions ------------------------------------------------------------------


def publish(*, questionnaire: Questionnaire, confirm_missing: bool = False, by) -> Questionnaire:
    """Publish a draft: from now on it is the version asked at its occasions, and the series'
    previously published version is retired. Refused without questions, when another
    published questionnaire of the project (another series) is asked at one of the same
    occasions, and — unless `confirm_missing` — when a question lacks a text or label in a
    language offered (participants choosing it would see the Swedish text)."""
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        questions = current.ordered_questions()
        if not questions:
            raise ValidationError(
                _("The questionnaire has no question. Add at least one before publishing."),
                code="empty",
            )
        conflicts = occasion_conflicts(current)
        if conflicts:
            raise ValidationError(
                _(
                    "Another published questionnaire is already asked at the same occasion: "
                    "%(list)s."
                )
                % {
                    "list": "; ".join(
                        _("“%(title)s” version %(version)s, %(occasion)s")
                        % {
                            "title": other.title,
                            "version": other.version,
                            "occasion": str(Occasion(occasion).label).lower(),
                        }
                        for other, occasion in conflicts
                    )
                },
                code="occasion",
            )
        missing = missing_translations(current, questions)
        if any(m.language == SOURCE_LANGUAGE for m in missing):
            raise ValidationError(
                _("A question lacks its Swedish text or labels: complete it before publishing."),
                code="source",
            )
        if missing and not confirm_missing:
            raise ValidationError(
                {
                    "confirm_missing": ngettext(
                        "A translation is missing (listed on this page). Complete it, or confirm "
                        "that you publish anyway.",
                        "%(count)s translations are missing (listed on this page). Complete "
                        "them, or confirm that you publish anyway.",
                        len(missing),
                    )
                    % {"count": len(missing)}
                },
                code="missing",
            )
        retired = list(
            Questionnaire.objects.select_for_update()
            .filter(same_series(current), status=Questionnaire.Status.PUBLISHED)
            .exclude(pk=current.pk)
        )
        for old in retired:
            old.status = Questionnaire.Status.RETIRED
            old.save(update_fields=["status"])
        current.status = Questionnaire.Status.PUBLISHED
        current.published_at = now()
        current.published_by = by
        current.missing_translations_confirmed = bool(missing)
        fields = ["status", "published_at", "published_by", "missing_translations_confirmed"]
        current.save(update_fields=fields)
        retired_versions = ", ".join(str(old.version) for old in retired)
        log_action(
            by=by,
            action="change",
            obj=current,
            project=current.project,
            fields=fields,
            reason="questionnaire published"
            + (f", version {retired_versions} retired" if retired else ""),
        )
    return current


def new_version(*, questionnaire: Questionnaire, by) -> Questionnaire:
    """A draft copy of the series' published version (version + 1, `previous` set) holding the
    same questions — the same Question rows, so an unchanged question's answers keep counting
    together across versions. One draft per series at a time."""
    with transaction.atomic():
        current = _locked(questionnaire)
        if current.is_draft:
            raise ValidationError(_("This version is a draft: change it directly."), code="draft")
        base = (
            Questionnaire.objects.select_for_update()
            .filter(same_series(current), status=Questionnaire.Status.PUBLISHED)
            .first()
        ) or current
        existing = draft_of_series(current)
        if existing is not None:
            raise ValidationError(
                _("Version %(version)s is already a draft of this questionnaire: change that one.")
                % {"version": existing.version},
                code="draft_exists",
            )
        if Questionnaire.objects.filter(previous=base).exists():
            raise ValidationError(
                _("Version %(version)s already has a newer version.") % {"version": base.version},
                code="has_next",
            )
        if base.series is None:  # saved by code outside these workflows
            base.series = base.pk
            Questionnaire.objects.filter(pk=base.pk).update(series=base.pk)
        last = series_of(base).aggregate(last=Max("version"))["last"] or base.version
        try:
            with transaction.atomic():
                draft = Questionnaire.objects.create(
                    project=base.project,
                    title=base.title,
                    series=base.series,
                    version=last + 1,
                    previous=base,
                    languages=list(base.languages),
                    at_entry=base.at_entry,
                    at_exit=base.at_exit,
                    follow_up_day=base.follow_up_day,
                    link_days=base.link_days,
                    reminder_days=base.reminder_days,
                )
        except IntegrityError:  # made by someone else at the same moment
            raise ValidationError(
                _("A new version of this questionnaire was just made: change that one."),
                code="draft_exists",
            ) from None
        Item.objects.bulk_create(
            Item(questionnaire=draft, question_id=item.question_id, position=item.position)
            for item in _positions(base)
        )
        log_action(
            by=by,
            action="create",
            obj=draft,
            project=draft.project,
            fields=[*SETTINGS_FIELDS, "questions", "previous"],
            reason=f"new version of questionnaire {base.pk}",
        )
    return draft

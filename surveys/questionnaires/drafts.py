"""Making and changing a draft questionnaire, and translating any questionnaire's questions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import log_action

from ..catalogue import LANGUAGES, TEMPLATES
from ..models import Item, Kind, Question, Questionnaire
from ..services import template_question
from .reading import LABEL_MAX, SCALE_SIZE, SOURCE_LANGUAGE, TEXT_MAX, is_in_use, ordered_languages

# --- guards ----------------------------------------------------------------------------------


def _locked(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire's row, locked until the transaction ends (two managers editing, or one
    publishing while another edits, take turns), read fresh."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _must_be_draft(questionnaire: Questionnaire) -> None:
    if not questionnaire.is_draft:
        raise ValidationError(
            _(
                "Version %(version)s is %(status)s and cannot be changed. Make a new version "
                "to change it."
            )
            % {
                "version": questionnaire.version,
                "status": questionnaire.get_status_display().lower(),
            },
            code="not_draft",
        )


def _positions(questionnaire: Questionnaire) -> list[Item]:
    return list(questionnaire.items.order_by("position", "pk"))


def _renumber(items: list[Item]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _check_settings(*, title, link_days, reminder_days, follow_up_day, languages) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Write a title.")
    if not isinstance(link_days, int) or not 1 <= link_days <= 365:
        errors["link_days"] = _("A link is valid for 1 to 365 days.")
    elif not isinstance(reminder_days, int) or not 0 <= reminder_days < link_days:
        errors["reminder_days"] = _(
            "Remind after fewer days than the link is valid (0: no reminder)."
        )
    if follow_up_day is not None and (
        not isinstance(follow_up_day, int) or not 1 <= follow_up_day <= 3650
    ):
        errors["follow_up_day"] = _("Choose one of the project's follow-up days.")
    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown:
        errors["languages"] = _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)


SETTINGS_FIELDS = [
    "title",
    "languages",
    "at_entry",
    "at_exit",
    "follow_up_day",
    "link_days",
    "reminder_days",
]


# --- making and changing a draft ----------------------------------------------------------------


def create_questionnaire(
    *,
    project,
    title: str,
    template_keys=(),
    languages=(),
    at_entry: bool = False,
    at_exit: bool = True,
    follow_up_day: int | None = None,
    link_days: int = 30,
    reminder_days: int = 7,
    by,
) -> Questionnaire:
    """A new questionnaire, draft version 1 of its own series, with the template questions
    `template_keys` (in the catalogue's order). A template question is the project tree's
    current question of that template (services.template_question), so its answers count
    together with every other questionnaire of the tree that asks it."""
    unknown = [key for key in template_keys if key not in TEMPLATES]
    if unknown:
        raise ValidationError(
            {"templates": _("Unknown question template: %(keys)s.") % {"keys": ", ".join(unknown)}}
        )
    _check_settings(
        title=title,
        link_days=link_days,
        reminder_days=reminder_days,
        follow_up_day=follow_up_day,
        languages=languages,
    )
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            project=project,
            title=title.strip(),
            languages=ordered_languages(languages),
            at_entry=at_entry,
            at_exit=at_exit,
            follow_up_day=follow_up_day,
            link_days=link_days,
            reminder_days=reminder_days,
        )
        questionnaire.series = questionnaire.pk
        questionnaire.save(update_fields=["series"])
        keys = [key for key in TEMPLATES if key in set(template_keys)]
        for position, key in enumerate(keys, start=1):
            Item.objects.create(
                questionnaire=questionnaire,
                question=template_question(project, key),
                position=position,
            )
        log_action(
            by=by,
            action="create",
            obj=questionnaire,
            project=project,
            fields=[*SETTINGS_FIELDS, "questions"],
            reason="questionnaire made from templates",
        )
    return questionnaire


def change_settings(
    *,
    questionnaire: Questionnaire,
    title: str,
    languages,
    at_entry: bool,
    at_exit: bool,
    follow_up_day: int | None,
    link_days: int,
    reminder_days: int,
    by,
) -> list[str]:
    """Change a draft's title, languages, occasions and days. Returns the fields changed."""
    _check_settings(
        title=title,
        link_days=link_days,
        reminder_days=reminder_days,
        follow_up_day=follow_up_day,
        languages=languages,
    )
    new = {
        "title": title.strip(),
        "languages": ordered_languages(languages),
        "at_entry": at_entry,
        "at_exit": at_exit,
        "follow_up_day": follow_up_day,
        "link_days": link_days,
        "reminder_days": reminder_days,
    }
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        changed = [name for name, value in new.items() if getattr(current, name) != value]
        if changed:
            for name in changed:
                setattr(current, name, new[name])
            current.save(update_fields=changed)
            log_action(
                by=by,
                action="change",
                obj=current,
                project=current.project,
                fields=changed,
                reason="questionnaire settings",
            )
    for name, value in new.items():
        setattr(questionnaire, name, value)
    return changed


def _check_question(kind: str, text: str, labels) -> list[str]:
    """The cleaned labels of a question (five for a scale, none for a free text)."""
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose a scale 1–5 or a free text.")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write the question in Swedish.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Write at most %(max)s characters.") % {"max": TEXT_MAX}
    labels = [(label or "").strip() for label in (labels or [])]
    if kind == Kind.SCALE:
        labels = (labels + [""] * SCALE_SIZE)[:SCALE_SIZE]
        for number, label in enumerate(labels, start=1):
            name = f"label_{number}"
            if not label:
                errors[name] = _("A scale needs all five labels: write label %(n)s.") % {
                    "n": number
                }
            elif len(label) > LABEL_MAX:
                errors[name] = _("Write at most %(max)s characters.") % {"max": LABEL_MAX}
    else:
        labels = []
    if errors:
        raise ValidationError(errors)
    return labels


def _append(current: Questionnaire, question: Question, by) -> None:
    """The question last in the (locked) draft, audited."""
    last = current.items.aggregate(last=Max("position"))["last"] or 0
    Item.objects.create(questionnaire=current, question=question, position=last + 1)
    log_action(
        by=by,
        action="change",
        obj=current,
        project=current.project,
        fields=["questions"],
        reason=f"question {question.pk} added",
    )


def add_question(*, questionnaire: Questionnaire, kind: str, text: str, labels=(), by) -> Question:
    """A question of one's own (Swedish text; for a scale its five labels, lowest first), last
    in the draft. It belongs to the questionnaire's project."""
    labels = _check_question(kind, text, labels)
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        question = Question.objects.create(
            project=current.project,
            kind=kind,
            texts={SOURCE_LANGUAGE: text.strip()},
            options={SOURCE_LANGUAGE: labels} if labels else {},
        )
        _append(current, question, by)
    return question


def add_template_question(*, questionnaire: Questionnaire, key: str, by) -> Question:
    """The tree's current question of a template, last in the draft."""
    if key not in TEMPLATES:
        raise ValidationError({"template": _("Choose one of the templates.")})
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        question = template_question(current.project, key)
        if (
            current.items.filter(question=question).exists()
            or current.items.filter(question__key=key).exists()
        ):
            raise ValidationError(
                {"template": _("The questionnaire already asks this template's question.")}
            )
        _append(current, question, by)
    return question


@dataclass
class QuestionChange:
    question: Question  # the question now in the draft
    copied: bool  # a new question replacing the old one (copy on write)
    changed: list[str]  # "kind", "text", "labels"
    translations_dropped: bool  # translations of the changed parts no longer fit


def change_question(
    *, questionnaire: Questionnaire, item: Item, kind: str, text: str, labels=(), by
) -> QuestionChange:
    """Change a draft's question: its kind, Swedish text or labels. A question that any other
    questionnaire holds or that has answers is not changed: a new question with
    `replaces` = the old one takes its place in this draft (copy on write), in the same project
    and with the same template key, so the old answers and the goals pointing at the old
    question stay as they are. Translations of a changed part are dropped (they translate the
    old wording); those of unchanged parts are kept."""
    labels = _check_question(kind, text, labels)
    text = text.strip()
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        item = Item.objects.select_related("question").get(pk=item.pk, questionnaire=current)
        old = item.question
        changed = []
        if kind != old.kind:
            changed.append("kind")
        if text != old.text_in(SOURCE_LANGUAGE):
            changed.append("text")
        if kind == Kind.SCALE and labels != list((old.options or {}).get(SOURCE_LANGUAGE) or []):
            changed.append("labels")
        if not changed:
            return QuestionChange(old, False, [], False)
        texts = dict(old.texts or {})
        options = dict(old.options or {})
        if "kind" in changed or "text" in changed:
            texts = {SOURCE_LANGUAGE: text}
        if "kind" in changed or "labels" in changed:
            options = {SOURCE_LANGUAGE: labels} if kind == Kind.SCALE else {}
        dropped = any(
            code != SOURCE_LANGUAGE
            for code in set(old.texts or {}) - set(texts) | set(old.options or {}) - set(options)
        )
        if is_in_use(old, besides=current):
            question = Question.objects.create(
                project=old.project,
                key=old.key,
                kind=kind,
                texts=texts,
                options=options,
                replaces=old,
            )
            item.question = question
            item.save(update_fields=["question"])
            copied = True
            reason = f"question {old.pk} replaced by new question {question.pk}"
        else:
            question = old
            question.kind, question.texts, question.options = kind, texts, options
            question.save(update_fields=["kind", "texts", "options"])
            copied = False
            reason = f"question {question.pk} changed"
        log_action(
            by=by,
            action="change",
            obj=current,
            project=current.project,
            fields=["questions", *(f"question {name}" for name in changed)],
            reason=reason,
        )
    return QuestionChange(question, copied, changed, dropped)


def remove_question(*, questionnaire: Questionnaire, item: Item, by) -> None:
    """Take a question out of the draft. The question itself stays: its answers, the other
    questionnaires asking it and any goal pointing at it keep it."""
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        deleted, _counts = Item.objects.filter(pk=item.pk, questionnaire=current).delete()
        if not deleted:
            raise ValidationError(_("The question is no longer in the questionnaire."))
        _renumber(_positions(current))
        log_action(
            by=by,
            action="change",
            obj=current,
            project=current.project,
            fields=["questions"],
            reason=f"question {item.question_id} removed",
        )


def order_token(questionnaire: Questionnaire) -> str:
    """The draft's current order of items, sent with a move: a move made on a page showing an
    older order is refused instead of moving the wrong question (and two moves of the same
    question one after the other are two different posts, not a double submit)."""
    return ".".join(str(item.pk) for item in _positions(questionnaire))


def move_question(
    *, questionnaire: Questionnaire, item: Item, direction: str, order: str, by
) -> None:
    """Move a question one place up or down in the draft."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a question up or down."))
    with transaction.atomic():
        current = _locked(questionnaire)
        _must_be_draft(current)
        items = _positions(current)
        if order != ".".join(str(i.pk) for i in items):
            raise ValidationError(
                _("The order of the questions changed meanwhile. Look at it again and move.")
            )
        index = next((n for n, i in enumerate(items) if i.pk == item.pk), None)
        if index is None:
            raise ValidationError(_("The question is no longer in the questionnaire."))
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        _renumber(items)
        log_action(
            by=by,
            action="change",
            obj=current,
            project=current.project,
            fields=["questions order"],
            reason=f"question {item.question_id} moved {direction}",
        )


# --- translations ----------------------------------------------------------------------------


def save_translations(
    *, questionnaire: Questionnaire, language: str, translations: dict, by
) -> dict[int, list[str]]:
    """Add or correct the texts of the questionnaire's questions in `language` (any language it
    offers except Swedish, the source): `translations` is {question id: {"text": str,
    "labels": [five str]}}; an empty text or label removes it. Allowed in any status: a
    translation does not change what a question asks. Returns the parts changed per question
    ({12: ["text", "labels"]}), which the audit entry lists (never the texts)."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        raise ValidationError(
            {"language": _("Choose one of the languages the questionnaire offers.")}
        )
    with transaction.atomic():
        current = _locked(questionnaire)
        if language not in current.languages:
            raise ValidationError(
                {"language": _("Choose one of the languages the questionnaire offers.")}
            )
        questions = {q.pk: q for q in current.ordered_questions()}
        unknown = [pk for pk in translations if pk not in questions]
        if unknown:
            raise ValidationError(_("A question is no longer in the questionnaire."))
        changed = {}
        for pk, given in translations.items():
            question = Question.objects.select_for_update().get(pk=pk)
            texts = dict(question.texts or {})
            options = dict(question.options or {})
            parts = []
            text = (given.get("text") or "").strip()
            if len(text) > TEXT_MAX:
                raise ValidationError({f"q{pk}_text": _("Too long.")})
            if text != texts.get(language, ""):
                if text:
                    texts[language] = text
                else:
                    texts.pop(language, None)
                parts.append("text")
            if question.kind == Kind.SCALE and "labels" in given:
                labels = [(label or "").strip() for label in given["labels"]]
                labels = (labels + [""] * SCALE_SIZE)[:SCALE_SIZE]
                if any(len(label) > LABEL_MAX for label in labels):
                    raise ValidationError({f"q{pk}_labels": _("Too long.")})
                before = list(options.get(language) or [])
                before = (before + [""] * SCALE_SIZE)[:SCALE_SIZE]
                if labels != before:
                    if any(labels):
                        options[language] = labels
                    else:
                        options.pop(language, None)
                    parts.append("labels")
            if parts:
                question.texts, question.options = texts, options
                question.save(update_fields=["texts", "options"])
                changed[pk] = parts
        if changed:
            log_action(
                by=by,
                action="change",
                obj=current,
                project=current.project,
                fields=[
                    f"question {pk} {part} ({language})"
                    for pk, parts in changed.items()
                    for part in parts
                ],
                reason=f"translation ({language})",
            )
    return changed

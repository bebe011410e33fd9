"""Forms of the questionnaire pages (surveys/views_questionnaires.py). They parse what a manager
types; the rules that need the database (a draft only, copy on write, occasions already taken)
are in surveys/questionnaires.py, whose errors the views put on these forms under the same
field names. Every text goes through the product's text cleaning (inputs/text.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.validators import clean_text

from .catalogue import LANGUAGES, TEMPLATES
from .models import Kind, Questionnaire
from .questionnaires import (
    LABEL_MAX,
    SCALE_SIZE,
    SOURCE_LANGUAGE,
    TEXT_MAX,
    language_name,
    template_label,
)


def _language_choices():
    return [(code, language_name(code)) for code in LANGUAGES]


class QuestionnaireForm(forms.Form):
    """A draft's title, languages, occasions and days."""

    title = forms.CharField(
        label=_("Title"),
        max_length=Questionnaire._meta.get_field("title").max_length,
        help_text=_("For the project's staff; participants do not see it."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Swedish is always offered. Each language needs a translation of every question "
            "before publishing, or your confirmation that those participants see the Swedish text."
        ),
    )
    at_entry = forms.BooleanField(label=_("At entry"), required=False)
    at_exit = forms.BooleanField(label=_("At exit"), required=False)
    follow_up_day = forms.TypedChoiceField(
        label=_("At follow-up"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The project's follow-up days (days after exit)."),
    )
    link_days = forms.IntegerField(
        label=_("Days a link is valid"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("From the day it is sent: 1 to 365."),
    )
    reminder_days = forms.IntegerField(
        label=_("Remind after days"),
        min_value=0,
        max_value=364,
        initial=7,
        help_text=_("An e-mail reminder this many days after sending, once. 0: no reminder."),
    )

    def __init__(self, *args, project, questionnaire=None, **kwargs):
        if questionnaire is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": questionnaire.title,
                "languages": list(questionnaire.languages),
                "at_entry": questionnaire.at_entry,
                "at_exit": questionnaire.at_exit,
                "follow_up_day": questionnaire.follow_up_day,
                "link_days": questionnaire.link_days,
                "reminder_days": questionnaire.reminder_days,
            }
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _language_choices()
        days = list(project.follow_up_days_or_default)
        if (
            questionnaire is not None
            and questionnaire.follow_up_day
            and (questionnaire.follow_up_day not in days)
        ):
            days.append(questionnaire.follow_up_day)
        self.fields["follow_up_day"].choices = [
            ("", _("Not at a follow-up")),
            *((day, _("Day %(day)s after exit") % {"day": day}) for day in sorted(days)),
        ]

    def clean_languages(self):
        chosen = set(self.cleaned_data["languages"]) | {SOURCE_LANGUAGE}
        return [code for code in LANGUAGES if code in chosen]

    def clean(self):
        cleaned = super().clean()
        link, reminder = cleaned.get("link_days"), cleaned.get("reminder_days")
        if link is not None and reminder is not None and reminder >= link:
            self.add_error(
                "reminder_days",
                _("Remind after fewer days than the link is valid (0: no reminder)."),
            )
        return cleaned

    def language_rows(self):
        """The language checkboxes with their own names (lang and dir for each)."""
        chosen = set(self["languages"].value() or [])
        rows = []
        for number, (code, name) in enumerate(self.fields["languages"].choices):
            own, direction, _digits = LANGUAGES[code]
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "own": own,
                    "dir": direction,
                    "id": f"{self['languages'].auto_id}_{number}",
                    "checked": code == SOURCE_LANGUAGE or code in chosen,
                    "always": code == SOURCE_LANGUAGE,
                }
            )
        return rows

    def settings(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in QUESTIONNAIRE_SETTINGS}


QUESTIONNAIRE_SETTINGS = [
    "title",
    "languages",
    "at_entry",
    "at_exit",
    "follow_up_day",
    "link_days",
    "reminder_days",
]


class NewQuestionnaireForm(QuestionnaireForm):
    templates = forms.MultipleChoiceField(
        label=_("Questions from the templates"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The project's questions made from these templates are reused, so their answers "
            "count together with the project's other questionnaires. You can add questions of "
            "your own afterwards."
        ),
    )

    field_order = ["title", "templates"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"templates": list(TEMPLATES), "at_exit": True})
        super().__init__(*args, **kwargs)
        self.fields["templates"].choices = template_choices()


def template_choices(exclude=()):
    language = (get_language() or "sv")[:2]
    kinds = dict(Kind.choices)
    return [
        (key, f"{template_label(key, language)} ({str(kinds[template['kind']]).lower()})")
        for key, template in TEMPLATES.items()
        if key not in exclude
    ]


class QuestionForm(forms.Form):
    """A question of one's own, or changes to a draft's question: its kind, its Swedish text
    and, for a scale, its five labels."""

    kind = forms.ChoiceField(
        label=_("Answered with"), choices=Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("The question in Swedish"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "sv"}),
        help_text=_("At most %(max)s characters.") % {"max": TEXT_MAX},
    )

    def __init__(self, *args, question=None, **kwargs):
        if question is not None and "initial" not in kwargs:
            labels = list((question.options or {}).get(SOURCE_LANGUAGE) or [])
            kwargs["initial"] = {
                "kind": question.kind,
                "text": question.text_in(SOURCE_LANGUAGE),
                **{f"label_{n}": label for n, label in enumerate(labels[:SCALE_SIZE], start=1)},
            }
        kwargs.setdefault("initial", {"kind": Kind.SCALE})
        super().__init__(*args, **kwargs)
        for number in range(1, SCALE_SIZE + 1):
            self.fields[f"label_{number}"] = forms.CharField(
                label=_("Label %(n)s") % {"n": number}
                + (
                    " " + str(_("(lowest)"))
                    if number == 1
                    else " " + str(_("(highest)"))
                    if number == SCALE_SIZE
                    else ""
                ),
                max_length=LABEL_MAX,
                required=False,
                widget=forms.TextInput(attrs={"lang": "sv"}),
            )

    def label_fields(self):
        return [self[f"label_{n}"] for n in range(1, SCALE_SIZE + 1)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Kind.SCALE:
            for number in range(1, SCALE_SIZE + 1):
                name = f"label_{number}"
                if name in cleaned and not cleaned[name]:
                    self.add_error(
                        name,
                        _("A scale needs all five labels: write label %(n)s.") % {"n": number},
                    )
        return cleaned

    def labels(self) -> list[str]:
        if self.cleaned_data["kind"] != Kind.SCALE:
            return []
        return [self.cleaned_data[f"label_{n}"] for n in range(1, SCALE_SIZE + 1)]


class TemplateQuestionForm(forms.Form):
    template = forms.ChoiceField(label=_("Question from a template"))

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "---------"), *template_choices(exclude)]


class ItemActionForm(forms.Form):
    """A button on a draft's question list: move up, move down, or remove a question."""

    action = forms.ChoiceField(
        choices=[("up", _("Move up")), ("down", _("Move down")), ("remove", _("Remove"))]
    )
    item = forms.IntegerField(min_value=1)
    order = forms.CharField(required=False, widget=forms.HiddenInput)


def _matches_stored(value: str, stored: str, multiline: bool) -> bool:
    """Whether a posted value is the stored text as the text cleaning gives it back. Untouched
    texts are then kept exactly as stored: the cleaning drops invisible formatting characters,
    among them the zero-width non-joiner Persian and Dari spelling uses, and saving the page
    must not strip them from texts nobody changed."""
    try:
        return value == clean_text(stored or "", multiline=multiline)
    except ValidationError:
        return False


class TranslationForm(forms.Form):
    """The questionnaire's questions in one language: for each question its text and, for a
    scale, its five labels, beside the Swedish source (questionnaire_translate.html). An empty
    field is a missing translation."""

    def __init__(self, *args, questions, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.language = language
        name = language_name(language)
        _own, direction, _digits = LANGUAGES[language]
        attrs = {"lang": language, "dir": direction}
        for position, question in enumerate(questions, start=1):
            self.fields[f"q{question.pk}_text"] = forms.CharField(
                label=_("Question %(n)s in %(language)s") % {"n": position, "language": name},
                max_length=TEXT_MAX,
                required=False,
                initial=(question.texts or {}).get(language, ""),
                widget=forms.Textarea(attrs={**attrs, "rows": 3}),
            )
            if question.kind == Kind.SCALE:
                given = list((question.options or {}).get(language) or [])
                given = (given + [""] * SCALE_SIZE)[:SCALE_SIZE]
                for number in range(1, SCALE_SIZE + 1):
                    self.fields[f"q{question.pk}_label_{number}"] = forms.CharField(
                        label=_("Question %(n)s, label %(label)s in %(language)s")
                        % {"n": position, "label": number, "language": name},
                        max_length=LABEL_MAX,
                        required=False,
                        initial=given[number - 1] or "",
                        widget=forms.TextInput(attrs=attrs),
                    )

    def rows(self):
        """Per question: the Swedish source and the bound fields of the translation."""
        rows = []
        for position, question in enumerate(self.questions, start=1):
            labels = list((question.options or {}).get(SOURCE_LANGUAGE) or [])
            labels = (labels + [""] * SCALE_SIZE)[:SCALE_SIZE]
            parts = [
                {
                    "source": question.text_in(SOURCE_LANGUAGE),
                    "field": self[f"q{question.pk}_text"],
                    "what": _("Question"),
                }
            ]
            if question.kind == Kind.SCALE:
                parts += [
                    {
                        "source": labels[number - 1],
                        "field": self[f"q{question.pk}_label_{number}"],
                        "what": _("Label %(n)s") % {"n": number},
                    }
                    for number in range(1, SCALE_SIZE + 1)
                ]
            for part in parts:
                value = part["field"].value()
                part["missing"] = not (value or "").strip()
            rows.append(
                {
                    "position": position,
                    "question": question,
                    "parts": parts,
                    "missing": sum(1 for part in parts if part["missing"]),
                }
            )
        return rows

    def translations(self) -> dict:
        """{question id: {"text": str, "labels": [...]}} of the cleaned data, each untouched
        text as stored (see _matches_stored)."""
        found = {}
        for question in self.questions:
            stored_text = (question.texts or {}).get(self.language, "")
            text = self.cleaned_data.get(f"q{question.pk}_text") or ""
            if _matches_stored(text, stored_text, multiline=True):
                text = stored_text
            entry = {"text": text}
            if question.kind == Kind.SCALE:
                stored = list((question.options or {}).get(self.language) or [])
                stored = (stored + [""] * SCALE_SIZE)[:SCALE_SIZE]
                labels = []
                for number in range(1, SCALE_SIZE + 1):
                    label = self.cleaned_data.get(f"q{question.pk}_label_{number}") or ""
                    if _matches_stored(label, stored[number - 1] or "", multiline=False):
                        label = stored[number - 1] or ""
                    labels.append(label)
                entry["labels"] = labels
            found[question.pk] = entry
        return found


class PublishForm(forms.Form):
    confirm_missing = forms.BooleanField(
        label=_("Publish anyway: participants choosing these languages see the Swedish text"),
        required=False,
    )


__all__ = [
    "ItemActionForm",
    "NewQuestionnaireForm",
    "PublishForm",
    "QuestionForm",
    "QuestionnaireForm",
    "TemplateQuestionForm",
    "TranslationForm",
]

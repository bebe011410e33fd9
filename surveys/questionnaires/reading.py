"""What a questionnaire page reads: the participants' languages by name, what is missing in
each language, the occasions, a questionnaire's series, and whether a question is in use."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..catalogue import LANGUAGES, TEMPLATES
from ..models import Item, Kind, Occasion, Question, Questionnaire

SOURCE_LANGUAGE = "sv"
TEXT_MAX = 500  # a question's text, in any language
LABEL_MAX = 60  # one label of the 1–5 scale
SCALE_SIZE = 5

# The participants' languages by their names in the staff's language (their own names are in
# catalogue.LANGUAGES).
LANGUAGE_NAMES = {
    "sv": gettext_lazy("Swedish"),
    "en": gettext_lazy("English"),
    "ar": gettext_lazy("Arabic"),
    "so": gettext_lazy("Somali"),
    "ti": gettext_lazy("Tigrinya"),
    "prs": gettext_lazy("Dari"),
    "fa": gettext_lazy("Persian"),
}


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def ordered_languages(codes) -> list[str]:
    """The codes in the catalogue's order, Swedish first and always; unknown codes dropped."""
    chosen = set(codes) | {SOURCE_LANGUAGE}
    return [code for code in LANGUAGES if code in chosen]


def template_label(key: str, language: str) -> str:
    """A template's question in the staff's language (Swedish unless they read English)."""
    texts = TEMPLATES[key]["text"]
    return texts.get("en" if language == "en" else "sv") or texts["sv"]


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Missing:
    """What a question lacks in one language: its text, and/or some of its five labels."""

    position: int
    question: Question
    language: str
    text: bool = False
    labels: list[int] = field(default_factory=list)  # the numbers (1–5) of the missing labels

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def source_text(self) -> str:
        return self.question.text_in(SOURCE_LANGUAGE)

    @property
    def parts(self) -> str:
        found = []
        if self.text:
            found.append(_("the question's text"))
        if len(self.labels) == SCALE_SIZE:
            found.append(_("all five labels"))
        elif self.labels:
            found.append(
                _("label %(numbers)s") % {"numbers": ", ".join(str(n) for n in self.labels)}
            )
        return _(" and ").join(found)


def missing_of(question: Question, language: str) -> tuple[bool, list[int]]:
    """(text missing, numbers of missing labels) of the question in the language."""
    text_missing = not (question.texts or {}).get(language, "").strip()
    labels = []
    if question.kind == Kind.SCALE:
        given = (question.options or {}).get(language) or []
        labels = [
            n
            for n in range(1, SCALE_SIZE + 1)
            if n > len(given) or not str(given[n - 1] or "").strip()
        ]
    return text_missing, labels


def missing_translations(questionnaire: Questionnaire, questions=None) -> list[Missing]:
    """Every (question × offered language) lacking a text or any of the five labels, in the
    questionnaire's order."""
    questions = questionnaire.ordered_questions() if questions is None else questions
    found = []
    for language in ordered_languages(questionnaire.languages):
        for position, question in enumerate(questions, start=1):
            text, labels = missing_of(question, language)
            if text or labels:
                found.append(Missing(position, question, language, text, labels))
    return found


def completeness(questionnaire: Questionnaire, questions=None) -> list[dict]:
    """Per offered language: its code, names, direction and how many questions lack something
    in it."""
    questions = questionnaire.ordered_questions() if questions is None else questions
    missing = missing_translations(questionnaire, questions)
    rows = []
    for code in ordered_languages(questionnaire.languages):
        own, direction, _digits = LANGUAGES[code]
        rows.append(
            {
                "code": code,
                "name": language_name(code),
                "own_name": own,
                "dir": direction,
                "missing": sum(1 for m in missing if m.language == code),
                "questions": len(questions),
            }
        )
    return rows


def occasion_names(questionnaire: Questionnaire) -> list[str]:
    names = []
    if questionnaire.at_entry:
        names.append(str(Occasion.ENTRY.label))
    if questionnaire.at_exit:
        names.append(str(Occasion.EXIT.label))
    if questionnaire.follow_up_day:
        names.append(
            _("At follow-up, day %(day)s after exit") % {"day": questionnaire.follow_up_day}
        )
    return names


def occasion_conflicts(questionnaire: Questionnaire) -> list[tuple[Questionnaire, str]]:
    """The project's other published questionnaires (other series) asked at one of the same
    occasions as this one: (questionnaire, occasion)."""
    found = []
    others = (
        Questionnaire.objects.filter(
            project_id=questionnaire.project_id, status=Questionnaire.Status.PUBLISHED
        )
        .exclude(same_series(questionnaire))
        .order_by("title", "pk")
    )
    mine = set(questionnaire.occasions)
    for other in others:
        for occasion in other.occasions:
            if occasion in mine:
                found.append((other, occasion))
    return found


def same_series(questionnaire: Questionnaire) -> Q:
    """The versions of the questionnaire's series (a questionnaire saved without a series, by
    code outside these workflows, is a series of its own)."""
    if questionnaire.series is None:
        return Q(pk=questionnaire.pk)
    return Q(series=questionnaire.series)


def series_of(questionnaire: Questionnaire):
    return Questionnaire.objects.filter(same_series(questionnaire)).order_by("version")


def draft_of_series(questionnaire: Questionnaire) -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(same_series(questionnaire), status=Questionnaire.Status.DRAFT)
        .order_by("-version")
        .first()
    )


def is_in_use(question: Question, *, besides: Questionnaire) -> bool:
    """Whether the question is held by any questionnaire but `besides` (published, retired or
    another draft) or has any answer: then its wording may not change in place."""
    return (
        Item.objects.filter(question=question).exclude(questionnaire=besides).exists()
        or question.answers.exists()
    )

"""Making, editing, translating, publishing and versioning a project's questionnaires.

The workflows of the questionnaire pages (surveys/views_questionnaires.py): each takes the
acting user as `by=`, runs in one transaction with the questionnaire's row locked, writes one
audit entry (field names, never texts) and raises ValidationError naming the field on bad
input, with nothing saved.

- A **draft** is edited freely; a published or retired version never is (`new_version` makes an
  editable copy with the same questions, so unchanged questions keep counting together).
- A question's identity is its Swedish wording, its answer labels and its kind. Changing one of
  them on a question that another questionnaire holds or that has answers makes a new Question
  (`replaces` = the old one) in this draft instead (copy on write): a changed question never
  mixes with old answers, and goals pointing at the old question keep counting what they did.
- Translations (every language but Swedish) may be added and corrected in any status: they do
  not change what a question asks.
- `publish` refuses a questionnaire without questions, one asked at an occasion another
  published questionnaire of the project is already asked at, and — unless the manager confirms
  — one whose questions lack a text or a label in a language it offers.

Read by the pages: `reading.py`; drafts and translations: `drafts.py`; publishing and
versions: `publishing.py`.
"""

from .drafts import (
    SETTINGS_FIELDS,
    QuestionChange,
    add_question,
    add_template_question,
    change_question,
    change_settings,
    create_questionnaire,
    move_question,
    order_token,
    remove_question,
    save_translations,
)
from .publishing import new_version, publish
from .reading import (
    LABEL_MAX,
    LANGUAGE_NAMES,
    SCALE_SIZE,
    SOURCE_LANGUAGE,
    TEXT_MAX,
    Missing,
    completeness,
    draft_of_series,
    is_in_use,
    language_name,
    missing_of,
    missing_translations,
    occasion_conflicts,
    occasion_names,
    ordered_languages,
    series_of,
    template_label,
)

__all__ = [
    "LABEL_MAX",
    "LANGUAGE_NAMES",
    "SCALE_SIZE",
    "SETTINGS_FIELDS",
    "SOURCE_LANGUAGE",
    "TEXT_MAX",
    "Missing",
    "QuestionChange",
    "add_question",
    "add_template_question",
    "change_question",
    "change_settings",
    "completeness",
    "create_questionnaire",
    "draft_of_series",
    "is_in_use",
    "language_name",
    "missing_of",
    "missing_translations",
    "move_question",
    "new_version",
    "occasion_conflicts",
    "occasion_names",
    "order_token",
    "ordered_languages",
    "publish",
    "remove_question",
    "save_translations",
    "series_of",
    "template_label",
]

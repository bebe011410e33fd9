"""Participant surveys (docs/surveys.md).

A project asks its participants questions with a **questionnaire**: numbered versions of a list
of **questions**, published to be answered at one or more **occasions** (entry, exit, a
follow-up day). A question is the thing answered and counted: goals point at a question (its
id), never at a string. A published version is frozen; a new version keeps the questions whose
wording it does not change (their answers go on counting together) and makes a new question of
every changed one, so a changed question never mixes with old answers.

Each enrolment due an occasion gets an **invitation**: a personal link (signed, expiring,
single-use) to send by e-mail or as an SMS text, or to open on a tablet at the office; it tracks
sent, opened, reminded and answered. Staff type in paper and interview answers, and the
spreadsheet import carries answers; every answer says where it came from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField, EncryptedTextField
from enrolments.models import VisibleThroughEnrolment

from .catalogue import LANGUAGES


class Occasion(models.TextChoices):
    ENTRY = "entry", _("At entry")
    EXIT = "exit", _("At exit")
    FOLLOW_UP = "follow_up", _("At follow-up")


class Kind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    TEXT = "text", _("Free text")


class Source(models.TextChoices):
    LINK = "link", _("Personal link")
    PAPER = "paper", _("Paper form, typed in")
    INTERVIEW = "interview", _("Interview, typed in")
    IMPORT = "import", _("Spreadsheet import")
    API = "api", _("API")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS text")
    TABLET = "tablet", _("Tablet at the office")


LANGUAGE_CHOICES = [(code, name) for code, (name, _dir, _digits) in LANGUAGES.items()]
TEXT_MAX_LENGTH = 2000


class Question(models.Model):
    """The thing answered and counted. Its wording in the project's source language (Swedish)
    and its kind never change once a published questionnaire holds it; translations may be added
    and corrected (docs/surveys.md, "Versions")."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="survey_questions",
    )
    # The template it was made from (job_chances, network...), blank for a question of one's own.
    key = models.SlugField(_("template"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    # language code -> text; language code -> the five labels of a scale, lowest first.
    texts = models.JSONField(_("texts"), default=dict)
    options = models.JSONField(_("answer labels"), default=dict, blank=True)
    # The question this one rewords (a new version changed its wording).
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self):
        return self.text_in("sv") or self.key or f"#{self.pk}"

    def text_in(self, language: str) -> str:
        return (self.texts or {}).get(language, "")

    def labels_in(self, language: str) -> list[str]:
        labels = (self.options or {}).get(language) or []
        return labels if len(labels) == 5 and all(labels) else []


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Replaced by a newer version")

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    title = models.CharField(_("title"), max_length=200)
    # Every version of a questionnaire has the id of its first version as its series.
    series = models.PositiveIntegerField(_("series"), null=True, blank=True, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_version",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    languages = models.JSONField(_("languages offered"), default=list)
    at_entry = models.BooleanField(_("at entry"), default=False)
    at_exit = models.BooleanField(_("at exit"), default=True)
    follow_up_day = models.PositiveSmallIntegerField(
        _("at follow-up, day after exit"), null=True, blank=True
    )
    link_days = models.PositiveSmallIntegerField(
        _("days a link is valid"), default=30, help_text=_("From the day it is sent.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after days"),
        default=7,
        help_text=_("An e-mail reminder this many days after sending, once. 0: no reminder."),
    )
    questions = models.ManyToManyField(
        Question, through="Item", related_name="questionnaires", verbose_name=_("questions")
    )
    published_at = ClockDateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Published although a question lacked a translation, confirmed by the manager.
    missing_translations_confirmed = models.BooleanField(default=False)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["project", "series", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "version"], name="questionnaire_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(link_days__gte=1, link_days__lte=365),
                name="questionnaire_link_days_1_to_365",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def occasions(self) -> list[str]:
        found = []
        if self.at_entry:
            found.append(Occasion.ENTRY)
        if self.at_exit:
            found.append(Occasion.EXIT)
        if self.follow_up_day:
            found.append(Occasion.FOLLOW_UP)
        return found

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def ordered_questions(self) -> list[Question]:
        return [
            item.question for item in self.items.select_related("question").order_by("position")
        ]


class Item(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    # RESTRICT: a question asked in a questionnaire (or answered) is never deleted on its own;
    # it goes only with its project, together with what refers to it.
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.RESTRICT, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        verbose_name = _("question of a questionnaire")
        verbose_name_plural = _("questions of a questionnaire")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "question"], name="questionnaire_item_unique"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} {self.position}: {self.question}"


class Invitation(models.Model):
    """One enrolment asked one questionnaire at one occasion, with its personal link."""

    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.RESTRICT,
        related_name="invitations",
    )
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    due_on = models.DateField(_("due"), db_index=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES, default="sv")
    # A fresh nonce makes every earlier link of the invitation invalid (surveys/links.py).
    nonce = models.CharField(max_length=32, blank=True)
    channel = models.CharField(_("sent as"), max_length=10, choices=Channel.choices, blank=True)
    # Kept only for the reminder; encrypted like every personal free text.
    email = EncryptedTextField(_("e-mail address"), blank=True, default="")
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    expires_on = models.DateField(_("link valid until"), null=True, blank=True)
    opened_at = ClockDateTimeField(_("opened"), null=True, blank=True)
    reminded_on = models.DateField(_("reminded"), null=True, blank=True)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    source = models.CharField(_("answered by"), max_length=10, choices=Source.choices, blank=True)
    # Answers saved on the link page but not yet sent: {question id: value or text}, encrypted.
    draft = EncryptedTextField(blank=True, default="")
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    objects = VisibleThroughEnrolment.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "occasion"], name="survey_invitation_one_per_occasion"
            )
        ]

    def __str__(self):
        return f"{self.get_occasion_display()} #{self.pk}"


class SurveyAnswer(models.Model):
    """One answer: a value on the 1–5 scale (1 = not at all, 5 = very much), or a free text."""

    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="survey_answers",
    )
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.RESTRICT,
        related_name="answers",
    )
    value = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    # A free-text answer: seen by the project team only, never exported (docs/surveys.md).
    text = EncryptedTextField(_("free text"), blank=True, default="")
    answered_on = models.DateField(_("answered on"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.API
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
    )
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = VisibleThroughEnrolment.as_manager()

    class Meta:
        ordering = ["enrolment", "occasion", "question"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "occasion", "question"], name="survey_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="survey_answer_value_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.value if self.value is not None else '…'}"

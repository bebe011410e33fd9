"""People: participants (identified or anonymous), households and consents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField

from . import identity


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender / unknown")


class RegionOfBirth(models.TextChoices):
    SWEDEN = "sweden", _("Sweden")
    NORDIC = "nordic", _("Nordic countries except Sweden")
    EU_EEA = "eu_eea", _("EU/EEA except the Nordic countries")
    EUROPE_OTHER = "europe_other", _("Rest of Europe")
    OUTSIDE_EUROPE = "outside_europe", _("Outside Europe")
    UNKNOWN = "unknown", _("Unknown")


class EducationLevel(models.TextChoices):
    """Swedish levels, each in one of the three ISCED bands SCB and ESF report by."""

    PRIMARY_SHORT = "primary_short", _("Compulsory school less than 9 years (ISCED 0–2)")
    PRIMARY = "primary", _("Compulsory school 9 years (ISCED 0–2)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school (ISCED 3–4)")
    POST_SECONDARY_SHORT = (
        "post_secondary_short",
        _("Post-secondary education less than 3 years (ISCED 5–8)"),
    )
    POST_SECONDARY_LONG = (
        "post_secondary_long",
        _("Post-secondary education 3 years or more (ISCED 5–8)"),
    )
    UNKNOWN = "unknown", _("Unknown")


ISCED_BAND = {
    EducationLevel.PRIMARY_SHORT: "0-2",
    EducationLevel.PRIMARY: "0-2",
    EducationLevel.UPPER_SECONDARY: "3-4",
    EducationLevel.POST_SECONDARY_SHORT: "5-8",
    EducationLevel.POST_SECONDARY_LONG: "5-8",
    EducationLevel.UNKNOWN: "",
}


class Household(models.Model):
    """A family, for programmes that count households (seed 002). Holds no names."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    reference = models.CharField(_("reference"), max_length=40)
    area = models.ForeignKey(
        "core.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True
    )
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    long_term_social_assistance = models.BooleanField(
        _("long-term social assistance at first contact"), default=False
    )
    contacted_on = models.DateField(_("first contact"))
    # The household's contact in the project: a member of staff, never a name of the family.
    contact_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact in the project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["project", "reference"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="household_unique_ref"),
            models.CheckConstraint(condition=Q(adults__gte=1), name="household_has_an_adult"),
        ]

    def __str__(self):
        return self.reference


class ParticipantQuerySet(models.QuerySet):
    def with_identity_number(self, value: str):
        """Exact match through the keyed hash: there is no list of all people to browse."""
        number = identity.parse_identity_number(value)
        return self.filter(identity_hash=identity.keyed_hash(number))


class Participant(models.Model):
    """A person. Identified by an encrypted identity number, or anonymous (statistical only)."""

    identity_encrypted = models.TextField(
        _("identity number (encrypted)"), blank=True, editable=False
    )
    identity_hash = models.CharField(
        _("identity hash"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    is_coordination_number = models.BooleanField(_("samordningsnummer"), default=False)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("No consent to registration, or protected identity: only statistical fields."),
    )
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    region_of_birth = models.CharField(
        _("region of birth"),
        max_length=20,
        choices=RegionOfBirth.choices,
        default=RegionOfBirth.UNKNOWN,
    )
    arrival_year = models.PositiveSmallIntegerField(
        _("year of arrival in Sweden"), null=True, blank=True
    )
    education_level = models.CharField(
        _("education level"),
        max_length=24,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
    )
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    disability = models.BooleanField(
        _("disability"), null=True, blank=True, help_text=_("Optional and sensitive.")
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    created_at = ClockDateTimeField(_("registered"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=True, identity_hash__isnull=True, identity_encrypted="")
                | Q(is_anonymous=False, identity_hash__isnull=False),
                name="participant_identified_xor_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(given_name="", family_name=""),
                name="participant_anonymous_has_no_name",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900, birth_year__lte=2100),
                name="participant_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(arrival_year__isnull=True) | Q(arrival_year__gte=F("birth_year")),
                name="participant_arrival_after_birth",
            ),
        ]

    def __str__(self):
        if self.is_anonymous:
            return _("Anonymous participant %(id)s") % {"id": self.pk}
        return f"{self.given_name} {self.family_name}".strip() or _("Participant %(id)s") % {
            "id": self.pk
        }

    def set_identity_number(self, value: str) -> identity.IdentityNumber:
        """Validate, encrypt and hash; fill birth year from the number."""
        number = identity.parse_identity_number(value)
        self.identity_encrypted = identity.encrypt(number)
        self.identity_hash = identity.keyed_hash(number)
        self.is_coordination_number = number.is_coordination_number
        self.is_anonymous = False
        self.birth_year = number.birth_date.year
        return number

    def identity_number(self) -> identity.IdentityNumber | None:
        """Decrypt. Callers log the read (core.audit.log_action)."""
        if not self.identity_encrypted:
            return None
        return identity.decrypt(self.identity_encrypted)

    def clean(self):
        if self.is_anonymous and (self.given_name or self.family_name):
            raise ValidationError(
                {"given_name": _("An anonymous participant is registered without a name.")}
            )
        if self.arrival_year and self.birth_year and self.arrival_year < self.birth_year:
            raise ValidationError(
                {"arrival_year": _("The year of arrival cannot be before the birth year.")}
            )


class ConsentQuerySet(models.QuerySet):
    def current(self):
        """The consents in force: not withdrawn and not replaced by a newer version. Only these
        let anyone see a person (Enrolment.objects.visible_to)."""
        return self.filter(withdrawn_on__isnull=True, replaced_on__isnull=True)


class Consent(models.Model):
    """A participant's consent: which organisations it covers and what it allows.

    Widening or narrowing a consent (organisations, purposes) records a new version: a new row
    pointing to the one it replaces (`previous`), whose `replaced_on` is then set. Old versions
    are kept unchanged, so the history shows who recorded what and when; only the newest
    version that is not withdrawn counts (`Consent.objects.current()`).
    """

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration in the project")
        INFORMATION_EXCHANGE = (
            "information_exchange",
            _("Information exchange between the agencies"),
        )
        SURVEY_CONTACT = "survey_contact", _("Contact for surveys and follow-up")

    class Method(models.TextChoices):
        """How the consent was given, as the user who confirms it attests. A form offers the
        first three; IMPORTED is set by a spreadsheet import, UNKNOWN is what consents recorded
        before the method was asked for carry."""

        PAPER = "paper", _("Written consent on a signed form")
        VERBAL = "verbal", _("Verbally, noted in the case file")
        E_ID = "e_id", _("Signed with e-identification (BankID)")
        # A spreadsheet import: the uploader confirms, for the whole file, that every person
        # in it consented (the import page says so); how each one did is kept outside Följsam.
        IMPORTED = "imported", _("Imported: confirmed for the whole file by the importer")
        UNKNOWN = "unknown", _("Not recorded (consents before 2026)")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="consents"
    )
    organisations = models.ManyToManyField(
        "core.Organisation", verbose_name=_("organisations covered"), related_name="consents"
    )
    purposes = models.JSONField(_("purposes"), default=list)
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(
        _("given by"),
        max_length=100,
        default="participant",
        help_text=_("The participant, or a guardian."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)
    recorded_at = ClockDateTimeField(_("recorded"), auto_now_add=True, null=True)
    # Who confirmed that the person gave this consent, how, and when: required for every consent
    # a user records (enrolments.registration), so a consent is never just a ticked box.
    method = models.CharField(
        _("how the consent was given"),
        max_length=10,
        choices=Method.choices,
        default=Method.UNKNOWN,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    document_reference = models.CharField(
        _("document reference"),
        max_length=60,
        blank=True,
        help_text=_(
            "Where the signed form or the note is kept, e.g. a registration number (diarienummer). "
            "No names or identity numbers."
        ),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-version"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self):
        return _("Consent of %(date)s") % {"date": self.given_on}

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None and self.replaced_on is None

    @property
    def method_is_known(self) -> bool:
        return self.method != self.Method.UNKNOWN

    @property
    def purpose_labels(self) -> list[str]:
        return [str(self.Purpose(p).label) for p in self.purposes if p in self.Purpose.values]

    def clean(self):
        unknown = set(self.purposes or []) - set(self.Purpose.values)
        if unknown:
            raise ValidationError(
                {"purposes": _("Unknown purpose: %s") % ", ".join(sorted(unknown))}
            )
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}
            )


class Correction(models.Model):
    """One correction of something already recorded about a participant, kept as history:
    who, when, which record, every field changed from what to what, and why.

    One row per saved correction (one form), with the changed fields as a list in `changes`:
    `[{"field": "gender", "old": "woman", "new": "man"}, …]`. Values are stored as the data
    is (choice codes, ISO dates, numbers, names of related rows) and shown in the reader's
    language by `lines()`. An identity number is never stored: its entry is
    `{"field": "identity_number", "masked": true}` and is shown as "changed". The record
    corrected is named by `object_type` (the model's label) and `object_id`, so every app above
    participants (enrolments, interventions, plans) writes here through its own services.
    Rows are only ever added."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person details")
        ENROLMENT = "enrolment", _("Enrolment details")
        EXIT = "exit", _("Exit")
        FOLLOW_UP = "follow_up", _("Follow-up")
        ATTENDANCE = "attendance", _("Attendance")
        PLAN_STEPS = "plan_steps", _("Order of the plan's steps")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("what was corrected"), max_length=20, choices=Kind.choices)
    object_type = models.CharField(_("record type"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("record id"))
    detail = models.CharField(
        _("which"),
        max_length=200,
        blank=True,
        help_text=_("Which record: the follow-up's day, the attendance's date and intervention."),
    )
    removed = models.BooleanField(_("removed"), default=False)
    changes = models.JSONField(_("changes"), default=list)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("corrected at"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["participant", "project"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_a_reason"),
        ]

    def __str__(self):
        return _("Correction of %(what)s") % {"what": self.get_kind_display()}

    def title(self) -> str:
        """What was corrected, in the reader's language."""
        if self.kind == self.Kind.FOLLOW_UP and self.detail:
            return _("Follow-up at day %(day)s") % {"day": self.detail}
        if self.kind == self.Kind.PLAN_STEPS and self.detail:
            return _("Order of the plan's steps, version %(version)s") % {"version": self.detail}
        if self.detail:
            return f"{self.get_kind_display()} · {self.detail}"
        return str(self.get_kind_display())

    def lines(self) -> list[dict]:
        """Each change as {"label", "old", "new", "masked", "subject"} in the reader's language."""
        from .corrections import field_label, show_value

        return [
            {
                "label": field_label(self.object_type, change.get("field", "")),
                "old": ""
                if change.get("masked")
                else show_value(self.object_type, change.get("field", ""), change.get("old", "")),
                "new": ""
                if change.get("masked")
                else show_value(self.object_type, change.get("field", ""), change.get("new", "")),
                "masked": bool(change.get("masked")),
                "subject": change.get("subject", ""),
            }
            for change in self.changes
        ]

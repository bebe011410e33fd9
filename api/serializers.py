"""What the API shows and accepts. Participants: statistical fields only — never a name or an
identity number. Input serializers refuse keys they do not know (a typo is a 400, not silence)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Project
from enrolments.models import Enrolment, FollowUp, IncomeSource, OutcomeStatus
from interventions.models import Participation
from participants.models import Participant
from surveys.models import Occasion, SurveyAnswer

MAX_ID = 2**31 - 1


class StrictFieldsMixin:
    """400 for a body that is not a JSON object or holds keys the serializer does not know."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON object with the fields named below.")]}
            )
        known = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise serializers.ValidationError(
                {
                    key: [
                        _("Unknown field. Allowed fields: %(fields)s.")
                        % {"fields": ", ".join(sorted(known))}
                    ]
                    for key in unknown
                }
            )
        return super().to_internal_value(data)


# --- Reading ---------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in the project.")

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "title_en",
            "kind",
            "parent",
            "phase",
            "programme_area",
            "funding_programme",
            "region",
            "starts_on",
            "ends_on",
            "esf_grant",
            "total_budget",
            "follow_up_days",
            "source_url",
            "role",
            "updated_at",
        ]

    def get_role(self, project) -> str:
        return self.context["roles"].get(project.pk, "")


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = [
            "id",
            "is_anonymous",
            "gender",
            "birth_year",
            "region_of_birth",
            "arrival_year",
            "education_level",
            "created_at",
            "updated_at",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    target_groups = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Codes of the target groups met."
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "participant",
            "referred_on",
            "referred_by",
            "started_on",
            "labour_market_status",
            "months_without_work",
            "income_source",
            "swedish_level",
            "target_groups",
            "area",
            "status",
            "exited_on",
            "exit_reason",
            "exit_status",
            "exit_income_source",
            "updated_at",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    participant = serializers.IntegerField(source="enrolment.participant_id", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "intervention",
            "enrolment",
            "participant",
            "started_on",
            "ended_on",
            "planned_hours",
            "attended_hours",
            "completion",
            "updated_at",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    participant = serializers.IntegerField(source="enrolment.participant_id", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "enrolment",
            "participant",
            "day",
            "due_on",
            "reached",
            "status",
            "income_source",
            "source",
            "recorded_on",
            "updated_at",
        ]


class SurveyAnswerSerializer(serializers.ModelSerializer):
    participant = serializers.IntegerField(source="enrolment.participant_id", read_only=True)

    class Meta:
        model = SurveyAnswer
        fields = [
            "id",
            "enrolment",
            "participant",
            "occasion",
            "question",
            "value",
            "answered_on",
            "source",
            "updated_at",
        ]


# --- Writing ---------------------------------------------------------------------------------


class RecordFollowUpSerializer(StrictFieldsMixin, serializers.Serializer):
    reached = serializers.BooleanField(
        help_text="false records a non-response (the participant could not be reached)."
    )
    status = serializers.ChoiceField(
        choices=OutcomeStatus.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when reached.",
    )
    income_source = serializers.ChoiceField(
        choices=IncomeSource.choices, required=False, allow_blank=True, default=""
    )
    source = serializers.ChoiceField(
        choices=FollowUp.Source.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when reached.",
    )
    recorded_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: today."
    )


class CreateSurveyAnswerSerializer(StrictFieldsMixin, serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    occasion = serializers.ChoiceField(choices=Occasion.choices)
    question = serializers.RegexField(
        r"^(\d{1,12}|job_chances|network|self_confidence|satisfaction)$",
        help_text="The id of a survey question of the project answered on the scale 1–5 (on its "
        "questionnaire page), or a template key (job_chances, network, self_confidence, "
        "satisfaction): the project's current question made from that template.",
    )
    value = serializers.IntegerField(min_value=1, max_value=5)
    answered_on = serializers.DateField()


# --- Goals -----------------------------------------------------------------------------------


class CellSerializer(serializers.Serializer):
    """One figure; every number is null when the cell is suppressed or has no data."""

    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=["met", "not_met", "uncertain", "no_data"])
    missing = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=["", "small", "small_part", "protect"],
        help_text="Why the cell is hidden: the group is smaller than the threshold (small), a "
        "part of it is (small_part), or it would let a hidden figure be worked out (protect).",
    )


class GoalResultSerializer(CellSerializer):
    """The same object as one element of the dashboard's goals.json."""

    goal = serializers.CharField()
    key = serializers.CharField()
    template = serializers.CharField()
    kind = serializers.CharField(help_text="share, count or checklist")
    target = serializers.FloatField(allow_null=True)
    target_high = serializers.FloatField(allow_null=True)
    comparator = serializers.CharField(help_text="gte, lte, range or ref_plus")
    value_answered = serializers.FloatField(allow_null=True)
    denominator_answered = serializers.IntegerField(allow_null=True)
    breakdown = serializers.DictField(
        child=serializers.DictField(child=CellSerializer()),
        help_text="Dimension → group → cell.",
    )
    periods = serializers.DictField(child=CellSerializer(), allow_null=True)
    error = serializers.CharField(allow_null=True)
    population_date = serializers.CharField(allow_null=True)
    missing_hidden = serializers.BooleanField(
        help_text="The number missing and the share among those with data are hidden."
    )

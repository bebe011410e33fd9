"""The REST API, version 1.

Visibility is not decided here: projects come from `Project.objects.visible_to(user)`, every
participant row from `Enrolment.objects.visible_to(membership)` (through enrolments/access.py),
participations from the attendance pages' queryset, goals from goals.summaries exactly as the
dashboard's goals.json, with the same suppression. Every person's record the API returns is
logged with core.audit.log_action — one entry per record shown, naming the participant by id
only.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from core.audit import log_action
from core.models import Membership, Project
from core.policy import Capability, can, disclosure_for
from enrolments.access import visible_enrolments
from enrolments.models import Enrolment, FollowUp
from enrolments.services import record_follow_up
from goals import summaries
from interventions.models import Participation
from participants.models import Participant
from surveys.models import SurveyAnswer
from surveys.services import record_answer

from . import serializers as s
from .exceptions import validation_error_from_django
from .filters import CHANGED_SINCE, filter_changed_since

MAX_ID = s.MAX_ID

CHANGED_SINCE_PARAMETER = OpenApiParameter(
    CHANGED_SINCE,
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    description=(
        "Only rows changed at or after this moment (ISO 8601, e.g. 2026-01-31T12:00:00Z). "
        "Rows are ordered by (updated_at, id); keep the largest updated_at you received and "
        "pass it next time."
    ),
)


def _valid_id(value) -> int:
    """An id from the URL, or 404 when it cannot be a row's id (also too large for the DB)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise exceptions.NotFound() from None
    if not 1 <= number <= MAX_ID:
        raise exceptions.NotFound()
    return number


# --- Projects --------------------------------------------------------------------------------


class _ProjectsMixin:
    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return filter_changed_since(Project.objects.visible_to(self.request.user), self.request)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.user.is_authenticated:
            context["roles"] = dict(
                Membership.objects.filter(user=self.request.user).values_list("project_id", "role")
            )
        else:
            context["roles"] = {}
        return context


@extend_schema(tags=["projects"], parameters=[CHANGED_SINCE_PARAMETER])
class ProjectList(_ProjectsMixin, generics.ListAPIView):
    """The projects you hold a membership in, with your role in each."""


@extend_schema(tags=["projects"])
class ProjectDetail(_ProjectsMixin, generics.RetrieveAPIView):
    """One of your projects (404 for a project you are not a member of)."""

    def get_object(self):
        project = self.get_queryset().filter(pk=_valid_id(self.kwargs["project_id"])).first()
        if project is None:
            raise exceptions.NotFound()
        return project


# --- Project resources: the membership decides -----------------------------------------------


class ProjectResource(generics.GenericAPIView):
    """Base for everything under /projects/{project_id}/: resolves the membership (404 without
    one, so the project's existence is not revealed) and sets request.membership and
    request.project exactly as @project_view does for pages."""

    model = None
    resource = ""
    lookup_url_kwarg = "pk"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        membership = (
            Membership.objects.select_related("project", "organisation")
            .filter(user=request.user, project_id=_valid_id(kwargs.get("project_id")))
            .first()
        )
        if membership is None:
            raise exceptions.NotFound()
        self.membership = membership
        request.membership = membership
        request.project = membership.project

    def rows(self):
        """The rows of this resource the membership may see."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.rows()

    def get_object(self):
        obj = self.get_queryset().filter(pk=_valid_id(self.kwargs[self.lookup_url_kwarg])).first()
        if obj is None:
            raise exceptions.NotFound()
        return obj

    def participant_id_of(self, obj) -> int:
        return obj.enrolment.participant_id

    def log_reads(self, objects, *, listing: bool) -> None:
        """One audit entry per person's record shown: who, which participant (by id), through
        which record; never any of its values."""
        for obj in objects:
            log_action(
                by=self.request.user,
                action="view",
                object_type="participants.Participant",
                object_id=self.participant_id_of(obj),
                project=self.request.project,
                reason=f"api {self.resource}{' list' if listing else ''}: {obj.pk}",
            )


class ResourceList(generics.ListAPIView):
    def list(self, request, *args, **kwargs):
        queryset = filter_changed_since(self.get_queryset(), request)
        page = self.paginate_queryset(queryset)
        self.log_reads(page, listing=True)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class ResourceDetail(generics.RetrieveAPIView):
    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.log_reads([obj], listing=False)
        return Response(self.get_serializer(obj).data)


def _enrolment_rows(view):
    """Enrolments through the one visibility rule, for roles whose pages show enrolments
    (case list, participant page); every other role gets no rows."""
    if not can(view.membership, Capability.ENROLMENTS_VIEW):
        return Enrolment.objects.none()
    return visible_enrolments(view.request)


class _ParticipantRows:
    model = Participant
    resource = "participant"
    serializer_class = s.ParticipantSerializer

    def rows(self):
        # A provider sees the participants placed in its interventions (visible_to says so);
        # the aggregate-only roles see none.
        return Participant.objects.filter(
            pk__in=visible_enrolments(self.request).values("participant_id")
        )

    def participant_id_of(self, obj):
        return obj.pk


class _EnrolmentRows:
    model = Enrolment
    resource = "enrolment"
    serializer_class = s.EnrolmentSerializer

    def rows(self):
        return _enrolment_rows(self).prefetch_related("target_groups")

    def participant_id_of(self, obj):
        return obj.participant_id


class _ParticipationRows:
    model = Participation
    resource = "participation"
    serializer_class = s.ParticipationSerializer

    def rows(self):
        # The attendance pages' queryset: a provider only its own interventions' participations.
        return (
            Participation.objects.visible_to(self.membership)
            .select_related("enrolment", "intervention")
            .order_by("pk")
        )


class _FollowUpRows:
    model = FollowUp
    resource = "follow-up"
    serializer_class = s.FollowUpSerializer

    def rows(self):
        if not can(self.membership, Capability.ENROLMENTS_VIEW):
            return FollowUp.objects.none()
        return FollowUp.objects.visible_to(self.membership).select_related("enrolment")


class _SurveyAnswerRows:
    model = SurveyAnswer
    resource = "survey answer"
    serializer_class = s.SurveyAnswerSerializer

    def rows(self):
        if not can(self.membership, Capability.ENROLMENTS_VIEW):
            return SurveyAnswer.objects.none()
        return SurveyAnswer.objects.visible_to(self.membership).select_related("enrolment")


@extend_schema(tags=["participants"], parameters=[CHANGED_SINCE_PARAMETER])
class ParticipantList(_ParticipantRows, ResourceList, ProjectResource):
    """Participants you may see in the project: statistical fields only (no name, no identity
    number)."""


@extend_schema(tags=["participants"])
class ParticipantDetail(_ParticipantRows, ResourceDetail, ProjectResource):
    """One participant (404 when you may not see them)."""


@extend_schema(tags=["enrolments"], parameters=[CHANGED_SINCE_PARAMETER])
class EnrolmentList(_EnrolmentRows, ResourceList, ProjectResource):
    """Enrolments you may see: referral, baseline, status and exit."""


@extend_schema(tags=["enrolments"])
class EnrolmentDetail(_EnrolmentRows, ResourceDetail, ProjectResource):
    """One enrolment (404 when you may not see it)."""


@extend_schema(tags=["participations"], parameters=[CHANGED_SINCE_PARAMETER])
class ParticipationList(_ParticipationRows, ResourceList, ProjectResource):
    """Placements in interventions with planned and attended hours."""


@extend_schema(tags=["participations"])
class ParticipationDetail(_ParticipationRows, ResourceDetail, ProjectResource):
    """One participation (404 when you may not see it)."""


@extend_schema(tags=["follow-ups"], parameters=[CHANGED_SINCE_PARAMETER])
class FollowUpList(_FollowUpRows, ResourceList, ProjectResource):
    """Follow-ups after exit, recorded or still due."""


@extend_schema(tags=["follow-ups"])
class FollowUpDetail(_FollowUpRows, ResourceDetail, ProjectResource):
    """One follow-up (404 when you may not see it)."""


@extend_schema_view(
    get=extend_schema(tags=["survey answers"], parameters=[CHANGED_SINCE_PARAMETER]),
    post=extend_schema(
        tags=["survey answers"],
        request=s.CreateSurveyAnswerSerializer,
        responses={201: s.SurveyAnswerSerializer},
        summary="Record a survey answer (scope write)",
    ),
)
class SurveyAnswerList(_SurveyAnswerRows, ResourceList, ProjectResource):
    """Survey answers (1–5). POST records a new answer for an enrolment you may see and
    change; an answer already recorded for that occasion and question is not overwritten."""

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return s.CreateSurveyAnswerSerializer
        return s.SurveyAnswerSerializer

    def post(self, request, *args, **kwargs):
        if not can(self.membership, Capability.ENROLMENTS_CHANGE):
            raise exceptions.PermissionDenied(_("Your role in the project cannot change data."))
        serializer = s.CreateSurveyAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enrolment = _enrolment_rows(self).select_related("project").filter(pk=data["enrolment"])
        enrolment = enrolment.first()
        if enrolment is None:
            raise exceptions.ValidationError(
                {"enrolment": [_("There is no enrolment with this id that you may see.")]}
            )
        try:
            answer = record_answer(
                enrolment=enrolment,
                occasion=data["occasion"],
                question=int(data["question"]) if data["question"].isdigit() else data["question"],
                value=data["value"],
                answered_on=data["answered_on"],
                by=request.user,
            )
        except DjangoValidationError as error:
            raise validation_error_from_django(error) from None
        return Response(s.SurveyAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["survey answers"])
class SurveyAnswerDetail(_SurveyAnswerRows, ResourceDetail, ProjectResource):
    """One survey answer (404 when you may not see it)."""


@extend_schema(
    tags=["follow-ups"],
    request=s.RecordFollowUpSerializer,
    responses={200: s.FollowUpSerializer},
    summary="Record a follow-up (scope write)",
)
class FollowUpRecord(_FollowUpRows, ProjectResource):
    """Record a follow-up that is due: reached (with status and source) or a non-response.
    The same rules as the page: not before 14 days before it is due, never in the future, once."""

    serializer_class = s.RecordFollowUpSerializer

    def post(self, request, *args, **kwargs):
        follow_up = self.get_object()
        if not can(self.membership, Capability.ENROLMENTS_CHANGE):
            raise exceptions.PermissionDenied(_("Your role in the project cannot change data."))
        serializer = s.RecordFollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            follow_up = record_follow_up(
                follow_up=follow_up, by=request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise validation_error_from_django(error) from None
        follow_up = self.get_queryset().get(pk=follow_up.pk)
        return Response(s.FollowUpSerializer(follow_up).data)


# --- Goals -----------------------------------------------------------------------------------


@extend_schema(tags=["goals"], responses={200: s.GoalResultSerializer(many=True)})
class GoalList(ProjectResource):
    """The project's goals, computed now: the same list as the dashboard's goals.json, with
    the project's disclosure plan applied for the evaluator and the steering group: a hidden
    figure is null with `suppressed` true and its `reason`, never the number."""

    pagination_class = None
    serializer_class = s.GoalResultSerializer
    model = Project

    def rows(self):
        return Project.objects.none()  # no rows: the goals are aggregates (the browsable API asks)

    def get(self, request, *args, **kwargs):
        if not can(self.membership, Capability.GOALS_VIEW):
            raise exceptions.PermissionDenied(_("Your role in the project does not show goals."))
        project = request.project
        # The same figures and the same call as the dashboard's goals.json.
        results = summaries.goal_results(project, threshold=disclosure_for(self.membership))
        log_action(
            by=request.user, action="export", obj=project, project=project, reason="api goals"
        )
        return Response([result.to_dict() for result in results])

"""The machinery of tests/test_url_roles.py: the visitors, collecting every URL pattern from the
resolver, the data set with one object of every kind the URLs name, and requests as a visitor.

The rules and what each visitor must get are in the test module itself."""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import translation

from core.models import Area, Municipality, Organisation, ProjectPartner, Role, TargetGroup
from enrolments.models import Enrolment, FollowUp
from interventions.models import Participation
from participants.models import Participant
from surveys.models import Invitation, SurveyAnswer
from surveys.questionnaires import create_questionnaire

from .factories import (
    ConsentFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

# --- the visitors --------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
ELSEWHERE = "member_elsewhere"  # the manager of another project, and nothing here
ADMINISTRATOR = "administrator"  # a superuser (is_staff) without any membership
CASE_WORKER_OTHER_ORG = "case_worker_other_org"  # the consent does not cover their organisation
PROVIDER_OTHER_ORG = "provider_other_org"  # runs no intervention our participant is placed in

# Each visitor and their role in the test project (None: no membership).
ROLE_OF = {
    Role.MANAGER.value: Role.MANAGER,
    Role.CASE_WORKER.value: Role.CASE_WORKER,
    Role.PROVIDER.value: Role.PROVIDER,
    Role.EVALUATOR.value: Role.EVALUATOR,
    Role.STEERING.value: Role.STEERING,
    Role.DATA_PROTECTION.value: Role.DATA_PROTECTION,
    CASE_WORKER_OTHER_ORG: Role.CASE_WORKER,
    PROVIDER_OTHER_ORG: Role.PROVIDER,
    ELSEWHERE: None,
    ADMINISTRATOR: None,
    ANONYMOUS: None,
}
VISITORS = list(ROLE_OF)
MANAGER = Role.MANAGER.value

# --- outcomes -------------------------------------------------------------------------------------

TO_LOGIN = "→ login"  # 302 to the login page (accounts:login)
TO_ADMIN_LOGIN = "→ admin login"  # 302 to the admin's login page
ADMITTED = "admitted"  # 2xx, or a redirect that is not to a login page (Django's own admin pages)


def outcome(response, language="sv") -> str:
    """The status as the tables write it: a redirect to a login page by its name."""
    if response.status_code in (301, 302):
        target = urlsplit(response["Location"]).path
        with translation.override(language):
            if target == reverse("accounts:login"):
                return TO_LOGIN
        if target == reverse("admin:login"):
            return TO_ADMIN_LOGIN
    return str(response.status_code)


def matches(got: str, expected: str) -> bool:
    if expected == ADMITTED:
        return got[0] in "23" and got not in (TO_LOGIN, TO_ADMIN_LOGIN)
    return got == expected


# --- collecting the URLs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str | None  # "namespace:name", or None for a pattern without a name
    route: str
    kwargs: tuple[str, ...]
    view: object
    namespace: str = ""

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def view_class(self):
        return getattr(self.view, "view_class", None) or getattr(self.view, "cls", None)

    def __str__(self):
        return self.key


def _kwargs_of(pattern) -> tuple[str, ...]:
    # From the route's text, not RoutePattern.converters: Django caches the converters per
    # route string in a dict shared by every pattern with that route, which other code can
    # leave changed (after tests/test_projectbank_views.py, core:home seemed to take a
    # project_id).
    if isinstance(pattern, RoutePattern):
        return tuple(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern)))
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def collect(patterns, namespaces=(), route="", kwargs=()) -> list[Endpoint]:
    """Every URL pattern under `patterns`, depth first, with its full name, route, the kwargs
    its URL takes and its view (i18n_patterns' language prefix adds nothing to either)."""
    found = []
    for entry in patterns:
        here = route + str(entry.pattern)
        names = kwargs + _kwargs_of(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            found += collect(entry.url_patterns, inner, here, names)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            kwargs_here = tuple(dict.fromkeys(names))
            found.append(Endpoint(name, here, kwargs_here, entry.callback, ":".join(namespaces)))
    return found


def marker_of(endpoint: Endpoint):
    """The rule a view carries itself (core.decorators.project_view sets it), or None."""
    for holder in (endpoint.view, endpoint.view_class):
        rule = getattr(holder, "access_rule", None)
        if rule is not None:
            return tuple(rule)
    return None


# --- the data set ---------------------------------------------------------------------------------


def _one_of_each(title, manager, people_org, employer):
    """A project, its manager (`manager`, a user), and one object of every kind the URLs name."""
    from api.services import create_token
    from enrolments.services import exit_enrolment
    from goals.services import create_goal
    from goals.snapshots import lock_snapshot
    from imports.services import store_upload, validate_upload
    from interventions.services import record_hours
    from jobs.models import Job
    from plans.services import record_assessment, save_plan_version
    from surveys.services import record_answer

    # Published (reports/publishing.py), so the public pages answer 200 for everyone.
    project = ProjectFactory(
        title=title, follow_up_days=[90], public_since=dt.datetime(2009, 1, 1, tzinfo=dt.UTC)
    )
    membership = MembershipFactory(
        project=project, user=manager, organisation=people_org, role=Role.MANAGER
    )
    # The project settings' objects: a partner, an area, a target group.
    partner = ProjectPartner.objects.create(
        project=project, organisation=people_org, is_partner=True
    )
    area = Area.objects.create(name=f"Område {title}", municipality=Municipality.objects.first())
    project.areas.add(area)
    target_group = TargetGroup.objects.create(project=project, code="unga", name="Unga vuxna")
    # In the manager's own caseload: the manager opens it without the purpose question
    # (core/purpose.py), so every page's own rule answers; other roles are asked first (200).
    enrolment = EnrolmentFactory(project=project, case_worker=manager)
    consent = ConsentFactory(
        participant=enrolment.participant, project=project, organisations=[people_org]
    )
    intervention = InterventionFactory(project=project, provider=employer)
    participation = ParticipationFactory(enrolment=enrolment, intervention=intervention)
    record_hours(  # an attendance recording, for the correction pages (record_id)
        by=manager, participation=participation, held_on=dt.date(2009, 3, 2), hours=2
    )
    attendance_record = participation.attendance_records.get()
    assessment = record_assessment(
        enrolment=enrolment,
        assessed_on=dt.date(2009, 3, 1),
        ratings={"language": (3, "")},
        by=manager,
    )
    plan = save_plan_version(
        enrolment=enrolment,
        goals="Ett arbete inom vården",
        steps=[{"description": "Praktik", "responsible_organisation": people_org}],
        by=manager,
    )
    answer = record_answer(
        enrolment=enrolment,
        occasion="entry",
        question="job_chances",
        value=3,
        answered_on=dt.date(2009, 2, 15),
        by=manager,
    )
    exit_enrolment(
        enrolment=enrolment,
        by=manager,
        exited_on=dt.date(2009, 6, 1),
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )
    follow_up = FollowUp.objects.get(enrolment=enrolment)
    questionnaire = create_questionnaire(
        project=project,
        title=f"Enkät {title}",
        template_keys=["job_chances"],
        languages=["sv", "ar"],
        by=manager,
    )
    invitation = Invitation.objects.create(  # the exit survey, not sent
        enrolment=enrolment,
        questionnaire=questionnaire,
        occasion="exit",
        due_on=dt.date(2009, 6, 1),
    )
    goal = create_goal(
        project=project,
        key="gender-split",
        title="Könsfördelning",
        template="gender_split",
        parameters={},
        by=manager,
    )
    snapshot = lock_snapshot(
        project=project,
        label="2009",
        period_start=dt.date(2009, 1, 1),
        period_end=dt.date(2009, 12, 31),
        by=manager,
    )
    upload = store_upload(  # one row, rejected: a dry run with a file of rejected rows
        project=project,
        by=manager,
        filename="deltagare.csv",
        content="Personnummer;Kön;Anvisningsdatum\n123;Kvinna;2009-02-01\n".encode(),
    )
    validate_upload(upload)
    from reports.models import StatusReport

    status_report = StatusReport.objects.create(  # issued: every reader of reports sees it
        project=project,
        period_kind="year",
        period_start=dt.date(2009, 1, 1),
        period_end=dt.date(2009, 12, 31),
        title="Lägesrapport 2009",
        status="issued",
        issued_at=dt.datetime(2010, 1, 15, tzinfo=dt.UTC),
        pdf=b"%PDF-1.7 test",
        pdf_made_at=dt.datetime(2010, 1, 15, tzinfo=dt.UTC),
    )
    job = Job.objects.create(
        kind="imports.import",
        title=f"Import för {title}",
        project=project,
        created_by=manager,
        status=Job.Status.FAILED,
        message="Det gick inte.",
    )
    token, _value = create_token(user=manager, name=f"Token {title}", scopes=["read"], by=manager)
    prestudy = _prestudy_registers(project, area, target_group, enrolment)
    return {
        "project": project,
        "enrolment": enrolment,
        # URL kwarg → the value naming this project's object of that kind.
        "kwargs": {
            "project_id": project.pk,
            "enrolment_id": enrolment.pk,
            "participant_id": enrolment.participant_id,
            "consent_id": consent.pk,
            "follow_up_id": follow_up.pk,
            "assessment_id": assessment.pk,
            "intervention_id": intervention.pk,
            "participation_id": participation.pk,
            "record_id": attendance_record.pk,
            "goal_id": goal.pk,
            "snapshot_id": snapshot.pk,
            "report_id": status_report.pk,
            "upload_id": upload.pk,
            "job_id": job.pk,
            "token_id": token.pk,
            "membership_id": membership.pk,
            "partner_id": partner.pk,
            "area_id": area.pk,
            "target_group_id": target_group.pk,
            # A new user's password link (accounts:set_password), here one that does not work.
            "uidb64": "MA",
            "token": "not-a-token",
            # A survey link's language (survey_link:*): the token above opens nothing.
            "language": "sv",
            "questionnaire_id": questionnaire.pk,
            "item_id": questionnaire.items.get().pk,
            "invitation_id": invitation.pk,
            **prestudy,
            # Not ids: a plan's version number within its enrolment, a file format.
            "version": plan.version,
            "fmt": "csv",
        },
        # The API names rows by pk: the view's model → this project's row.
        "rows": {
            Participant: enrolment.participant_id,
            Enrolment: enrolment.pk,
            Participation: participation.pk,
            FollowUp: follow_up.pk,
            SurveyAnswer: answer.pk,
        },
    }


def _prestudy_registers(project, area, target_group, enrolment) -> dict:
    """One entry of each pre-study register and of the area programme's pages (prestudy/,
    areas/): URL kwarg → its id."""
    from core.models import AreaStatistic, LocalInitiative
    from interventions.models import InterventionCategory
    from participants.models import Household
    from prestudy.models import (
        AccessibilityMeasure,
        ProposedActivity,
        Risk,
        Stakeholder,
        SwotItem,
        TargetGroupMapping,
        Workshop,
    )

    on = project.starts_on
    stakeholder = Stakeholder.objects.create(
        project=project, name="Hyresgästföreningen", kind="interest_organisation"
    )
    event = Workshop.objects.create(project=project, title="Workshop", kind="workshop", held_on=on)
    event.stakeholders.add(stakeholder)
    activity = ProposedActivity.objects.create(
        project=project,
        title="Praktik",
        category=InterventionCategory.objects.get(code="internship"),
    )
    risk = Risk.objects.create(
        project=project, description="Risk", likelihood=2, impact=3, assessed_on=on
    )
    swot = SwotItem.objects.create(
        project=project, quadrant="strength", text="Styrka", recorded_on=on
    )
    measure = AccessibilityMeasure.objects.create(
        project=project, aspect="premises", barrier="Trappor", measure="Ramp"
    )
    mapping = TargetGroupMapping.objects.create(
        project=project, target_group=target_group, findings="Fynd", mapped_on=on
    )
    statistic = AreaStatistic.objects.create(area=area, year=on.year, population_20_64=1000)
    initiative = LocalInitiative.objects.create(
        project=project, area=area, title="Läxhjälp", starts_on=on
    )
    household = Household.objects.create(
        project=project, reference="HH-1", area=area, contacted_on=on
    )
    enrolment.participant.household = household
    enrolment.participant.save(update_fields=["household"])
    return {
        "stakeholder_id": stakeholder.pk,
        "event_id": event.pk,
        "activity_id": activity.pk,
        "risk_id": risk.pk,
        "swot_id": swot.pk,
        "measure_id": measure.pk,
        "mapping_id": mapping.pk,
        "item": "risk_analysis",  # a checklist item (prestudy/checklist.py)
        "statistic_id": statistic.pk,
        "initiative_id": initiative.pk,
        "household_id": household.pk,
    }


def build_world() -> dict:
    """Two projects with one of everything; every visitor's user, membership, session and API
    token (read and write). The manager's project is "mine"; ELSEWHERE manages "theirs"."""
    from api.services import create_token

    municipality = OrganisationFactory(name="Malmö stad")
    agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
    employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
    other_employer = OrganisationFactory(name="Städ AB", kind=Organisation.Kind.EMPLOYER)
    users = {who: UserFactory(username=who) for who in VISITORS if who != ANONYMOUS}
    users[ADMINISTRATOR].is_staff = users[ADMINISTRATOR].is_superuser = True
    users[ADMINISTRATOR].save()
    mine = _one_of_each("Framtid i Fokus", users[MANAGER], municipality, employer)
    theirs = _one_of_each("Annat projekt", users[ELSEWHERE], agency, other_employer)
    organisation_of = {
        Role.CASE_WORKER.value: municipality,  # covered by the consent
        Role.PROVIDER.value: employer,  # runs the intervention
        Role.EVALUATOR.value: OrganisationFactory(name="Högskolan", kind="education_provider"),
        Role.STEERING.value: agency,
        Role.DATA_PROTECTION.value: municipality,
        CASE_WORKER_OTHER_ORG: agency,
        PROVIDER_OTHER_ORG: other_employer,
    }
    for who, organisation in organisation_of.items():
        MembershipFactory(
            project=mine["project"], user=users[who], organisation=organisation, role=ROLE_OF[who]
        )
    sessions, tokens = {}, {}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[who] = create_token(user=user, name="url-roles", scopes=["read", "write"], by=user)
    return {
        "mine": mine,
        "theirs": theirs,
        "users": users,
        "sessions": sessions,
        "tokens": {who: value for who, (_token, value) in tokens.items()},
    }


# --- requests -------------------------------------------------------------------------------------

# Django admin's kwargs, not objects of a project: any value will do for who may not enter.
ADMIN_KWARGS = {
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "core",
    "pk": "1",  # django-otp's pages of one authenticator app
}


def client_as(world, who) -> Client:
    """A fresh client logged in as `who` (its session made once, for the module)."""
    client = Client()
    if who != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][who]
    return client


def request(world, who, method, url, **extra):
    """One request, its changes rolled back (a retry, a revoke, a logout), so every visitor
    meets the same data set."""
    with transaction.atomic():
        response = getattr(client_as(world, who), method.lower())(url, **extra)
        transaction.set_rollback(True)
    return response


def api_headers(world, who) -> dict:
    return {} if who == ANONYMOUS else {"Authorization": f"Bearer {world['tokens'][who]}"}


def build_url(endpoint: Endpoint, values: dict, language="sv") -> str:
    """The endpoint's URL with the objects of `values` (one project's "kwargs" and "rows")."""
    kwargs = {}
    for name in endpoint.kwargs:
        if endpoint.namespace == "admin" and name == "id":
            # A user's password page needs a user that exists: on PostgreSQL the ids go on
            # counting across tests, so there may be no user 1.
            from django.contrib.auth import get_user_model

            kwargs[name] = str(get_user_model().objects.order_by("pk").values("pk")[0]["pk"])
        elif endpoint.namespace == "admin":
            kwargs[name] = ADMIN_KWARGS[name]
        elif name == "pk":
            kwargs[name] = values["rows"][endpoint.view_class.model]
        elif name in values["kwargs"]:
            kwargs[name] = values["kwargs"][name]
        else:
            raise AssertionError(
                f"{endpoint.key} takes <{name}>, for which the data set has no object: create "
                "one in _one_of_each() (tests/url_roles.py) and name it in its 'kwargs'."
            )
    with translation.override(language):
        return reverse(endpoint.name, kwargs=kwargs)

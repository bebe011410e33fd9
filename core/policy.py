"""The access and disclosure policy: the one place that decides who may do what, who sees which
people, and which figures an aggregate-only reader receives.

Every page, JSON view, API endpoint, export and management command asks this module; none of
them compares role names. Three questions, three answers:

- **Capabilities** — `can(membership, Capability.GOALS_VIEW)`: may this member use this part of
  the product? The table `CAPABILITIES` maps each role to its capabilities.
- **People** — `person_scope(membership)`: which participants' records may the member read?
  `Enrolment.objects.visible_to(membership)` turns the scope into a queryset (and every other
  model's `visible_to` goes through enrolments); the aggregate-only roles see no person.
- **Disclosure** — `disclosure_for(membership)`: the threshold below which a figure is hidden
  from this reader, or None for roles that may see people (they see the exact figures). The
  threshold is the deployment's `SUPPRESSION_THRESHOLD` (3–100, checked at start-up); a project
  may raise it for itself (`Project.disclosure_threshold`), never lower it. The method that
  applies it is `core.disclosure.suppress()` (docs/disclosure.md).
"""

from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Role

# A threshold outside this range is refused: below 3 a "hidden" cell still tells a lot about
# one or two people; above 100 nothing of a normal project could be shown.
MIN_THRESHOLD = 3
MAX_THRESHOLD = 100


class Capability(StrEnum):
    """What a member may do in a project. Views ask for one with @project_view(...)."""

    PROJECT_VIEW = "project.view"
    PROJECT_CHANGE = "project.change"
    # Project settings: staff (memberships and roles), partners and co-financiers, areas and
    # target groups (core/views_settings.py). Managers only.
    PROJECT_SETTINGS = "project.settings"
    PARTICIPANTS_VIEW = "participants.view"
    PARTICIPANTS_CHANGE = "participants.change"
    # Register and enrol people whose consent does not cover one's own organisation (a
    # manager registers on behalf of the whole project).
    PARTICIPANTS_REGISTER_FOR_OTHERS = "participants.register_for_others"
    # Correct a person's own fields after saving (name, gender, birth year…), with a reason
    # kept as history (participants.Correction).
    PARTICIPANTS_CORRECT = "participants.correct"
    # Data-protection rights (privacy/): make a register extract of a person (GDPR art. 15:
    # everything held about them and every read of it), and erase a person on request (art.
    # 17: personal data removed, statistics kept).
    PARTICIPANTS_REGISTER_EXTRACT = "participants.register_extract"
    PARTICIPANTS_ERASE = "participants.erase"
    ENROLMENTS_VIEW = "enrolments.view"
    ENROLMENTS_CHANGE = "enrolments.change"
    # Correct an enrolment's details and exit, a recorded follow-up and the order of the
    # plan's steps, with a reason kept as history.
    ENROLMENTS_CORRECT = "enrolments.correct"
    # Holds a caseload of their own: lists open on "my participants" by default.
    ENROLMENTS_OWN_CASELOAD = "enrolments.own_caseload"
    # May switch the follow-up worklist to everyone's participants.
    ENROLMENTS_VIEW_ALL_WORK = "enrolments.view_all_work"
    INTERVENTIONS_VIEW = "interventions.view"
    INTERVENTIONS_CHANGE = "interventions.change"
    # Sees every intervention of the project (a provider sees only their own organisation's).
    INTERVENTIONS_VIEW_ALL = "interventions.view_all"
    ATTENDANCE_CHANGE = "attendance.change"
    # Correct or remove an attendance recording (of the interventions one works with), with a
    # reason kept as history.
    ATTENDANCE_CORRECT = "attendance.correct"
    GOALS_VIEW = "goals.view"
    GOALS_CHANGE = "goals.change"
    REPORTS_VIEW = "reports.view"
    # Download pseudonymised microdata (one row per enrolment, keyed-hash pseudonym, no names,
    # identity numbers or free text), each download audited with its purpose.
    REPORTS_PSEUDONYMISED = "reports.pseudonymised"
    # Write a status report's narrative and issue the report (locked once issued).
    REPORTS_WRITE = "reports.write"
    # Publish and withdraw the project's public page (no login, suppressed figures only).
    PROJECT_PUBLISH = "project.publish"
    # Make, translate and publish the project's questionnaires (docs/surveys.md).
    SURVEYS_MANAGE = "surveys.manage"
    PRESTUDY_VIEW = "prestudy.view"
    PRESTUDY_CHANGE = "prestudy.change"
    # Search the audit log by person, user and period (core/views_audit.py, docs/audit.md).
    AUDIT_SEARCH = "audit.search"


class PersonScope(StrEnum):
    """Which participants' records a member may read (Enrolment.objects.visible_to)."""

    ALL = "all"  # every enrolment of the project
    CONSENTED = "consented"  # anonymous ones, and those whose consent covers my organisation
    PLACED = "placed"  # those placed in interventions my organisation runs
    NONE = "none"  # aggregates only


C = Capability
CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.MANAGER: frozenset(
        {
            C.PROJECT_VIEW,
            C.PROJECT_CHANGE,
            C.PROJECT_SETTINGS,
            C.PARTICIPANTS_VIEW,
            C.PARTICIPANTS_CHANGE,
            C.PARTICIPANTS_CORRECT,
            C.PARTICIPANTS_REGISTER_FOR_OTHERS,
            C.PARTICIPANTS_REGISTER_EXTRACT,
            C.PARTICIPANTS_ERASE,
            C.ENROLMENTS_VIEW,
            C.ENROLMENTS_CHANGE,
            C.ENROLMENTS_CORRECT,
            C.ENROLMENTS_VIEW_ALL_WORK,
            C.INTERVENTIONS_VIEW,
            C.INTERVENTIONS_CHANGE,
            C.INTERVENTIONS_VIEW_ALL,
            C.ATTENDANCE_CHANGE,
            C.ATTENDANCE_CORRECT,
            C.GOALS_VIEW,
            C.GOALS_CHANGE,
            C.REPORTS_VIEW,
            C.REPORTS_PSEUDONYMISED,
            C.REPORTS_WRITE,
            C.PROJECT_PUBLISH,
            C.SURVEYS_MANAGE,
            C.PRESTUDY_VIEW,
            C.PRESTUDY_CHANGE,
        }
    ),
    Role.CASE_WORKER: frozenset(
        {
            C.PROJECT_VIEW,
            C.PARTICIPANTS_VIEW,
            C.PARTICIPANTS_CHANGE,
            C.PARTICIPANTS_CORRECT,
            C.ENROLMENTS_VIEW,
            C.ENROLMENTS_CHANGE,
            C.ENROLMENTS_CORRECT,
            C.ENROLMENTS_OWN_CASELOAD,
            C.INTERVENTIONS_VIEW,
            C.INTERVENTIONS_VIEW_ALL,
            C.GOALS_VIEW,
            C.REPORTS_VIEW,
            C.PRESTUDY_VIEW,
        }
    ),
    Role.PROVIDER: frozenset(
        {C.PROJECT_VIEW, C.INTERVENTIONS_VIEW, C.ATTENDANCE_CHANGE, C.ATTENDANCE_CORRECT}
    ),
    Role.EVALUATOR: frozenset(
        {C.PROJECT_VIEW, C.GOALS_VIEW, C.REPORTS_VIEW, C.REPORTS_PSEUDONYMISED, C.PRESTUDY_VIEW}
    ),
    Role.STEERING: frozenset({C.PROJECT_VIEW, C.GOALS_VIEW, C.REPORTS_VIEW}),
    Role.DATA_PROTECTION: frozenset({C.PROJECT_VIEW, C.AUDIT_SEARCH}),
}
del C

PERSON_SCOPES: dict[str, PersonScope] = {
    Role.MANAGER: PersonScope.ALL,
    Role.CASE_WORKER: PersonScope.CONSENTED,
    Role.PROVIDER: PersonScope.PLACED,
    Role.EVALUATOR: PersonScope.NONE,
    Role.STEERING: PersonScope.NONE,
    Role.DATA_PROTECTION: PersonScope.NONE,  # ids in the log, never a person's record
}

# Roles that only ever see aggregates, with small figures suppressed.
AGGREGATE_ONLY_ROLES = frozenset(role for role, scope in PERSON_SCOPES.items() if scope == "none")


# --- capabilities ---------------------------------------------------------------------------


def capabilities_of(role: str) -> frozenset[Capability]:
    return CAPABILITIES.get(role, frozenset())


def can(membership, capability: str) -> bool:
    """May this membership (None: no membership) use `capability`?"""
    if membership is None:
        return False
    return Capability(capability) in capabilities_of(membership.role)


def roles_with(capability: str) -> list[str]:
    """The roles holding `capability` (for querysets over memberships)."""
    return [role for role in Role.values if Capability(capability) in capabilities_of(role)]


# --- people ---------------------------------------------------------------------------------


def person_scope(membership) -> PersonScope:
    if membership is None:
        return PersonScope.NONE
    return PERSON_SCOPES.get(membership.role, PersonScope.NONE)


def sees_people(membership) -> bool:
    """Does the role see any person's record (else it gets aggregates only)?"""
    return person_scope(membership) != PersonScope.NONE


def in_own_caseload(membership, enrolment) -> bool:
    """Is the enrolment in the member's own caseload: are they its responsible case worker?
    (Följsam has no teams: the responsible case worker is the one person whose caseload an
    enrolment is.) Reading a person outside one's own caseload asks for a purpose first
    (core/purpose.py)."""
    return (
        membership is not None
        and enrolment.case_worker_id is not None
        and enrolment.case_worker_id == membership.user_id
    )


# --- disclosure -----------------------------------------------------------------------------


def validate_threshold(value) -> int:
    """A threshold is a whole number of people, MIN_THRESHOLD … MAX_THRESHOLD."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("The threshold must be a whole number of people."), code="type")
    if not MIN_THRESHOLD <= value <= MAX_THRESHOLD:
        raise ValidationError(
            _("The threshold must lie between %(low)s and %(high)s people.")
            % {"low": MIN_THRESHOLD, "high": MAX_THRESHOLD},
            code="range",
        )
    return value


def deployment_threshold() -> int:
    """The deployment's threshold (settings.SUPPRESSION_THRESHOLD, checked at start-up by
    core.checks; checked again here so a wrong value never lowers protection silently)."""
    return validate_threshold(settings.SUPPRESSION_THRESHOLD)


def project_threshold(project, *, project_ids=None) -> int:
    """The threshold of one project: the deployment's, or the project's own when higher — and
    for a parent (docs/rollups.md), the highest of the projects whose records it counts: a part
    that raised its threshold keeps it in its parent's figures too."""
    own = getattr(project, "disclosure_threshold", None)
    base = deployment_threshold()
    return max(base, own or 0, _parts_threshold(project, project_ids))


def _parts_threshold(project, ids=None) -> int:
    if getattr(project, "pk", None) is None or not hasattr(project, "counted_project_ids"):
        return 0
    ids = ids if ids is not None else project.counted_project_ids()
    if len(ids) == 1:
        return 0
    from django.db.models import Max

    return (
        type(project)
        .objects.filter(pk__in=ids)
        .aggregate(highest=Max("disclosure_threshold"))["highest"]
        or 0
    )


def validate_project_threshold(value) -> None:
    """A project may raise the deployment's threshold, never lower it (None: use the
    deployment's)."""
    if value is None:
        return
    validate_threshold(value)
    base = deployment_threshold()
    if value < base:
        raise ValidationError(
            _(
                "A project can raise the threshold but not lower it: this installation hides "
                "figures about fewer than %(n)s people."
            )
            % {"n": base},
            code="lower",
        )


def disclosure_for(membership) -> int | None:
    """The threshold the reader's figures are suppressed with: the project's for roles that
    see aggregates only, None for roles that see people (they get exact figures)."""
    if sees_people(membership):
        return None
    return project_threshold(membership.project)

"""From a pre-study to its implementation (issue 15, item 5; docs/prestudy.md).

`start_implementation` creates the implementation project of a pre-study and carries the
pre-study's work into it: the target groups, the partners, the team, the proposed activities
(as the intervention catalogue) and the indicators (the goal definitions that count
participants or households). The two projects are linked both ways: the new project's
`prestudy` names the pre-study (whose `implementations` list it), and each proposed activity's
`implemented_as` names the intervention it became.

It lives in `reports` because it copies goals, and `prestudy` may not import `goals`
(tests/test_import_graph.py). Every row is written through the service that writes such rows
on the settings and catalogue pages (core.services_settings, interventions.services,
goals.services), so the same rules hold and each row has its own audit entry; the whole start
is one transaction: refused, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import acting_as, log_action
from core.models import Membership, Project, ProjectPartner, Role, TargetGroup
from core.policy import Capability, capabilities_of
from core.services_settings import add_partner, add_target_group
from goals.definitions import TEMPLATES
from goals.models import Goal, GoalVersion
from goals.services import create_goal
from interventions.services import create_intervention
from prestudy.models import ProposedActivity
from surveys.models import Question

# What can be carried over, in the order it is written (partners before the team: a member
# works for the owner or a partner; target groups before the goals that name them).
TARGET_GROUPS = "target_groups"
PARTNERS = "partners"
MEMBERS = "members"
ACTIVITIES = "activities"
GOALS = "goals"
CARRIED = (TARGET_GROUPS, PARTNERS, MEMBERS, ACTIVITIES, GOALS)
CARRIED_LABELS = {
    TARGET_GROUPS: gettext_lazy("Target groups"),
    PARTNERS: gettext_lazy("Partners and co-financiers"),
    MEMBERS: gettext_lazy("The team (every member, in the same role)"),
    ACTIVITIES: gettext_lazy("Proposed activities, as the intervention catalogue"),
    GOALS: gettext_lazy("Indicators (goals counting participants or households)"),
}
# Project fields the implementation takes over as they are. Not its place in a project tree
# (`parent`): that puts the project under a programme, into its figures and disclosure plan,
# and is set by an administrator (the admin, the project-bank import), not by a pre-study's
# manager.
PROJECT_FIELDS = (
    "kind",
    "owner",
    "contact_name",
    "contact_email",
    "contact_phone",
    "funding_programme",
    "programme_area",
    "region",
    "follow_up_days",
    # The data-protection settings continue: a project may only raise the threshold.
    "disclosure_threshold",
    "retention_months",
)
# Goal subjects an implementation counts; "project" goals count the pre-study's own work
# (stakeholders, proposed activities, the checklist) and stay with it.
CARRIED_SUBJECTS = ("enrolments", "households")
# "Jobb för alla (Förprojektering)" → "Jobb för alla".
PRESTUDY_SUFFIX = re.compile(
    r"\s*[(\[]\s*(förprojektering|förstudie|pre-?study|preliminary study)\s*[)\]]\s*$",
    re.IGNORECASE,
)


def is_carried_goal(template_code: str) -> bool:
    template = TEMPLATES.get(template_code)
    return template is not None and template.subject in CARRIED_SUBJECTS


def suggested_title(text: str) -> str:
    """A pre-study's title without "(Förprojektering)" and the like, for its implementation;
    "" when the title has no such ending."""
    title = PRESTUDY_SUFFIX.sub("", text or "").strip()
    return title if title != (text or "").strip() else ""


def _current_versions(prestudy: Project) -> list[tuple[Goal, GoalVersion]]:
    goals = Goal.objects.filter(project=prestudy).prefetch_related(
        Prefetch("versions", queryset=GoalVersion.objects.order_by("-version"))
    )
    return [(goal, goal.versions.all()[0]) for goal in goals if goal.versions.all()]


@dataclass
class CarryOver:
    """What starting the implementation would carry over from the pre-study, for the page."""

    target_groups: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    members: int = 0
    activities: list = field(default_factory=list)
    goals: list = field(default_factory=list)  # GoalVersions carried
    goals_left: list = field(default_factory=list)  # GoalVersions that stay with the pre-study

    def count(self, kind: str) -> int:
        value = getattr(self, kind)
        return value if isinstance(value, int) else len(value)


def carry_over(prestudy: Project) -> CarryOver:
    """What `start_implementation` would carry over, read only."""
    versions = [version for _goal, version in _current_versions(prestudy)]
    return CarryOver(
        target_groups=list(TargetGroup.objects.filter(project=prestudy)),
        partners=list(
            ProjectPartner.objects.filter(project=prestudy).select_related("organisation")
        ),
        members=Membership.objects.filter(project=prestudy).count(),
        activities=list(
            ProposedActivity.objects.filter(project=prestudy).select_related(
                "category", "implemented_as__project"
            )
        ),
        goals=[v for v in versions if is_carried_goal(v.template)],
        goals_left=[v for v in versions if not is_carried_goal(v.template)],
    )


def _check_period(prestudy: Project, starts_on, ends_on) -> dict:
    errors = {}
    if starts_on and starts_on < prestudy.starts_on:
        errors["starts_on"] = [
            _("The implementation cannot start before the pre-study started (%(date)s).")
            % {"date": prestudy.starts_on.isoformat()}
        ]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The period cannot end before it starts.")]
    return errors


def _unique_name(title: str, taken: set[str]) -> str:
    """The activity's title, or "title (2)", "title (3)"… when the catalogue has it already
    (names are unique in a project, whatever their case)."""
    title = title.strip()
    name, number = title, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = title[: 200 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _copied_question_ids(prestudy: Project, project: Project, versions) -> dict[int, int]:
    """A survey question the pre-study itself asks (not its parent's) is copied to the new
    project, so a carried survey goal counts the implementation's answers: old pk → new pk."""
    wanted = set()
    for version in versions:
        template = TEMPLATES[version.template]
        for param in template.params:
            value = version.parameters.get(param.name)
            if param.kind == "question" and isinstance(value, int):
                wanted.add(value)
    mapping = {}
    for question in Question.objects.filter(project=prestudy, pk__in=wanted):
        copy = Question.objects.create(
            project=project,
            key=question.key,
            kind=question.kind,
            texts=question.texts,
            options=question.options,
        )
        mapping[question.pk] = copy.pk
    return mapping


@transaction.atomic
def start_implementation(
    *,
    by,
    prestudy: Project,
    title: str,
    title_en: str = "",
    starts_on: dt.date,
    ends_on: dt.date,
    copy: Iterable[str] = CARRIED,
) -> Project:
    """Create the implementation project of `prestudy` (phase "implementation", the same owner,
    kind, places, contact and follow-up days, linked by `prestudy`) and carry over what
    `copy` names (CARRIED: all of it):

    - target groups (code, names, description);
    - partners and co-financiers (amount, confirmation date);
    - the team: every member in the same role for the same organisation. The creator is always
      the new project's manager;
    - proposed activities → interventions of the new period (name = title, made unique;
      provider = the first of the activity's partners, by name, that is an organisation, else
      the project owner; places = the estimated volume); each activity's `implemented_as` names
      its intervention;
    - indicators: the goals counting participants or households (not the pre-study's own
      stakeholder, activity and checklist goals), with the current version's definition.

    Raises ValidationError keyed by the form's field (title, title_en, starts_on, ends_on,
    copy) when the project is not a pre-study, the period is wrong or what is carried needs
    what is left out; nothing is written then."""
    copy = set(copy)
    unknown = copy - set(CARRIED)
    if unknown:
        raise ValueError(f"cannot carry over {sorted(unknown)}")
    prestudy = Project.objects.select_for_update().get(pk=prestudy.pk)
    if prestudy.phase != Project.Phase.PRE_STUDY:
        raise ValidationError(
            _(
                "%(title)s is not a pre-study: only a pre-study is carried into an "
                "implementation project."
            )
            % {"title": prestudy.title}
        )
    errors = _check_period(prestudy, starts_on, ends_on)
    plan = carry_over(prestudy)
    members = list(
        Membership.objects.filter(project=prestudy).select_related("user", "organisation")
    )
    partner_ids = {p.organisation_id for p in plan.partners} - {prestudy.owner_id}
    if MEMBERS in copy and PARTNERS not in copy:
        if any(m.organisation_id in partner_ids for m in members):
            errors["copy"] = [
                _(
                    "Some members work for a partner: carry the partners over too, or leave "
                    "the team out."
                )
            ]
    if GOALS in copy and TARGET_GROUPS not in copy:
        if any(v.parameters.get("target_group") for v in plan.goals):
            errors.setdefault("copy", []).append(
                _(
                    "An indicator counts a target group: carry the target groups over too, or "
                    "leave the indicators out."
                )
            )
    if errors:
        raise ValidationError(errors)

    project = Project(
        title=(title or "").strip(),
        title_en=(title_en or "").strip(),
        phase=Project.Phase.IMPLEMENTATION,
        starts_on=starts_on,
        ends_on=ends_on,
        prestudy=prestudy,
        **{name: getattr(prestudy, name) for name in PROJECT_FIELDS},
    )
    project.full_clean()
    project.save()
    project.municipalities.set(prestudy.municipalities.all())
    project.areas.set(prestudy.areas.all())
    log_action(
        by=by,
        action="create",
        obj=project,
        project=project,
        fields=[
            "title",
            *(["title_en"] if project.title_en else []),
            "phase",
            "starts_on",
            "ends_on",
            "prestudy",
            *(name for name in PROJECT_FIELDS if getattr(prestudy, name) not in (None, "", [])),
            "municipalities",
            "areas",
            *sorted(copy),
        ],
        reason=f"implementation of pre-study {prestudy.pk}",
    )
    log_action(
        by=by,
        action="change",
        obj=prestudy,
        project=prestudy,
        fields=["implementations"],
        reason=f"implementation project {project.pk} started",
    )

    if TARGET_GROUPS in copy:
        for group in plan.target_groups:
            add_target_group(
                by=by,
                project=project,
                code=group.code,
                name=group.name,
                name_en=group.name_en,
                description=group.description,
            )
    if PARTNERS in copy:
        for partner in plan.partners:
            add_partner(
                by=by,
                project=project,
                organisation=partner.organisation,
                is_partner=partner.is_partner,
                is_co_financier=partner.is_co_financier,
                amount=partner.amount,
                confirmed_on=partner.confirmed_on,
            )
    _carry_team(by=by, prestudy=prestudy, project=project, members=members, copy=copy)
    if ACTIVITIES in copy:
        _carry_activities(by=by, project=project, activities=plan.activities)
    if GOALS in copy:
        _carry_goals(by=by, prestudy=prestudy, project=project, versions=plan.goals)
    return project


def _carry_team(*, by, prestudy, project, members, copy) -> None:
    """The team continues: each member in the same role for the same organisation (with
    MEMBERS), and the creator always as a manager. The memberships are copied as the pre-study
    has them (audited by core/audit_signals.py, as every membership is)."""
    creator = next((m for m in members if m.user_id == getattr(by, "pk", None)), None)
    rows = []
    if MEMBERS in copy:
        rows = [(m.user, m.organisation, m.role) for m in members if m is not creator]
    if creator is not None and MEMBERS in copy:
        rows.insert(0, (creator.user, creator.organisation, _managing(creator.role)))
    elif getattr(by, "is_authenticated", False):
        # The creator works for their organisation in the pre-study when the new project has
        # it (the owner, or a carried partner), else for the owner.
        organisation = project.owner
        if creator is not None and (
            creator.organisation_id == project.owner_id
            or project.partners.filter(organisation_id=creator.organisation_id).exists()
        ):
            organisation = creator.organisation
        rows.insert(0, (by, organisation, Role.MANAGER))
    with acting_as(by):
        for user, organisation, role in rows:
            Membership.objects.create(
                project=project, user=user, organisation=organisation, role=role
            )


def _managing(role: str) -> str:
    """The creator's role in the new project: theirs when it manages the project, else manager."""
    return role if Capability.PROJECT_SETTINGS in capabilities_of(role) else Role.MANAGER


def _carry_activities(*, by, project, activities) -> None:
    taken: set[str] = set()
    for activity in activities:
        provider = (
            activity.proposed_by.filter(organisation__isnull=False)
            .select_related("organisation")
            .order_by("name", "pk")
            .first()
        )
        intervention = create_intervention(
            by=by,
            project=project,
            name=_unique_name(activity.title, taken),
            category=activity.category,
            provider=provider.organisation if provider else project.owner,
            description=activity.description,
            starts_on=project.starts_on,
            ends_on=project.ends_on,
            capacity=activity.estimated_volume or None,
        )
        activity.implemented_as = intervention
        activity.save(update_fields=["implemented_as"])
        log_action(
            by=by,
            action="change",
            obj=activity,
            project=activity.project,
            fields=["implemented_as"],
        )


def _carry_goals(*, by, prestudy, project, versions) -> None:
    questions = _copied_question_ids(prestudy, project, versions)
    if any(v.template == "follow_up_share_vs_reference" for v in versions):
        # Compared with the same regular programmes.
        project.reference_programmes.set(prestudy.reference_programmes.all())
    for version in versions:
        parameters = dict(version.parameters)
        template = TEMPLATES[version.template]
        for param in template.params:
            if param.kind == "question" and parameters.get(param.name) in questions:
                parameters[param.name] = questions[parameters[param.name]]
        try:
            create_goal(
                project=project,
                key=version.goal.key,
                title=version.title,
                title_en=version.title_en,
                template=version.template,
                parameters=parameters,
                order=version.goal.order,
                by=by,
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    "copy": _(
                        "The indicator “%(title)s” cannot be carried over: %(reason)s Leave the "
                        "indicators out, or correct the goal in the pre-study first."
                    )
                    % {"title": version.display_title, "reason": " ".join(error.messages)}
                }
            ) from error

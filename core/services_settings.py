"""Project settings, as a project's manager changes them (core/views_settings.py): the staff
(memberships with their role), partners and co-financiers, areas and target groups.

Every function is keyword-only, runs in one transaction, checks the project's own rules again
(whatever the form let through) and writes one audit entry per row it creates, changes or
deletes (`log_action`: the object by type and id, the fields by name, never their values;
memberships through core/audit_signals.py, which audits them however they change). A
rule that refuses raises ValidationError — with a dict naming the field where there is one — and
nothing is written.

Partners and areas are counted by goals (every partner confirmed; the breakdown by area) without
a model signal goals listens to, so their writes send `counted_data_changed`; target groups are
watched by goals itself (post_save/post_delete).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import acting_as, log_action
from .models import Area, LogEntry, Membership, Organisation, ProjectPartner, TargetGroup
from .policy import Capability, capabilities_of, roles_with
from .signals import counted_data_changed
from .validators import normalise_organisation_number

# --- staff ----------------------------------------------------------------------------------------


def staff_organisations(project):
    """The organisations a member may work for in the project: its owner and its partners."""
    return Organisation.objects.filter(
        pk__in=[project.owner_id, *project.partners.values_list("organisation_id", flat=True)]
    ).order_by("name")


def _check_organisation(project, organisation) -> None:
    if not staff_organisations(project).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "Members work for the project owner or one of its partners: add %(name)s "
                    "as a partner first."
                )
                % {"name": organisation.name}
            }
        )


def _check_not_a_member(project, user) -> None:
    existing = Membership.objects.filter(project=project, user=user).first()
    if existing is not None:
        raise ValidationError(
            {
                "user": _("%(user)s is already a member of this project, as %(role)s.")
                % {"user": user.get_username(), "role": existing.get_role_display().lower()}
            }
        )


def _keeps_settings(role: str) -> bool:
    return Capability.PROJECT_SETTINGS in capabilities_of(role)


def _check_a_manager_remains(membership, new_role: str | None) -> None:
    """Refuse when the change leaves the project without anyone who may manage its settings.
    The managers' rows are locked (on PostgreSQL), so two managers demoting each other at the
    same moment cannot both succeed."""
    if not _keeps_settings(membership.role) or (new_role is not None and _keeps_settings(new_role)):
        return
    managers = list(
        Membership.objects.select_for_update()
        .filter(project_id=membership.project_id, role__in=roles_with(Capability.PROJECT_SETTINGS))
        .values_list("pk", flat=True)
    )
    if not [pk for pk in managers if pk != membership.pk]:
        raise ValidationError(
            _(
                "%(user)s is the project's last project manager. Make another member project "
                "manager first: a project must always have one."
            )
            % {"user": membership.user.get_username()}
        )


@transaction.atomic
def add_membership(*, by, project, user, organisation, role) -> Membership:
    _check_organisation(project, organisation)
    _check_not_a_member(project, user)
    try:
        # Audited by core/audit_signals.py, as every membership change is, whoever makes it.
        with transaction.atomic(), acting_as(by):
            membership = Membership.objects.create(
                project=project, user=user, organisation=organisation, role=role
            )
    except IntegrityError:  # added by someone else a moment ago
        _check_not_a_member(project, user)
        raise
    return membership


def _username_errors(username: str, email: str) -> dict:
    User = get_user_model()
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = _(
            "The user name %(username)s is taken. If it is the same person, add the existing "
            "user instead."
        ) % {"username": username}
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _(
            "A user with this e-mail address exists already: add the existing user instead."
        )
    return errors


@transaction.atomic
def create_user_with_membership(
    *, by, project, username, first_name, last_name, email, organisation, role
) -> Membership:
    """A new user account without a password (they set one through the link
    `password_link_for()` makes) and their membership in the project."""
    errors = _username_errors(username, email)
    if errors:
        raise ValidationError(errors)
    _check_organisation(project, organisation)
    User = get_user_model()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log_action(
        by=by,
        action="create",
        obj=user,
        project=project,
        fields=["username", "first_name", "last_name", "email"],
    )
    return add_membership(by=by, project=project, user=user, organisation=organisation, role=role)


@transaction.atomic
def change_membership(*, by, membership, role, organisation) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    changed = []
    if organisation.pk != membership.organisation_id:
        _check_organisation(membership.project, organisation)
        membership.organisation = organisation
        changed.append("organisation")
    if role != membership.role:
        _check_a_manager_remains(membership, role)
        membership.role = role
        changed.append("role")
    if changed:
        with acting_as(by):  # audited by core/audit_signals.py
            membership.save(update_fields=changed)
    return membership


@transaction.atomic
def end_membership(*, by, membership) -> None:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _check_a_manager_remains(membership, None)
    with acting_as(by):  # audited by core/audit_signals.py
        membership.delete()


def may_get_password_link(membership) -> bool:
    """May the project's manager make a new password link for this member? Only for an account
    that this project's settings created (the audit log says so), that nobody has used yet (no
    usable password, never logged in), that belongs to this project alone and that holds no
    staff or administrator rights: a manager can never take over an account in use, one of
    another project, or an administrator's account that happens to have no password yet."""
    user = membership.user
    return (
        not user.is_staff
        and not user.is_superuser
        and not user.has_usable_password()
        and user.last_login is None
        and not Membership.objects.filter(user=user)
        .exclude(project_id=membership.project_id)
        .exists()
        and LogEntry.objects.filter(
            action=LogEntry.Action.CREATE,
            object_type=user._meta.label,
            object_id=str(user.pk),
            project_id=membership.project_id,
        ).exists()
    )


@transaction.atomic
def new_password_link(*, by, membership) -> str:
    """A new one-time link for a member who has not chosen a password yet (the first one was
    lost or expired); recorded in the audit log."""
    if not may_get_password_link(membership):
        raise ValidationError(
            _(
                "%(user)s has chosen a password already, or also works in other projects: an "
                "administrator can reset the password."
            )
            % {"user": membership.user.get_username()}
        )
    log_action(
        by=by,
        action="change",
        obj=membership.user,
        project=membership.project,
        reason="password link",
    )
    return password_link_path(membership.user)


def password_link_path(user) -> str:
    """The path of a one-time link by which a new user sets their own password (Django's
    password-reset token: it stops working once a password is set, and after
    PASSWORD_RESET_TIMEOUT). Only for users without a usable password: the link must never
    let a manager take over an account that is in use."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if user.has_usable_password():
        raise ValueError("only for a user who has no password yet")
    return reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


# --- partners -------------------------------------------------------------------------------------


def _partners_changed(project) -> None:
    counted_data_changed.send(ProjectPartner, project_ids=[project.pk])


def _check_partner_flags(*, is_partner, is_co_financier) -> None:
    if not (is_partner or is_co_financier):
        raise ValidationError({"is_partner": _("Tick partner, co-financier or both.")})


@transaction.atomic
def add_partner(
    *,
    by,
    project,
    organisation=None,
    new_organisation: dict | None = None,
    is_partner: bool,
    is_co_financier: bool,
    amount=None,
    confirmed_on=None,
) -> ProjectPartner:
    """Add an existing organisation, or a new one (`new_organisation`: name, kind,
    organisation_number, validated as the model does), as the project's partner."""
    _check_partner_flags(is_partner=is_partner, is_co_financier=is_co_financier)
    if (organisation is None) == (new_organisation is None):
        raise ValidationError(
            {"organisation": _("Choose an existing organisation or enter a new one, not both.")}
        )
    if organisation is None:
        new_organisation = dict(new_organisation)
        number = new_organisation.get("organisation_number") or ""
        if number:
            try:
                number = normalise_organisation_number(number)
            except ValidationError as error:
                raise ValidationError({"organisation_number": error.messages}) from error
            new_organisation["organisation_number"] = number
            existing = Organisation.objects.filter(organisation_number=number).first()
            if existing is not None:
                raise ValidationError(
                    {
                        "organisation_number": _(
                            "%(name)s has this organisation number already: choose it from the "
                            "list instead."
                        )
                        % {"name": existing.name}
                    }
                )
        if Organisation.objects.filter(name__iexact=new_organisation.get("name", "")).exists():
            raise ValidationError(
                {
                    "name": _(
                        "An organisation of this name exists already: choose it from the list "
                        "instead."
                    )
                }
            )
        organisation = Organisation(**new_organisation)
        organisation.full_clean()
        organisation.save()
        log_action(
            by=by,
            action="create",
            obj=organisation,
            project=project,
            fields=[name for name, value in new_organisation.items() if value],
        )
    elif ProjectPartner.objects.filter(project=project, organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": _("%(name)s is already a partner of this project.")
                % {"name": organisation.name}
            }
        )
    partner = ProjectPartner(
        project=project,
        organisation=organisation,
        is_partner=is_partner,
        is_co_financier=is_co_financier,
        amount=amount,
        confirmed_on=confirmed_on,
    )
    partner.full_clean()
    partner.save()
    log_action(
        by=by,
        action="create",
        obj=partner,
        project=project,
        fields=["organisation", "is_partner", "is_co_financier", "amount", "confirmed_on"],
    )
    _partners_changed(project)
    return partner


PARTNER_FIELDS = ("is_partner", "is_co_financier", "amount", "confirmed_on")


@transaction.atomic
def change_partner(*, by, partner, **changes) -> ProjectPartner:
    unknown = set(changes) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"not a partner's field: {sorted(unknown)}")
    partner = ProjectPartner.objects.select_for_update().get(pk=partner.pk)
    merged = {name: changes.get(name, getattr(partner, name)) for name in PARTNER_FIELDS}
    _check_partner_flags(is_partner=merged["is_partner"], is_co_financier=merged["is_co_financier"])
    changed = [name for name in PARTNER_FIELDS if merged[name] != getattr(partner, name)]
    if changed:
        for name in changed:
            setattr(partner, name, merged[name])
        partner.full_clean()
        partner.save(update_fields=changed)
        log_action(by=by, action="change", obj=partner, project=partner.project, fields=changed)
        _partners_changed(partner.project)
    return partner


def partner_staff_count(partner) -> int:
    return Membership.objects.filter(
        project_id=partner.project_id, organisation_id=partner.organisation_id
    ).count()


@transaction.atomic
def remove_partner(*, by, partner) -> None:
    """Remove the organisation from the project's partners (the organisation itself stays: other
    projects may have it). Refused while members work for it in the project, unless it is the
    project's owner."""
    partner = (
        ProjectPartner.objects.select_for_update()
        .select_related("project", "organisation")
        .get(pk=partner.pk)
    )
    project = partner.project
    staff = partner_staff_count(partner)
    if staff and partner.organisation_id != project.owner_id:
        raise ValidationError(
            ngettext(
                "%(count)s member of the staff works for %(name)s in this project: change their "
                "organisation or end their membership first.",
                "%(count)s members of the staff work for %(name)s in this project: change their "
                "organisation or end their memberships first.",
                staff,
            )
            % {"count": staff, "name": partner.organisation.name}
        )
    log_action(by=by, action="delete", obj=partner, project=project, fields=["organisation"])
    partner.delete()
    _partners_changed(project)


# --- areas ----------------------------------------------------------------------------------------


def _areas_changed(project) -> None:
    counted_data_changed.send(Area, project_ids=[project.pk])


def area_used_elsewhere(area, project) -> bool:
    return area.projects.exclude(pk=project.pk).exists()


def area_enrolment_count(area, project) -> int:
    """How many of the project's enrolments are in the area (the relation is enrolments', read
    without importing it)."""
    return Area.objects.filter(pk=area.pk, enrolment__project=project).count()


@transaction.atomic
def add_area(*, by, project, municipality, name, district="") -> Area:
    """Add an area to the project: the existing one of that name in that municipality, or a
    new one."""
    area = Area.objects.filter(municipality=municipality, name__iexact=name).first()
    if area is None:
        area = Area(municipality=municipality, name=name, district=district)
        area.full_clean()
        area.save()
        log_action(
            by=by,
            action="create",
            obj=area,
            project=project,
            fields=["municipality", "name"] + (["district"] if district else []),
        )
    elif project.areas.filter(pk=area.pk).exists():
        raise ValidationError(
            {
                "name": _("%(name)s in %(municipality)s is already one of the project's areas.")
                % {"name": area.name, "municipality": municipality.name}
            }
        )
    project.areas.add(area)
    log_action(by=by, action="change", obj=project, project=project, fields=["areas"])
    _areas_changed(project)
    return area


AREA_FIELDS = ("municipality", "name", "district")


@transaction.atomic
def change_area(*, by, project, area, **changes) -> Area:
    """Change an area's name, municipality or district: only an area no other project has (a
    shared place is changed by removing it and adding the right one)."""
    area = Area.objects.select_for_update().get(pk=area.pk)
    if area_used_elsewhere(area, project):
        raise ValidationError(
            _(
                "Other projects have this area too, so it cannot be changed here. Remove it from "
                "this project and add the right area instead."
            )
        )
    changed = [
        name for name in AREA_FIELDS if name in changes and changes[name] != getattr(area, name)
    ]
    municipality = changes.get("municipality", area.municipality)
    name = changes.get("name", area.name)
    if (
        Area.objects.filter(municipality=municipality, name__iexact=name)
        .exclude(pk=area.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "name": _("%(municipality)s has an area of this name already.")
                % {"municipality": municipality.name}
            }
        )
    if changed:
        for name in changed:
            setattr(area, name, changes[name])
        area.full_clean()
        area.save(update_fields=changed)
        log_action(by=by, action="change", obj=area, project=project, fields=changed)
        _areas_changed(project)
    return area


@transaction.atomic
def remove_area(*, by, project, area) -> None:
    """Take the area off the project's list (the place itself stays for other projects).
    Refused while the project's enrolments are in it."""
    used = area_enrolment_count(area, project)
    if used:
        raise ValidationError(
            ngettext(
                "%(count)s enrolment in this project is in %(name)s: the area cannot be removed "
                "while it is.",
                "%(count)s enrolments in this project are in %(name)s: the area cannot be "
                "removed while they are.",
                used,
            )
            % {"count": used, "name": area.name}
        )
    project.areas.remove(area)
    log_action(by=by, action="change", obj=project, project=project, fields=["areas"])
    _areas_changed(project)


# --- target groups --------------------------------------------------------------------------------

TARGET_GROUP_FIELDS = ("name", "name_en", "description")


@transaction.atomic
def add_target_group(*, by, project, code, name, name_en="", description="") -> TargetGroup:
    if TargetGroup.objects.filter(project=project, code=code).exists():
        raise ValidationError(
            {
                "code": _("Another target group of this project has the code %(code)s.")
                % {"code": code}
            }
        )
    group = TargetGroup(
        project=project, code=code, name=name, name_en=name_en, description=description
    )
    group.full_clean()
    group.save()
    log_action(
        by=by,
        action="create",
        obj=group,
        project=project,
        fields=["code", "name"]
        + (["name_en"] if name_en else [])
        + (["description"] if description else []),
    )
    return group


@transaction.atomic
def change_target_group(*, by, target_group, **changes) -> TargetGroup:
    """Change a target group's names and description. Its code stays: goals name the target
    group by its code."""
    unknown = set(changes) - set(TARGET_GROUP_FIELDS)
    if unknown:
        raise TypeError(f"not a changeable field of a target group: {sorted(unknown)}")
    group = TargetGroup.objects.select_for_update().get(pk=target_group.pk)
    changed = [name for name, value in changes.items() if value != getattr(group, name)]
    if changed:
        for name in changed:
            setattr(group, name, changes[name])
        group.full_clean()
        group.save(update_fields=changed)
        log_action(by=by, action="change", obj=group, project=group.project, fields=changed)
    return group


def target_group_enrolment_count(target_group) -> int:
    return target_group.enrolments.count()


@transaction.atomic
def remove_target_group(*, by, target_group) -> None:
    group = (
        TargetGroup.objects.select_for_update().select_related("project").get(pk=target_group.pk)
    )
    used = target_group_enrolment_count(group)
    if used:
        raise ValidationError(
            ngettext(
                "%(count)s enrolment is registered in the target group %(name)s: it cannot be "
                "removed while it is.",
                "%(count)s enrolments are registered in the target group %(name)s: it cannot be "
                "removed while they are.",
                used,
            )
            % {"count": used, "name": group.name}
        )
    log_action(by=by, action="delete", obj=group, project=group.project, fields=["code"])
    group.delete()

"""Project settings: what a project's manager keeps up to date without the Django admin — the
staff (who works in the project, for which organisation, in which role), partners and
co-financiers, areas and target groups. Managers only (`project.settings`), their own project
only (@project_view: another project is a 404, and every object is looked up within the
project of the URL). The writes are in core/services_settings.py."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import services_settings as services
from .decorators import project_view
from .forms_settings import (
    AddMemberForm,
    AreaForm,
    MembershipForm,
    NewOrganisationForm,
    NewUserForm,
    PartnerForm,
    RetentionForm,
    TargetGroupForm,
)
from .models import Membership, ProjectPartner
from .policy import Capability, capabilities_of, roles_with

SETTINGS = Capability.PROJECT_SETTINGS.value


def add_errors(error: ValidationError, *forms) -> None:
    """Put a service's ValidationError on the form that has the field it names (the first
    form's non-field errors otherwise)."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms if field in form.fields), forms[0])
        for message in errors:
            target.add_error(field if field in target.fields else None, message)


def _page(request, template, **context):
    return render(request, f"core/settings/{template}", {"project": request.project, **context})


@project_view(SETTINGS)
def index(request):
    project = request.project
    return _page(
        request,
        "index.html",
        counts={
            "staff": project.memberships.count(),
            "partners": project.partners.count(),
            "areas": project.areas.count(),
            "target_groups": project.target_groups.count(),
        },
    )


# --- staff ----------------------------------------------------------------------------------------


def _memberships(request):
    return Membership.objects.filter(project=request.project).select_related("user", "organisation")


def _is_last_manager(membership) -> bool:
    if Capability.PROJECT_SETTINGS not in capabilities_of(membership.role):
        return False
    return not (
        Membership.objects.filter(
            project_id=membership.project_id, role__in=roles_with(Capability.PROJECT_SETTINGS)
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@project_view(SETTINGS)
def staff(request):
    members = sorted(
        _memberships(request),
        key=lambda m: (m.get_role_display(), m.user.get_full_name() or m.user.username),
    )
    for member in members:
        member.needs_password = services.may_get_password_link(member)
    return _page(request, "staff_list.html", members=members)


@project_view(SETTINGS)
def staff_add(request):
    form = AddMemberForm(
        request.POST if request.method == "POST" else None, project=request.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_membership(
                by=request.user,
                project=request.project,
                user=form.cleaned_data["user"],
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request,
                _("%(user)s is now a member of the project, as %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display().lower()},
            )
            return redirect("project_settings:staff", project_id=request.project.pk)
    return _page(request, "staff_add.html", form=form)


@project_view(SETTINGS)
def staff_new_user(request):
    form = NewUserForm(request.POST if request.method == "POST" else None, project=request.project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.create_user_with_membership(
                by=request.user,
                project=request.project,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                organisation=data["organisation"],
                role=data["role"],
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            # Shown once, on this answer to the POST: the link is stored nowhere else.
            link = request.build_absolute_uri(services.password_link_path(membership.user))
            return _page(
                request,
                "staff_created.html",
                membership=membership,
                link=link,
                days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            )
    return _page(request, "staff_new_user.html", form=form)


@project_view(SETTINGS)
def staff_password_link(request, membership_id):
    """A new password link for a member who has not chosen a password yet. GET explains, POST
    makes the link and shows it once."""
    membership = get_object_or_404(_memberships(request), pk=membership_id)
    error = None
    if request.method == "POST":
        try:
            path = services.new_password_link(by=request.user, membership=membership)
        except ValidationError as refused:
            error = refused.messages
        else:
            return _page(
                request,
                "staff_created.html",
                membership=membership,
                link=request.build_absolute_uri(path),
                days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
                again=True,
            )
    return _page(
        request,
        "staff_password_link.html",
        membership=membership,
        errors=error,
        allowed=services.may_get_password_link(membership),
    )


@project_view(SETTINGS)
def staff_edit(request, membership_id):
    membership = get_object_or_404(_memberships(request), pk=membership_id)
    form = MembershipForm(
        request.POST if request.method == "POST" else None,
        project=request.project,
        initial={"organisation": membership.organisation_id, "role": membership.role},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership(by=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request, _("%(user)s's membership is saved.") % {"user": membership.user}
            )
            if membership.user_id == request.user.id and Capability.PROJECT_SETTINGS not in (
                capabilities_of(form.cleaned_data["role"])
            ):
                return redirect("core:project_detail", project_id=request.project.pk)
            return redirect("project_settings:staff", project_id=request.project.pk)
    return _page(
        request,
        "staff_edit.html",
        form=form,
        membership=membership,
        last_manager=_is_last_manager(membership),
    )


@project_view(SETTINGS)
def staff_remove(request, membership_id):
    membership = get_object_or_404(_memberships(request), pk=membership_id)
    error = None
    if request.method == "POST":
        try:
            services.end_membership(by=request.user, membership=membership)
        except ValidationError as refused:
            error = refused.messages
        else:
            messages.success(
                request, _("%(user)s's membership has ended.") % {"user": membership.user}
            )
            if membership.user_id == request.user.id:
                return redirect("core:project_list")
            return redirect("project_settings:staff", project_id=request.project.pk)
    blocked = _is_last_manager(membership)
    return _page(
        request,
        "staff_remove.html",
        membership=membership,
        errors=error,
        blocked=blocked,
        is_self=membership.user_id == request.user.id,
        caseload=membership.user.caseload.filter(
            project=request.project, exited_on__isnull=True
        ).count(),
    )


# --- partners -------------------------------------------------------------------------------------


def _partner(request, partner_id):
    return get_object_or_404(
        ProjectPartner.objects.filter(project=request.project).select_related("organisation"),
        pk=partner_id,
    )


@project_view(SETTINGS)
def partners(request):
    rows = request.project.partners.select_related("organisation")
    return _page(request, "partner_list.html", partners=rows)


@project_view(SETTINGS)
def partner_add(request):
    form = PartnerForm(
        request.POST if request.method == "POST" else None, project=request.project, adding=True
    )
    new = NewOrganisationForm(request.POST if request.method == "POST" else None, prefix="new")
    if request.method == "POST":
        valid = form.is_valid() & new.is_valid()
        if valid:
            existing = form.cleaned_data["organisation"]
            if existing is None and not new.is_filled():
                form.add_error(
                    "organisation",
                    _("Choose an organisation from the list, or enter a new one below."),
                )
                valid = False
            elif existing is not None and new.is_filled():
                form.add_error(
                    "organisation",
                    _("Choose an organisation from the list or enter a new one, not both."),
                )
                valid = False
        if valid:
            data = dict(form.cleaned_data)
            existing = data.pop("organisation")
            try:
                partner = services.add_partner(
                    by=request.user,
                    project=request.project,
                    organisation=existing,
                    new_organisation=None if existing else dict(new.cleaned_data),
                    **data,
                )
            except ValidationError as error:
                add_errors(error, form, new)
            else:
                messages.success(
                    request,
                    _("%(name)s is added to the project.") % {"name": partner.organisation},
                )
                return redirect("project_settings:partners", project_id=request.project.pk)
    return _page(request, "partner_form.html", form=form, new=new, partner=None)


@project_view(SETTINGS)
def partner_edit(request, partner_id):
    partner = _partner(request, partner_id)
    form = PartnerForm(
        request.POST if request.method == "POST" else None,
        project=request.project,
        adding=False,
        initial={name: getattr(partner, name) for name in services.PARTNER_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_partner(by=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": partner.organisation})
            return redirect("project_settings:partners", project_id=request.project.pk)
    return _page(request, "partner_form.html", form=form, new=None, partner=partner)


@project_view(SETTINGS)
def partner_remove(request, partner_id):
    partner = _partner(request, partner_id)
    error = None
    if request.method == "POST":
        try:
            services.remove_partner(by=request.user, partner=partner)
        except ValidationError as refused:
            error = refused.messages
        else:
            messages.success(
                request,
                _("%(name)s is no longer a partner of the project.")
                % {"name": partner.organisation},
            )
            return redirect("project_settings:partners", project_id=request.project.pk)
    staff_count = services.partner_staff_count(partner)
    return _page(
        request,
        "partner_remove.html",
        partner=partner,
        errors=error,
        staff_count=staff_count,
        blocked=bool(staff_count) and partner.organisation_id != request.project.owner_id,
    )


# --- areas ----------------------------------------------------------------------------------------


def _area(request, area_id):
    return get_object_or_404(request.project.areas.select_related("municipality"), pk=area_id)


@project_view(SETTINGS)
def areas(request):
    rows = request.project.areas.select_related("municipality").order_by(
        "municipality__name", "name"
    )
    return _page(request, "area_list.html", areas=rows)


@project_view(SETTINGS)
def area_add(request):
    form = AreaForm(request.POST if request.method == "POST" else None, project=request.project)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.add_area(by=request.user, project=request.project, **form.cleaned_data)
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is added to the project.") % {"name": area.name})
            return redirect("project_settings:areas", project_id=request.project.pk)
    return _page(request, "area_form.html", form=form, area=None)


@project_view(SETTINGS)
def area_edit(request, area_id):
    area = _area(request, area_id)
    shared = services.area_used_elsewhere(area, request.project)
    form = AreaForm(
        request.POST if request.method == "POST" else None,
        project=request.project,
        initial={
            "municipality": area.municipality_id,
            "name": area.name,
            "district": area.district,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_area(
                by=request.user, project=request.project, area=area, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": form.cleaned_data["name"]})
            return redirect("project_settings:areas", project_id=request.project.pk)
    return _page(request, "area_form.html", form=form, area=area, shared=shared)


@project_view(SETTINGS)
def area_remove(request, area_id):
    area = _area(request, area_id)
    error = None
    if request.method == "POST":
        try:
            services.remove_area(by=request.user, project=request.project, area=area)
        except ValidationError as refused:
            error = refused.messages
        else:
            messages.success(
                request, _("%(name)s is removed from the project.") % {"name": area.name}
            )
            return redirect("project_settings:areas", project_id=request.project.pk)
    used = services.area_enrolment_count(area, request.project)
    return _page(
        request, "area_remove.html", area=area, errors=error, used=used, blocked=bool(used)
    )


# --- target groups --------------------------------------------------------------------------------


def _target_group(request, target_group_id):
    return get_object_or_404(request.project.target_groups, pk=target_group_id)


@project_view(SETTINGS)
def target_groups(request):
    return _page(
        request, "target_group_list.html", target_groups=request.project.target_groups.all()
    )


@project_view(SETTINGS)
def target_group_add(request):
    form = TargetGroupForm(request.POST if request.method == "POST" else None, adding=True)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.add_target_group(
                by=request.user, project=request.project, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is added to the project.") % {"name": group.name})
            return redirect("project_settings:target_groups", project_id=request.project.pk)
    return _page(request, "target_group_form.html", form=form, target_group=None)


@project_view(SETTINGS)
def target_group_edit(request, target_group_id):
    group = _target_group(request, target_group_id)
    form = TargetGroupForm(
        request.POST if request.method == "POST" else None,
        adding=False,
        initial={name: getattr(group, name) for name in services.TARGET_GROUP_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_target_group(by=request.user, target_group=group, **form.cleaned_data)
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": form.cleaned_data["name"]})
            return redirect("project_settings:target_groups", project_id=request.project.pk)
    return _page(request, "target_group_form.html", form=form, target_group=group)


@project_view(SETTINGS)
def target_group_remove(request, target_group_id):
    group = _target_group(request, target_group_id)
    error = None
    if request.method == "POST":
        try:
            services.remove_target_group(by=request.user, target_group=group)
        except ValidationError as refused:
            error = refused.messages
        else:
            messages.success(
                request, _("%(name)s is removed from the project.") % {"name": group.name}
            )
            return redirect("project_settings:target_groups", project_id=request.project.pk)
    used = services.target_group_enrolment_count(group)
    return _page(
        request,
        "target_group_remove.html",
        target_group=group,
        errors=error,
        used=used,
        blocked=bool(used),
    )


# --- retention ------------------------------------------------------------------------------------


@project_view(SETTINGS)
def retention(request):
    """How long the project's personal data is kept after its end (core/retention.py); the
    anonymisation after it is privacy's scheduled task (docs/privacy.md)."""
    from .retention import retention_ends_on, set_retention

    project = request.project
    form = RetentionForm(
        request.POST if request.method == "POST" else None,
        initial={"retention_months": project.retention_months},
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_retention(
                project=project, months=form.cleaned_data["retention_months"], by=request.user
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("The retention period is saved."))
            return redirect("project_settings:retention", project_id=project.pk)
    return _page(
        request,
        "retention.html",
        form=form,
        default_months=settings.DEFAULT_RETENTION_MONTHS,
        ends_on=retention_ends_on(project),
    )

"""Project-bank import for administrators: paste a page's text (paste), read the preview of
every field and section (paste, on POST), create the project (create), see what was created
(created). Nothing is written before "Create project"; the pasted text travels in a hidden
field, never in a URL."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Organisation, Project, ProjectSection

from . import services
from .forms import ConfirmForm, PasteForm
from .parser import FIELD_ORDER, SECTION_ORDER, parse


def may_import(user) -> bool:
    """Administrators create projects (SPEC: the administrator manages organisations)."""
    return user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)


def import_view(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _amount(value) -> str:
    return f"{value:,}".replace(",", "\u00a0") + "\u00a0kr"


def field_rows(page, plan) -> list[dict]:
    """One row per field of the page for the preview: its label, the value as read, and
    whether it was found, missing or unreadable."""
    labels = {
        "title": _("Title"),
        "programme_area": _("Programme area"),
        "phase": _("Phase"),
        "owner": _("Project owner"),
        "contact_name": _("Contact person"),
        "contact_email": _("E-mail"),
        "contact_phone": _("Telephone"),
        "esf_grant": _("ESF grant"),
        "total_budget": _("Total budget"),
        "period": _("Period"),
        "region": _("Region"),
    }
    rows = []
    for name in FIELD_ORDER:
        row = {"name": name, "label": labels[name], "value": "", "note": ""}
        if name in page.unreadable:
            row["status"] = "unreadable"
            row["raw"] = page.unreadable[name]
        elif name in page.missing:
            row["status"] = "missing"
        else:
            row["status"] = "found"
            value = page.get(name)
            if name == "phase":
                row["value"] = Project.Phase(value).label
                row["note"] = page.raw.get("phase", "")
            elif name in ("esf_grant", "total_budget"):
                row["value"] = _amount(value)
            elif name == "period":
                row["value"] = f"{page.get('starts_on'):%Y-%m-%d} – {page.get('ends_on'):%Y-%m-%d}"
            elif name == "owner" and plan.owner:
                row["value"] = plan.owner.name
                row["organisation"] = plan.owner
            else:
                row["value"] = value
        rows.append(row)
    return rows


def section_rows(page) -> dict:
    keys = dict(ProjectSection.Key.choices)
    result = {}
    for language in ("sv", "en"):
        sections = [s for s in page.sections if s.language == language]
        result[language] = {
            "sections": [
                {
                    "title": s.heading if s.key == "other" else keys[s.key],
                    "key": s.key,
                    "first_lines": s.first_lines,
                    "characters": len(s.body),
                }
                for s in sections
            ],
            "missing": [keys[k] for k in SECTION_ORDER if k not in {s.key for s in sections}],
        }
    return result


def _preview(request, text, source_url, form=None, status=200):
    page = parse(text)
    plan = services.plan_import(page)
    if form is None:
        form = ConfirmForm(
            initial={"text": text, "source_url": source_url},
            page=page,
            duplicates=bool(plan.duplicates),
        )
    context = {
        "page": page,
        "plan": plan,
        "fields": field_rows(page, plan),
        "sections": section_rows(page),
        "form": form,
        # Its own ids: the confirmation form's hidden fields are id_text and id_source_url.
        "paste_form": PasteForm(
            initial={"text": text, "source_url": source_url}, auto_id="again_%s"
        ),
        "org_kinds": dict(Organisation.Kind.choices),
    }
    return render(request, "projectbank/preview.html", context, status=status)


@import_view
def paste(request):
    """GET: the paste form. POST: the text read into the preview (nothing saved)."""
    if request.method == "POST":
        form = PasteForm(request.POST)
        if form.is_valid():
            return _preview(request, form.cleaned_data["text"], form.cleaned_data["source_url"])
    else:
        form = PasteForm()
    return render(request, "projectbank/paste.html", {"form": form})


@require_POST
@import_view
def create(request):
    """Create the project from the text in the confirmation form; back to the preview with
    the reasons when something is missing or the title exists already."""
    text = request.POST.get("text", "")
    peek = PasteForm({"text": text, "source_url": request.POST.get("source_url", "")})
    if not peek.is_valid():
        return render(request, "projectbank/paste.html", {"form": peek}, status=400)
    text, source_url = peek.cleaned_data["text"], peek.cleaned_data["source_url"]
    page = parse(text)
    duplicates = services.plan_import(page).duplicates
    form = ConfirmForm(request.POST, page=page, duplicates=bool(duplicates))
    if form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                page=page,
                by=request.user,
                owner_name=data.get("owner_name", ""),
                phase=data.get("phase", ""),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                manager=data.get("manager"),
                source_url=source_url,
                allow_duplicate=data.get("allow_duplicate", False),
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                target = field if field in form.fields else None
                for message in messages_:
                    if target is None and field != "__all__":
                        label = Project._meta.get_field(field).verbose_name
                        message = f"{capfirst(label)}: {message}"
                    form.add_error(target, message)
        else:
            messages.success(
                request, _("The project “%(title)s” was created.") % {"title": project.title}
            )
            return redirect("projectbank:created", project_id=project.pk)
    return _preview(request, text, source_url, form=form, status=400)


@import_view
def created(request, project_id):
    """What the import created, with links to the project and its administration page."""
    project = get_object_or_404(Project.objects.select_related("owner"), pk=project_id)
    context = {
        "project": project,
        "sections": project.sections.all(),
        "partners": project.partners.select_related("organisation"),
        "municipality_count": project.municipalities.count(),
        "managers": project.memberships.select_related("user").filter(role="manager"),
        "is_member": project.memberships.filter(user=request.user).exists(),
    }
    return render(request, "projectbank/created.html", context)

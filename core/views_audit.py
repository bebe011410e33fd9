"""The data protection officer's search of the audit log (issue 12, item 3; docs/audit.md).

By person (participant id, or identity number through participants' counted and logged look-up —
a POST, so the number is never in a URL), by user and by period; paginated, newest first, with
the purpose column. A member with the capability `audit.search` (the data protection officer
role) searches their project's entries; a superuser searches every project's
(`core:audit_search_all`). Every search is itself an audit entry, naming the person searched for
by id (so their register extract shows that the log was searched about them)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from .audit import log_action
from .decorators import project_view
from .models import LogEntry
from .signals import person_by_identity_number

PAGE_SIZE = 50


class AuditSearchForm(forms.Form):
    person = forms.IntegerField(label=gettext_lazy("Participant id"), required=False, min_value=1)
    user = forms.CharField(label=gettext_lazy("User name"), required=False, max_length=150)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["until"] < cleaned["since"]:
            self.add_error("until", _("The period cannot end before it starts."))
        return cleaned


class IdentityNumberForm(forms.Form):
    identity_number = forms.CharField(
        label=gettext_lazy("Identity number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


def _entries(project, data):
    entries = LogEntry.objects.all()
    if project is not None:
        entries = entries.filter(project_id=project.pk)
    if data.get("person"):
        entries = entries.about_person(data["person"])
    if data.get("user"):
        entries = entries.filter(user_label__iexact=data["user"])
    if data.get("since"):
        entries = entries.filter(at__date__gte=data["since"])
    if data.get("until"):
        entries = entries.filter(at__date__lte=data["until"])
    return entries.order_by("-seq")


def _search(request, project, template):
    identity_form = IdentityNumberForm()
    if request.method == "POST":
        identity_form = IdentityNumberForm(request.POST)
        if identity_form.is_valid():
            try:
                answers = person_by_identity_number.send(
                    sender=LogEntry,
                    number=identity_form.cleaned_data["identity_number"],
                    by=request.user,
                    project=project,
                )
            except ValidationError as refused:  # e.g. the look-up limit is reached
                messages.error(request, " ".join(refused.messages))
                return redirect(request.path)
            found = next((pk for _receiver, pk in answers if pk), None)
            if found is not None:
                return redirect(f"{request.path}?person={found}")
            messages.info(request, _("No person with this identity number is registered."))
            return redirect(request.path)
    form = AuditSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = None
    if data and any(data.values()):
        page = Paginator(_entries(project, data), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read before the search's own entry
        params = request.GET.copy()
        params.pop("page", None)
        page.query = params.urlencode()
        log_action(
            by=request.user,
            action="view",
            object_type=LogEntry._meta.label,
            project=project,
            person=data.get("person"),
            fields=sorted(k for k, v in data.items() if v),
            reason="audit search",
        )
    return render(
        request,
        template,
        {"project": project, "form": form, "identity_form": identity_form, "page": page},
    )


@sensitive_post_parameters("identity_number")
@project_view("audit.search")
@require_http_methods(["GET", "POST"])
@sensitive_variables("identity_form")
def audit_search(request):
    """The project's audit log, searched by its data protection officer."""
    return _search(request, request.project, "core/audit/search.html")


@sensitive_post_parameters("identity_number")
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_variables("identity_form")
def audit_search_all(request):
    """Every project's audit log, for superusers."""
    if not request.user.is_superuser:
        raise PermissionDenied
    return _search(request, None, "core/audit/search_all.html")

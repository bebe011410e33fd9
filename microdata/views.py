"""The page of the evaluators' microdata: what is in it, the purpose, the download, the data
dictionary (docs/microdata.md). Only the evaluator and the project manager
(Capability.REPORTS_PSEUDONYMISED)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import export
from core.decorators import project_view
from core.models import Purpose
from core.policy import Capability

from . import dataset as microdata
from .forms import DownloadForm


@project_view(Capability.REPORTS_PSEUDONYMISED)
@require_http_methods(["GET", "POST"])
def index(request):
    """GET: the page, or with `?format=` the data dictionary (no personal data in it). POST:
    the data set itself, once a purpose is given; the purpose is kept with the audit entry of
    the export. The file format is the query's `format` (the form's buttons set it)."""
    project = request.project
    data = microdata.build(project)
    fmt = export.requested_format(request)
    if request.method == "GET" and fmt:
        return export.response(
            request,
            name="microdata-dictionary",
            columns=microdata.dictionary_columns(),
            rows=data.dictionary_rows(),
            fmt=fmt,
            project=project,
        )
    form = DownloadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and data.allowed and form.is_valid():
        fmt = fmt or "xlsx"
        purpose = (Purpose.OTHER, form.cleaned_data["purpose"].strip())
        if fmt == "xlsx":
            return export.response(
                request,
                name="microdata",
                columns=data.columns,
                rows=(),
                sheets=[
                    (_("data"), data.columns, data.rows()),
                    (_("dictionary"), microdata.dictionary_columns(), data.dictionary_rows()),
                ],
                fmt=fmt,
                project=project,
                purpose=purpose,
            )
        return export.response(
            request,
            name="microdata",
            columns=data.columns,
            rows=data.rows(),
            fmt=fmt,
            project=project,
            purpose=purpose,
        )
    return render(
        request,
        "microdata/index.html",
        {"project": project, "data": data, "form": form},
    )

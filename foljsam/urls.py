from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from reports.urls_public import manage_patterns

project_patterns = [
    path("participants/", include("enrolments.urls_intake")),
    path("", include("enrolments.urls")),
    path("", include("plans.urls")),
    path("interventions/", include("interventions.urls")),
    path("goals/", include("reports.urls")),
    path("goals/definitions/", include("reports.urls_editor")),
    path("goals/compare/", include("reports.urls_comparison")),
    path("goals/snapshots/", include("reports.urls_snapshots")),
    path("esf/", include("esf.urls")),
    path("status-reports/", include("reports.urls_status")),
    path("microdata/", include("microdata.urls")),
    path("import/", include("imports.urls")),
    path("settings/", include("core.urls_settings")),
    path("", include("privacy.urls")),
    path("public-page/", include(manage_patterns)),
    path("surveys/", include("surveys.urls")),
    path("prestudy/", include("prestudy.urls")),
    path("prestudy/implementation/", include("reports.urls_implementation")),
    path("area/", include("areas.urls")),
]

urlpatterns = i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("jobs/", include("jobs.urls")),
    path("portfolio/", include("reports.urls_portfolio")),
    path("projects/import/", include("projectbank.urls")),
    path("projects/<int:project_id>/", include(project_patterns)),
    path("api-tokens/", include("api.urls_tokens")),
    # The public project pages, no login (reports/views_public.py, docs/public-page.md).
    path("public/", include("reports.urls_public")),
    path("", include("core.urls")),
    prefix_default_language=False,
)
urlpatterns.append(path("api/", include("api.urls")))
# A participant's personal survey link, no login, in the language its path names (not the site's
# language prefix): /s/<language>/<token>/ (surveys/views_link.py, docs/surveys.md).
urlpatterns.append(path("s/", include("surveys.urls_public")))

# The product's own error pages (core/errors.py); 404 and 403 are Django's handlers with
# templates/404.html and 403.html.
handler400 = "core.errors.bad_request"
handler500 = "core.errors.server_error"

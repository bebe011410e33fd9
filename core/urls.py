from django.urls import path

from . import views, views_audit, views_period

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path(
        "projects/<int:project_id>/period/",
        views_period.project_period,
        name="project_period",
    ),
    path("projects/<int:project_id>/audit/", views_audit.audit_search, name="audit_search"),
    path("audit/", views_audit.audit_search_all, name="audit_search_all"),
]

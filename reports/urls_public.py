"""The public project pages (reports/views_public.py): no login, published projects only."""

from django.urls import path

from . import views_public

app_name = "public"
urlpatterns = [
    path("projects/", views_public.index, name="index"),
    path("projects/<int:project_id>/", views_public.project_page, name="project"),
    path("projects/<int:project_id>.json", views_public.project_json, name="project_json"),
]

# The manager's page, under the project: /projects/<id>/public-page/ (foljsam/urls.py).
manage_patterns = ([path("", views_public.manage, name="manage")], "publish")

"""The goal editor, under /projects/<project_id>/goals/definitions/."""

from django.urls import path

from . import editor

app_name = "goal_editor"
urlpatterns = [
    path("", editor.goal_list, name="list"),
    path("new/", editor.goal_new, name="new"),
    path("<int:goal_id>/edit/", editor.goal_edit, name="edit"),
    path("<int:goal_id>/versions/", editor.goal_versions, name="versions"),
]

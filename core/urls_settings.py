"""Project settings (core/views_settings.py), under /projects/<project_id>/settings/."""

from django.urls import path

from . import views_settings as views

app_name = "project_settings"
urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff, name="staff"),
    path("staff/add/", views.staff_add, name="staff_add"),
    path("staff/new-user/", views.staff_new_user, name="staff_new_user"),
    path("staff/<int:membership_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:membership_id>/remove/", views.staff_remove, name="staff_remove"),
    path(
        "staff/<int:membership_id>/password-link/",
        views.staff_password_link,
        name="staff_password_link",
    ),
    path("partners/", views.partners, name="partners"),
    path("partners/add/", views.partner_add, name="partner_add"),
    path("partners/<int:partner_id>/", views.partner_edit, name="partner_edit"),
    path("partners/<int:partner_id>/remove/", views.partner_remove, name="partner_remove"),
    path("retention/", views.retention, name="retention"),
    path("areas/", views.areas, name="areas"),
    path("areas/add/", views.area_add, name="area_add"),
    path("areas/<int:area_id>/", views.area_edit, name="area_edit"),
    path("areas/<int:area_id>/remove/", views.area_remove, name="area_remove"),
    path("target-groups/", views.target_groups, name="target_groups"),
    path("target-groups/add/", views.target_group_add, name="target_group_add"),
    path(
        "target-groups/<int:target_group_id>/",
        views.target_group_edit,
        name="target_group_edit",
    ),
    path(
        "target-groups/<int:target_group_id>/remove/",
        views.target_group_remove,
        name="target_group_remove",
    ),
]

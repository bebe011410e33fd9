from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path(
        "enrolments/<int:enrolment_id>/assessments/new/",
        views.assessment_new,
        name="assessment_new",
    ),
    path(
        "enrolments/<int:enrolment_id>/assessments/<int:assessment_id>/",
        views.assessment_detail,
        name="assessment_detail",
    ),
    path("enrolments/<int:enrolment_id>/plan/", views.plan_detail, name="plan_detail"),
    path("enrolments/<int:enrolment_id>/plan/edit/", views.plan_edit, name="plan_edit"),
    path(
        "enrolments/<int:enrolment_id>/plan/steps/order/",
        views.plan_steps_order,
        name="plan_steps_order",
    ),
    path(
        "enrolments/<int:enrolment_id>/plan/<int:version>/",
        views.plan_version,
        name="plan_version",
    ),
    path(
        "enrolments/<int:enrolment_id>/plan/<int:version>/print/",
        views.plan_print,
        name="plan_print",
    ),
    path(
        "enrolments/<int:enrolment_id>/plan/<int:version>/agreement/",
        views.plan_agree,
        name="plan_agree",
    ),
]

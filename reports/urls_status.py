from django.urls import path

from . import status_views as views

app_name = "status_reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/pdf/make/", views.report_make_pdf, name="make_pdf"),
    path("<int:report_id>/issue/", views.report_issue, name="issue"),
    path("<int:report_id>/delete/", views.report_delete, name="delete"),
    path("<int:report_id>/pdf/", views.report_download, name="download"),
    path("<int:report_id>/pdf/preview/", views.report_preview, name="preview"),
]

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("template.<str:fmt>", views.template_file, name="template"),
    path("<uuid:upload_id>/", views.preview, name="preview"),
    path("<uuid:upload_id>/rejected.csv", views.rejected_csv, name="rejected"),
    path("<uuid:upload_id>/result/", views.result, name="result"),
]

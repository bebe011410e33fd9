from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.detail, name="detail"),
    path("<int:job_id>/retry/", views.retry, name="retry"),
]

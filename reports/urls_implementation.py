from django.urls import path

from . import views_implementation as views

app_name = "implementation"
urlpatterns = [
    path("start/", views.start, name="start"),
]

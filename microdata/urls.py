from django.urls import path

from . import views

app_name = "microdata"

urlpatterns = [
    path("", views.index, name="index"),
]

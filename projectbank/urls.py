from django.urls import path

from . import views

app_name = "projectbank"
urlpatterns = [
    path("", views.paste, name="paste"),
    path("create/", views.create, name="create"),
    path("<int:project_id>/created/", views.created, name="created"),
]

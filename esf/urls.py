from django.urls import path

from . import views

app_name = "esf"
urlpatterns = [
    path("", views.indicators_view, name="indicators"),
]

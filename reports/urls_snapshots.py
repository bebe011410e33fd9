from django.urls import path

from . import snapshots

app_name = "goal_snapshots"
urlpatterns = [
    path("", snapshots.snapshot_list, name="list"),
    path("new/", snapshots.snapshot_new, name="new"),
    path("<int:snapshot_id>/", snapshots.snapshot_detail, name="detail"),
]

"""The pre-study's pages (prestudy/views.py), under /projects/<project_id>/prestudy/. Each
register has its list and the shared add, change and remove pages (views.entry_views)."""

from django.urls import path

from . import views, views_checklist

app_name = "prestudy"


def register_paths(prefix: str, register: views.Register) -> list:
    entry = views.entry_views(register)
    kwarg = f"<int:{register.kwarg}>"
    return [
        path(prefix, getattr(views, register.list_name), name=register.list_name),
        path(f"{prefix}add/", entry["add"], name=f"{register.entry}_add"),
        path(f"{prefix}{kwarg}/", entry["edit"], name=f"{register.entry}_edit"),
        path(f"{prefix}{kwarg}/remove/", entry["remove"], name=f"{register.entry}_remove"),
    ]


urlpatterns = [
    path("", views.index, name="index"),
    *register_paths("stakeholders/", views.STAKEHOLDERS),
    *register_paths("events/", views.EVENTS),
    *register_paths("activities/", views.ACTIVITIES),
    *register_paths("risks/", views.RISKS),
    *register_paths("swot/", views.SWOT),
    *register_paths("accessibility/", views.MEASURES),
    *register_paths("mappings/", views.MAPPINGS),
    path("checklist/", views_checklist.checklist_page, name="checklist"),
    path("checklist/<str:item>/", views_checklist.checklist_item, name="checklist_item"),
]

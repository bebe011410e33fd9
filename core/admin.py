"""The Django admin for reference data. Participant data is deliberately not registered here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .forms import OrganisationForm
from .models import (
    Area,
    AreaStatistic,
    LogEntry,
    Membership,
    Municipality,
    Organisation,
    Project,
    ProjectPartner,
    ProjectSection,
    TargetGroup,
)

admin.site.site_header = _("Följsam administration")
admin.site.site_title = _("Följsam administration")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "organisation_number", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation_number"]
    autocomplete_fields = ["municipality"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county_name"]
    list_filter = ["county_name"]
    search_fields = ["name", "code"]


class AreaStatisticInline(admin.TabularInline):
    model = AreaStatistic
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "district"]
    autocomplete_fields = ["municipality"]
    inlines = [AreaStatisticInline]


class ProjectSectionInline(admin.StackedInline):
    model = ProjectSection
    extra = 0


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["organisation"]


class TargetGroupInline(admin.TabularInline):
    model = TargetGroup
    extra = 0
    prepopulated_fields = {"code": ["name"]}


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "phase", "owner", "starts_on", "ends_on", "parent"]
    list_filter = ["phase", "kind"]
    search_fields = ["title", "title_en"]
    autocomplete_fields = ["owner", "parent", "municipalities", "areas", "twins"]
    inlines = [ProjectPartnerInline, TargetGroupInline, ProjectSectionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "organisation", "role"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "project__title"]
    autocomplete_fields = ["user", "project", "organisation"]


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    # Ids, not related objects: an entry outlives its project and its user (docs/audit.md).
    list_display = [
        "at",
        "user_label",
        "action",
        "object_type",
        "object_id",
        "person_id",
        "project_id",
        "purpose",
        "seq",
    ]
    list_filter = ["action", "object_type", "purpose"]
    search_fields = ["user_label", "object_id", "request_id"]
    readonly_fields = [f.name for f in LogEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

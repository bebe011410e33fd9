from django.contrib import admin

from .models import Goal, GoalVersion, ReferenceProgramme, ReferenceValue


class ReferenceValueInline(admin.TabularInline):
    model = ReferenceValue
    extra = 0


@admin.register(ReferenceProgramme)
class ReferenceProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en"]
    search_fields = ["name"]
    autocomplete_fields = ["projects"]
    inlines = [ReferenceValueInline]


class GoalVersionInline(admin.StackedInline):
    """Versions are added, never edited: a change of definition is a new version
    (GoalVersion.clean() validates the parameters against the template and the project)."""

    model = GoalVersion
    extra = 0
    fields = ["version", "title", "title_en", "template", "parameters", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    ordering = ["-version"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["key", "project", "order"]
    list_filter = ["project"]
    search_fields = ["key", "versions__title"]
    autocomplete_fields = ["project"]
    inlines = [GoalVersionInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            if isinstance(obj, GoalVersion) and obj.created_by_id is None:
                obj.created_by = request.user
            obj.save()
        formset.save_m2m()

from django.contrib import admin

from .models import ReferenceProgramme, ReferenceValue


class ReferenceValueInline(admin.TabularInline):
    model = ReferenceValue
    extra = 0


@admin.register(ReferenceProgramme)
class ReferenceProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en"]
    search_fields = ["name"]
    autocomplete_fields = ["projects"]
    inlines = [ReferenceValueInline]

from django.contrib import admin

from .models import Intervention, InterventionCategory


@admin.register(InterventionCategory)
class InterventionCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "category", "provider", "starts_on", "ends_on"]
    list_filter = ["category"]
    search_fields = ["name", "project__title"]
    autocomplete_fields = ["project", "provider", "category"]

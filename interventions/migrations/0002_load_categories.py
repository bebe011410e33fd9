"""The intervention categories of SPEC "Domain"."""

from django.db import migrations

CATEGORIES = [
    ("outreach", "Uppsökande och motiverande insatser", "Outreach and motivation"),
    ("guidance", "Vägledning och coachning", "Guidance and coaching"),
    ("sfi", "Svenska för invandrare (SFI)", "Swedish for immigrants (SFI)"),
    ("civic_orientation", "Samhällsorientering, Så fungerar Sverige", "Civic orientation"),
    ("basic_education", "Grundläggande utbildning", "Basic education"),
    ("vocational_training", "Yrkesutbildning", "Vocational training"),
    ("internship", "Praktik", "Internship / work practice"),
    ("work_training", "Arbetsträning", "Work training"),
    ("subsidised_employment", "Subventionerad anställning", "Subsidised employment"),
    ("job_search", "Jobbsökarträning", "Job-search training"),
    ("entrepreneurship", "Entreprenörskap och start av företag", "Entrepreneurship and start-up"),
    ("health", "Hälsa och rehabilitering", "Health and rehabilitation"),
    ("validation", "Validering av utländsk kompetens", "Validation of foreign qualifications"),
    ("mentoring", "Mentorskap", "Mentoring"),
    ("other", "Annat", "Other"),
]


def load(apps, schema_editor):
    Category = apps.get_model("interventions", "InterventionCategory")
    for order, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


def unload(apps, schema_editor):
    apps.get_model("interventions", "InterventionCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

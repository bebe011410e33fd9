"""A survey goal's `question` parameter was a template key (job_chances); it becomes the id of
the project tree's question made from that template (surveys 0004)."""

from django.db import migrations

SURVEY_TEMPLATES = {"exit_or_survey_share", "survey_share", "survey_change"}


def keys_to_ids(apps, schema_editor):
    import importlib

    surveys_migration = importlib.import_module("surveys.migrations.0004_questionnaires")
    Project = apps.get_model("core", "Project")
    Question = apps.get_model("surveys", "Question")
    GoalVersion = apps.get_model("goals", "GoalVersion")
    for version in GoalVersion.objects.filter(template__in=SURVEY_TEMPLATES).select_related("goal"):
        key = (version.parameters or {}).get("question", "job_chances")
        if isinstance(key, int):
            continue
        root = surveys_migration.root_id(Project, version.goal.project_id)
        question = surveys_migration.template_question(Question, root, key)
        version.parameters = {**(version.parameters or {}), "question": question.pk}
        version.save(update_fields=["parameters"])


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0006_product_clock"),
        ("surveys", "0004_questionnaires"),
    ]

    operations = [migrations.RunPython(keys_to_ids, migrations.RunPython.noop)]

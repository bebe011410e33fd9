"""Load Sweden's 290 municipalities from SCB's code list (core/data/municipalities.csv)."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    Municipality.objects.bulk_create(
        [
            Municipality(
                code=r["code"],
                name=r["name"],
                county_code=r["county_code"],
                county_name=r["county_name"],
            )
            for r in rows
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("core", "Municipality").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

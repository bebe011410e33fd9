"""Free text about a person's health and social circumstances is encrypted at rest
(core.fields.EncryptedTextField): the rows written before are encrypted here, a batch of rows
per transaction (core.crypto.rotate_column), so the migration may be stopped and run again."""

import core.fields
from django.db import migrations


FIELDS = [('AssessmentItem', 'note'), ('ActionPlan', 'goals'), ('ActionPlanStep', 'description')]


def encrypt_existing(apps, schema_editor):
    from core.crypto import rotate_column

    for model, field in FIELDS:
        rotate_column(apps.get_model('plans', model), field)


def decrypt_existing(apps, schema_editor):
    from core.crypto import decrypt_column

    for model, field in FIELDS:
        decrypt_column(apps.get_model('plans', model), field)


class Migration(migrations.Migration):
    # Each batch commits by itself (a large table is not one long transaction).
    atomic = False

    dependencies = [
        ('plans', '0002_product_clock'),
    ]

    operations = [
        migrations.AlterField(
            model_name='actionplan',
            name='goals',
            field=core.fields.EncryptedTextField(verbose_name='goals'),
        ),
        migrations.AlterField(
            model_name='actionplanstep',
            name='description',
            field=core.fields.EncryptedTextField(verbose_name='step'),
        ),
        migrations.AlterField(
            model_name='assessmentitem',
            name='note',
            field=core.fields.EncryptedTextField(blank=True, verbose_name='note'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]

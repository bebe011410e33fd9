# Issue 11: an exit ends the person's ongoing placements ("ended at exit").

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('interventions', '0005_product_clock'),
    ]

    operations = [
        migrations.AlterField(
            model_name='participation',
            name='completion',
            field=models.CharField(choices=[('ongoing', 'Ongoing'), ('completed', 'Completed'), ('interrupted', 'Interrupted'), ('ended', 'Ended at exit')], default='ongoing', max_length=12, verbose_name='completion'),
        ),
    ]

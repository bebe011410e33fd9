# Issue 11: a project's period changed by its manager, with a reason (core/periods.py).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_product_clock'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProjectPeriodChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_starts_on', models.DateField(verbose_name='start before')),
                ('old_ends_on', models.DateField(verbose_name='end before')),
                ('new_starts_on', models.DateField(verbose_name='new start')),
                ('new_ends_on', models.DateField(verbose_name='new end')),
                ('reason', models.TextField(verbose_name='reason')),
                ('changed_at', models.DateTimeField(verbose_name='changed at')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='period_changes', to='core.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'change of the project period',
                'verbose_name_plural': 'changes of the project period',
                'ordering': ['-changed_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('new_ends_on__gte', models.F('new_starts_on'))), name='project_period_change_ends_after_start')],
            },
        ),
    ]

"""Foreign keys now name governance's models; the tables they point at are unchanged (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0001_initial'),
        ('rpiw', '0001_initial'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='metricchangerequest',
            name='meeting',
            field=models.ForeignKey(blank=True, help_text='The TGT meeting that decided it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='metric_change_requests', to='governance.meeting'),
        ),
        migrations.AlterField(
            model_name='valuestream',
            name='objectives',
            field=models.ManyToManyField(blank=True, help_text="The trust's strategic objectives this value stream serves.", related_name='value_streams', to='governance.strategicobjective'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
    ]

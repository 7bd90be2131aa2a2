"""Foreign keys now name governance's models; the tables they point at are unchanged (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('compact', '0001_initial'),
        ('governance', '0001_initial'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='breach',
            name='discussed_at',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='breaches_discussed', to='governance.meeting'),
        ),
        migrations.AlterField(
            model_name='breach',
            name='raised_at',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='breaches_raised', to='governance.meeting'),
        ),
        migrations.AlterField(
            model_name='breachevent',
            name='meeting',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='governance.meeting'),
        ),
        migrations.AlterField(
            model_name='compact',
            name='board',
            field=models.OneToOneField(help_text='The TGB whose meetings close with reflections on this compact.', on_delete=django.db.models.deletion.PROTECT, related_name='compact', to='governance.meetingseries'),
        ),
        migrations.AlterField(
            model_name='compactversion',
            name='agreed_at',
            field=models.ForeignKey(blank=True, help_text='The TGB meeting that agreed this version, if recorded.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='compact_versions_agreed', to='governance.meeting'),
        ),
        migrations.AlterField(
            model_name='reflection',
            name='meeting',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reflections', to='governance.meeting'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
    ]

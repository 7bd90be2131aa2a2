from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vmi_programme", "0005_governance_moved_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="dispatched_at",
            field=models.DateTimeField(
                blank=True, help_text="When the job was last handed to the broker.", null=True
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The last sign of life from the worker running the job (see jobs.reap).",
                null=True,
            ),
        ),
    ]

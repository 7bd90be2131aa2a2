"""The assessments API's ?ordering=submitted_on from an index, with its tiebreaker (ADR 10)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_history_field_names"),
        ("vmi_programme", "0015_person_name_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["submitted_on", "id"], name="assessment_submitted_on_id"),
        ),
    ]

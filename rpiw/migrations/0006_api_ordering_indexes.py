"""The measurements API's ?ordering=measured_on from an index, with its tiebreaker (ADR 10)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rpiw", "0005_history_field_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(fields=["measured_on", "id"], name="measurement_measured_on_id"),
        ),
    ]

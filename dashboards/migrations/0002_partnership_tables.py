"""The partnership summary is stored one table per snapshot ("published|7-3"): drop the old
whole-summary snapshots, which nothing reads any more (the next view builds the tables)."""

from django.db import migrations


def drop_whole_summaries(apps, schema_editor):
    Snapshot = apps.get_model("dashboards", "Snapshot")
    Snapshot.objects.filter(kind="partnership").exclude(key__contains="|").delete()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [migrations.RunPython(drop_whole_summaries, migrations.RunPython.noop)]

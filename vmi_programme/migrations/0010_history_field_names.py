"""The audit fields of the historical tables are named history_* like simple-history's own,
so a model's own field of the same name (networks' and impact's ``source``) keeps its column
(ADR 11)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vmi_programme", "0009_job_newest_first_index")]

    operations = [
        migrations.RenameField(
            model_name="historicalorganisation", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalorganisation",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalorganisation",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalorganisation",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalpartnership", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalpartnership", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalpartnership",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalpartnership",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalperson", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalperson", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalperson",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalperson", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalroleassignment", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalroleassignment",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalroleassignment",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalroleassignment",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
    ]

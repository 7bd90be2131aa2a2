"""The audit fields of the historical tables are named history_* like simple-history's own,
so a model's own field of the same name (networks' and impact's ``source``) keeps its column
(ADR 11)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("compact", "0003_history")]

    operations = [
        migrations.RenameField(
            model_name="historicalbreach", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalbreach", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalbreach",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalbreach", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalbreachevent", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalbreachevent", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalbreachevent",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalbreachevent",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalcompact", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalcompact", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalcompact",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalcompact", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalcompactversion", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalcompactversion",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalcompactversion",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalcompactversion",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalpromise", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalpromise", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalpromise",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalpromise", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalpromiserating", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalpromiserating",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalpromiserating",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalpromiserating",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalreflection", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalreflection", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalreflection",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalreflection",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
    ]

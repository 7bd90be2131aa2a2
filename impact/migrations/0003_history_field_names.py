"""The audit fields of the historical tables are named history_* like simple-history's own,
so a model's own field of the same name (networks' and impact's ``source``) keeps its column
(ADR 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_history")]

    operations = [
        migrations.AddField(
            model_name="historicalmeasure",
            name="history_source",
            field=models.CharField(
                choices=[
                    ("web", "Web page"),
                    ("api", "API"),
                    ("admin", "Admin site"),
                    ("import", "Import"),
                    ("job", "Job"),
                    ("command", "Command"),
                ],
                db_index=True,
                default="command",
                max_length=10,
            ),
        ),
        migrations.RenameField(
            model_name="historicalmeasure", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalmeasure",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmeasure", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.AddField(
            model_name="historicalorganisationcharacteristic",
            name="history_source",
            field=models.CharField(
                choices=[
                    ("web", "Web page"),
                    ("api", "API"),
                    ("admin", "Admin site"),
                    ("import", "Import"),
                    ("job", "Job"),
                    ("command", "Command"),
                ],
                db_index=True,
                default="command",
                max_length=10,
            ),
        ),
        migrations.RenameField(
            model_name="historicalorganisationcharacteristic",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalorganisationcharacteristic",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalorganisationcharacteristic",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalpeergroup", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalpeergroup", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalpeergroup",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalpeergroup", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalpeergroupmember", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalpeergroupmember",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalpeergroupmember",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalpeergroupmember",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalseriesvalue", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalseriesvalue", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalseriesvalue",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalseriesvalue",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
    ]

"""The audit fields of the historical tables are named history_* like simple-history's own,
so a model's own field of the same name (networks' and impact's ``source``) keeps its column
(ADR 11)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rpiw", "0004_rpiw_newest_first_index")]

    operations = [
        migrations.RenameField(
            model_name="historicalmeasure", old_name="source", new_name="history_source"
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
        migrations.RenameField(
            model_name="historicalmeasurement", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmeasurement", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalmeasurement",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmeasurement",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalmetricchangerequest", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmetricchangerequest",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalmetricchangerequest",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmetricchangerequest",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalmetricvalue", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmetricvalue", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalmetricvalue",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmetricvalue",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalmetricversion", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmetricversion",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalmetricversion",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmetricversion",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalplanningtask", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalplanningtask",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalplanningtask",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalplanningtask",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalrpiw", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalrpiw", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalrpiw",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalrpiw", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalrpiwstatuschange", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalrpiwstatuschange",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalrpiwstatuschange",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalrpiwstatuschange",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalteammember", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalteammember", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalteammember",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalteammember",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalvaluestream", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalvaluestream", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalvaluestream",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalvaluestream",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalvaluestreammetric", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalvaluestreammetric",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalvaluestreammetric",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalvaluestreammetric",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
    ]

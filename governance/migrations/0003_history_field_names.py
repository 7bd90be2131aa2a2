"""The audit fields of the historical tables are named history_* like simple-history's own,
so a model's own field of the same name (networks' and impact's ``source``) keeps its column
(ADR 11)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_history")]

    operations = [
        migrations.RenameField(
            model_name="historicalagendaitem", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalagendaitem", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalagendaitem",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalagendaitem",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalagendaitemlink", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalagendaitemlink",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalagendaitemlink",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalagendaitemlink",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalattendance", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalattendance", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalattendance",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalattendance",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalboardmeasure", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalboardmeasure",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalboardmeasure",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalboardmeasure",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalboardvalue", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalboardvalue", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalboardvalue",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalboardvalue",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalceotenure", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalceotenure", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalceotenure",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalceotenure", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalcqcrating", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalcqcrating", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalcqcrating",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalcqcrating", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalculturalwork", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalculturalwork",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalculturalwork",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalculturalwork",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicaldecision", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicaldecision", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicaldecision",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicaldecision", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalhuddle", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalhuddle", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalhuddle",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalhuddle", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalmeeting", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmeeting", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalmeeting",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmeeting", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalmeetingaction", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmeetingaction",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalmeetingaction",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmeetingaction",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalmeetingseries", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmeetingseries",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalmeetingseries",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmeetingseries",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalmembership", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmembership", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalmembership",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmembership",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalnationalpriority", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalnationalpriority",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalnationalpriority",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalnationalpriority",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalproductionboard", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalproductionboard",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalproductionboard",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalproductionboard",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalspecialmeasuresperiod",
            old_name="source",
            new_name="history_source",
        ),
        migrations.RenameField(
            model_name="historicalspecialmeasuresperiod",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalspecialmeasuresperiod",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalspecialmeasuresperiod",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkdocument",
            old_name="source",
            new_name="history_source",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkdocument",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkdocument",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkdocument",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkversion", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalstandardworkversion",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkversion",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalstandardworkversion",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalstrategicobjective", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalstrategicobjective",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalstrategicobjective",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalstrategicobjective",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalteam", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalteam", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalteam",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalteam", old_name="object_repr", new_name="history_object_repr"
        ),
    ]

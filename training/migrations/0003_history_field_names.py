"""The audit fields of the historical tables are named history_* like simple-history's own,
so a model's own field of the same name (networks' and impact's ``source``) keeps its column
(ADR 11)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("training", "0002_history")]

    operations = [
        migrations.RenameField(
            model_name="historicalanswer", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalanswer", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalanswer",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalanswer", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalassessment", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalassessment", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalassessment",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalassessment",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalcohort", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalcohort", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalcohort",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalcohort", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalcohortsession", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalcohortsession",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalcohortsession",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalcohortsession",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalenrolment", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalenrolment", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalenrolment",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalenrolment", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalinvitation", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalinvitation", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalinvitation",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalinvitation",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalmodule", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalmodule", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalmodule",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalmodule", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalprogramme", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalprogramme", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalprogramme",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalprogramme", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalquestion", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalquestion", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalquestion",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalquestion", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalresponse", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalresponse", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalresponse",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalresponse", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalsurvey", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalsurvey", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalsurvey",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalsurvey", old_name="object_repr", new_name="history_object_repr"
        ),
        migrations.RenameField(
            model_name="historicalsurveysection", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalsurveysection",
            old_name="ip_address",
            new_name="history_ip_address",
        ),
        migrations.RenameField(
            model_name="historicalsurveysection",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalsurveysection",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
        migrations.RenameField(
            model_name="historicalsurveywave", old_name="source", new_name="history_source"
        ),
        migrations.RenameField(
            model_name="historicalsurveywave", old_name="ip_address", new_name="history_ip_address"
        ),
        migrations.RenameField(
            model_name="historicalsurveywave",
            old_name="owner_organisation_id",
            new_name="history_owner_id",
        ),
        migrations.RenameField(
            model_name="historicalsurveywave",
            old_name="object_repr",
            new_name="history_object_repr",
        ),
    ]

# Trust user administration and people's data (issue #15): invitations, leavers, erasure, retention.

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vmi_programme", "0011_job_queue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("accepted_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-sent_at"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAccountInvitation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "history_source",
                    models.CharField(
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
                ("history_ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("history_owner_id", models.IntegerField(blank=True, db_index=True, null=True)),
                ("history_object_repr", models.CharField(blank=True, max_length=200)),
                ("email", models.EmailField(max_length=254)),
                ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("accepted_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical account invitation",
                "verbose_name_plural": "historical account invitations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Pseudonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "group",
                    models.CharField(help_text="e.g. training.surveywave:12", max_length=100),
                ),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="roleassignment",
            name="role_assignment_role_valid",
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="left_on",
            field=models.DateField(blank=True, help_text="When they left the trust.", null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="left_on",
            field=models.DateField(blank=True, help_text="When they left the trust.", null=True),
        ),
        migrations.AlterField(
            model_name="historicalroleassignment",
            name="role",
            field=models.CharField(
                choices=[
                    ("kpo_facilitator", "KPO facilitator"),
                    ("kpo_lead", "KPO lead"),
                    ("executive", "Executive (CEO / TGT member)"),
                    ("regulator", "Regulator"),
                    ("tgb_member", "TGB member"),
                    ("analyst", "Analyst"),
                    ("trust_admin", "Trust administrator"),
                    ("administrator", "Administrator"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="roleassignment",
            name="role",
            field=models.CharField(
                choices=[
                    ("kpo_facilitator", "KPO facilitator"),
                    ("kpo_lead", "KPO lead"),
                    ("executive", "Executive (CEO / TGT member)"),
                    ("regulator", "Regulator"),
                    ("tgb_member", "TGB member"),
                    ("analyst", "Analyst"),
                    ("trust_admin", "Trust administrator"),
                    ("administrator", "Administrator"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "role__in",
                        [
                            "kpo_facilitator",
                            "kpo_lead",
                            "executive",
                            "regulator",
                            "tgb_member",
                            "analyst",
                            "trust_admin",
                            "administrator",
                        ],
                    )
                ),
                name="role_assignment_role_valid",
            ),
        ),
        migrations.AddField(
            model_name="accountinvitation",
            name="invited_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="accountinvitation",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="account_invitations",
                to="vmi_programme.person",
            ),
        ),
        migrations.AddField(
            model_name="historicalaccountinvitation",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalaccountinvitation",
            name="invited_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalaccountinvitation",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="vmi_programme.person",
            ),
        ),
        migrations.AddField(
            model_name="pseudonym",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="vmi_programme.person",
            ),
        ),
        migrations.AddField(
            model_name="pseudonym",
            name="stand_in",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="vmi_programme.person",
            ),
        ),
        migrations.AddIndex(
            model_name="accountinvitation",
            index=models.Index(
                fields=["person", "-sent_at"], name="vmi_program_person__c4e69c_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="pseudonym",
            constraint=models.UniqueConstraint(
                fields=("group", "person"), name="one_pseudonym_per_group"
            ),
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vmi_programme", "0006_job_heartbeat"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="importbatch",
            name="import_batch_status_valid",
        ),
        migrations.AddField(
            model_name="importbatch",
            name="commit_job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="vmi_programme.job",
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="encoding",
            field=models.CharField(
                default="utf-8",
                help_text="The CSV's encoding, as the user chose it.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="file",
            field=models.FileField(
                blank=True,
                help_text="The uploaded file exactly as received, read again by the commit.",
                max_length=300,
                upload_to="imports/%Y/%m/",
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="preview",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The stored check: row and error counts, the first errors, a sample of rows.",
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="validate_job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="vmi_programme.job",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="content",
            field=models.BinaryField(
                blank=True,
                default=b"",
                help_text="Batches from before files were stored on disk: the file as received.",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("validating", "Being checked"),
                    ("previewed", "Checked"),
                    ("committing", "Being imported"),
                    ("committed", "Imported"),
                    ("failed", "Failed"),
                ],
                default="previewed",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["validating", "previewed", "committing", "committed", "failed"])
                ),
                name="import_batch_status_valid",
            ),
        ),
    ]

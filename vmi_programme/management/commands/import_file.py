"""Import a CSV/XLSX file from the command line through the same pipeline as the import pages."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from vmi_programme import imports
from vmi_programme.models import Organisation


class Command(BaseCommand):
    help = (
        "Check a file against an import spec and, with --commit, write it all or nothing. "
        "Specs: " + ", ".join(spec.name for spec in imports.registered_specs())
    )

    def add_arguments(self, parser):
        parser.add_argument("spec", help="e.g. impact.ae_attendances")
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", required=True, help="whose rights the import uses")
        parser.add_argument("--organisation", help="short name or ODS code, for trust imports")
        parser.add_argument("--commit", action="store_true", help="write it (default: check only)")

    def handle(self, spec, path, user, organisation=None, commit=False, **options):
        try:
            import_spec = imports.get_spec(spec)
        except Exception as exc:
            raise CommandError(f"Unknown import spec {spec!r}. {self.help}") from exc
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}.")
        org = None
        if organisation:
            org = (
                Organisation.objects.filter(short_name=organisation).first()
                or Organisation.objects.filter(ods_code=organisation.upper()).first()
            )
            if org is None:
                raise CommandError(f"No organisation {organisation!r}.")
        if not path.exists():
            raise CommandError(f"No file at {path}.")
        with path.open("rb") as handle:  # streamed to storage, never read whole
            result = imports.preview(
                import_spec, File(handle, path.name), account, organisation=org
            )
        if not result.is_valid:
            for error in result.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(f"{result.error_count} problem(s); nothing was written.")
        self.stdout.write(f"{result.row_count} rows are valid.")
        if not commit:
            self.stdout.write("Checked only: run again with --commit to write them.")
            return
        try:
            summary = imports.commit(result.batch, account)
        except imports.ImportFailed as exc:
            for error in exc.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError("The import failed; nothing was written.") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}"))

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from platforms.imports import dataset_from_file, lcpc_import


class Command(BaseCommand):
    help = "Import LCPCs from a CSV or XLSX file (name, territory, head, head_email, members)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file with a header row")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, import nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            dataset = dataset_from_file(file)
        except (OSError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        report = lcpc_import(dataset=dataset, dry_run=dry_run, actor=None)
        for line in report.error_lines():
            self.stderr.write(line)
        if not report.ok:
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)d error.",
                    "Nothing was imported: %(count)d errors.",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
        if dry_run:
            message = ngettext(
                "Dry run: %(count)d LCPC would be created.",
                "Dry run: %(count)d LCPCs would be created.",
                report.created,
            )
        else:
            message = ngettext(
                "%(count)d LCPC created.", "%(count)d LCPCs created.", report.created
            )
        self.stdout.write(self.style.SUCCESS(message % {"count": report.created}))

"""Write docs/permissions.md from the permissions table the matrix test checks.

The table lives with the tests (tests/support/permissions_table.py) because each of its cells is
proven there; this command only renders it, so it needs the source tree, not a deployment.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Render docs/permissions.md (actors x actions) from tests/support/permissions_table.py"

    def add_arguments(self, parser):
        parser.add_argument("--stdout", action="store_true", help="print instead of writing")

    def handle(self, *args, stdout=False, **options):
        try:
            from tests.support.permissions_table import render_markdown
        except ImportError as exc:
            raise CommandError("The permissions table ships with the source tree's tests.") from exc
        text = render_markdown()
        if stdout:
            self.stdout.write(text, ending="")
            return
        path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")

"""Recompute the yearly figure summaries of the annual reports (reporting.summaries)."""

from django.core.management.base import BaseCommand, CommandError

from reporting.summaries.refresh import nightly_years, refresh_year, supported


class Command(BaseCommand):
    help = "Recompute the yearly per-platform figure summaries (default: this year and last)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="years (default: this and last)")

    def handle(self, *args, years, **options):
        if not supported():
            raise CommandError("The figure summaries need PostgreSQL.")
        for year in years or nightly_years():
            rows = refresh_year(year)
            self.stdout.write(f"{year}: {rows} platform rows")

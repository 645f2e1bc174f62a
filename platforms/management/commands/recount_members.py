"""Recount every platform's members from its memberships (repairs counts that drifted)."""

from django.core.management.base import BaseCommand

from platforms.services import platform_member_counts_recount


class Command(BaseCommand):
    help = "Recount the member count kept on every platform from its active memberships."

    def handle(self, *args, **options):
        fixed = platform_member_counts_recount()
        self.stdout.write(f"{fixed} platform member counts corrected.")

import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from assessments import demo as assessments_demo
from forums import demo as forums_demo
from forums.models import Proposal
from forums.problems import demo as problems_demo
from platforms.demo import DEMO_PASSWORD, ROLE_DESCRIPTIONS, Seeder
from platforms.models import Membership, Platform, PoliceUnit
from reporting import demo as reporting_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo structure; safe to run again."

    def handle(self, *args, **options):
        started = time.monotonic()
        # demo notifications stay in memory instead of flooding the console; labels the
        # services store (a plan's decision, for one) are written in Russian, as the demo is
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            translation.override("ru"),
        ):
            result = Seeder().run()
            forums_demo.seed(forum=result["forum"], council=result["council"])
            result["roles"].update(
                assessments_demo.seed(forum=result["forum"], council=result["council"])
            )
            reports = reporting_demo.seed(forum=result["forum"], council=result["council"])
            result["roles"].update(reports["roles"])
            problems_demo.seed(forum=result["forum"], council=result["council"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f}s: "
                f"{Platform.objects.count()} platforms, "
                f"{Membership.objects.count()} memberships, "
                f"{PoliceUnit.objects.count()} police units, "
                f"{Proposal.objects.count()} proposals."
            )
        )
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/accounts/login/ with password '{DEMO_PASSWORD}':"
        )
        roles = result["roles"]
        rank = {r: i for i, r in enumerate(ROLE_DESCRIPTIONS)}
        for role in sorted(roles, key=lambda r: rank.get(r, len(rank))):
            line = f"  {role:21} {roles[role].email:42} {ROLE_DESCRIPTIONS.get(role, '')}"
            self.stdout.write(line.rstrip())
        self.stdout.write(f"  (forum: {result['forum'].name}; council: {result['council'].name})")
        self.stdout.write(
            "E-mail is not sent in development: verification links and notifications are printed "
            "by the console backend in the terminal running `make run`, and kept in the admin "
            "(/admin/accounts/outboxmessage/)."
        )

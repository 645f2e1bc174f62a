import sys
import time

from django.core.management.base import BaseCommand, CommandError

from reporting.national import PHASES, generate
from reporting.national.base import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Generate national-scale data (deterministic from --seed) into an empty, migrated "
        "database: COPY on PostgreSQL, bulk_create on SQLite. Prints rows/s per table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01, help="1 = the whole country")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--phases",
            default=",".join(PHASES),
            help="comma-separated subset, in this order: " + ",".join(PHASES),
        )

    def handle(self, *args, scale, seed, phases, verbosity, **options):
        from platforms.models import Platform

        chosen = [p.strip() for p in phases.split(",") if p.strip()]
        if unknown := set(chosen) - set(PHASES):
            raise CommandError(f"unknown phases: {', '.join(sorted(unknown))}")
        if "structure" in chosen and Platform.objects.exists():
            raise CommandError("The database already has platforms: use an empty, migrated one.")
        started = time.perf_counter()
        result = generate(
            scale=scale, seed=seed, phases=chosen, verbose=verbosity > 0, out=sys.stderr
        )
        self.stdout.write(f"{'table':40} {'rows':>10} {'s':>8} {'rows/s':>9}")
        for table, (rows, seconds) in sorted(result["tables"].items()):
            rate = rows / seconds if seconds else 0
            self.stdout.write(f"{table:40} {rows:10,} {seconds:8.1f} {rate:9,.0f}")
        for phase, seconds in result["phases"].items():
            self.stdout.write(f"phase {phase:20} {seconds:8.1f}s")
        self.stdout.write(
            f"total {time.perf_counter() - started:.1f}s (scale {scale}, seed {seed})"
        )
        demo = result["info"].get("demo")
        if demo:
            self.stdout.write(f"Demo sign-ins (password '{DEMO_PASSWORD}'):")
            for role, email in demo.items():
                self.stdout.write(f"  {role:22} {email}")

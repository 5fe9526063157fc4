"""``manage.py seed_demo``: synthetic demonstration answers and one user per role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.demo import DemoDataError, demo_seed


class Command(BaseCommand):
    help = "Create two cycles of synthetic answers for every trust, flagged as demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete demo assessments and create them again."
        )

    def handle(self, *args, reset: bool, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        try:
            summary = demo_seed(reset=reset)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo data: {summary.cycles_created} cycle(s), "
            f"{summary.assessments_created} assessment(s) and "
            f"{summary.responses_created} answer(s) created."
        )
        self.stdout.write(f"\nDemo sign-ins (password for all: {summary.password}):")
        for user in summary.users:
            self.stdout.write(f"  {user.username:<18} {user.role.replace('_', ' ')}")
        self.stdout.write(f"Trust roles are for {summary.demo_trust.name}.")

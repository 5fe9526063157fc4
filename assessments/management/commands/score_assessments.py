"""``manage.py score_assessments``: recompute stored results, e.g. after an engine upgrade."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment, Cycle
from assessments.services.scoring import assessment_results_refresh

BATCH = 500


class Command(BaseCommand):
    help = "Score assessments with the current engine and store the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", help="Only this cycle, e.g. 2026/27.")

    def handle(self, *args, cycle: str | None, **options) -> None:
        assessments = Assessment.objects.order_by("pk")
        if cycle is not None:
            if not Cycle.objects.filter(name=cycle).exists():
                raise CommandError(f"No cycle named {cycle!r}.")
            assessments = assessments.filter(cycle__name=cycle)
        ids = list(assessments.values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            assessment_results_refresh(
                assessments=Assessment.objects.filter(pk__in=ids[start : start + BATCH])
            )
        self.stdout.write(f"Scored {len(ids)} assessment(s).")

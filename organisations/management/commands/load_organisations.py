"""``manage.py load_organisations``: load NHS regions, ICBs and trusts from the reference CSVs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.services.reference_data import (
    DEFAULT_REFERENCE_DIR,
    ReferenceDataError,
    organisations_load,
)


class Command(BaseCommand):
    help = "Load or update NHS regions, ICBs and trusts (re-running never duplicates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=DEFAULT_REFERENCE_DIR,
            help="Folder holding nhs-regions.csv, nhs-icbs.csv and nhs-trusts.csv.",
        )

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            summary = organisations_load(directory=directory)
        except ReferenceDataError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError("Reference data has errors; nothing was loaded.") from error
        for kind in ("regions", "icbs", "trusts"):
            self.stdout.write(
                f"{kind}: {summary.created[kind]} created, {summary.updated[kind]} updated"
            )
        if summary.deactivated:
            self.stdout.write(f"trusts no longer listed, marked inactive: {summary.deactivated}")

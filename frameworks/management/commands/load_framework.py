"""``manage.py load_framework PATH``: validate a framework file and load it in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.schema import FrameworkFileError
from frameworks.services import framework_load


class Command(BaseCommand):
    help = "Validate a framework YAML file and load it (nothing is written if it has any error)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--publish", action="store_true", help="Publish the version once loaded."
        )

    def handle(self, *args, path: Path, publish: bool, **options) -> None:
        try:
            result = framework_load(path=path, publish=publish, user=None)
        except FrameworkFileError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{path}: {len(error.errors)} error(s); nothing was loaded."
            ) from error
        framework = result.framework
        self.stdout.write(
            f"{framework.code} {framework.version}: {result.outcome} ({framework.status})."
        )

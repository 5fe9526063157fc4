"""``manage.py export_framework CODE VERSION``: write a stored framework as canonical YAML."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.models import Framework
from frameworks.services import framework_export


class Command(BaseCommand):
    help = "Write a stored framework version back to YAML (standard output or --output FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("version")
        parser.add_argument("--output", type=Path, help="Write to this file instead.")

    def handle(self, *args, code: str, version: str, output: Path | None, **options) -> None:
        try:
            text = framework_export(code=code, version=version)
        except Framework.DoesNotExist as error:
            raise CommandError(str(error)) from error
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {output}.")

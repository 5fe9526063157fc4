"""``manage.py load_framework PATH``: validate a framework file and load it in one transaction.

With ``--from ciso-assistant`` the file is a CISO Assistant library: it is converted into our
format (written to ``--output``), and that file is loaded.
"""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.foreign import UNSCORED_TYPES, ConversionOptions, ForeignFrameworkError
from frameworks.schema import FrameworkFileError
from frameworks.services import framework_load, framework_load_foreign

FORMATS = ("portal", "ciso-assistant")


class Command(BaseCommand):
    help = "Validate a framework YAML file and load it (nothing is written if it has any error)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--publish", action="store_true", help="Publish the version once loaded."
        )
        parser.add_argument(
            "--from",
            dest="source_format",
            choices=FORMATS,
            default="portal",
            help="The file's format: ours (default) or a CISO Assistant framework library.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the converted framework (default: CODE-VERSION.yaml here).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Replace the --output file if it exists."
        )
        parser.add_argument(
            "--mapping",
            type=Path,
            help="A YAML file of conversion choices (docs/framework-format.md).",
        )
        parser.add_argument(
            "--domain-depth", type=int, help="The depth whose nodes become domains."
        )
        parser.add_argument("--code", help="Our framework code (default: from the library).")
        parser.add_argument("--framework-version", help="Our version (default: the library's).")
        parser.add_argument(
            "--unscored-type",
            choices=UNSCORED_TYPES,
            help="How to ask a requirement with no scores (default yes_no).",
        )

    def handle(self, *args, path: Path, publish: bool, source_format: str, **options) -> None:
        try:
            if source_format == "ciso-assistant":
                self._foreign(path, publish, options)
                return
            result = framework_load(path=path, publish=publish, user=None)
        except (FrameworkFileError, ForeignFrameworkError) as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{path}: {len(error.errors)} error(s); nothing was loaded."
            ) from error
        framework = result.framework
        self.stdout.write(
            f"{framework.code} {framework.version}: {result.outcome} ({framework.status})."
        )

    def _foreign(self, path: Path, publish: bool, options: dict) -> None:
        mapping = {}
        if options["mapping"] is not None:
            try:
                mapping = yaml.safe_load(options["mapping"].read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as error:
                raise ForeignFrameworkError([f"{options['mapping']}: {error}"]) from error
            if not isinstance(mapping, dict):
                raise ForeignFrameworkError([f"{options['mapping']}: must be a mapping of keys"])
        conversion = ConversionOptions.from_mapping(
            mapping,
            code=options["code"],
            version=options["framework_version"],
            domain_depth=options["domain_depth"],
            unscored_type=options["unscored_type"],
        )
        result = framework_load_foreign(
            path=path,
            options=conversion,
            output=options["output"],
            overwrite=options["force"],
            publish=publish,
            user=None,
        )
        for warning in result.warnings:
            self.stderr.write(f"note: {warning}")
        framework = result.load.framework
        self.stdout.write(
            f"{path} → {result.output}: {framework.code} {framework.version}: "
            f"{result.load.outcome} ({framework.status})."
        )

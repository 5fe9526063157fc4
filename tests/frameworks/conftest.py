"""Framework test helpers: the shipped file, and broken copies of it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.conf import settings

SHIPPED = Path(settings.BASE_DIR) / "frameworks" / "definitions" / "nhs-digital-maturity-2026.yaml"


@pytest.fixture(scope="session")
def shipped_document() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture
def framework_file(tmp_path: Path, shipped_document: dict) -> Callable[..., Path]:
    """Write a copy of the shipped framework, changed by ``mutate``, and return its path."""

    def write(mutate: Callable[[dict], None] | None = None, name: str = "framework.yaml") -> Path:
        document = copy.deepcopy(shipped_document)
        if mutate is not None:
            mutate(document)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    return write

"""A small world for journey tests: two trusts with every role, an open and a closed cycle."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment, AssessmentStatus, Cycle, DomainAssignment
from frameworks.models import Domain, Framework
from organisations.models import Organisation
from tests.factories import (
    OrganisationFactory,
    assessment_in,
    closed_cycle,
    member,
    national,
    open_cycle,
    published_framework,
)

ROLES = (
    "lead_a",
    "contributor_a",
    "board_a",
    "lead_b",
    "contributor_b",
    "board_b",
    "analyst",
    "admin",
)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class World:
    framework: Framework
    cycle: Cycle
    last_cycle: Cycle
    trust_a: Organisation
    trust_b: Organisation
    users: dict
    assessment_a: Assessment
    assessment_b: Assessment
    last_a: Assessment

    def domain(self, code: str) -> Domain:
        return Domain.objects.get(framework=self.framework, code=code)


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    framework = published_framework()
    cycle, last_cycle = open_cycle(framework), closed_cycle(framework)
    trust_a = OrganisationFactory(ods_code="RA1", name="Alpha Hospitals NHS Foundation Trust")
    trust_b = OrganisationFactory(ods_code="RB2", name="Beta Community NHS Trust")
    users = {
        "lead_a": member(trust_a, "digital_lead", "lead_a"),
        "contributor_a": member(trust_a, "contributor", "contributor_a"),
        "board_a": member(trust_a, "board_member", "board_a"),
        "lead_b": member(trust_b, "digital_lead", "lead_b"),
        "contributor_b": member(trust_b, "contributor", "contributor_b"),
        "board_b": member(trust_b, "board_member", "board_b"),
        "analyst": national("analyst", "analyst"),
        "admin": national("framework_admin", "admin"),
    }
    assessment_a = assessment_in(trust_a, cycle)
    assessment_b = assessment_in(trust_b, cycle)
    last_a = assessment_in(trust_a, last_cycle, status=AssessmentStatus.SIGNED_OFF)
    DomainAssignment.objects.create(
        assessment=assessment_a,
        domain=Domain.objects.get(framework=framework, code="D1"),
        assignee=users["contributor_a"],
    )
    return World(
        framework=framework,
        cycle=cycle,
        last_cycle=last_cycle,
        trust_a=trust_a,
        trust_b=trust_b,
        users=users,
        assessment_a=assessment_a,
        assessment_b=assessment_b,
        last_a=last_a,
    )


def pdf_upload(name: str = "strategy.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")

"""Demo data: both cycles for every trust, varied, improving, flagged, repeatable, all roles."""

from __future__ import annotations

import io
from statistics import mean

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Cycle,
    DomainResult,
    Response,
)
from assessments.selectors import not_carried_forward
from assessments.services.answers import AnswerInput, answer_checked
from assessments.services.demo import DemoDataError, demo_seed
from assessments.services.workflow import assessment_start, submission_problems
from frameworks.models import Question
from frameworks.services import framework_load
from organisations.models import Invitation, Membership, NationalRole, Organisation
from organisations.services.invitations import invitation_create
from organisations.services.reference_data import organisations_load

from ..frameworks.conftest import SHIPPED


def scale_share(assessment_ids) -> float:
    """Mean normalised option score of scale answers: a rough maturity measure."""
    rows = Response.objects.filter(
        assessment_id__in=assessment_ids, question__type="scale", option__isnull=False
    ).values_list("option__score", flat=True)
    return mean(rows) / 3


class TestSeededDemoData(TestCase):
    """Seeded once for the class (it takes a few seconds); each test only reads."""

    @classmethod
    def setUpTestData(cls) -> None:
        organisations_load()
        framework_load(path=SHIPPED, publish=True, user=None)
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        cls.output = output.getvalue()

    def test_two_cycles_for_every_trust_but_the_demo_leads_current_one(self):
        assert list(Cycle.objects.order_by("opens_on").values_list("name", flat=True)) == [
            "2025/26",
            "2026/27",
        ]
        assert Organisation.objects.count() == 202
        assert Assessment.objects.filter(cycle__name="2025/26", is_demo=True).count() == 202
        later = Assessment.objects.filter(cycle__name="2026/27", is_demo=True)
        assert later.count() == 201
        assert not later.filter(organisation__ods_code="R0A").exists()

    def test_every_demo_row_is_flagged(self):
        assert not Assessment.objects.filter(is_demo=False).exists()

    def test_later_year_is_better_on_average(self):
        earlier = Assessment.objects.filter(cycle__name="2025/26").values_list("pk", flat=True)
        later = Assessment.objects.filter(cycle__name="2026/27").values_list("pk", flat=True)
        assert scale_share(later) > scale_share(earlier) + 0.02

    def test_answers_differ_by_trust_type(self):
        by_type = {
            trust_type: scale_share(
                Assessment.objects.filter(trust_type=trust_type).values_list("pk", flat=True)
            )
            for trust_type in ("acute-specialist", "community")
        }
        assert by_type["acute-specialist"] > by_type["community"] + 0.05

    def test_later_cycle_has_a_mix_of_statuses(self):
        statuses = set(
            Assessment.objects.filter(cycle__name="2026/27").values_list("status", flat=True)
        )
        assert {AssessmentStatus.SIGNED_OFF, AssessmentStatus.IN_PROGRESS} <= statuses

    def test_running_again_changes_nothing(self):
        before = (
            list(Response.objects.order_by("pk").values_list("pk", "option_id", "number_value")),
            Assessment.objects.count(),
        )
        summary = demo_seed()
        assert (summary.assessments_created, summary.responses_created) == (0, 0)
        after = (
            list(Response.objects.order_by("pk").values_list("pk", "option_id", "number_value")),
            Assessment.objects.count(),
        )
        assert after == before

    def test_every_submitted_demo_assessment_could_have_been_submitted(self):
        """The workflow's own check passes: every question answered, nothing left to confirm."""
        questions = Question.objects.filter(framework__cycles__name="2025/26").count()
        done = Assessment.objects.exclude(status=AssessmentStatus.IN_PROGRESS)
        assert done.count() > 300
        for assessment in done.select_related("cycle", "organisation"):
            assert submission_problems(assessment=assessment) == []
            assert assessment.responses.count() == questions
            assert assessment.submitted_at is not None

    def test_every_signed_off_demo_assessment_is_signed_by_someone(self):
        signed = Assessment.objects.filter(status=AssessmentStatus.SIGNED_OFF)
        assert signed.count() > 200
        for assessment in signed.select_related("cycle"):
            assert assessment.signed_off_name.strip()
            assert assessment.signed_off_role.strip()
            assert assessment.submitted_at < assessment.signed_off_at
            assert assessment.signed_off_at.date() <= assessment.cycle.closes_on

    def test_demo_answers_keep_the_answer_services_rules(self):
        """Each stored answer passes the same check a person's save does."""
        responses = Response.objects.select_related("question").prefetch_related(
            "selected_options", "question__options"
        )
        for response in responses[:3000]:
            question = response.question
            options = {option.order: option for option in question.options.all()}
            answer = AnswerInput(
                option=response.option.order if response.option else None,
                selected=frozenset(o.order for o in response.selected_options.all()),
                number=response.number_value,
                text=response.text_value,
                not_applicable=response.is_not_applicable,
            )
            answer_checked(question, answer, options)

    def test_the_demo_admin_is_not_a_superuser_and_has_no_django_admin(self):
        admin = get_user_model().objects.get(username="demo.admin")
        assert not admin.is_superuser
        assert not admin.is_staff

    def test_one_user_per_role_printed_with_password(self):
        for username in (
            "demo.lead",
            "demo.contributor",
            "demo.board",
            "demo.analyst",
            "demo.admin",
            "demo.superuser",
        ):
            assert username in self.output
        assert "maturity-demo-2026" in self.output
        lead = get_user_model().objects.get(username="demo.lead")
        assert lead.check_password("maturity-demo-2026")
        assert Membership.objects.get(user=lead).organisation.ods_code == "R0A"
        assert NationalRole.objects.filter(user__username="demo.analyst", role="analyst").exists()
        assert get_user_model().objects.get(username="demo.superuser").is_superuser


@pytest.mark.django_db
def test_without_a_published_framework_it_says_what_to_do():
    organisations_load()
    with pytest.raises(DemoDataError, match="No published framework"):
        demo_seed()


@pytest.mark.django_db
def test_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("seed_demo", stdout=io.StringIO())


class TestDemoResults(TestCase):
    """Stored results of the demo data: complete, explained, and with next steps."""

    @classmethod
    def setUpTestData(cls) -> None:
        organisations_load()
        framework_load(path=SHIPPED, publish=True, user=None)
        demo_seed()

    def test_every_demo_assessment_has_a_stored_result_per_domain(self):
        assert AssessmentResult.objects.count() == Assessment.objects.count() == 403
        assert DomainResult.objects.count() == 403 * 7

    def test_every_domain_result_has_an_explanation(self):
        for explanation in DomainResult.objects.values_list("explanation", flat=True):
            assert explanation["summary"]
            assert explanation["next_steps"]

    def test_every_domain_below_advanced_names_what_reaching_the_next_stage_takes(self):
        below_advanced = DomainResult.objects.exclude(provisional_stage__code="advanced")
        assert below_advanced.exists()
        for explanation in below_advanced.values_list("explanation", flat=True):
            assert explanation["next_stage"] is not None
            assert explanation["changes"], explanation
            assert "To reach " in explanation["next_steps"]
            for change in explanation["changes"]:
                assert change["question"] in change["instruction"]

    def test_stages_show_spread_and_later_year_does_better(self):
        stages = set(DomainResult.objects.values_list("stage__code", flat=True))
        assert {"initial", "developing", "established", "advanced"} <= stages
        means = {
            name: mean(
                AssessmentResult.objects.filter(
                    assessment__cycle__name=name, overall_score__isnull=False
                ).values_list("overall_score", flat=True)
            )
            for name in ("2025/26", "2026/27")
        }
        assert means["2026/27"] > means["2025/26"]


@pytest.mark.django_db
def test_a_second_make_demo_gives_a_newcomer_the_same_starting_point():
    organisations_load()
    framework_load(path=SHIPPED, publish=True, user=None)
    demo_seed()
    first = list(
        Assessment.objects.order_by("organisation__ods_code", "cycle__name").values_list(
            "organisation__ods_code", "cycle__name", "status"
        )
    )
    lead = get_user_model().objects.get(username="demo.lead")
    trust = Organisation.objects.get(ods_code="R0A")
    current = Cycle.objects.get(name="2026/27")
    started = assessment_start(organisation=trust, cycle=current, user=lead, copy_forward=True)
    invitation_create(
        organisation=trust,
        email="colleague@nhs.net",
        role="contributor",
        user=lead,
        accept_url_for=lambda token: f"https://portal.example/{token}",
    )
    demo_seed(reset=True)
    assert not Assessment.objects.filter(pk=started.pk).exists()
    assert not Invitation.objects.exists()
    again = list(
        Assessment.objects.order_by("organisation__ods_code", "cycle__name").values_list(
            "organisation__ods_code", "cycle__name", "status"
        )
    )
    assert again == first


@pytest.mark.django_db
def test_with_the_next_version_loaded_2026_27_uses_it_and_stores_readiness():
    organisations_load()
    framework_load(path=SHIPPED, publish=True, user=None)
    framework_load(path=SHIPPED.with_name("nhs-digital-maturity-2026.2.yaml"), publish=True)
    demo_seed()
    versions = dict(Cycle.objects.values_list("name", "framework__version"))
    assert versions == {"2025/26": "2026.1", "2026/27": "2026.2"}
    signed = Assessment.objects.filter(cycle__name="2026/27", status="signed_off")
    readiness = [a.result.readiness for a in signed.select_related("result")[:20]]
    assert all(len(stored) == 5 for stored in readiness)
    assert any(t["ready"] for stored in readiness for t in stored)
    assert any(not t["ready"] for stored in readiness for t in stored)
    named = [a.result.barriers for a in signed.select_related("result")]
    assert all(len(codes) <= 3 for stored in named for codes in stored.values())
    assert sum("funding" in str(stored) for stored in named) > len(named) / 3
    # The demo lead starts 2026/27 carrying 2025/26's answers across versions, by question code.
    lead = get_user_model().objects.get(username="demo.lead")
    trust = Membership.objects.get(user=lead).organisation
    started = assessment_start(
        organisation=trust,
        cycle=Cycle.objects.get(name="2026/27"),
        user=lead,
        copy_forward=True,
    )
    last = Assessment.objects.get(organisation=trust, cycle__name="2025/26")
    # The main-barrier questions became barriers questions: their free text is not carried.
    barriers = Question.objects.filter(framework__version="2026.2", type="barriers")
    changed = last.responses.filter(question__code__in=barriers.values("code"))
    assert started.responses.count() == last.responses.count() - changed.count()
    assert {item.question.code for item in not_carried_forward(assessment=started)} == {
        response.question.code for response in changed.select_related("question")
    }

"""factory_boy factories and a small-framework builder for assessment tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AssessmentStatus, Cycle, Response
from assessments.services.answers import AnswerInput, response_save
from frameworks.definition import (
    BandDef,
    DomainDef,
    FrameworkDef,
    GateDef,
    OptionDef,
    QuestionDef,
    StageDef,
)
from frameworks.models import Framework, Question
from frameworks.schema import dump_framework, read_framework_text
from frameworks.services import framework_import
from organisations.models import IntegratedCareBoard, Membership, NationalRole, Organisation, Region
from organisations.selectors import peer_groups_of

PASSWORD = "a-long-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Y{n:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class IcbFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegratedCareBoard
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Q{n:02d}")
    gss_code = factory.Sequence(lambda n: f"E54{n:06d}")
    name = factory.Sequence(lambda n: f"NHS Test Integrated Care Board {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Sequence(lambda n: f"Test Hospitals NHS Foundation Trust {n}")
    trust_type = "acute"
    region = factory.SubFactory(RegionFactory)
    icb = factory.SubFactory(IcbFactory)


def member(organisation: Organisation, role: str, username: str):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def national(role: str, username: str, *, icb: IntegratedCareBoard | None = None):
    """A user with a role above trusts; an ICB viewer names its ICB."""
    user = UserFactory(username=username)
    NationalRole.objects.create(user=user, role=role, icb=icb)
    return user


STAGES = tuple(
    StageDef(code=code, name=code.capitalize(), descriptor=f"The {code} stage.")
    for code in ("initial", "developing", "established", "advanced")
)
THRESHOLDS = (("developing", Decimal(25)), ("established", Decimal(50)), ("advanced", Decimal(75)))


def _scale(code: str, **extra) -> QuestionDef:
    return QuestionDef(
        code=code,
        title=f"Topic {code}",
        text=f"How mature is topic {code}?",
        guidance=f"Good looks like a clear plan for {code}.",
        type="scale",
        options=tuple(
            OptionDef(label=f"{stage.name} practice for {code}", score=i, stage=stage.code)
            for i, stage in enumerate(STAGES)
        ),
        **extra,
    )


def small_framework_definition(
    *, questions_per_domain: int = 3, domains: int = 2, version: str = "1"
) -> FrameworkDef:
    """Domains D1, D2… Each has scale questions, plus one of every other type in D1."""
    built = []
    for d in range(1, domains + 1):
        questions = [_scale(f"D{d}-{q:02d}") for q in range(1, questions_per_domain + 1)]
        if d == 1:
            questions += [
                QuestionDef(
                    code="D1-YN",
                    title="Board strategy",
                    text="Is there a board strategy?",
                    guidance="Minutes show approval.",
                    type="yes_no",
                    gate=GateDef(stage="established"),
                    options=(OptionDef(label="Yes", score=1), OptionDef(label="No", score=0)),
                ),
                QuestionDef(
                    code="D1-PC",
                    title="Training",
                    text="What percentage completed training?",
                    guidance="Most staff.",
                    type="percentage",
                    allows_na=True,
                ),
                QuestionDef(
                    code="D1-NU",
                    title="Old systems",
                    text="How many systems are unsupported?",
                    guidance="None.",
                    type="number",
                    unit="systems",
                    bands=(
                        BandDef(label="None", min=Decimal(0), max=Decimal(1), score=2),
                        BandDef(label="One or more", min=Decimal(1), max=None, score=0),
                    ),
                ),
                QuestionDef(
                    code="D1-MC",
                    title="Controls",
                    text="Which controls are in place?",
                    guidance="All of them.",
                    type="multiple_choice",
                    options=(
                        OptionDef(label="Multi-factor authentication", score=1),
                        OptionDef(label="Encryption", score=1),
                        OptionDef(label="None of these", score=0, exclusive=True),
                    ),
                ),
                QuestionDef(
                    code="D1-TX",
                    title="Main barrier",
                    text="What is the main barrier?",
                    guidance="Say it plainly.",
                    type="free_text",
                    mandatory=False,
                    weight=0,
                ),
            ]
        built.append(
            DomainDef(
                code=f"D{d}",
                name=f"Domain {d}",
                description=f"What domain {d} covers.",
                thresholds=THRESHOLDS,
                questions=tuple(questions),
            )
        )
    return FrameworkDef(
        code="test-framework",
        version=version,
        name="Test framework",
        description="A small framework for tests.",
        overall_rule="median",
        overall_thresholds=THRESHOLDS,
        stages=STAGES,
        domains=tuple(built),
    )


def published_framework(**options) -> Framework:
    return framework_import(
        definition=small_framework_definition(**options), publish=True, user=None
    ).framework


def open_cycle(framework: Framework, name: str = "2026/27") -> Cycle:
    today = timezone.localdate()
    return Cycle.objects.create(
        name=name,
        framework=framework,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
    )


def closed_cycle(framework: Framework, name: str = "2025/26") -> Cycle:
    today = timezone.localdate()
    return Cycle.objects.create(
        name=name,
        framework=framework,
        opens_on=today - dt.timedelta(days=400),
        closes_on=today - dt.timedelta(days=35),
    )


def assessment_in(
    organisation: Organisation, cycle: Cycle, status=AssessmentStatus.IN_PROGRESS, **fields
) -> Assessment:
    now = timezone.now()
    if status in {AssessmentStatus.SUBMITTED, AssessmentStatus.SIGNED_OFF}:
        fields.setdefault("submitted_at", now)
    if status == AssessmentStatus.SIGNED_OFF:
        fields.setdefault("signed_off_at", now)
    return Assessment.objects.create(
        organisation=organisation,
        cycle=cycle,
        status=status,
        **peer_groups_of(organisation=organisation),
        **fields,
    )


def answer_all(assessment: Assessment, user, *, mandatory_only: bool = True) -> None:
    """Give every (mandatory) question a valid answer through the real service."""
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id)
    if mandatory_only:
        questions = questions.filter(mandatory=True)
    for question in questions:
        match question.type:
            case "multiple_choice":
                answer = AnswerInput(selected=frozenset({1, 2}))
            case "percentage" | "number":
                answer = AnswerInput(number=Decimal(70))
            case "free_text":
                answer = AnswerInput(text="Funding")
            case "barriers":
                answer = AnswerInput(selected=frozenset({1, 3}), text="Capital for the EPR")
            case _:
                answer = AnswerInput(option=2)
        response_save(
            assessment=assessment,
            question=question,
            answer=answer,
            comment="Noted",
            based_on_version=0,
            user=user,
        )


def answer_all_but_one_not_applicable(assessment: Assessment, user) -> None:
    """Every question answered through the service, then D1-PC changed to not applicable with a
    comment: one answer of each kind, for exports that must carry every one."""
    answer_all(assessment, user, mandatory_only=False)
    response_save(
        assessment=assessment,
        question=Question.objects.get(framework_id=assessment.cycle.framework_id, code="D1-PC"),
        answer=AnswerInput(not_applicable=True),
        comment="No training programme this year",
        based_on_version=1,
        user=user,
    )


def question_post(client, assessment: Assessment, code: str, answer, *, fields=None, **headers):
    """Post a question's form as its page does, from the answer's saved version; ``fields`` are
    the form's other fields (``description``), ``headers`` go with the request (htmx)."""
    version = (
        Response.objects.filter(assessment=assessment, question__code=code)
        .values_list("version", flat=True)
        .first()
        or 0
    )
    data = {f"{code}-answer": answer, f"{code}-version": version, f"{code}-comment": ""}
    data |= {f"{code}-{name}": value for name, value in (fields or {}).items()}
    return client.post(reverse("question-save", args=[assessment.pk, code]), data, **headers)


BARRIERS = (
    {"code": "funding", "name": "Financial constraints", "description": "Too little money."},
    {"code": "legacy", "name": "Legacy systems", "description": "Old systems."},
    {"code": "skills", "name": "Digital skills", "description": "Too few skilled staff."},
    {"code": "other", "name": "Something else", "description": "Say what it is."},
)


def barriers_question(code: str, **extra) -> dict:
    return {
        "code": code,
        "title": "Main barriers",
        "text": "What are the main barriers?",
        "guidance": "Choose up to three.",
        "type": "barriers",
        "mandatory": False,
        **extra,
    }


def barriers_document(*, barriers=BARRIERS, questions=None, **size) -> dict:
    """The small framework as a document, with a barriers list and a barriers question closing
    each domain (``D1-BR``, ``D2-BR``…); ``questions`` replaces those by domain number."""
    found = yaml.safe_load(dump_framework(small_framework_definition(**size)))
    domains = found.pop("domains")
    if barriers is not None:
        found["barriers"] = list(barriers)
    found["domains"] = domains
    for index, domain in enumerate(domains, start=1):
        domain["questions"].append((questions or {}).get(index, barriers_question(f"D{index}-BR")))
    return found


def barriers_framework_definition(**size) -> FrameworkDef:
    text = yaml.safe_dump(barriers_document(**size), sort_keys=False)
    return read_framework_text(text, source="barriers.yaml")

"""Synthetic demonstration data: two annual cycles of plausible answers for every trust.

Answers are drawn from a fixed random seed, so every run on every machine produces the same
data. Each trust gets a latent maturity from its type and region plus its own variation, each
domain varies around it, and the later cycle improves on average: benchmarks built on this data
show real spread. Every assessment is flagged ``is_demo`` so it can never pass for a real return,
and nothing here runs unless asked (``manage.py seed_demo``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Assessment, AssessmentStatus, Cycle, Response
from assessments.services.answers import AnswerInput, AnswerInvalidError, answer_checked
from assessments.services.scoring import assessment_results_refresh
from assessments.services.workflow import cycle_create, submission_problems
from frameworks.definition import MAX_BARRIERS_CHOSEN, SINGLE_CHOICE_TYPES
from frameworks.models import AnswerOption, Framework, FrameworkStatus, Question, QuestionType
from organisations.models import (
    Invitation,
    Membership,
    MembershipRole,
    NationalRole,
    NationalRoleName,
    Organisation,
)
from organisations.selectors import peer_groups_of
from reports.models import BenchmarkRun, JobTrigger
from reports.services.benchmarks import benchmark_runs_refresh

RANDOM_SEED = 20_260_401
DEMO_TRUST_ODS_CODE = "R0A"  # Manchester University NHS Foundation Trust
DEMO_PASSWORD = "maturity-demo-2026"  # noqa: S105 - printed for demo sign-in, never in production


@dataclass(frozen=True)
class DemoCycle:
    name: str
    opens_on: dt.date
    closes_on: dt.date
    improvement: float
    framework_version: str  # of the shipped framework; the newest published one if not loaded


DEMO_FRAMEWORK_CODE = "nhs-digital-maturity"
DEMO_CYCLES = (
    DemoCycle("2025/26", dt.date(2025, 4, 1), dt.date(2026, 3, 31), 0.0, "2026.1"),
    # The next version: the same questions, a follow-up question and technologies to adopt,
    # so a lead starting 2026/27 carries last year's answers across versions.
    DemoCycle("2026/27", dt.date(2026, 4, 1), dt.date(2027, 3, 31), 0.07, "2026.2"),
)
TYPE_MATURITY = {
    "acute": 0.46,
    "acute-specialist": 0.56,
    "mental-health": 0.38,
    "community": 0.34,
    "ambulance": 0.41,
}
REGION_OFFSET = {  # ODS region code -> offset: enough spread for regional benchmarks to differ
    "Y56": 0.05,  # London
    "Y58": -0.02,  # South West
    "Y59": 0.02,  # South East
    "Y60": -0.03,  # Midlands
    "Y61": 0.00,  # East of England
    "Y62": 0.01,  # North West
    "Y63": -0.04,  # North East and Yorkshire
}
TYPE_DOMAIN_OFFSET = {  # where a kind of trust is typically stronger or weaker
    ("ambulance", "PE"): -0.12,
    ("ambulance", "IA"): 0.04,
    ("mental-health", "DU"): -0.06,
    ("community", "IA"): -0.05,
    ("acute-specialist", "DU"): 0.08,
    ("acute", "CE"): 0.03,
}
FREE_TEXT_ANSWERS = (
    "Capital funding is the main constraint; revenue for support is the second.",
    "Operational pressures leave little time for staff training.",
    "Legacy departmental systems that cannot share data with the EPR.",
    "Recruiting and keeping skilled digital and data staff.",
    "Procurement lead times for new systems.",
)

# How likely a barrier of the shipped framework is to hold a demo trust back, in its order
# (funding, operational pressure, legacy systems, interoperability, skills, cyber, procurement,
# other): roughly the report's picture, in which most trust leaders name funding.
DEMO_BARRIER_WEIGHTS = (0.73, 0.5, 0.45, 0.4, 0.35, 0.2, 0.2, 0.05)


BOARD_FIRST_NAMES = ("Amara", "Ben", "Chloe", "Dev", "Eleanor", "Farid", "Grace", "Hugh", "Isla")
BOARD_LAST_NAMES = (
    "Adeyemi",
    "Brennan",
    "Chaudhry",
    "Davies",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
)
BOARD_ROLES = ("Chair", "Chief Executive", "Chief Digital Information Officer", "Medical Director")


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str


DEMO_USERS = (
    DemoUser("demo.lead", "Dana Lead", MembershipRole.DIGITAL_LEAD),
    DemoUser("demo.contributor", "Chris Contributor", MembershipRole.CONTRIBUTOR),
    DemoUser("demo.board", "Bola Board", MembershipRole.BOARD_MEMBER),
    DemoUser("demo.analyst", "Ana Analyst", NationalRoleName.ANALYST),
    DemoUser("demo.admin", "Fran Admin", NationalRoleName.FRAMEWORK_ADMIN),
    DemoUser("demo.icb", "Indra ICB", NationalRoleName.ICB_VIEWER),  # the demo trust's ICB
    DemoUser("demo.superuser", "Sam Superuser", "superuser"),
)


class DemoDataError(Exception):
    pass


@dataclass
class DemoSummary:
    cycles_created: int
    assessments_created: int
    responses_created: int
    users: tuple[DemoUser, ...]
    password: str
    demo_trust: Organisation


def demo_seed(*, reset: bool = False) -> DemoSummary:
    """Create demo cycles, answers and users; a second run changes nothing unless ``reset``."""
    frameworks = _frameworks()
    trusts = list(
        Organisation.objects.filter(active=True).select_related("region").order_by("ods_code")
    )
    if not trusts:
        raise DemoDataError("No organisations: run load_organisations first.")
    demo_trust = next((t for t in trusts if t.ods_code == DEMO_TRUST_ODS_CODE), trusts[0])
    with transaction.atomic():
        if reset:
            _undo_the_last_demo(demo_trust)
        cycles, cycles_created = _cycles(frameworks)
        assessments, responses = _answers(trusts, cycles, demo_trust)
        _users(demo_trust)
    # Compared with their peers as the nightly run would: queued, or run here without a broker.
    benchmark_runs_refresh(trigger=JobTrigger.NIGHTLY)
    return DemoSummary(
        cycles_created=cycles_created,
        assessments_created=assessments,
        responses_created=responses,
        users=DEMO_USERS,
        password=DEMO_PASSWORD,
        demo_trust=demo_trust,
    )


def _undo_the_last_demo(demo_trust: Organisation) -> None:
    """Back to where the demo starts: demo answers, and what the demo users did, are undone."""
    demo_users = get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS])
    BenchmarkRun.objects.filter(cycle__name__in=[cycle.name for cycle in DEMO_CYCLES]).delete()
    Assessment.objects.filter(Q(is_demo=True) | Q(started_by__in=demo_users)).delete()
    invitations = Invitation.objects.filter(invited_by__in=demo_users)
    Membership.objects.filter(
        organisation=demo_trust, user__in=invitations.values("accepted_by")
    ).delete()
    invitations.delete()


def _frameworks() -> dict[str, Framework]:
    """Each demo cycle's framework: its shipped version if published, else the newest published."""
    published = Framework.objects.filter(status=FrameworkStatus.PUBLISHED)
    newest = published.order_by("-published_at", "-pk").first()
    if newest is None:
        raise DemoDataError("No published framework: load and publish one first.")
    versions = {
        framework.version: framework for framework in published.filter(code=DEMO_FRAMEWORK_CODE)
    }
    return {
        demo_cycle.name: versions.get(demo_cycle.framework_version, newest)
        for demo_cycle in DEMO_CYCLES
    }


def _cycles(frameworks: dict[str, Framework]) -> tuple[list[tuple[Cycle, DemoCycle]], int]:
    """The demo's cycles, opened through the same service a framework admin uses."""
    existing = {
        cycle.name: cycle for cycle in Cycle.objects.filter(name__in=[c.name for c in DEMO_CYCLES])
    }
    cycles, created_count = [], 0
    for demo_cycle in DEMO_CYCLES:
        cycle = existing.get(demo_cycle.name)
        if cycle is None:
            cycle = cycle_create(
                name=demo_cycle.name,
                framework=frameworks[demo_cycle.name],
                opens_on=demo_cycle.opens_on,
                closes_on=demo_cycle.closes_on,
                user=None,
            )
            created_count += 1
        cycles.append((cycle, demo_cycle))
    return cycles, created_count


def _answers(trusts, cycles, demo_trust) -> tuple[int, int]:
    """Answer every trust's missing assessments; the random stream never depends on what exists.

    The demo trust's latest cycle is left unstarted, so the demo digital lead can start it,
    carrying the earlier year forward, as a real lead would. Each cycle is answered in its own
    framework's questions.
    """
    framework_ids = {cycle.framework_id for cycle, _ in cycles}
    questions_of: dict[int, list[Question]] = {framework_id: [] for framework_id in framework_ids}
    for question in (
        Question.objects.filter(framework_id__in=framework_ids)
        .select_related("domain")
        .order_by("domain__order", "order")
    ):
        questions_of[question.framework_id].append(question)
    options: dict[int, list[AnswerOption]] = {}
    for option in AnswerOption.objects.filter(question__framework_id__in=framework_ids).order_by(
        "order"
    ):
        options.setdefault(option.question_id, []).append(option)
    questions = questions_of[cycles[0][0].framework_id]
    existing = set(
        Assessment.objects.filter(cycle__in=[c for c, _ in cycles]).values_list(
            "organisation_id", "cycle_id"
        )
    )
    rng = np.random.default_rng(RANDOM_SEED)
    domain_codes = sorted({q.domain.code for q in questions})
    now = timezone.now()
    created: list[Assessment] = []
    responses_created = 0
    for trust in trusts:
        base = (
            TYPE_MATURITY[trust.trust_type]
            + REGION_OFFSET.get(trust.region.code, 0.0)
            + rng.normal(0, 0.11)
        )
        held_back = _barriers_held_back(rng)
        domain_level = {
            code: base + TYPE_DOMAIN_OFFSET.get((trust.trust_type, code), 0.0) + rng.normal(0, 0.09)
            for code in domain_codes
        }
        for cycle, demo_cycle in cycles:
            questions = questions_of[cycle.framework_id]
            growth = demo_cycle.improvement + rng.normal(0, 0.035) if demo_cycle.improvement else 0
            status, answered_share = _status(rng, demo_cycle)
            complete = status != AssessmentStatus.IN_PROGRESS
            drafted = [
                (
                    question,
                    _draft_answer(
                        rng,
                        question,
                        options.get(question.pk, []),
                        trust,
                        level,
                        complete,
                        held_back=held_back,
                    ),
                )
                for question in questions
                for level in [float(np.clip(domain_level[question.domain.code] + growth, 0, 1))]
            ]
            keep = rng.random(len(questions)) < answered_share
            left_for_the_demo_lead = trust.pk == demo_trust.pk and demo_cycle is DEMO_CYCLES[-1]
            if (trust.pk, cycle.pk) in existing or left_for_the_demo_lead:
                continue
            assessment = Assessment.objects.create(
                organisation=trust,
                cycle=cycle,
                status=status,
                is_demo=True,
                **peer_groups_of(organisation=trust),
                **_status_record(status, cycle, trust, now),
            )
            created.append(assessment)
            responses_created += _store(assessment, drafted, keep, options)
    assessment_results_refresh(assessments=created)
    _check_with_the_services(created)
    return len(created), responses_created


def _status_record(status: str, cycle: Cycle, trust: Organisation, now) -> dict:
    """Who submitted and signed off, and when, as the workflow records it for a real trust."""
    if status == AssessmentStatus.IN_PROGRESS:
        return {}
    # Dates inside the cycle: a closed one was done before it closed, an open one lately.
    close = timezone.make_aware(dt.datetime.combine(cycle.closes_on, dt.time(12)))
    done_by = min(close, now)
    record = {"submitted_at": done_by - dt.timedelta(days=21)}
    if status == AssessmentStatus.SIGNED_OFF:
        name, role = _signatory(trust)
        record |= {
            "signed_off_at": done_by - dt.timedelta(days=7),
            "signed_off_name": name,
            "signed_off_role": role,
        }
    return record


def _signatory(trust: Organisation) -> tuple[str, str]:
    """A made-up board member per trust, the same on every run and every machine."""
    seed = int.from_bytes(trust.ods_code.encode(), "big")
    first = BOARD_FIRST_NAMES[seed % len(BOARD_FIRST_NAMES)]
    last = BOARD_LAST_NAMES[(seed // 7) % len(BOARD_LAST_NAMES)]
    return f"{first} {last}", BOARD_ROLES[(seed // 3) % len(BOARD_ROLES)]


def _check_with_the_services(assessments: list[Assessment]) -> None:
    """Demo data obeys the rules real data obeys: what was submitted could have been."""
    for assessment in assessments:
        if assessment.status == AssessmentStatus.IN_PROGRESS:
            continue
        problems = submission_problems(assessment=assessment)
        if problems:
            question, why = problems[0]
            raise DemoDataError(
                f"Demo assessment of {assessment.organisation.name} ({assessment.cycle.name}) "
                f"is {assessment.get_status_display().lower()} but could not have been "
                f"submitted: {question.code}: {why} ({len(problems)} problem(s))."
            )


def _status(rng: np.random.Generator, demo_cycle: DemoCycle) -> tuple[str, float]:
    if demo_cycle.improvement == 0:
        return AssessmentStatus.SIGNED_OFF, 1.0
    draw = rng.random()
    if draw < 0.6:
        return AssessmentStatus.SIGNED_OFF, 1.0
    if draw < 0.85:
        return AssessmentStatus.SUBMITTED, 1.0
    return AssessmentStatus.IN_PROGRESS, float(rng.uniform(0.4, 0.9))


def _barriers_held_back(rng) -> list[int]:
    """The positions of the barriers that hold a demo trust back, in every domain: at least one,
    each as often as ``DEMO_BARRIER_WEIGHTS`` says."""
    held = np.flatnonzero(rng.random(len(DEMO_BARRIER_WEIGHTS)) < DEMO_BARRIER_WEIGHTS)
    return [int(position) for position in held] or [0]


def _draft_answer(
    rng,
    question: Question,
    options,
    trust,
    level: float,
    complete: bool,
    *,
    held_back: list[int],
) -> AnswerInput:
    """One plausible answer near the trust's level in this domain; never blank if ``complete``."""
    target = float(np.clip(level + rng.normal(0, 0.16), 0, 1))
    draw = rng.random()
    if question.allows_na and trust.trust_type != "acute" and draw < 0.5:
        return AnswerInput(not_applicable=True)
    match question.type:
        case kind if kind in SINGLE_CHOICE_TYPES:
            top = max(option.score for option in options)
            nearest = min(options, key=lambda o: (abs(o.score / top - target), o.order))
            return AnswerInput(option=nearest.order)
        case QuestionType.MULTIPLE_CHOICE:
            picks = rng.random(len(options)) < target
            chosen = tuple(o for o, pick in zip(options, picks, strict=True) if pick and o.score)
            if not chosen:
                chosen = tuple(o for o in options if o.score == 0)[:1]
            return AnswerInput(selected=frozenset(option.order for option in chosen))
        case QuestionType.BARRIERS:
            named = [position for position in held_back if position < len(options)] or [0]
            count = min(len(named), MAX_BARRIERS_CHOSEN, 1 + int(draw < 0.5))
            picks = rng.choice(named, size=count, replace=False)
            said = draw < 0.5
            text = FREE_TEXT_ANSWERS[int(draw * 2 * len(FREE_TEXT_ANSWERS))] if said else ""
            return AnswerInput(
                selected=frozenset(options[index].order for index in picks), text=text
            )
        case QuestionType.PERCENTAGE:
            return AnswerInput(number=Decimal(round(target * 100)))
        case QuestionType.NUMBER:
            top = max(band.score for band in options)
            band = min(options, key=lambda b: (abs(b.score / top - target), b.order))
            width = (band.band_max - band.band_min) if band.band_max is not None else Decimal(10)
            value = band.band_min + (width * Decimal(str(round(draw, 2)))).quantize(Decimal(1))
            if band.band_max is not None and value >= band.band_max:
                value = band.band_min
            return AnswerInput(number=value)
        case _:
            said = complete or draw < 0.7
            text = FREE_TEXT_ANSWERS[int(draw * len(FREE_TEXT_ANSWERS))] if said else ""
            return AnswerInput(text=text)


def _store(assessment: Assessment, drafted, keep, options) -> int:
    """Store the kept answers, each checked by the answer service's own rules first."""
    rows = []
    for (question, answer), kept in zip(drafted, keep, strict=True):
        if not kept or (question.type == QuestionType.FREE_TEXT and not answer.text):
            continue
        by_position = {option.order: option for option in options.get(question.pk, [])}
        try:
            option, selected = answer_checked(question, answer, by_position)
        except AnswerInvalidError as error:
            raise DemoDataError(f"A demo answer breaks the rules: {error}") from error
        response = Response(
            assessment=assessment,
            question=question,
            option=option,
            number_value=answer.number,
            text_value=answer.text,
            is_not_applicable=answer.not_applicable,
        )
        rows.append((response, selected))
    Response.objects.bulk_create(response for response, _ in rows)
    Response.selected_options.through.objects.bulk_create(
        Response.selected_options.through(response_id=response.pk, answeroption_id=option.pk)
        for response, selected in rows
        for option in selected
    )
    return len(rows)


def _users(demo_trust: Organisation) -> None:
    user_model = get_user_model()
    for demo_user in DEMO_USERS:
        first, last = demo_user.full_name.split(" ", 1)
        user, _ = user_model.objects.get_or_create(username=demo_user.username)
        user.first_name, user.last_name = first, last
        user.email = f"{demo_user.username}@example.nhs.uk"
        user.is_staff = demo_user.role == "superuser"
        user.is_superuser = demo_user.role == "superuser"
        user.set_password(DEMO_PASSWORD)
        user.save()
        if demo_user.role in MembershipRole.values:
            Membership.objects.update_or_create(
                user=user, organisation=demo_trust, defaults={"role": demo_user.role}
            )
        elif demo_user.role in NationalRoleName.values:
            icb = demo_trust.icb if demo_user.role == NationalRoleName.ICB_VIEWER else None
            NationalRole.objects.update_or_create(
                user=user, role=demo_user.role, defaults={"icb": icb}
            )

"""Scoring speed: one-by-one, vectorised and a naive ORM path, measured in one run.

    .venv/bin/python bench/scoring.py [--sets 10000] [--naive 200]

Generates synthetic answer sets for the shipped framework and prints the figures with the
targets beside them (one assessment ≤ 1 ms; 10,000 vectorised ≤ 2 s; vectorised ≥ 100× the
naive ORM path). The naive path scores assessments stored in a scratch SQLite database (or
DATABASE_URL), reading each answer, option and threshold through the ORM one by one, as code
written without a thought for queries would.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FRAMEWORK_FILE = ROOT / "frameworks" / "definitions" / "nhs-digital-maturity-2026.yaml"


def synthetic_answer_sets(definition, count: int, seed: int = 7) -> list[dict]:
    """Plausible answer sets: each set has a maturity level and answers scatter around it."""
    from frameworks.scoring.rules import Answer

    rng = np.random.default_rng(seed)
    questions = [q for d in definition.domains for q in d.questions]
    levels = rng.beta(2.2, 2.2, size=count)
    noise = rng.normal(0, 0.2, size=(count, len(questions)))
    skipped = rng.random((count, len(questions))) < 0.03
    sets = []
    for row in range(count):
        answers = {}
        for column, question in enumerate(questions):
            if skipped[row, column]:
                continue
            target = min(max(levels[row] + noise[row, column], 0.0), 1.0)
            match question.type:
                case "scale" | "single_choice" | "yes_no":
                    top = question.top_score
                    best = min(
                        range(len(question.options)),
                        key=lambda i, t=target, q=question, s=top: abs(q.options[i].score / s - t),
                    )
                    answers[question.code] = Answer(option=best)
                case "multiple_choice":
                    picks = frozenset(
                        i
                        for i in range(len(question.options))
                        if (column * 7 + i) % 10 < target * 10
                    )
                    answers[question.code] = Answer(selected=picks or frozenset({0}))
                case "barriers":
                    answers[question.code] = Answer(selected=frozenset({0, column % 3 + 1}))
                case "percentage":
                    answers[question.code] = Answer(number=round(target * 100))
                case "number":
                    answers[question.code] = Answer(number=float(round((1 - target) * 20)))
                case _:
                    answers[question.code] = Answer(text="Funding")
        sets.append(answers)
    return sets


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def setup_django() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="scoring-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def store_for_naive(definition, answer_sets: list[dict]):
    """Store answer sets as assessments so the naive path has rows to read."""
    import datetime as dt

    from assessments.models import Assessment, Cycle, Response
    from frameworks.models import AnswerOption, Question
    from frameworks.services import framework_load
    from organisations.models import Organisation
    from organisations.selectors import peer_groups_of
    from organisations.services.reference_data import organisations_load

    organisations_load()
    framework = framework_load(path=FRAMEWORK_FILE, publish=True, user=None).framework
    cycle, _ = Cycle.objects.get_or_create(
        name="bench",
        defaults={
            "framework": framework,
            "opens_on": dt.date(2026, 4, 1),
            "closes_on": dt.date(2027, 3, 31),
        },
    )
    trusts = list(Organisation.objects.order_by("ods_code"))
    questions = {q.code: q for q in Question.objects.filter(framework=framework)}
    options = {
        (o.question_id, o.order): o
        for o in AnswerOption.objects.filter(question__framework=framework)
    }
    assessments = []
    for index, answers in enumerate(answer_sets):
        trust = trusts[index % len(trusts)]
        if index >= len(trusts):
            raise SystemExit("--naive is limited to the number of trusts (202)")
        assessment = Assessment.objects.create(
            organisation=trust,
            cycle=cycle,
            is_demo=True,
            **peer_groups_of(organisation=trust),
        )
        assessments.append(assessment)
        for code, answer in answers.items():
            question = questions[code]
            response = Response.objects.create(
                assessment=assessment,
                question=question,
                option=options.get((question.pk, (answer.option or 0) + 1))
                if answer.option is not None
                else None,
                number_value=answer.number,
                text_value=answer.text,
            )
            if answer.selected:
                response.selected_options.set(
                    [options[(question.pk, i + 1)] for i in answer.selected]
                )
    return assessments


def naive_score(assessment) -> dict[str, float | None]:
    """Score one assessment reading everything through the ORM, one object at a time."""
    from assessments.models import Response
    from frameworks.models import StageThreshold

    scores = {}
    for domain in assessment.cycle.framework.domains.order_by("order"):
        numerator = denominator = 0.0
        for question in domain.questions.order_by("order"):
            response = Response.objects.filter(assessment=assessment, question=question).first()
            if response is None or not question.is_scored:
                continue
            options = list(question.options.all())
            if question.type in {"scale", "single_choice", "yes_no"} and response.option:
                value = response.option.score / max(o.score for o in options)
            elif question.type == "multiple_choice":
                chosen = sum(o.score for o in response.selected_options.all())
                value = min(chosen / sum(o.score for o in options), 1.0)
            elif question.type == "percentage" and response.number_value is not None:
                value = min(max(float(response.number_value) / 100, 0.0), 1.0)
            elif question.type == "number" and response.number_value is not None:
                band = [o for o in options if o.band_min <= response.number_value][-1]
                value = band.score / max(o.score for o in options)
            else:
                continue
            numerator += question.weight * value
            denominator += question.weight
        score = 100 * numerator / denominator if denominator else None
        for threshold in StageThreshold.objects.filter(domain=domain).order_by("stage__ordinal"):
            if score is not None and score >= float(threshold.minimum_score):
                scores[f"{domain.code}.stage"] = threshold.stage.code
        scores[domain.code] = score
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=200)
    arguments = parser.parse_args()

    from frameworks.schema import read_framework_file
    from frameworks.scoring.engine import overall_result, score_assessment, score_domains
    from frameworks.scoring.vectorised import answers_frame, score_frame

    definition = read_framework_file(FRAMEWORK_FILE)
    answer_sets, generate_seconds = timed(synthetic_answer_sets, definition, arguments.sets)
    print(
        f"framework: {definition.code} {definition.version}, "
        f"{definition.question_count} questions in {len(definition.domains)} domains"
    )
    print(f"answer sets: {len(answer_sets):,} (generated in {generate_seconds:.2f} s)")

    def one_by_one():
        return [score_assessment(definition, answers) for answers in answer_sets]

    full_results, one_seconds = timed(one_by_one)
    per_assessment_ms = one_seconds / len(answer_sets) * 1000

    def scores_only():
        return [overall_result(definition, score_domains(definition, a)) for a in answer_sets]

    _, scores_only_seconds = timed(scores_only)
    frame, frame_seconds = timed(answers_frame, dict(enumerate(answer_sets)))
    vectorised, vector_seconds = timed(score_frame, definition, frame)

    mismatches = 0
    for index, result in enumerate(full_results):
        row = vectorised.loc[index]
        for domain in result.domains:
            same_score = (domain.score is None and math.isnan(row[f"{domain.code}.score"])) or (
                math.isclose(row[f"{domain.code}.score"], domain.score, abs_tol=1e-9)
            )
            mismatches += not same_score or row[f"{domain.code}.stage"] != domain.stage
        mismatches += row["overall.stage"] != result.overall.stage

    setup_django()
    stored = store_for_naive(definition, answer_sets[: arguments.naive])
    from assessments.models import Assessment

    fresh = list(Assessment.objects.filter(pk__in=[a.pk for a in stored]).select_related("cycle"))
    _, naive_seconds = timed(lambda: [naive_score(a) for a in fresh])
    naive_scaled = naive_seconds / len(fresh) * len(answer_sets)

    ratio_one = one_seconds / vector_seconds
    ratio_naive = naive_scaled / vector_seconds
    print()
    print(f"{'path':<46}{'seconds':>10}{'per set (ms)':>14}")
    rows = [
        ("one-by-one, with explanations", one_seconds),
        ("one-by-one, scores and stages only", scores_only_seconds),
        ("vectorised (score_frame)", vector_seconds),
        ("  + building its input frame", frame_seconds),
        (f"naive ORM ({len(fresh)} scored, scaled to {len(answer_sets):,})", naive_scaled),
    ]
    for label, seconds in rows:
        print(f"{label:<46}{seconds:>10.3f}{seconds / len(answer_sets) * 1000:>14.4f}")
    print()
    print(f"vectorised vs one-by-one: {ratio_one:,.0f}×   vs naive ORM: {ratio_naive:,.0f}×")
    identical = "yes" if not mismatches else f"NO, {mismatches} differ"
    print(f"results identical (vectorised vs one-by-one): {identical}")
    print()
    checks = [
        ("one assessment ≤ 1 ms", per_assessment_ms <= 1.0, f"{per_assessment_ms:.3f} ms"),
        (
            f"{len(answer_sets):,} vectorised ≤ 2 s",
            vector_seconds <= 2.0,
            f"{vector_seconds:.3f} s",
        ),
        ("vectorised ≥ 100× naive ORM", ratio_naive >= 100, f"{ratio_naive:,.0f}×"),
    ]
    for target, met, figure in checks:
        print(f"target {target:<32} {figure:>12}  {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()

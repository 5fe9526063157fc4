"""Frameworks written for another tool, turned into our framework file format.

CISO Assistant publishes its frameworks as YAML libraries: ``objects.framework`` with a flat list
of ``requirement_nodes``, each with a URN, a ``depth`` (1 at the top) and its ``parent_urn``;
``assessable`` nodes are what an organisation answers, optionally through ``questions`` with
choices and scores, and a framework may define ``scores_definition``. Our format makes choices
theirs does not (which level is a domain, the stages, thresholds, the overall rule, how to ask a
requirement without scores); they come from ``ConversionOptions``. The result is a plain document
for ``frameworks.schema.validate_framework``, so the normal loader checks and loads it.

Pure Python, no Django: every error names the node's URN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from frameworks.definition import MAX_OPTION_SCORE

DEFAULT_STAGES = (
    {
        "code": "initial",
        "name": "Initial",
        "descriptor": "Few of the framework's requirements are met, and those informally.",
    },
    {
        "code": "developing",
        "name": "Developing",
        "descriptor": "Some requirements are met and work on the rest has started.",
    },
    {
        "code": "established",
        "name": "Established",
        "descriptor": "Most requirements are met, consistently and with evidence.",
    },
    {
        "code": "advanced",
        "name": "Advanced",
        "descriptor": "The requirements are met in full, reviewed and improved.",
    },
)
DEFAULT_THRESHOLDS = {"developing": 25, "established": 50, "advanced": 75}
UNSCORED_TYPES = ("yes_no", "free_text")
MAX_FOREIGN_SCORE = Decimal(10) ** 9  # a larger score is a mistake, not a level
MAX_TITLE = 80
_REFUSED = object()  # a depends_on that cannot be converted; the error is recorded


class ForeignFrameworkError(Exception):
    """A file that cannot be converted; ``errors`` holds one line per problem, each naming where."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ConversionOptions:
    """The choices the foreign format leaves to us; every one has a documented default."""

    code: str | None = None  # default: the framework's ref_id as a slug
    version: str | None = None  # default: the library's version
    name: str | None = None  # default: the framework's name
    domain_depth: int = 1  # the depth whose nodes become domains
    stages: tuple[dict, ...] = DEFAULT_STAGES
    thresholds: dict = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    overall_rule: str = "median"
    overall_thresholds: dict = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    unscored_type: str = "yes_no"  # how to ask a requirement with no scores
    mandatory: bool = True

    @classmethod
    def from_mapping(cls, mapping: dict, **overrides) -> ConversionOptions:
        """Options from a mapping file's keys (see docs/framework-format.md), then overrides."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(mapping) - known)
        if unknown:
            allowed = ", ".join(sorted(known))
            raise ForeignFrameworkError(
                [f"mapping: unknown key(s) {', '.join(unknown)} (allowed: {allowed})"]
            )
        values = {**mapping, **{k: v for k, v in overrides.items() if v is not None}}
        problems = []
        depth = values.get("domain_depth", 1)
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
            problems.append("mapping: domain_depth must be a whole number of 1 or more")
        if values.get("unscored_type", "yes_no") not in UNSCORED_TYPES:
            problems.append(f"mapping: unscored_type must be one of {', '.join(UNSCORED_TYPES)}")
        for key in ("thresholds", "overall_thresholds"):
            if not isinstance(values.get(key, {}), dict):
                problems.append(f"mapping: {key} must map stage codes to scores")
        stages = values.get("stages", DEFAULT_STAGES)
        if not isinstance(stages, list | tuple) or not all(isinstance(x, dict) for x in stages):
            problems.append("mapping: stages must be a list of {code, name, descriptor}")
        if problems:
            raise ForeignFrameworkError(problems)
        if "stages" in values:
            values["stages"] = tuple(values["stages"])
        return cls(**values)


@dataclass
class Conversion:
    document: dict
    warnings: list[str]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "imported-framework"


def _domain_code(node: dict, index: int, taken: set[str]) -> str:
    """The node's ref_id in upper-case letters and digits, or D1, D2…; never one taken."""
    raw = re.sub(r"[^A-Z0-9]", "", str(node.get("ref_id") or "").upper())
    code = (raw if raw[:1].isalpha() else f"D{raw}" if raw else f"D{index}")[:16]
    number = index
    while code in taken:
        code, number = f"D{number}", number + 1
    taken.add(code)
    return code


def _text(node: dict, *keys: str) -> str:
    for key in keys:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _number(value: Any) -> Decimal | None:
    """A score from the file as a Decimal; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() and abs(number) <= MAX_FOREIGN_SCORE else None


def _rescaled(score: Decimal, low: Decimal, high: Decimal) -> int:
    """A foreign score on our 0–4 scale, half up (``high`` above ``low``)."""
    scaled = (score - low) * MAX_OPTION_SCORE / (high - low)
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class _Converter:
    def __init__(self, library: Any, options: ConversionOptions) -> None:
        self.library = library
        self.options = options
        self.errors: list[str] = []
        self.warnings: list[str] = []
        # CISO question URN -> (our code, choice URN -> option label, its CISO type)
        self.asked: dict[str, tuple[str, dict[str, str], str]] = {}

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")

    def convert(self) -> dict:
        library = self.library
        if not isinstance(library, dict) or not isinstance(library.get("objects"), dict):
            raise ForeignFrameworkError(["(top level): not a CISO Assistant library (no objects)"])
        framework = library["objects"].get("framework")
        if not isinstance(framework, dict):
            raise ForeignFrameworkError(["objects: the library holds no framework"])
        for other in sorted(str(key) for key in library["objects"] if key != "framework"):
            self.warn(f"objects.{other}", "not a framework: left out")
        urn = framework.get("urn", "objects.framework")
        nodes = framework.get("requirement_nodes")
        if not isinstance(nodes, list) or not nodes:
            raise ForeignFrameworkError([f"{urn}: requirement_nodes is empty or missing"])
        if framework.get("implementation_groups_definition"):
            self.warn(urn, "implementation groups are not carried over: every requirement is asked")
        scores = self._scores(framework, urn)
        by_urn = self._index(nodes)
        domains = self._domains(nodes, by_urn, scores)
        if self.errors:
            raise ForeignFrameworkError(self.errors)
        options = self.options
        return {
            "code": options.code
            or _slug(str(framework.get("ref_id") or framework.get("name") or "")),
            "version": options.version or str(library.get("version", "1")),
            "name": options.name or _text(framework, "name", "ref_id") or "Imported framework",
            "description": _text(framework, "description", "name")
            or "A framework imported from CISO Assistant.",
            "overall": {
                "rule": options.overall_rule,
                "thresholds": dict(options.overall_thresholds),
            },
            "stages": [dict(stage) for stage in options.stages],
            "domains": domains,
        }

    def _scores(self, holder: dict, where: str) -> list[tuple[Decimal, str]] | None:
        """A scores_definition as (score, name) pairs, or None when there is none."""
        definition = holder.get("scores_definition")
        if not definition:
            return None
        if not isinstance(definition, list):
            self.error(f"{where}.scores_definition", "must be a list of scores")
            return None
        pairs = []
        for index, entry in enumerate(definition):
            if not isinstance(entry, dict) or "score" not in entry or not entry.get("name"):
                self.error(f"{where}.scores_definition[{index}]", "needs a score and a name")
                continue
            score = _number(entry["score"])
            if score is None:
                self.error(f"{where}.scores_definition[{index}]", "the score must be a number")
                continue
            pairs.append((score, " ".join(str(entry["name"]).split())))
        if len({name for _, name in pairs}) != len(pairs):
            self.error(f"{where}.scores_definition", "two scores have the same name")
        return pairs or None

    def _index(self, nodes: list) -> dict[str, dict]:
        by_urn: dict[str, dict] = {}
        for index, node in enumerate(nodes):
            if not isinstance(node, dict) or not node.get("urn"):
                self.error(f"requirement_nodes[{index}]", "a node needs a urn")
                continue
            urn = str(node["urn"]).lower()
            if urn in by_urn:
                self.error(urn, "the same urn is used twice")
            by_urn[urn] = node
        for urn, node in by_urn.items():
            parent = node.get("parent_urn")
            if parent is not None and str(parent).lower() not in by_urn:
                self.error(urn, f"parent_urn {parent} is not a node of this framework")
        return by_urn

    def _depth(self, node: dict, by_urn: dict[str, dict]) -> int:
        depth, seen = 1, set()
        while node.get("parent_urn") is not None:
            parent = str(node["parent_urn"]).lower()
            if parent in seen or parent not in by_urn:
                break
            seen.add(parent)
            node = by_urn[parent]
            depth += 1
        return depth

    def _domains(self, nodes: list, by_urn: dict, scores) -> list[dict]:
        level = self.options.domain_depth
        domains: list[dict] = []
        owner: dict[str, dict] = {}  # node urn -> the domain it falls in
        taken: set[str] = set()
        for node in nodes:
            if not isinstance(node, dict) or not node.get("urn"):
                continue
            urn = str(node["urn"]).lower()
            depth = self._depth(node, by_urn)
            stated = node.get("depth", depth)
            if isinstance(stated, bool) or not isinstance(stated, int):
                self.error(urn, f"depth must be a whole number, not {stated!r}")
            elif stated != depth:
                self.error(urn, f"depth {stated} does not match its place ({depth} deep)")
            if depth == level:
                domain = {
                    "code": _domain_code(node, len(domains) + 1, taken),
                    "name": _text(node, "name", "ref_id", "description")[:200] or urn,
                    "description": _text(node, "description", "name", "ref_id") or urn,
                    "thresholds": dict(self.options.thresholds),
                    "questions": [],
                    "_urn": urn,
                }
                domains.append(domain)
                owner[urn] = domain
                if node.get("assessable"):
                    self._questions(node, urn, domain, scores)
            elif depth > level:
                parent = str(node.get("parent_urn", "")).lower()
                domain = owner.get(parent)
                if domain is None:
                    self.error(urn, "falls under no domain")
                    continue
                owner[urn] = domain
                if node.get("assessable"):
                    self._questions(node, urn, domain, scores)
            elif node.get("assessable"):
                self.warn(urn, f"an assessable node above depth {level} is not asked")
        if not domains:
            self.errors.append(f"(framework): no node is at depth {level}, so there is no domain")
        kept = []
        for domain in domains:
            urn = domain.pop("_urn")
            if domain["questions"]:
                kept.append(domain)
            else:
                self.warn(urn, "no assessable requirement under it: left out")
        if domains and not kept:
            self.errors.append("(framework): no domain has an assessable requirement")
        return kept

    def _questions(self, node: dict, urn: str, domain: dict, scores) -> None:
        for key in ("reference_controls", "threats"):
            if node.get(key):
                self.warn(urn, f"{key} are not carried over")
        title = (_text(node, "name", "ref_id", "description") or urn)[:MAX_TITLE]
        guidance = _text(node, "annotation", "typical_evidence", "description") or (
            f"Requirement {node.get('ref_id') or urn}."
        )
        base = {"title": title, "guidance": guidance}
        if not self.options.mandatory:
            base["mandatory"] = False
        questions = node.get("questions")
        if questions is not None and not isinstance(questions, dict):
            self.error(urn, "questions must map each question's URN to the question")
            return
        if questions:
            for question_urn, spec in questions.items():
                where = f"{urn} {question_urn}"
                self._foreign_question(str(question_urn).lower(), where, spec, node, domain, base)
            return
        text = _text(node, "description", "name", "ref_id") or urn
        node_scores = self._scores(node, urn) or scores
        if node_scores:
            options = self._options(urn, [(name, score) for score, name in node_scores])
            if options:
                question = {**base, "text": text, "type": "single_choice", "options": options}
                self._add(domain, question)
        elif self.options.unscored_type == "yes_no":
            options = [{"label": "Yes", "score": 1}, {"label": "No", "score": 0}]
            question = {
                **base,
                "text": f"Is this met? {text}",
                "type": "yes_no",
                "options": options,
            }
            self._add(domain, question)
        else:
            question = {**base, "text": text, "type": "free_text", "mandatory": False}
            self._add(domain, question)

    def _foreign_question(
        self, question_urn: str, where: str, spec: Any, node: dict, domain: dict, base: dict
    ) -> None:
        if not isinstance(spec, dict):
            self.error(where, "a question must be a mapping")
            return
        kind = spec.get("type")
        text = " ".join(str(spec.get("text") or _text(node, "description", "name")).split())
        if not text:
            self.error(where, "the question has no text")
            return
        shown_when = self._shown_when(where, spec.get("depends_on"))
        if shown_when is _REFUSED:
            return
        if shown_when:
            base = {**base, "shown_when": shown_when, "mandatory": False}
        if kind in ("text", "date"):
            if kind == "date":
                self.warn(where, "a date question is asked as free text")
            self._add(domain, {**base, "text": text, "type": "free_text", "mandatory": False})
            return
        if kind not in ("unique_choice", "multiple_choice"):
            self.error(where, f"question type {kind!r} is not supported")
            return
        choices = spec.get("choices")
        if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
            self.error(where, "choices must be a list of mappings")
            return
        labels = [" ".join(str(choice.get("value") or "").split()) for choice in choices]
        if len(labels) < 2 or not all(labels) or len(set(labels)) != len(labels):
            self.error(where, "needs at least two choices, each with its own value")
            return
        raw = [choice.get("add_score") for choice in choices]
        if all(score is None for score in raw):
            self.warn(where, "choices carry no add_score: scored by their order, first lowest")
            raw = list(range(len(choices)))
        if any(score is None for score in raw):
            self.error(where, "some choices have add_score and some do not")
            return
        values = [_number(score) for score in raw]
        if None in values:
            self.error(where, "every add_score must be a number")
            return
        if kind == "multiple_choice":
            if any(value < 0 for value in values):
                self.warn(where, "negative add_score counts as 0: ticking never lowers a score")
            values = [max(value, Decimal(0)) for value in values]
            options = self._options(where, list(zip(labels, values, strict=True)), low=Decimal(0))
        else:
            options = self._options(where, list(zip(labels, values, strict=True)))
        if options:
            question_type = "single_choice" if kind == "unique_choice" else "multiple_choice"
            code = self._add(
                domain, {**base, "text": text, "type": question_type, "options": options}
            )
            by_choice = {
                str(choice.get("urn", "")).lower(): label
                for choice, label in zip(choices, labels, strict=True)
            }
            self.asked[question_urn] = (code, by_choice, kind)

    def _shown_when(self, where: str, depends_on: Any):
        """CISO Assistant's ``depends_on`` as our ``shown_when``: None when the question is
        always asked, _REFUSED (with the error recorded) when it cannot be said."""
        if not depends_on:
            return None
        if not isinstance(depends_on, dict) or not isinstance(depends_on.get("answers"), list):
            self.error(where, "depends_on needs a question and a list of answers")
            return _REFUSED
        target = str(depends_on.get("question", "")).lower()
        if target not in self.asked:
            self.error(where, f"depends_on names {target!r}, not an earlier choice question")
            return _REFUSED
        code, by_choice, kind = self.asked[target]
        labels = [by_choice.get(str(answer).lower()) for answer in depends_on["answers"]]
        if not labels or None in labels:
            self.error(where, f"depends_on names an answer that is not a choice of {target}")
            return _REFUSED
        condition = depends_on.get("condition", "any")
        if condition not in ("any", "all"):
            self.error(where, f"depends_on condition {condition!r} is not any or all")
            return _REFUSED
        if len(labels) == 1:
            return {"all": [{"question": code, "equals": labels[0]}]}
        if condition == "any":
            return {"all": [{"question": code, "one_of": labels}]}
        if kind == "unique_choice":
            self.error(where, "depends_on asks for several answers to a one-answer question")
            return _REFUSED
        return {"all": [{"question": code, "equals": label} for label in labels]}

    def _options(self, where: str, scored: list, low: Decimal | None = None) -> list[dict] | None:
        """(label, score) pairs as options scored 0–4: rescaled from ``low`` (the lowest score,
        unless given) to the highest. Scores that cannot be told apart are refused, and distinct
        scores that land on the same step are noted."""
        values = [score for _, score in scored]
        low = min(values) if low is None else low
        high = max(values)
        if high <= low:
            self.error(where, "every choice scores the same, so no answer is better than another")
            return None
        steps: dict[int, set[Decimal]] = {}
        options = []
        for label, score in scored:
            step = _rescaled(score, low, high)
            steps.setdefault(step, set()).add(score)
            options.append({"label": label, "score": step})
        for step, sources in sorted(steps.items()):
            if len(sources) > 1:
                shown = " and ".join(f"{s.normalize():f}" for s in sorted(sources))
                self.warn(where, f"scores {shown} both become {step} on the 0–4 scale")
        return options

    def _add(self, domain: dict, question: dict) -> str:
        code = f"{domain['code']}-{len(domain['questions']) + 1:02d}"
        domain["questions"].append({"code": code, **question})
        return code


def convert_ciso_assistant(library: Any, options: ConversionOptions) -> Conversion:
    """The library as a framework document in our format, with what was left out or changed."""
    converter = _Converter(library, options)
    document = converter.convert()
    return Conversion(document=document, warnings=converter.warnings)

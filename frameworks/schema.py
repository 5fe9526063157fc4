"""The framework file format: validation into a ``FrameworkDef`` and canonical YAML output.

Validation collects every error before giving up, each with the file and the key path
(``domains[3].questions[2].options[1].score: must be between 0 and 4``), so an author fixes a
file in one pass. The format itself is documented in docs/framework-format.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from frameworks.definition import (
    CHOICE_TYPES,
    CONDITION_COMBINERS,
    CONDITION_OPERATORS,
    DEFAULT_GATE_MINIMUM,
    DEFAULT_WEIGHT,
    MAX_OPTION_SCORE,
    MAX_WEIGHT,
    OVERALL_RULES,
    QUESTION_TYPES,
    TICKED_TYPES,
    UNSCORED_TYPES,
    BandDef,
    BarrierDef,
    ConditionDef,
    DomainDef,
    FrameworkDef,
    GateDef,
    OptionDef,
    PrerequisiteDef,
    QuestionDef,
    ShownWhenDef,
    StageDef,
    TechnologyDef,
)

MAX_TITLE_LENGTH = 80
FRAMEWORK_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
STAGE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
DOMAIN_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,15}$")
QUESTION_CODE = re.compile(r"^[A-Z][A-Z0-9]*-[0-9A-Z]+$")

TOP_KEYS = ("code", "version", "name", "description", "overall", "stages", "domains")
OPTIONAL_TOP_KEYS = ("barriers", "technologies")
BARRIER_KEYS = ("code", "name", "description")
UNSCORED = {"free_text": "free text", "barriers": "a barriers question"}  # as errors name them
TECHNOLOGY_KEYS = ("code", "name", "description", "prerequisites")
PREREQUISITE_KEYS = ("why", "domain", "stage", "question", *CONDITION_OPERATORS)
OVERALL_KEYS = ("rule", "thresholds")
STAGE_KEYS = ("code", "name", "descriptor")
DOMAIN_KEYS = ("code", "name", "description", "weight", "thresholds", "questions")
QUESTION_KEYS = (
    "code",
    "title",
    "text",
    "guidance",
    "type",
    "mandatory",
    "weight",
    "allows_na",
    "gate",
    "unit",
    "options",
    "bands",
    "shown_when",
)
CONDITION_KEYS = ("question", *CONDITION_OPERATORS)
GATE_KEYS = ("stage", "minimum")
OPTION_KEYS = ("label", "score", "stage", "exclusive")
BAND_KEYS = ("label", "min", "max", "score")


class FrameworkFileError(Exception):
    """A framework file that cannot be loaded; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with the same key twice instead of keeping the last."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_framework_file(path: Path) -> FrameworkDef:
    """Parse and validate a framework file; raise ``FrameworkFileError`` listing every problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrameworkFileError([f"{source}: cannot be read: {error}"]) from error
    return read_framework_text(text, source=source)


def read_framework_text(text: str, *, source: str) -> FrameworkDef:
    """Parse and validate a framework document (an uploaded file, say), naming it ``source``."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise FrameworkFileError([f"{source}: not valid YAML: {error}"]) from error
    return validate_framework(data, source=source)


def validate_framework(data: Any, *, source: str) -> FrameworkDef:
    """Check a parsed document against the format; return it as a ``FrameworkDef``."""
    checker = _Checker(source)
    definition = checker.framework(data)
    if checker.errors or definition is None:
        raise FrameworkFileError(checker.errors or [f"{source}: nothing to load"])
    return definition


class _Checker:
    """Walks a parsed document, collecting errors with key paths as it builds the definition."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []
        self.question_paths: dict[str, str] = {}
        self.all_codes: set[str] = set()  # every question code in the file, read before checking
        self.earlier: dict[str, QuestionDef] = {}  # the questions checked so far, by code
        self.barriers: tuple[BarrierDef, ...] = ()  # read before the questions that offer them

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{self.source}: {path}: {message}")

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...]):
        if not isinstance(value, dict):
            self.error(path, "must be a mapping of keys to values")
            return None
        for key in value:
            if key not in allowed:
                self.error(_join(path, key), f"unknown key (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in value or value[key] is None:
                self.error(_join(path, key), "is required")
        return value

    def text(self, mapping: dict, key: str, path: str, pattern: re.Pattern | None = None):
        value = mapping.get(key)
        if value is None:
            return None
        where = _join(path, key)
        if not isinstance(value, str):
            self.error(where, "must be text (put it in quotes)")
            return None
        if not value.strip():
            self.error(where, "must not be empty")
            return None
        if pattern is not None and not pattern.match(value):
            self.error(where, f"{value!r} does not match the pattern {pattern.pattern}")
            return None
        return value

    def whole_number(self, mapping: dict, key: str, path: str, low: int, high: int, default=None):
        if key not in mapping:
            return default
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(_join(path, key), f"must be a whole number between {low} and {high}")
            return None
        if not low <= value <= high:
            self.error(_join(path, key), f"must be between {low} and {high}")
            return None
        return value

    def number(self, value: Any, where: str, places: int = 2) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(where, "must be a number")
            return None
        number = Decimal(str(value))
        if not number.is_finite() or number.as_tuple().exponent < -places:
            self.error(where, f"must be a finite number with at most {places} decimal places")
            return None
        return number

    def flag(self, mapping: dict, key: str, path: str, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            self.error(_join(path, key), "must be true or false")
            return default
        return value

    def sequence(self, mapping: dict, key: str, path: str, minimum: int) -> list:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(_join(path, key), "must be a list")
            return []
        if len(value) < minimum:
            self.error(_join(path, key), f"must have at least {minimum} item(s)")
        return value

    def unique(self, items: list, attribute: Callable[[Any], Any], path: str, what: str) -> None:
        seen: dict[Any, int] = {}
        for index, item in enumerate(items):
            value = attribute(item)
            if value is None:
                continue
            if value in seen:
                self.error(f"{path}[{index}]", f"duplicate {what} {value!r} (see [{seen[value]}])")
            else:
                seen[value] = index

    # --- the document, top down -------------------------------------------------------------

    def framework(self, data: Any) -> FrameworkDef | None:
        top = self.mapping(data, "(top level)", (*TOP_KEYS, *OPTIONAL_TOP_KEYS), TOP_KEYS)
        if top is None:
            return None
        code = self.text(top, "code", "", FRAMEWORK_CODE)
        version = self.text(top, "version", "")
        name = self.text(top, "name", "")
        description = self.text(top, "description", "")
        stages = self.stages(top)
        stage_codes = [stage.code for stage in stages]
        overall = self.mapping(top.get("overall"), "overall", OVERALL_KEYS, OVERALL_KEYS) or {}
        rule = overall.get("rule")
        if rule is not None and rule not in OVERALL_RULES:
            self.error("overall.rule", f"must be one of {', '.join(OVERALL_RULES)}")
        overall_thresholds = self.thresholds(overall.get("thresholds"), "overall", stage_codes)
        self.barriers = self.barrier_list(top)
        self.all_codes = {
            question.get("code")
            for domain in top.get("domains") or []
            if isinstance(domain, dict) and isinstance(domain.get("questions"), list)
            for question in domain["questions"]
            if isinstance(question, dict) and isinstance(question.get("code"), str)
        }
        domains = [
            self.domain(item, f"domains[{index}]", stage_codes)
            for index, item in enumerate(self.sequence(top, "domains", "", 1))
        ]
        raw_domains = top.get("domains") if isinstance(top.get("domains"), list) else []
        self.unique(raw_domains, lambda d: _get(d, "code"), "domains", "domain code")
        self.unique(raw_domains, lambda d: _get(d, "name"), "domains", "domain name")
        domain_codes = [domain.code for domain in domains if domain is not None]
        technologies = [
            self.technology(item, f"technologies[{index}]", stage_codes, domain_codes)
            for index, item in enumerate(self.sequence(top, "technologies", "", 1))
        ]
        raw_technologies = top.get("technologies") or []
        if isinstance(raw_technologies, list):
            self.unique(raw_technologies, lambda t: _get(t, "code"), "technologies", "code")
            self.unique(raw_technologies, lambda t: _get(t, "name"), "technologies", "name")
        if self.errors:
            return None
        return FrameworkDef(
            code=code,
            version=version,
            name=name,
            description=description,
            overall_rule=rule,
            overall_thresholds=overall_thresholds,
            stages=tuple(stages),
            domains=tuple(domains),
            technologies=tuple(technologies),
            barriers=self.barriers,
        )

    def barrier_list(self, top: dict) -> tuple[BarrierDef, ...]:
        return tuple(self.coded_list(top, "barriers", "barrier", BARRIER_KEYS, BarrierDef))

    def coded_list(self, top: dict, key: str, what: str, keys: tuple[str, ...], make) -> list:
        """A top-level list of (code, name, text) items, at least two, codes and names unique;
        ``make`` builds each from the three."""
        raw = self.sequence(top, key, "", 2)
        items = []
        for index, item in enumerate(raw):
            path = f"{key}[{index}]"
            if self.mapping(item, path, keys, keys) is None:
                continue
            code, name, text = (
                self.text(item, keys[0], path, STAGE_CODE),
                self.text(item, keys[1], path),
                self.text(item, keys[2], path),
            )
            if code and name and text:
                items.append(make(code, name, text))
        self.unique(raw, lambda i: _get(i, "code"), key, f"{what} code")
        self.unique(raw, lambda i: _get(i, "name"), key, f"{what} name")
        return items

    def technology(
        self, item: Any, path: str, stage_codes: list[str], domain_codes: list[str]
    ) -> TechnologyDef | None:
        """A technology and its prerequisites; read after every question, so any may be named."""
        if self.mapping(item, path, TECHNOLOGY_KEYS, TECHNOLOGY_KEYS) is None:
            return None
        code = self.text(item, "code", path, FRAMEWORK_CODE)
        name = self.text(item, "name", path)
        description = self.text(item, "description", path)
        prerequisites = [
            self.prerequisite(raw, f"{path}.prerequisites[{index}]", stage_codes, domain_codes)
            for index, raw in enumerate(self.sequence(item, "prerequisites", path, 1))
        ]
        if None in (code, name, description) or None in prerequisites or not prerequisites:
            return None
        return TechnologyDef(
            code=code, name=name, description=description, prerequisites=tuple(prerequisites)
        )

    def prerequisite(
        self, item: Any, path: str, stage_codes: list[str], domain_codes: list[str]
    ) -> PrerequisiteDef | None:
        if self.mapping(item, path, PREREQUISITE_KEYS, ("why",)) is None:
            return None
        why = self.text(item, "why", path)
        tests = [key for key in ("question", *CONDITION_OPERATORS) if key in item]
        if "domain" in item or "stage" in item:
            if tests:
                self.error(path, "names a domain or a question, not both")
                return None
            domain = self.text(item, "domain", path)
            stage = self.text(item, "stage", path)
            if domain is None or stage is None:
                self.error(path, "a domain prerequisite needs both domain and stage")
                return None
            if domain not in domain_codes:
                self.error(_join(path, "domain"), f"{domain!r} is not one of the domains")
                return None
            if stage not in stage_codes:
                self.error(_join(path, "stage"), f"{stage!r} is not one of the stages")
                return None
            if stage == stage_codes[0]:
                self.error(
                    _join(path, "stage"), "every domain reaches the first stage: name a later one"
                )
                return None
            return None if why is None else PrerequisiteDef(why=why, domain=domain, stage=stage)
        if "question" not in item:
            self.error(path, "needs a domain and a stage, or a question and a test")
            return None
        condition = self.condition({key: item[key] for key in tests}, path, None)
        if why is None or condition is None:
            return None
        return PrerequisiteDef(why=why, condition=condition)

    def stages(self, top: dict) -> list[StageDef]:
        return self.coded_list(top, "stages", "stage", STAGE_KEYS, StageDef)

    def thresholds(
        self, value: Any, path: str, stage_codes: list[str]
    ) -> tuple[tuple[str, Decimal], ...]:
        where = _join(path, "thresholds")
        expected = stage_codes[1:]
        mapping = self.mapping(value, where, tuple(expected), tuple(expected))
        if mapping is None:
            return ()
        result: list[tuple[str, Decimal]] = []
        for stage in expected:
            if mapping.get(stage) is None:
                continue
            score = self.number(mapping[stage], _join(where, stage))
            if score is None:
                continue
            if not 0 <= score <= 100:
                self.error(_join(where, stage), "must be between 0 and 100")
                continue
            if result and score <= result[-1][1]:
                below, below_score = result[-1]
                self.error(
                    _join(where, stage),
                    f"must be greater than the {below} threshold ({score} is not above "
                    f"{below_score}): thresholds must increase stage by stage",
                )
            result.append((stage, score))
        return tuple(result)

    def domain(self, item: Any, path: str, stage_codes: list[str]) -> DomainDef | None:
        if (
            self.mapping(
                item, path, DOMAIN_KEYS, ("code", "name", "description", "thresholds", "questions")
            )
            is None
        ):
            return None
        code = self.text(item, "code", path, DOMAIN_CODE)
        name = self.text(item, "name", path)
        description = self.text(item, "description", path)
        weight = self.whole_number(item, "weight", path, 1, MAX_WEIGHT, DEFAULT_WEIGHT)
        thresholds = self.thresholds(item.get("thresholds"), path, stage_codes)
        questions = [
            self.question(raw, f"{path}.questions[{index}]", stage_codes)
            for index, raw in enumerate(self.sequence(item, "questions", path, 1))
        ]
        if None in (code, name, description, weight) or None in questions:
            return None
        return DomainDef(
            code=code,
            name=name,
            description=description,
            weight=weight,
            thresholds=thresholds,
            questions=tuple(questions),
        )

    def question(self, item: Any, path: str, stage_codes: list[str]) -> QuestionDef | None:
        required = ("code", "title", "text", "guidance", "type")
        if self.mapping(item, path, QUESTION_KEYS, required) is None:
            return None
        code = self.text(item, "code", path, QUESTION_CODE)
        if code is not None:
            if code in self.question_paths:
                self.error(
                    _join(path, "code"),
                    f"duplicate question code {code!r} (first used at {self.question_paths[code]})",
                )
            else:
                self.question_paths[code] = path
        title = self.text(item, "title", path)
        if title is not None and len(title) > MAX_TITLE_LENGTH:
            self.error(_join(path, "title"), f"must be at most {MAX_TITLE_LENGTH} characters")
        text = self.text(item, "text", path)
        guidance = self.text(item, "guidance", path)
        kind = item.get("type")
        if kind is not None and kind not in QUESTION_TYPES:
            self.error(_join(path, "type"), f"must be one of {', '.join(QUESTION_TYPES)}")
            kind = None
        scored = kind not in UNSCORED_TYPES
        if not scored and "weight" in item:
            self.error(_join(path, "weight"), f"{UNSCORED[kind]} is never scored: leave weight out")
        weight = self.whole_number(item, "weight", path, 1, MAX_WEIGHT, DEFAULT_WEIGHT)
        mandatory = self.flag(item, "mandatory", path, True)
        allows_na = self.flag(item, "allows_na", path, False)
        unit = ""
        if "unit" in item:
            if kind != "number":
                self.error(_join(path, "unit"), "only number questions have a unit")
            unit = self.text(item, "unit", path) or ""
        gate = self.gate(item, path, stage_codes, UNSCORED.get(kind))
        options = self.options(item, path, kind, stage_codes)
        if kind == "barriers":
            options = self.barrier_options(path)
        bands = self.bands(item, path, kind)
        shown_when = self.shown_when(item, path, code)
        if None in (code, title, text, guidance, kind, weight):
            return None
        question = QuestionDef(
            code=code,
            title=title,
            text=text,
            guidance=guidance,
            type=kind,
            mandatory=mandatory,
            weight=weight if scored else 0,
            allows_na=allows_na,
            gate=gate,
            unit=unit,
            options=options,
            bands=bands,
            shown_when=shown_when,
        )
        self.earlier[code] = question
        return question

    def shown_when(self, item: dict, path: str, code: str | None) -> ShownWhenDef | None:
        """When the question is asked, from the answers to earlier questions only.

        Looking back only means no condition can depend on itself, however indirectly.
        """
        if item.get("shown_when") is None:
            return None
        where = _join(path, "shown_when")
        block = self.mapping(item["shown_when"], where, CONDITION_COMBINERS, ())
        if block is None:
            return None
        if len(block) != 1:
            self.error(where, f"must have exactly one of: {', '.join(CONDITION_COMBINERS)}")
            return None
        [combine] = block
        raw = self.sequence(block, combine, where, 1)
        conditions = [
            self.condition(condition, f"{_join(where, combine)}[{index}]", code)
            for index, condition in enumerate(raw)
        ]
        if not raw or None in conditions:
            return None
        return ShownWhenDef(combine=combine, conditions=tuple(conditions))

    def condition(self, item: Any, path: str, code: str | None) -> ConditionDef | None:
        if self.mapping(item, path, CONDITION_KEYS, ("question",)) is None:
            return None
        operators = [key for key in CONDITION_OPERATORS if key in item]
        if len(operators) != 1:
            self.error(path, f"must have exactly one of: {', '.join(CONDITION_OPERATORS)}")
            return None
        [operator] = operators
        target_code = self.text(item, "question", path)
        if target_code is None:
            return None
        target = self.earlier.get(target_code)
        if target is None:
            if target_code == code or target_code in self.all_codes:
                self.error(
                    _join(path, "question"),
                    f"{target_code!r} is not an earlier question: a condition may only look "
                    "back, so that no question depends on itself",
                )
            else:
                self.error(_join(path, "question"), f"{target_code!r} is not a question here")
            return None
        where = _join(path, operator)
        value = item[operator]
        labels = [option.label for option in target.options]
        if target.type == "free_text":
            self.error(_join(path, "question"), "a free-text answer cannot be tested")
            return None
        if operator == "equals" or operator == "one_of":
            if target.type not in (*CHOICE_TYPES, *TICKED_TYPES):
                self.error(where, f"{target.type} answers are tested with at_least, not {operator}")
                return None
            wanted = value if operator == "one_of" else [value]
            if operator == "one_of" and (not isinstance(value, list) or not value):
                self.error(where, "must be a list of one or more option labels")
                return None
            unknown = [label for label in wanted if label not in labels]
            if unknown and target.type == "barriers":
                self.error(
                    where,
                    f"{unknown[0]!r} is not one of the framework's barriers "
                    f"(barriers: {', '.join(labels)})",
                )
                return None
            if unknown:
                self.error(
                    where,
                    f"{unknown[0]!r} is not an option of {target_code} "
                    f"(options: {', '.join(labels)})",
                )
                return None
            return ConditionDef(
                target_code, operator, tuple(wanted) if operator == "one_of" else value
            )
        if target.type in ("number", "percentage"):
            number = self.number(value, where)
            if number is None:
                return None
            if target.type == "percentage" and not 0 <= number <= 100:
                self.error(where, "a percentage is between 0 and 100")
                return None
            return ConditionDef(target_code, operator, number)
        if target.type in TICKED_TYPES:
            kind = target.type.replace("_", "-")
            self.error(where, f"a {kind} answer is tested with equals or one_of")
            return None
        if value not in labels:
            self.error(
                where,
                f"{value!r} is not an option of {target_code} (options: {', '.join(labels)})",
            )
            return None
        return ConditionDef(target_code, operator, value)

    def barrier_options(self, path: str) -> tuple[OptionDef, ...]:
        """A barriers question offers every barrier the framework lists, as unscored options."""
        if not self.barriers:
            self.error(
                _join(path, "type"),
                "a barriers question offers the framework's barriers: list them under the "
                "top-level barriers key",
            )
        return tuple(OptionDef(label=barrier.name, score=0) for barrier in self.barriers)

    def gate(
        self, item: dict, path: str, stage_codes: list[str], unscored: str | None
    ) -> GateDef | None:
        """``unscored``: how to name the question when its type is never scored."""
        if item.get("gate") is None:
            return None
        where = _join(path, "gate")
        if unscored is not None:
            self.error(where, f"{unscored} is never scored, so it cannot be a gate")
            return None
        gate = self.mapping(item["gate"], where, GATE_KEYS, ("stage",))
        if gate is None:
            return None
        stage = gate.get("stage")
        if stage is not None and stage not in stage_codes:
            self.error(_join(where, "stage"), f"{stage!r} is not one of the framework's stages")
            return None
        if stage_codes and stage == stage_codes[0]:
            self.error(_join(where, "stage"), "the first stage is always reached: gate a later one")
            return None
        minimum = DEFAULT_GATE_MINIMUM
        if "minimum" in gate:
            minimum = self.number(gate["minimum"], _join(where, "minimum"), places=3)
            if minimum is not None and not 0 < minimum <= 1:
                self.error(_join(where, "minimum"), "must be above 0 and at most 1")
                minimum = None
        if stage is None or minimum is None:
            return None
        return GateDef(stage=stage, minimum=minimum)

    def options(
        self, item: dict, path: str, kind: str | None, stage_codes: list[str]
    ) -> tuple[OptionDef, ...]:
        where = _join(path, "options")
        if kind not in CHOICE_TYPES:
            if "options" in item and kind is not None:
                self.error(where, f"{kind} questions have no options")
            return ()
        if "options" not in item:
            self.error(where, f"is required for {kind} questions")
            return ()
        raw = self.sequence(item, "options", path, 2)
        options = []
        for index, option in enumerate(raw):
            option_path = f"{where}[{index}]"
            if self.mapping(option, option_path, OPTION_KEYS, ("label", "score")) is None:
                continue
            label = self.text(option, "label", option_path)
            score = self.whole_number(option, "score", option_path, 0, MAX_OPTION_SCORE)
            stage = option.get("stage")
            if stage is not None and stage not in stage_codes:
                self.error(_join(option_path, "stage"), f"{stage!r} is not one of the stages")
                stage = None
            exclusive = self.flag(option, "exclusive", option_path, False)
            if exclusive and kind != "multiple_choice":
                self.error(_join(option_path, "exclusive"), "only multiple-choice options can be")
            if exclusive and score:
                self.error(_join(option_path, "exclusive"), "an exclusive option scores 0")
            if label is not None and score is not None:
                options.append(
                    OptionDef(label=label, score=score, stage=stage, exclusive=exclusive)
                )
        self.unique(raw, lambda o: _get(o, "label"), where, "option label")
        if len(options) == len(raw):
            self.check_options_for_type(options, where, kind, stage_codes)
        return tuple(options)

    def check_options_for_type(
        self, options: list[OptionDef], where: str, kind: str, stage_codes: list[str]
    ) -> None:
        if kind == "scale":
            if [option.stage for option in options] != stage_codes:
                self.error(
                    where,
                    f"a scale has one option per stage, in order: {', '.join(stage_codes)}",
                )
            scores = [option.score for option in options]
            if any(later <= earlier for earlier, later in itertools.pairwise(scores)):
                self.error(where, "scale scores must increase from one stage to the next")
        elif kind == "yes_no" and sorted(option.label for option in options) != ["No", "Yes"]:
            self.error(where, "a yes_no question has exactly two options: Yes and No")
        if all(option.score == 0 for option in options):
            self.error(where, "at least one option must score above 0")

    def bands(self, item: dict, path: str, kind: str | None) -> tuple[BandDef, ...]:
        where = _join(path, "bands")
        if kind != "number":
            if "bands" in item and kind is not None:
                self.error(where, f"only number questions have bands, not {kind}")
            return ()
        if "bands" not in item:
            self.error(where, "is required for number questions")
            return ()
        raw = self.sequence(item, "bands", path, 1)
        bands: list[BandDef] = []
        for index, band in enumerate(raw):
            band_path = f"{where}[{index}]"
            last = index == len(raw) - 1
            required = ("label", "min", "score") if last else ("label", "min", "max", "score")
            if self.mapping(band, band_path, BAND_KEYS, required) is None:
                continue
            label = self.text(band, "label", band_path)
            score = self.whole_number(band, "score", band_path, 0, MAX_OPTION_SCORE)
            low = None if band.get("min") is None else self.number(band["min"], f"{band_path}.min")
            high = None if band.get("max") is None else self.number(band["max"], f"{band_path}.max")
            if low is not None and high is not None and high <= low:
                self.error(f"{band_path}.max", "must be greater than min")
            if low is not None and bands and bands[-1].max is not None and low != bands[-1].max:
                self.error(
                    f"{band_path}.min",
                    f"must equal the previous band's max ({bands[-1].max}): bands are contiguous",
                )
            if None not in (label, score, low):
                bands.append(BandDef(label=label, min=low, max=high, score=score))
        if bands and all(band.score == 0 for band in bands):
            self.error(where, "at least one band must score above 0")
        return tuple(bands)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


# --- canonical output ----------------------------------------------------------------------


class _CanonicalDumper(yaml.SafeDumper):
    """Indents lists under their key and writes multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    number = value.normalize()
    if number == number.to_integral_value():
        return dumper.represent_int(int(number))
    return dumper.represent_float(float(number))


_CanonicalDumper.add_representer(str, _represent_text)
_CanonicalDumper.add_representer(Decimal, _represent_decimal)


def dump_framework(definition: FrameworkDef) -> str:
    """The canonical YAML text of a framework: same definition, same bytes."""
    document = {
        "code": definition.code,
        "version": definition.version,
        "name": definition.name,
        "description": definition.description,
        "overall": {
            "rule": definition.overall_rule,
            "thresholds": dict(definition.overall_thresholds),
        },
        "stages": [
            {"code": stage.code, "name": stage.name, "descriptor": stage.descriptor}
            for stage in definition.stages
        ],
    }
    if definition.barriers:
        document["barriers"] = [barrier.as_json() for barrier in definition.barriers]
    document["domains"] = [_domain_document(domain) for domain in definition.domains]
    if definition.technologies:
        document["technologies"] = [
            {
                "code": technology.code,
                "name": technology.name,
                "description": technology.description,
                "prerequisites": [
                    _prerequisite_document(prerequisite)
                    for prerequisite in technology.prerequisites
                ],
            }
            for technology in definition.technologies
        ]
    return yaml.dump(
        document,
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _domain_document(domain: DomainDef) -> dict:
    document: dict[str, Any] = {
        "code": domain.code,
        "name": domain.name,
        "description": domain.description,
    }
    if domain.weight != DEFAULT_WEIGHT:
        document["weight"] = domain.weight
    document["thresholds"] = dict(domain.thresholds)
    document["questions"] = [_question_document(question) for question in domain.questions]
    return document


def _question_document(question: QuestionDef) -> dict:
    document: dict[str, Any] = {
        "code": question.code,
        "title": question.title,
        "text": question.text,
        "guidance": question.guidance,
        "type": question.type,
    }
    if not question.mandatory:
        document["mandatory"] = False
    if question.is_scored and question.weight != DEFAULT_WEIGHT:
        document["weight"] = question.weight
    if question.allows_na:
        document["allows_na"] = True
    if question.gate is not None:
        gate: dict[str, Any] = {"stage": question.gate.stage}
        if question.gate.minimum != DEFAULT_GATE_MINIMUM:
            gate["minimum"] = question.gate.minimum
        document["gate"] = gate
    if question.unit:
        document["unit"] = question.unit
    if question.options and question.type != "barriers":  # the framework's barriers
        document["options"] = [_option_document(option) for option in question.options]
    if question.bands:
        document["bands"] = [_band_document(band) for band in question.bands]
    if question.shown_when is not None:
        document["shown_when"] = {
            question.shown_when.combine: [
                _condition_document(condition) for condition in question.shown_when.conditions
            ]
        }
    return document


def _condition_document(condition: ConditionDef) -> dict:
    value = condition.value
    return {
        "question": condition.question,
        condition.operator: list(value) if isinstance(value, tuple) else value,
    }


def _prerequisite_document(prerequisite: PrerequisiteDef) -> dict:
    if prerequisite.condition is not None:
        return {**_condition_document(prerequisite.condition), "why": prerequisite.why}
    return {"domain": prerequisite.domain, "stage": prerequisite.stage, "why": prerequisite.why}


def _option_document(option: OptionDef) -> dict:
    document: dict[str, Any] = {"label": option.label, "score": option.score}
    if option.stage is not None:
        document["stage"] = option.stage
    if option.exclusive:
        document["exclusive"] = True
    return document


def _band_document(band: BandDef) -> dict:
    document: dict[str, Any] = {"label": band.label, "min": band.min}
    if band.max is not None:
        document["max"] = band.max
    document["score"] = band.score
    return document

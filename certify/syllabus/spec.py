"""The syllabus file format (docs/formats.md §1): parsing, validation and dumping, without a database.

:func:`parse_syllabus` turns the YAML mapping into :class:`SyllabusSpec` and reports every problem
at once, each naming its level and unit; :func:`check_weights` is the one rule for weight tables,
used by the importer and by the administrators' weight form alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, Overflow, localcontext
from typing import Any

import yaml
from flask_babel import gettext as _

from certify.errors import ProblemsError
from certify.syllabus.models import CHILD_KINDS, Component, UnitKind
from certify.yamlinput import safe_load

_CODE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
SOURCES = ("firm", "reported", "written")
WEIGHT_TOLERANCE = Decimal("0.000001")


class SyllabusError(ProblemsError):
    """A syllabus file or edit is invalid; ``problems`` lists every problem found."""

    separator = "\n"


@dataclass
class UnitSpec:
    code: str
    kind: str
    title_en: str
    title_zh: str
    description_en: str = ""
    description_zh: str = ""
    source: str = "written"
    children: list[UnitSpec] = field(default_factory=list)

    def walk(self, parent: UnitSpec | None = None):  # type: ignore[no-untyped-def]
        yield self, parent
        for child in self.children:
            yield from child.walk(self)


@dataclass
class LevelSpec:
    number: int
    name_en: str
    name_zh: str
    training_hours: int | None
    required_components: list[str]
    certificate_validity_years: int
    units: list[UnitSpec]
    weights: dict[str, dict[str, Decimal]]

    def walk(self):  # type: ignore[no-untyped-def]
        for unit in self.units:
            yield from unit.walk()


@dataclass
class SyllabusSpec:
    code: str
    name_en: str
    name_zh: str
    standard: str
    notes: str
    levels: list[LevelSpec]


def check_weights(
    level_number: int,
    component: str,
    weights: Mapping[str, Decimal],
    parents: Mapping[str, str | None],
) -> list[str]:
    """Return the problems of one weight table (empty when it is valid).

    :param weights: unit code → percentage.
    :param parents: every unit code of the level → its parent's code (``None`` at the top).
    """
    where = _("Level %(level)s, %(component)s weights", level=level_number, component=component)
    problems = []
    for code, percent in weights.items():
        if code not in parents:
            problems.append(_("%(where)s: unit %(code)s does not exist in level %(level)s.",
                              where=where, code=code, level=level_number))
            continue
        if not (Decimal(0) < percent <= Decimal(100)):
            problems.append(_("%(where)s: unit %(code)s has %(percent)s %%; a weight must be more "
                              "than 0 and at most 100.", where=where, code=code, percent=percent))
        ancestor = parents[code]
        while ancestor is not None:
            if ancestor in weights:
                problems.append(_("%(where)s: unit %(code)s is weighted together with its parent "
                                  "unit %(parent)s, which counts it twice.",
                                  where=where, code=code, parent=ancestor))
            ancestor = parents.get(ancestor)
    with localcontext() as context:
        context.traps[Overflow] = False  # a weight of 1e999999 sums to Infinity, not a crash
        total = sum(weights.values(), Decimal(0))
    if weights and abs(total - 100) > WEIGHT_TOLERANCE:
        problems.append(_("%(where)s: the percentages sum to %(total)s, not 100.",
                          where=where, total=_plain(total)))
    return problems


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _text(data: Mapping[str, Any], key: str, where: str, problems: list[str],
          required: bool = True, limit: int | None = None) -> str:
    """A text field; ``limit``: the most characters its database column holds."""
    value = data.get(key)
    if value is None:
        if required:
            problems.append(_("%(where)s: %(key)s is missing.", where=where, key=key))
        return ""
    if not isinstance(value, str | int | float) or "\x00" in str(value):
        problems.append(_("%(where)s: %(key)s must be text.", where=where, key=key))
        return ""
    text = str(value).strip()
    if limit is not None and len(text) > limit:
        problems.append(_("%(where)s: %(key)s may be at most %(max)s characters long.",
                          where=where, key=key, max=limit))
        return text[:limit]
    return text


def _parse_unit(data: Any, parent_code: str | None, parent_kind: str | None, level: int,
                seen: set[str], problems: list[str]) -> UnitSpec | None:
    where = _("Level %(level)s, unit %(code)s", level=level,
              code=data.get("code", "?") if isinstance(data, Mapping) else "?")
    if not isinstance(data, Mapping):
        problems.append(_("Level %(level)s: a unit must be a mapping with code, kind and titles.",
                          level=level))
        return None
    code = _text(data, "code", where, problems, limit=20)
    if code and not _CODE.match(code):
        problems.append(_("%(where)s: a code is made of letters and digits separated by dots.",
                          where=where))
    if code in seen:
        problems.append(_("%(where)s: the code is used twice in this level.", where=where))
    seen.add(code)
    if parent_code is not None and code and not code.startswith(parent_code + "."):
        problems.append(_("%(where)s: the code must start with its parent's code %(parent)s "
                          "followed by a dot.", where=where, parent=parent_code))
    kind = _text(data, "kind", where, problems)
    kinds = {k.value for k in UnitKind}
    # Under a parent of an unknown kind (reported with the parent), any kind may stand.
    allowed = set(UnitKind) if parent_kind and parent_kind not in kinds \
        else CHILD_KINDS[UnitKind(parent_kind) if parent_kind else None]
    if kind and kind not in kinds:
        problems.append(_("%(where)s: kind %(kind)s is unknown; use function, work_content, "
                          "skill or knowledge.", where=where, kind=kind))
    elif kind and UnitKind(kind) not in allowed:
        problems.append(_("%(where)s: a %(kind)s cannot be placed here (allowed: %(allowed)s).",
                          where=where, kind=kind,
                          allowed=", ".join(sorted(k.value for k in allowed)) or "-"))
    source = _text(data, "source", where, problems, required=False) or "written"
    if source not in SOURCES:
        problems.append(_("%(where)s: source must be firm, reported or written.", where=where))
    unknown = set(data) - {"code", "kind", "title_en", "title_zh", "description_en",
                           "description_zh", "source", "children"}
    if unknown:
        problems.append(_("%(where)s: unknown field(s) %(fields)s.", where=where,
                          fields=", ".join(sorted(map(str, unknown)))))
    children_data = data.get("children") or []
    if not isinstance(children_data, list):
        problems.append(_("%(where)s: children must be a list.", where=where))
        children_data = []
    unit = UnitSpec(
        code=code, kind=kind,
        title_en=_text(data, "title_en", where, problems, limit=300),
        title_zh=_text(data, "title_zh", where, problems, limit=300),
        description_en=_text(data, "description_en", where, problems, required=False),
        description_zh=_text(data, "description_zh", where, problems, required=False),
        source=source,
    )
    for child in children_data:
        parsed = _parse_unit(child, code, kind or None, level, seen, problems)
        if parsed is not None:
            unit.children.append(parsed)
    return unit


def _parse_weights(data: Any, level: int, problems: list[str]) -> dict[str, dict[str, Decimal]]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.append(_("Level %(level)s: weights must map a component to a table.",
                          level=level))
        return {}
    out: dict[str, dict[str, Decimal]] = {}
    for component, table in data.items():
        if component not in {c.value for c in Component}:
            problems.append(_("Level %(level)s: weights for unknown component %(component)s.",
                              level=level, component=component))
            continue
        if not isinstance(table, Mapping):
            problems.append(_("Level %(level)s, %(component)s weights: expected unit code: "
                              "percentage pairs.", level=level, component=component))
            continue
        rows: dict[str, Decimal] = {}
        for code, value in table.items():
            try:
                number = Decimal(str(value))
                if isinstance(value, bool) or not number.is_finite():
                    raise InvalidOperation
                rows[str(code)] = number
            except InvalidOperation:
                problems.append(_("Level %(level)s, %(component)s weights, unit %(code)s: "
                                  "%(value)s is not a number.", level=level,
                                  component=component, code=code, value=value))
        out[component] = rows
    return out


def parse_syllabus(data: Any) -> SyllabusSpec:
    """Validate a loaded syllabus file and return it as a :class:`SyllabusSpec`.

    :raise SyllabusError: with every problem found, each naming its level and unit.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping) or not isinstance(data.get("occupation"), Mapping):
        raise SyllabusError([_("The file must have an 'occupation' section and a 'levels' list.")])
    occ = data["occupation"]
    where = _("Occupation")
    spec = SyllabusSpec(
        code=_text(occ, "code", where, problems, limit=20),
        name_en=_text(occ, "name_en", where, problems, limit=200),
        name_zh=_text(occ, "name_zh", where, problems, limit=200),
        standard=_text(occ, "standard", where, problems, required=False),
        notes=_text(occ, "notes", where, problems, required=False), levels=[],
    )
    levels = data.get("levels")
    if not isinstance(levels, list) or not levels:
        problems.append(_("The file must list at least one level under 'levels'."))
        levels = []
    numbers: set[int] = set()
    for raw in levels:
        if not isinstance(raw, Mapping):
            problems.append(_("Each level must be a mapping."))
            continue
        number = raw.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 5:
            problems.append(_("A level's number must be 1 to 5 (found %(value)s).", value=number))
            continue
        if number in numbers:
            problems.append(_("Level %(level)s is listed twice.", level=number))
        numbers.add(number)
        where = _("Level %(level)s", level=number)
        components = raw.get("required_components") or ["theory", "skills"]
        if not isinstance(components, list) or not all(
                isinstance(c, str) and c in {k.value for k in Component} for c in components):
            problems.append(_("%(where)s: required_components must list theory, skills and/or "
                              "review.", where=where))
            components = []
        hours = raw.get("training_hours")
        validity = raw.get("certificate_validity_years", 2)
        if not isinstance(validity, int) or isinstance(validity, bool) or not 1 <= validity <= 10:
            problems.append(_("%(where)s: certificate_validity_years must be 1 to 10.",
                              where=where))
            validity = 2
        seen: set[str] = set()
        units = []
        units_data = raw.get("units") or []
        for unit_data in units_data if isinstance(units_data, list) else [units_data]:
            unit = _parse_unit(unit_data, None, None, number, seen, problems)
            if unit is not None:
                units.append(unit)
        level = LevelSpec(
            number=number, name_en=_text(raw, "name_en", where, problems, limit=100),
            name_zh=_text(raw, "name_zh", where, problems, limit=100),
            training_hours=hours if isinstance(hours, int) and 0 <= hours <= 100_000 else None,
            required_components=list(components), certificate_validity_years=validity,
            units=units, weights=_parse_weights(raw.get("weights"), number, problems),
        )
        parents = {u.code: (p.code if p else None) for u, p in level.walk()}
        for component, table in level.weights.items():
            problems.extend(check_weights(number, component, table, parents))
        spec.levels.append(level)
    if problems:
        raise SyllabusError(problems)
    return spec


def load_yaml(text: str | bytes) -> SyllabusSpec:
    """Parse YAML text and validate it (see :func:`parse_syllabus`)."""
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (line %(line)s)", line=mark.line + 1) if mark else ""
        raise SyllabusError([_("The file is not valid YAML%(where)s: %(problem)s", where=where,
                               problem=getattr(exc, "problem", str(exc)))]) from exc
    return parse_syllabus(data)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _unit_dict(unit: UnitSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"code": unit.code, "kind": unit.kind, "title_en": unit.title_en,
                           "title_zh": unit.title_zh}
    if unit.description_en:
        out["description_en"] = unit.description_en
    if unit.description_zh:
        out["description_zh"] = unit.description_zh
    out["source"] = unit.source
    if unit.children:
        out["children"] = [_unit_dict(c) for c in unit.children]
    return out


def spec_to_dict(spec: SyllabusSpec) -> dict[str, Any]:
    """Return the file mapping for ``spec`` (the inverse of :func:`parse_syllabus`)."""
    occupation: dict[str, Any] = {"code": spec.code, "name_en": spec.name_en,
                                  "name_zh": spec.name_zh}
    if spec.standard:
        occupation["standard"] = spec.standard
    if spec.notes:
        occupation["notes"] = spec.notes
    levels = []
    for level in spec.levels:
        entry: dict[str, Any] = {
            "number": level.number, "name_en": level.name_en, "name_zh": level.name_zh,
        }
        if level.training_hours is not None:
            entry["training_hours"] = level.training_hours
        entry["required_components"] = list(level.required_components)
        entry["certificate_validity_years"] = level.certificate_validity_years
        entry["units"] = [_unit_dict(u) for u in level.units]
        if level.weights:
            entry["weights"] = {
                comp: {code: _number(p) for code, p in table.items()}
                for comp, table in level.weights.items()
            }
        levels.append(entry)
    return {"occupation": occupation, "levels": levels}


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(spec: SyllabusSpec) -> str:
    """Return ``spec`` as YAML text in the file format."""
    return yaml.dump(spec_to_dict(spec), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=100)

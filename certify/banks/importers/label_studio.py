"""Label Studio JSON exports (a list of tasks with ``annotations``) → a practical item with gold.

What a result type becomes (docs/formats.md §4):

- ``choices`` → classification (multilabel when the config says ``choice="multiple"``, when a task
  has several choices, or when the import asks for it); a classification needs two labels or more;
- ``labels`` over text → NER; ``rectanglelabels`` → bounding boxes (percent → pixels);
- ``textarea`` → transcription of the task's image or audio; ``rating`` → rating on the config's
  ``maxRating`` scale; ``ranker`` (one ranked list, no buckets) → ranking of the list's items;
- ``taxonomy`` → classification (one path per task) or multilabel, a path written ``A / B``.

**Which field, which labels.** With the project's labeling config (the XML of Settings → Labeling
Interface, given on the import form or with ``--config``) the annotated data field is the one the
control's ``toName`` object reads (``<Text name="my_text" value="$reviewText"/>``) and the label set
is the control's ``<Choice>``/``<Label>`` values. Without it the field is the one named with
``--text-field``, else ``text``, else the only text field of the tasks; if there are several the
import asks for one of the two. The labels are then those the annotations use (or ``--labels``).

**Gold.** A task's gold is its annotation marked ``ground_truth``, else its first annotation that
was not cancelled. A task without one (every annotation cancelled, or none) is skipped and listed.

**Offsets.** Older Label Studio counts text offsets in UTF-16 code units (JavaScript strings),
current versions in code points. Each span is read in the convention under which the text at its
offsets equals the annotation's ``value.text``; without ``value.text`` code points are assumed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _

from certify.banks.importers.common import ImportOptions, Media, Parsed, Skipped
from certify.banks.importers.foreign import finish, load_media
from certify.banks.spec import BankError, Problem

KINDS = {"choices": "classification", "labels": "ner", "rectanglelabels": "bbox",
         "textarea": "transcription", "rating": "rating", "ranker": "ranking",
         "taxonomy": "classification"}
#: Object tags of a labeling config and the record field their data becomes.
OBJECTS = {"text": "text", "hypertext": "text", "paragraphs": "text", "image": "image",
           "audio": "audio", "audioplus": "audio", "list": "candidates"}


def load_json(data: bytes, filename: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BankError([Problem(_("%(name)s is not UTF-8 text", name=filename))]) from exc
    except json.JSONDecodeError as exc:
        raise BankError([Problem(_("%(name)s is not valid JSON: %(error)s at line %(line)s, column "
                                   "%(column)s", name=filename, error=exc.msg, line=exc.lineno,
                                   column=exc.colno))]) from exc


def utf16_to_codepoints(text: str, offset: int) -> int | None:
    """The code-point index of a UTF-16 offset into ``text`` (None when it splits a character)."""
    if not isinstance(offset, int) or isinstance(offset, bool):
        return None
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text) if units == offset else None


def _codepoint(text: str, offset: Any) -> int | None:
    ok = isinstance(offset, int) and not isinstance(offset, bool) and 0 <= offset <= len(text)
    return offset if ok else None


# -- the labeling config ----------------------------------------------------------------------------

@dataclass
class Control:
    """A control tag of the config (``<Choices>``, ``<Labels>`` …) and what it offers."""

    kind: str
    name: str
    to_name: str
    values: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class LabelConfig:
    """The parts of a labeling config the importer uses."""

    objects: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (tag, data field)
    controls: list[Control] = field(default_factory=list)

    def control(self, kind: str) -> Control | None:
        return next((c for c in self.controls if c.kind == kind), None)

    def field_of(self, control: Control) -> tuple[str, str] | None:
        """(object tag, data field) the control annotates."""
        return self.objects.get(control.to_name.split(",")[0].strip())


def _taxonomy_paths(node: Element, prefix: tuple[str, ...] = ()) -> list[str]:
    paths = []
    for child in node:
        if child.tag.lower() == "choice" and child.get("value"):
            path = (*prefix, child.get("value", ""))
            paths.append(" / ".join(path))
            paths += _taxonomy_paths(child, path)
    return paths


def parse_config(data: bytes, source: str = "labeling config") -> LabelConfig:
    """Read a labeling config (XML) with defusedxml: no DTDs, no entities.

    :raise BankError: when it is not XML or names no control tag.
    """
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise BankError([Problem(_("%(name)s is not a readable labeling config (Label Studio's "
                                   "XML): it declares a DOCTYPE or entities, which a labeling "
                                   "config never has", name=source),
                                 field="label_config")]) from exc
    except ParseError as exc:
        raise BankError([Problem(_("%(name)s is not a readable labeling config (Label Studio's "
                                   "XML): %(error)s", name=source, error=str(exc)[:200]),
                                 field="label_config")]) from exc
    config = LabelConfig()
    for node in root.iter():
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        value = node.get("value") or ""
        if tag in OBJECTS and node.get("name") and value.startswith("$"):
            config.objects[node.get("name", "")] = (tag, value[1:])
        elif tag in KINDS and node.get("name"):
            if tag == "taxonomy":
                values = _taxonomy_paths(node)
            else:
                values = [c.get("value", "") for c in node.iter()
                          if c is not node and c.tag.lower() in ("choice", "label")
                          and c.get("value")]
            config.controls.append(Control(tag, node.get("name", ""), node.get("toName", ""),
                                           values, dict(node.attrib)))
    if not config.controls:
        raise BankError([Problem(_("%(name)s has no control tag Label Studio annotates with "
                                   "(Choices, Labels, RectangleLabels, TextArea, Rating, Ranker, "
                                   "Taxonomy)", name=source), field="label_config")])
    return config


# -- reading an export ------------------------------------------------------------------------------

def _objects(value: Any) -> list[dict]:
    """The JSON objects of what should be a list of them (a file may hold anything there)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _value(result: dict) -> dict:
    value = result.get("value")
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> list[str]:
    """The strings of what should be a list of labels or choices."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _annotations(task: dict) -> list[dict]:
    # Label Studio before 1.0 called annotations "completions".
    return _objects(task.get("annotations") if "annotations" in task else task.get("completions"))


def _gold_annotation(task: dict) -> dict | None:
    annotations = [a for a in _annotations(task) if not a.get("was_cancelled")]
    truth = [a for a in annotations if a.get("ground_truth")]
    return (truth or annotations or [None])[0]


def _result_type(result: dict) -> str | None:
    kind = result.get("type")
    return kind.lower() if isinstance(kind, str) else None


class _Reader:
    """One export being read: problems, skipped tasks and the pieces of the task."""

    def __init__(self, tasks: list[dict], filename: str, options: ImportOptions, media: Media,
                 config: LabelConfig | None):
        self.tasks, self.filename, self.options, self.media = tasks, filename, options, media
        self.config = config
        self.parsed = Parsed(formats=["label_studio"])
        self.offset_note = False

    def problem(self, record: str | None, field: str | None, message: str) -> None:
        self.parsed.problems.append(Problem(message, record=record, field=field,
                                            source=self.filename))

    # -- which result type and which data field --------------------------------------------------

    def kind(self) -> str | None:
        found: dict[str, int] = {}
        for task in self.tasks:
            for result in _objects((_gold_annotation(task) or {}).get("result")):
                kind = _result_type(result)
                if kind in KINDS:
                    found[kind] = found.get(kind, 0) + 1
                else:
                    self.problem(str(task.get("id")), "type", _(
                        'result type "%(type)s" is not supported (choices, labels, '
                        'rectanglelabels, textarea, rating, ranker, taxonomy)',
                        type=str(result.get("type"))[:40]))
        if len(found) > 1:
            self.parsed.problems.append(Problem(_(
                "the annotations mix %(kinds)s; a certify task has one type, so export a project "
                "with one kind of control", kinds=" and ".join(sorted(found))),
                source=self.filename))
            return None
        if not found:
            if self.config is not None:
                return self.config.controls[0].kind
            self.parsed.problems.append(Problem(_(
                "no task has choices, labels, rectanglelabels, textarea, rating, ranker or "
                "taxonomy annotations"), source=self.filename))
            return None
        return next(iter(found))

    def data_field(self, kind: str, wanted: str) -> str | None:
        """The ``data`` key holding what the annotators saw (text, image, audio, list)."""
        if self.config is not None:
            control = self.config.control(kind)
            target = self.config.field_of(control) if control else None
            if target is not None:
                return target[1]
        if self.options.text_field:
            return self.options.text_field
        datas = [t["data"] for t in self.tasks if isinstance(t.get("data"), dict)]
        if wanted == "candidates":
            keys = {k for d in datas for k, v in d.items() if isinstance(v, list)}
        else:
            keys = {k for d in datas for k, v in d.items() if isinstance(v, str)}
        if wanted in keys:
            return wanted
        if wanted == "text":
            # A field every task has as text, other than an id or a file.
            keys = {k for k in keys if not k.lower().endswith(("id", "url", "path"))}
        if len(keys) == 1:
            return next(iter(keys))
        self.parsed.problems.append(Problem(_(
            "the tasks' data have the fields %(fields)s and nothing says which one was annotated: "
            "give the project's labeling config (Label Studio: Settings → Labeling Interface → "
            "Code) or name the field (the import form's data field, --text-field on the command "
            "line)", fields=", ".join(sorted(keys)) or "—"), field="data", source=self.filename))
        return None

    # -- the pieces --------------------------------------------------------------------------------

    def span(self, rid: str, text: str, value: dict) -> list | None:
        start, end = value.get("start"), value.get("end")
        label = next(iter(_texts(value.get("labels"))), None)
        conventions = [(_codepoint(text, start), _codepoint(text, end))]
        if any(ord(c) > 0xFFFF for c in text):
            conventions.append((utf16_to_codepoints(text, start), utf16_to_codepoints(text, end)))
        conventions = [(s, e) for s, e in conventions if s is not None and e is not None and s < e]
        if not conventions:
            self.problem(rid, "spans", _("offsets %(start)s–%(end)s are outside the text",
                                         start=start, end=end))
            return None
        wanted = value.get("text")
        if isinstance(wanted, str):
            match = next(((s, e) for s, e in conventions if text[s:e] == wanted), None)
            if match is None:
                s, e = conventions[0]
                self.problem(rid, "spans", _('offsets %(start)s–%(end)s give "%(found)s", but the '
                                             'annotation says "%(text)s"', start=start, end=end,
                                             found=text[s:e], text=wanted))
                return None
            s, e = match
        else:
            s, e = conventions[0]
            if len(conventions) > 1 and conventions[0] != conventions[1]:
                self.offset_note = True
        return [s, e, label]

    def box(self, rid: str, record: dict, result: dict) -> list | None:
        value = _value(result)
        if value.get("rotation"):
            self.problem(rid, "boxes", _("rotated boxes are not supported"))
            return None
        width = result.get("original_width") or record["width"]
        height = result.get("original_height") or record["height"]
        if (width, height) != (record["width"], record["height"]):
            self.problem(rid, "boxes", _("the annotation was drawn on a %(w)s × %(h)s image, the "
                                         "uploaded one is %(fw)s × %(fh)s", w=width, h=height,
                                         fw=record["width"], fh=record["height"]))
            return None
        label = next(iter(_texts(value.get("rectanglelabels"))), None)
        try:
            x = round(float(value["x"]) / 100 * width, 2)
            y = round(float(value["y"]) / 100 * height, 2)
            w = round(min(float(value["width"]) / 100 * width, width - x), 2)
            h = round(min(float(value["height"]) / 100 * height, height - y), 2)
        except (KeyError, TypeError, ValueError):
            self.problem(rid, "boxes", _("a rectangle lacks x, y, width or height"))
            return None
        return [x, y, w, h, label]

    def ranking(self, rid: str, data: dict, list_field: str, results: list[dict],
                record: dict) -> list | None:
        items = _objects(data.get(list_field))
        candidates = []
        for position, item in enumerate(items):
            cid = str(item.get("id", position))
            parts = [str(item.get(k)) for k in ("title", "body", "text") if item.get(k)]
            candidates.append({"id": cid, "text": " — ".join(parts) or cid})
        record["candidates"] = candidates
        orders = [order for r in results if _result_type(r) == "ranker"
                  and isinstance(_value(r).get("ranker"), dict)
                  for order in _value(r)["ranker"].values()]
        ids = {c["id"] for c in candidates}
        if len(orders) != 1 or not isinstance(orders[0], list) \
                or sorted(map(str, orders[0])) != sorted(ids):
            self.problem(rid, "ranker", _(
                "the ranker does not put every item of the list in one order (buckets or a "
                "partial ranking); certify's ranking orders all candidates"))
            return None
        return [str(i) for i in orders[0]]

    # -- everything ------------------------------------------------------------------------------

    def read(self) -> Parsed:
        kind = self.kind()
        if kind is None:
            return self.parsed
        task_type = KINDS[kind]
        control = self.config.control(kind) if self.config else None
        multi = kind in ("choices", "taxonomy") and (
            self.options.task_type == "multilabel"
            or (control is not None and control.attrs.get("choice") == "multiple")
            or (kind == "taxonomy" and control is not None
                and control.attrs.get("maxUsages", "") != "1" and any(
                    len(_value(r).get("taxonomy") or []) > 1 for t in self.tasks
                    for r in _objects((_gold_annotation(t) or {}).get("result"))))
            or any(len(_texts(_value(r).get("choices"))) > 1 for t in self.tasks
                   for r in _objects((_gold_annotation(t) or {}).get("result"))))
        if task_type == "classification" and multi:
            task_type = "multilabel"
        wanted = {"bbox": "image", "transcription": "audio", "ranking": "candidates"}.get(
            task_type, "text")
        object_tag = self.config.field_of(control)[0] if control and self.config.field_of(
            control) else None
        if object_tag in ("image", "audio", "audioplus"):
            wanted = "image" if object_tag == "image" else "audio"
        data_field = self.data_field(kind, wanted)
        if data_field is None:
            return self.parsed
        if task_type == "transcription" and object_tag is None:
            first = next((t["data"].get(data_field) for t in self.tasks
                          if isinstance(t.get("data"), dict)), "")
            wanted = "image" if isinstance(first, str) and first.lower().endswith(
                (".png", ".jpg", ".jpeg", ".gif", ".webp")) else "audio"
        labels: list[str] = list(control.values) if control is not None else []
        from_config = bool(labels)
        records, gold, files = [], [], {}
        for index, task in enumerate(self.tasks, start=1):
            rid = str(task.get("id", index))
            data = task["data"] if isinstance(task["data"], dict) else {}
            annotation = _gold_annotation(task)
            if annotation is None:
                cancelled = any(a.get("was_cancelled") for a in _annotations(task))
                self.parsed.skipped.append(Skipped(
                    _("task %(id)s", id=rid),
                    _("every annotation of it was cancelled (skipped in Label Studio), so it has "
                      "no gold") if cancelled else _("it has no annotation, so no gold"),
                    self.filename))
                continue
            results = _objects(annotation.get("result"))
            record: dict[str, Any] = {"id": rid}
            value = data.get(data_field)
            if wanted in ("image", "audio"):
                checked = load_media(self.media, value if isinstance(value, str) else "", rid,
                                     self.parsed, self.filename, kind=wanted)
                if checked is None:
                    continue
                files[checked.ref] = checked
                record[wanted] = checked.ref
                if wanted == "image" and task_type == "bbox":
                    record["width"], record["height"] = checked.width, checked.height
            elif wanted == "text":
                if not isinstance(value, str):
                    self.problem(rid, "data", _('has no text in the field "%(field)s"',
                                                field=data_field))
                    continue
                record["text"] = value
            line: dict[str, Any] = {"id": rid}
            if task_type == "ranking":
                prompt = next((v for k, v in data.items() if isinstance(v, str) and k in (
                    "prompt", "question", "query", "task")), "")
                record["prompt"] = prompt
                order = self.ranking(rid, data, data_field, results, record)
                if order is None:
                    continue
                line["order"] = order
            elif task_type in ("classification", "multilabel"):
                if kind == "taxonomy":
                    chosen = [" / ".join(p) for r in results
                              for p in _value(r).get("taxonomy") or [] if _texts(p)]
                else:
                    chosen = [c for r in results if _result_type(r) == "choices"
                              for c in _texts(_value(r).get("choices"))]
                labels += [c for c in chosen if c not in labels]
                if task_type == "multilabel":
                    line["labels"] = chosen
                elif len(chosen) != 1:
                    self.problem(rid, "choices", _("has %(n)s choices; a classification record "
                                                   "needs exactly one", n=len(chosen)))
                    continue
                else:
                    line["label"] = chosen[0]
            elif task_type == "ner":
                spans = [s for r in results if _result_type(r) == "labels"
                         if (s := self.span(rid, record["text"], _value(r))) is not None]
                labels += [s[2] for s in spans if s[2] is not None and s[2] not in labels]
                line["spans"] = sorted(spans, key=lambda s: (s[0], s[1]))
            elif task_type == "bbox":
                boxes = [b for r in results if _result_type(r) == "rectanglelabels"
                         if (b := self.box(rid, record, r)) is not None]
                labels += [b[4] for b in boxes if b[4] is not None and b[4] not in labels]
                line["boxes"] = boxes
            elif task_type == "transcription":
                texts: list[str] = []
                for r in results:
                    if _result_type(r) == "textarea":
                        said = _value(r).get("text")
                        texts += [said] if isinstance(said, str) else _texts(said)
                line["text"] = "\n".join(texts)
            elif task_type == "rating":
                ratings = [_value(r).get("rating") for r in results if _result_type(r) == "rating"]
                if len(ratings) != 1 or not isinstance(ratings[0], int) \
                        or isinstance(ratings[0], bool):
                    self.problem(rid, "rating", _("needs one whole-number rating"))
                    continue
                line["rating"] = ratings[0]
            records.append(record)
            gold.append(line)
        if self.offset_note:
            self.parsed.notes.append(_(
                "%(name)s: some spans have no annotated text to tell the offset convention by; "
                "they were read as code points (current Label Studio)", name=self.filename))
        extra: dict[str, Any] = {}
        if task_type == "transcription":
            extra = {"unit": "char"}
        elif task_type == "rating":
            top = int(control.attrs.get("maxRating", 5)) if control is not None \
                and str(control.attrs.get("maxRating", "5")).isdecimal() else 5
            extra = {"scale": {"min": 1, "max": top}}
        if task_type in ("classification", "multilabel") and not self.options.labels:
            if not from_config:
                self.parsed.notes.append(_(
                    "%(name)s: without the labeling config the label set is the %(n)s label(s) "
                    "the annotations use (%(labels)s); give the config to include the others",
                    name=self.filename, n=len(labels), labels=", ".join(labels)))
            if len(labels) < 2:
                self.parsed.problems.append(Problem(_(
                    "a classification task needs two labels or more, and only %(labels)s is "
                    "known: give the project's labeling config, which lists every label, or the "
                    "labels", labels=", ".join(labels) or "—"), field="labels",
                    source=self.filename))
                return self.parsed
        if not records and self.parsed.skipped and not self.parsed.problems:
            self.parsed.problems.append(Problem(_("%(name)s has no task with gold to import",
                                                  name=self.filename), source=self.filename))
            return self.parsed
        return finish(self.parsed, filename=self.filename, options=self.options,
                      task_type=task_type, records=records, gold=gold, labels=labels,
                      media=files, extra_config=extra)


def read_label_studio(document: Any, filename: str, options: ImportOptions,
                      media: Media) -> Parsed:
    """Read a Label Studio JSON export (the full format, not JSON-MIN)."""
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list) or not document or not all(
            isinstance(t, dict) and "data" in t for t in document):
        raise BankError([Problem(_('%(name)s is not a Label Studio JSON export: expected a list of '
                                   'tasks, each with "data" and "annotations" (use the JSON export, '
                                   'not JSON-MIN or CSV)', name=filename))])
    config = parse_config(options.label_config, options.label_config_name) \
        if options.label_config else None
    return _Reader(document, filename, options, media, config).read()

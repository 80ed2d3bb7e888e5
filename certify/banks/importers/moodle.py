"""Moodle XML (``<quiz>``) questions → bank items, parsed with defusedxml (no entities, no DTDs).

Mapping (docs/formats.md §4):

- ``multichoice`` with ``<single>true``: single choice; the answer with fraction 100 is the key. Moodle's
  partial credit for other options (e.g. 50 %) has no equivalent and is dropped — the report says so.
- ``multichoice`` with ``<single>false``: multiple choice with **partial** scoring. Moodle adds the
  fractions of the chosen answers; certify gives each correct option ``points / k`` and subtracts
  ``penalty`` times that per wrong pick, so correct options must share 100 % equally (``100/k`` each)
  and wrong options must all carry the same fraction ``-f`` (then ``penalty = f / (100/k)``; 0 when
  they are 0). Other fraction patterns are refused with a message.
- ``multichoiceset`` (the "all-or-nothing multiple choice" plugin): multiple choice, all or nothing.
- ``truefalse``: true/false.
- ``shortanswer``: fill-in with one blank; answers at 100 % are the accepted alternatives, ``usecase``
  sets case sensitivity; Moodle's ``*`` wildcard is refused. The blank goes where the question text has
  a run of underscores (``____``) or ``[[1]]``, else at the end.
- ``numerical``: a numeric fill-in blank with the answer's absolute ``tolerance``; units are ignored.

Texts in HTML are converted to the bank's Markdown subset; embedded images
(``@@PLUGINFILE@@/name.png`` with a base64 ``<file>``) become checked assets. Units and difficulty
come from tags ``unit:L4:2.1`` and ``difficulty:3`` (certify's export writes them), else from the import
options. Other question types are reported per question; the import then stops (a dry run lists them
and shows the rest).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from html.parser import HTMLParser
from typing import Any, ClassVar
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _

from certify.banks.assets import AssetError, check_image
from certify.banks.importers.common import ImportOptions, Parsed
from certify.banks.spec import (
    OPTION_IDS,
    REF,
    BankError,
    ItemData,
    Problem,
    normal_decimal,
    parse_units,
    validate_item,
)

SUPPORTED = ("multichoice", "multichoiceset", "truefalse", "shortanswer", "numerical")
PLUGINFILE = "@@PLUGINFILE@@/"
_UNDERSCORES = re.compile(r"_{3,}")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


class _HtmlToMarkdown(HTMLParser):
    """A small HTML → Markdown converter for Moodle texts (the bank's subset; links become text)."""

    #: inline tags and the Markdown that opens and closes them
    INLINE: ClassVar[dict[str, str]] = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`",
                                        "tt": "`", "kbd": "`"}
    BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section"})

    def __init__(self, image_src):  # type: ignore[no-untyped-def]
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.image_src = image_src
        self.skip = 0
        self.pre = False
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def _emit(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        else:
            self.out.append(text)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCK:
            self._emit("\n\n")
        elif tag == "br":
            self._emit("  \n")
        elif tag in self.INLINE and not self.pre:
            self._emit(self.INLINE[tag])
        elif tag == "pre":
            self.pre = True
            self._emit("\n\n```\n")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
            self._emit("\n")
        elif tag == "li":
            indent = "   " * (len(self.lists) - 1)
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self._emit(f"\n{indent}{self.lists[-1][1]}. ")
            else:
                self._emit(f"\n{indent}- ")
        elif tag == "img":
            src = self.image_src(attrs.get("src") or "")
            alt = _escape(attrs.get("alt") or "")
            self._emit(f"![{alt}]({src})" if src else alt)
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self._emit("\n\n")
        elif tag in self.INLINE and not self.pre:
            self._emit(self.INLINE[tag])
        elif tag == "pre":
            self.pre = False
            self._emit("\n```\n\n")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._emit("\n\n")
        elif tag in ("td", "th") and self.cell is not None and self.table:
            self.table[-1].append(" ".join("".join(self.cell).split()).replace("|", "\\|"))
            self.cell = None
        elif tag == "table" and self.table is not None:
            rows = [r for r in self.table if r]
            self.table = None
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
                lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
                self.out.append("\n\n" + "\n".join(lines) + "\n\n")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.skip:
            return
        if self.pre:
            self._emit(data)
            return
        self._emit(_escape(re.sub(r"\s+", " ", data)))

    def markdown(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return "\n".join(line.strip() if not line.startswith(" ") else line.rstrip()
                         for line in text.strip().split("\n"))


class _Question:
    """One ``<question>`` being converted, collecting its problems and notes."""

    def __init__(self, element: Element, number: int, filename: str, parsed: Parsed):
        self.e, self.number, self.filename, self.parsed = element, number, filename, parsed
        self.kind = element.get("type", "")
        self.name = (self.find_text("name/text") or "").strip()
        self.ref = self._ref()
        self.media: dict[str, Any] = {}
        self.failed = False

    def find_text(self, path: str) -> str | None:
        node = self.e.find(path)
        return node.text if node is not None else None

    def label(self) -> str:
        if self.name:
            return _('question %(n)s ("%(name)s")', n=self.number, name=self.name)
        return _("question %(n)s", n=self.number)

    def problem(self, message: str, column: str | None = None) -> None:
        self.failed = True
        self.parsed.problems.append(Problem(f"{self.label()}: {message}", column=column,
                                            ref=self.ref, source=self.filename))

    def note(self, message: str) -> None:
        self.parsed.notes.append(f"{self.filename}, {self.label()}: {message}")

    def _ref(self) -> str:
        for candidate in ((self.find_text("idnumber") or "").strip(), self.name):
            if REF.match(candidate):
                return candidate
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")[:40] or "q"
        digest = hashlib.sha256((self.name + (self.find_text("questiontext/text") or ""))
                              .encode("utf-8")).hexdigest()[:6]
        return f"MDL-{slug}-{digest}"

    def files(self, node: Element | None) -> dict[str, bytes]:
        out = {}
        for f in node.findall("file") if node is not None else []:
            if (f.get("encoding") or "base64") != "base64":
                continue
            try:
                out[f.get("name", "")] = base64.b64decode(f.text or "", validate=False)
            except (binascii.Error, ValueError):
                self.problem(_('embedded file "%(name)s" is not valid base64', name=f.get("name")))
        return out

    def text(self, path: str, inline: bool = False) -> str:
        """A text element (questiontext, answer …) as Markdown, images turned into assets."""
        node = self.e.find(path) if path else None
        if node is None:
            return ""
        return self.convert(node, inline)

    def convert(self, node: Element, inline: bool = False) -> str:
        fmt = node.get("format", "html")
        raw = node.findtext("text") or ""
        files = self.files(node)

        def image_src(src: str) -> str:
            if not src.startswith(PLUGINFILE):
                self.note(_('image "%(src)s" is not embedded in the file and was left out',
                            src=src[:60]))
                return ""
            name = src[len(PLUGINFILE):].split("?")[0]

            data = files.get(unquote(name))
            if data is None:
                self.problem(_('image "%(name)s" is referenced but not embedded', name=name))
                return ""
            try:
                checked = check_image(data, name)
            except AssetError as exc:
                self.problem(str(exc))
                return ""
            self.media[checked.ref] = checked
            return checked.ref

        if fmt == "markdown":
            text = re.sub(re.escape(PLUGINFILE) + r"[^)\s\"']+",
                          lambda m: image_src(m.group(0)) or "", raw).strip()
        elif fmt == "plain_text":
            text = _escape(raw.strip())
        else:
            parser = _HtmlToMarkdown(image_src)
            parser.feed(raw)
            parser.close()
            text = parser.markdown()
        if inline and fmt not in ("markdown", "plain_text") and "\n" not in text.strip():
            return " ".join(text.split())
        return text.strip()

    def answers(self) -> list[tuple[float, Element]]:
        out = []
        for answer in self.e.findall("answer"):
            try:
                fraction = float(answer.get("fraction", "0"))
            except ValueError:
                self.problem(_('an answer has the fraction "%(fraction)s", not a number',
                               fraction=answer.get("fraction")))
                fraction = 0.0
            out.append((fraction, answer))
        return out


def _flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes")


def _build(q: _Question, options: ImportOptions) -> ItemData | None:
    tags = [t.findtext("text") or "" for t in q.e.findall("tags/tag")]
    unit_text = "; ".join(t.split(":", 1)[1] if t.lower().startswith("unit:") else t
                          for t in tags if t.lower().startswith("unit:") or re.match(r"^L\d:", t))
    units = parse_units(unit_text)[0]
    units = units or list(options.units)
    if not units:
        q.problem(_("has no unit: tag it unit:L4:2.1 in Moodle or choose units on the import form "
                    "(--units on the command line)"), "units")
    difficulty = options.difficulty
    language = "en"
    for tag in tags:
        if tag.lower().startswith("difficulty:") and tag.split(":", 1)[1].strip().isdecimal():
            difficulty = int(tag.split(":", 1)[1])
        if tag.lower().startswith("language:"):
            language = tag.split(":", 1)[1].strip() or "en"
    try:
        points = normal_decimal(q.find_text("defaultgrade") or "1")
    except Exception:
        points = normal_decimal(1)
        q.note(_("defaultgrade is not a number; 1 point used"))
    stem = q.text("questiontext")
    explanation = q.text("generalfeedback")
    answers = q.answers()
    content: dict[str, Any]
    key: dict[str, Any]
    if q.kind in ("multichoice", "multichoiceset"):
        if len(answers) > len(OPTION_IDS):
            q.problem(_("has %(n)s answers; certify items have at most %(max)s", n=len(answers),
                        max=len(OPTION_IDS)))
            return None
        opts = [{"id": OPTION_IDS[i], "text": q.convert(a, inline=True)}
                for i, (_fraction, a) in enumerate(answers)]
        shuffle = _flag(q.find_text("shuffleanswers"), True)
        single = q.kind == "multichoice" and _flag(q.find_text("single"), True)
        content = {"options": opts, "shuffle": shuffle}
        if single:
            keyed = [o["id"] for o, (f, _node) in zip(opts, answers, strict=True) if f >= 99.999]
            if len(keyed) != 1:
                q.problem(_("a single-answer question needs exactly one answer at 100 %%, it has "
                            "%(n)s", n=len(keyed)), "answer")
                return None
            partial = [o["id"] for o, (f, _node) in zip(opts, answers, strict=True) if 0 < f < 99.999]
            if partial:
                q.note(_("partial credit for option(s) %(options)s was dropped: only the keyed "
                         "option scores", options=", ".join(partial)))
            item_type, key = "single", {"correct": keyed[0]}
        else:
            item_type = "multiple"
            correct = [o["id"] for o, (f, _node) in zip(opts, answers, strict=True) if f > 0]
            if q.kind == "multichoiceset":
                content["scoring"] = {"mode": "all_or_nothing", "penalty": 1.0}
            else:
                positive = [f for f, _node in answers if f > 0]
                negative = {round(f, 3) for f, _node in answers if f <= 0}
                if positive and (max(positive) - min(positive) > 0.01
                                 or abs(sum(positive) - 100) > 0.05):
                    q.problem(_("the correct answers must share 100 %% equally (certify gives "
                                "each correct option the same value); found %(found)s",
                                found=", ".join(f"{f:g} %" for f in positive)), "answer")
                    return None
                if len(negative) > 1:
                    q.problem(_("every wrong answer must carry the same fraction (certify's "
                                "penalty is the same for each wrong pick); found %(found)s",
                                found=", ".join(f"{f:g} %" for f in sorted(negative))), "answer")
                    return None
                share = 100 / len(positive) if positive else 100
                penalty = round(abs(next(iter(negative), 0.0)) / share, 4)
                content["scoring"] = {"mode": "partial", "penalty": penalty}
            key = {"correct": correct}
    elif q.kind == "truefalse":
        keyed = [(a.findtext("text") or "").strip().lower() for f, a in answers if f >= 99.999]
        if len(keyed) != 1 or keyed[0] not in ("true", "false"):
            q.problem(_("needs one answer, true or false, at 100 %"), "answer")
            return None
        item_type, content, key = "true_false", {}, {"correct": keyed[0] == "true"}
    else:
        if "[[1]]" not in stem:
            if _UNDERSCORES.search(stem.replace("\\_", "_")):
                stem = _UNDERSCORES.sub("[[1]]", stem.replace("\\_", "_"), count=1)
            else:
                stem = f"{stem}\n\n[[1]]"
        full = [(f, a) for f, a in answers if f >= 99.999]
        if not full:
            q.problem(_("has no answer at 100 %"), "answer")
            return None
        others = [a.findtext("text") or "" for f, a in answers if f < 99.999]
        if others:
            q.note(_("answers below 100 %% (%(answers)s) were dropped: a blank is right or wrong",
                     answers=", ".join(others)))
        if q.kind == "shortanswer":
            accepted = [(a.findtext("text") or "").strip() for _fraction, a in full]
            if any("*" in a for a in accepted):
                q.problem(_("uses the * wildcard, which certify does not support; list the "
                            "accepted answers instead"), "answer")
                return None
            blank = {"accepted": accepted,
                     "case_sensitive": _flag(q.find_text("usecase"), False)}
        else:
            text = (full[0][1].findtext("text") or "").strip()
            try:
                value = float(text)
                tolerance = float(full[0][1].findtext("tolerance") or 0)
            except ValueError:
                q.problem(_('the answer "%(text)s" is not a number (certify has no "any answer")',
                            text=text), "answer")
                return None
            if len(full) > 1:
                q.note(_("several answers at 100 %; the first is the key"))
            if q.e.find("units/unit") is not None:
                q.note(_("units are ignored: candidates type the number only"))
            blank = {"numeric": value, "tolerance": abs(tolerance)}
        item_type = "fill_in"
        content, key = {"blanks": 1, "scoring": {"mode": "partial"}}, {"blanks": [blank]}
    data = ItemData(ref=q.ref, type=item_type, units=units, difficulty=difficulty, points=points,
                    stem=stem, content=content, key=key, explanation=explanation,
                    language=language, source=q.filename, media=dict(q.media))
    for problem in validate_item(data):
        q.problem(f"{problem.column or ''}: {problem.message}".lstrip(": "), problem.column)
    return None if q.failed else data


def read_moodle(data: bytes, filename: str, options: ImportOptions) -> Parsed:
    """Read a Moodle XML quiz export."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        # A DOCTYPE or entity declaration: Moodle never writes one, and it is how XML bombs and
        # external-entity attacks start.
        raise BankError([Problem(_("%(name)s declares a DOCTYPE or entities, which a Moodle export "
                                   "never has; remove the <!DOCTYPE …> part and import again",
                                   name=filename))]) from exc
    except ParseError as exc:
        raise BankError([Problem(_("%(name)s is not a readable Moodle XML file: %(error)s",
                                   name=filename, error=str(exc)))]) from exc
    if root.tag != "quiz":
        raise BankError([Problem(_("%(name)s is XML but not a Moodle quiz export (<quiz>)",
                                   name=filename))])
    parsed = Parsed(formats=["moodle"])
    seen: dict[str, int] = {}
    for number, element in enumerate(root.findall("question"), start=1):
        q = _Question(element, number, filename, parsed)
        if q.kind == "category":
            continue
        if q.kind not in SUPPORTED:
            q.problem(_("Moodle type %(kind)s is not supported (supported: %(supported)s)",
                        kind=q.kind, supported=", ".join(SUPPORTED)),
                      "type")
            continue
        item = _build(q, options)
        if item is None:
            continue
        if item.ref in seen:
            q.problem(_("has the same ref %(ref)s as question %(n)s", ref=item.ref,
                        n=seen[item.ref]), "ref")
            continue
        seen[item.ref] = number
        parsed.items.append(item)
    if not parsed.items and not parsed.problems:
        parsed.problems.append(Problem(_("%(name)s has no questions", name=filename)))
    return parsed

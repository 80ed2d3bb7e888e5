"""Moodle XML (``<quiz>``) questions → bank items, parsed with defusedxml (no entities, no DTDs).

Everything certify can represent is imported; what maps is converted; the rest is skipped and listed
with its reason, in the dry run and after the import (docs/formats.md §4). Only a real error in a
question certify does import (no answer at 100 %, a fraction that is not a number, a broken embedded
file's encoding …) refuses the file, all or nothing.

Mapping:

- ``multichoice`` single → single choice (2 options or more); the answer at 100 % is the key.
  Partial credit and negative marks for other options cannot be expressed and are named in a note.
- ``multichoice`` multiple → multiple choice with **partial** scoring: the correct options share
  100 % equally (``100/k`` each; one correct option is fine) and every wrong option carries the same
  ``-f`` (then ``penalty = f / (100/k)``). Other patterns are skipped with the reason.
- ``multichoiceset`` → multiple choice, all or nothing. ``truefalse`` → true/false.
- ``shortanswer`` → a fill-in blank (answers at 100 %; ``usecase``), ``numerical`` → a numeric blank
  with its tolerance. A ``*`` answer below 100 % ("anything else is wrong") is dropped with a note;
  a ``*`` at 100 % cannot be represented and the question is skipped.
- ``essay`` → short answer: the grader information becomes the marking standard of one checkpoint
  worth all the points (certify's own export writes the rubric there, and it is read back).
- ``matching`` (and ``ddmatch``) → one single-choice item per sub-question, the answers as options,
  the points shared; refs ``<ref>-1``, ``<ref>-2`` …
- ``gapselect``, ``ddwtos`` and ``cloze``/``multianswer`` → a fill-in with one blank per gap; the
  choices of a choice gap are listed in the text. Cloze ``MULTIRESPONSE`` gaps cannot be typed and
  the question is skipped.
- ``description`` → instructions: its text is put before each question that follows it in the same
  category (Moodle uses descriptions as the shared context of the questions after them).
- Skipped with the reason: drag and drop onto an image (``ddimageortext``, ``ddmarker``), calculated
  questions (random datasets), random-question rules, ``ordering`` and any other type.

Kept where certify has a place: ``defaultgrade`` → points, ``generalfeedback`` and per-answer
feedback → explanation, categories whose name holds a unit (``L4:2.1``) and ``unit:`` tags → units,
``difficulty:``/``language:`` tags, embedded images (also the legacy ``<image>``/``<image_base64>``
and SVG, converted to PNG) and audio (``<a href>`` or ``<audio>`` to an embedded MP3/WAV/Ogg) →
assets, TeX (``\\(…\\)``, ``\\[…\\]``, ``$$…$$``) kept as TeX, which the pages render. Each thing
dropped (hints, combined feedback, response templates, other tags, links) is named in a note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any, ClassVar
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _

from certify.banks.assets import AssetError, CheckedFile, check_image, check_media
from certify.banks.importers.common import ImportOptions, Parsed, Skipped
from certify.banks.spec import (
    OPTION_IDS,
    REF,
    BankError,
    ItemData,
    Problem,
    format_number,
    guess_language,
    normal_decimal,
    parse_rubric,
    parse_units,
    validate_item,
)

SUPPORTED = ("multichoice", "multichoiceset", "truefalse", "shortanswer", "numerical", "essay",
             "matching", "ddmatch", "gapselect", "ddwtos", "cloze", "multianswer", "description")
PLUGINFILE = "@@PLUGINFILE@@/"
_UNDERSCORES = re.compile(r"_{3,}")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_UNIT_IN_TEXT = re.compile(r"\bL[1-5]:\d+(?:\.\d+)*\b")
#: TeX as Moodle's TeX and MathJax filters read it.
MATH = re.compile(r"(\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\])", re.S)
_PROTECT = "\ue020{}\ue021"
_PROTECTED = re.compile("\ue020(\\d+)\ue021")
_GAP_TOKEN = "\ue010{}\ue011"
_GAP = re.compile("\ue010(\\d+)\ue011")
AUDIO_TYPES = ("audio/mpeg", "audio/wav", "audio/ogg")
SKIPPED_TYPES = {
    "ddimageortext": lambda: _("drag and drop onto an image has no certify item type (the bbox "
                               "practical task draws boxes; it does not place labels on a picture)"),
    "ddmarker": lambda: _("drag and drop markers onto an image has no certify item type"),
    "calculated": lambda: _("its numbers are drawn at random from datasets in Moodle, and certify "
                            "items are fixed"),
    "calculatedsimple": lambda: _("its numbers are drawn at random from datasets in Moodle, and "
                                  "certify items are fixed"),
    "calculatedmulti": lambda: _("its numbers are drawn at random from datasets in Moodle, and "
                                 "certify items are fixed"),
    "random": lambda: _("it is a rule that draws another question at random, not a question"),
    "randomsamatch": lambda: _("it is a rule that builds a matching question from random short "
                               "answers, not a fixed question"),
    "ordering": lambda: _("putting items in order has no objective certify item type (a ranking "
                          "practical task orders candidates, but is marked as a practical task)"),
}
#: Cloze gap types: Moodle's names and short forms.
CLOZE_TYPES = {
    "SHORTANSWER": "short", "SA": "short", "MW": "short",
    "SHORTANSWER_C": "short_c", "SAC": "short_c", "MWC": "short_c",
    "NUMERICAL": "numeric", "NM": "numeric",
    **dict.fromkeys(("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH",
                     "MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"),
                    "choice"),
    **dict.fromkeys(("MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS",
                     "MULTIRESPONSE_HS", "MRHS"), "multi"),
}
_CLOZE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")


class Unrepresentable(Exception):
    """A question certify cannot hold; ``str()`` is the reason shown in the report."""


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _plain(fragment: str) -> str:
    """An HTML fragment as one line of plain text."""
    text = re.sub(r"<[^>]*>", " ", fragment)
    return " ".join(html.unescape(text).split())


class _HtmlToMarkdown(HTMLParser):
    """A small HTML → Markdown converter for Moodle texts (the bank's subset; links become text)."""

    #: inline tags and the Markdown that opens and closes them
    INLINE: ClassVar[dict[str, str]] = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`",
                                        "tt": "`", "kbd": "`"}
    BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
                       "hr"})

    def __init__(self, media_src, link):  # type: ignore[no-untyped-def]
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.media_src = media_src
        self.link = link
        self.skip = 0
        self.pre = False
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.anchor: list[str] | None = None
        self.href = ""

    def _emit(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        elif self.anchor is not None:
            self.anchor.append(text)
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
        elif tag in ("img", "audio", "source", "video"):
            src = attrs.get("src") or ""
            if src:
                self._emit(self.media_src(src, attrs.get("alt") or attrs.get("title") or "",
                                          "image" if tag == "img" else "audio"))
        elif tag == "a":
            self.anchor, self.href = [], attrs.get("href") or ""
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.handle_starttag(tag, attrs)

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
        elif tag == "a" and self.anchor is not None:
            text, self.anchor = "".join(self.anchor), None
            self._emit(self.link(self.href, text))
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


def _svg_to_png(data: bytes) -> bytes:
    """An SVG drawing as a PNG: rendered by resvg, which runs no script and fetches nothing; any
    reference to another file is removed first, so that no local file is read.

    :raise ValueError: when the SVG cannot be read or drawn.
    """
    import resvg_py
    from defusedxml.ElementTree import tostring

    root = fromstring(data, forbid_dtd=True)
    for node in list(root.iter()):
        for name in [a for a in node.attrib if a.endswith("href") or a == "src"]:
            if not node.attrib[name].startswith(("#", "data:image/png", "data:image/jpeg")):
                del node.attrib[name]
    svg = tostring(root, encoding="unicode")
    width = _svg_length(root.get("width")) or 0
    height = _svg_length(root.get("height")) or 0
    scale = {}
    if max(width, height) > 2000 or not (width and height):
        scale = {"width": 800}  # a size for a drawing that states none, or a huge one
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=False, **scale))


def _svg_length(value: str | None) -> float | None:
    match = re.match(r"^\s*([\d.]+)\s*(px)?\s*$", value or "")
    try:
        return float(match.group(1)) if match else None
    except ValueError:
        return None


@dataclass
class _Category:
    path: str
    units: list[str]


class _Question:
    """One ``<question>`` being converted, collecting its problems and notes."""

    def __init__(self, element: Element, number: int, filename: str, parsed: Parsed):
        self.e, self.number, self.filename, self.parsed = element, number, filename, parsed
        self.kind = element.get("type", "")
        self.name = (self.find_text("name/text") or "").strip()
        self.ref = self._ref()
        self.media: dict[str, Any] = {}
        self.failed = False
        self.used_files: set[str] = set()

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

    # -- embedded files ----------------------------------------------------------------------------

    def files(self, node: Element | None) -> dict[str, bytes]:
        out = {}
        for f in node.findall("file") if node is not None else []:
            if (f.get("encoding") or "base64") != "base64":
                continue
            try:
                out[f.get("name", "")] = base64.b64decode("".join((f.text or "").split()),
                                                          validate=True)
            except (binascii.Error, ValueError):
                self.problem(_('embedded file "%(name)s" is not valid base64', name=f.get("name")))
        return out

    def asset(self, name: str, data: bytes, kind: str) -> CheckedFile | None:
        """A checked asset for an embedded file; ``None`` (with a note) when it is not usable."""
        try:
            if kind == "image" and (b"<svg" in data[:2048].lower()):
                try:
                    png = _svg_to_png(data)
                except Exception:  # any failure means "cannot be drawn"
                    self.note(_('the SVG drawing "%(name)s" cannot be drawn and was left out',
                                name=name))
                    return None
                checked = check_image(png, re.sub(r"\.svgz?$", "", name, flags=re.I) + ".png")
                self.note(_('the SVG drawing "%(name)s" was converted to a PNG image (SVG can carry '
                            'script, so certify stores no SVG)', name=name))
                return checked
            return check_media(data, name, "audio" if kind == "audio" else "image")
        except AssetError as exc:
            self.note(_("%(reason)s It was left out; its description stays in the text.",
                        reason=str(exc)))
            return None

    def media_markdown(self, src: str, alt: str, kind: str, files: dict[str, bytes]) -> str:
        """Markdown for an embedded image or audio clip (``src`` is a ``@@PLUGINFILE@@`` URL)."""
        alt_md = _escape(alt)
        if not src.startswith(PLUGINFILE):
            self.note(_('"%(src)s" is not embedded in the file and was left out', src=src[:80]))
            return alt_md
        name = unquote(src[len(PLUGINFILE):].split("?")[0])
        data = files.get(name)
        if data is None:
            self.note(_('"%(name)s" is referenced but not embedded in the file, and was left out',
                        name=name))
            return alt_md
        self.used_files.add(name)
        if kind == "audio" or re.search(r"\.(mp3|wav|ogg|oga|m4a)$", name, re.I):
            kind = "audio"
        checked = self.asset(name, data, kind)
        if checked is None:
            return alt_md
        self.media[checked.ref] = checked
        if checked.mime in AUDIO_TYPES:
            return f'![{alt_md}]({checked.ref} "audio")'
        return f"![{alt_md}]({checked.ref})"

    # -- texts ---------------------------------------------------------------------------------------

    def text(self, path: str, inline: bool = False) -> str:
        """A text element (questiontext, answer …) as Markdown, media turned into assets."""
        node = self.e.find(path) if path else None
        if node is None:
            return ""
        return self.convert(node, inline)

    def convert(self, node: Element, inline: bool = False, raw: str | None = None,
                extra_files: dict[str, bytes] | None = None) -> str:
        fmt = node.get("format", "html")
        raw = (node.findtext("text") or "") if raw is None else raw
        files = {**(extra_files or {}), **self.files(node)}
        maths: list[str] = []

        def protect(match: re.Match) -> str:
            maths.append(html.unescape(match.group(0)) if fmt != "plain_text" else match.group(0))
            return _PROTECT.format(len(maths) - 1)

        raw = MATH.sub(protect, raw)

        def link(href: str, text: str) -> str:
            if href.startswith(PLUGINFILE):
                name = unquote(href[len(PLUGINFILE):].split("?")[0])
                if re.search(r"\.(mp3|wav|ogg|oga|m4a)$", name, re.I):
                    return self.media_markdown(href, _plain(text) or name, "audio", files)
                if re.search(r"\.(png|jpe?g|gif|webp|svg)$", name, re.I):
                    return text + " " + self.media_markdown(href, _plain(text) or name, "image",
                                                            files)
                self.used_files.add(name)
                self.note(_('the linked file "%(name)s" was left out (certify shows images and '
                            'audio only)', name=name))
            elif href:
                self.note(_('the link to "%(href)s" was left out; its text stays', href=href[:80]))
            return text

        if fmt == "markdown":
            # ![alt](@@PLUGINFILE@@/a.png) is an image, [text](@@PLUGINFILE@@/a.mp3) a clip
            text = re.sub(r"(!?)\[([^\]]*)\]\((" + re.escape(PLUGINFILE) + r"[^)\s\"']+)\)",
                          lambda m: self.media_markdown(m.group(3), m.group(2), "image", files)
                          if m.group(1) else link(m.group(3), m.group(2)), raw).strip()
        elif fmt == "plain_text":
            text = _escape(raw.strip())
        else:
            if fmt == "moodle_auto_format":
                raw = raw.replace("\n", "<br>")
            parser = _HtmlToMarkdown(
                lambda src, alt, kind: self.media_markdown(src, alt, kind, files), link)
            parser.feed(raw)
            parser.close()
            text = parser.markdown()
        unused = set(files) - self.used_files - {n for n in files if n in (extra_files or {})}
        for name in sorted(unused):
            self.note(_('the embedded file "%(name)s" is not used in the text and was left out',
                        name=name))
            self.used_files.add(name)
        text = _PROTECTED.sub(lambda m: maths[int(m.group(1))], text)
        if inline and fmt not in ("markdown", "plain_text") and "\n" not in text.strip():
            return " ".join(text.split())
        return text.strip()

    def answers(self) -> list[tuple[float, Element]]:
        out = []
        for answer in self.e.findall("answer"):
            try:
                fraction = float(answer.get("fraction", "0"))
                if fraction != fraction or abs(fraction) > 1e6:
                    raise ValueError(fraction)
            except ValueError:
                self.problem(_('an answer has the fraction "%(fraction)s", not a number',
                               fraction=answer.get("fraction")))
                fraction = 0.0
            text = answer.findtext("text") or ""
            if not text.strip() and answer.find("file") is None:
                continue  # Moodle ignores empty answers
            out.append((fraction, answer))
        return out

    def feedback(self, labelled: list[tuple[str, Element]]) -> str:
        """Per-answer feedback as Markdown lines for the explanation."""
        lines = []
        for label, answer in labelled:
            node = answer.find("feedback")
            said = self.convert(node, inline=True) if node is not None else ""
            if said:
                lines.append(f"- {label}: {said}")
        return "\n".join(lines)

    def dropped_extras(self) -> None:
        """Note what Moodle has and certify does not keep (hints, combined feedback …)."""
        hints = [h for h in self.e.findall("hint") if (h.findtext("text") or "").strip()]
        if hints:
            self.note(_("%(n)s hint(s) were left out: certify shows no hints during an exam",
                        n=len(hints)))
        combined = [tag for tag in ("correctfeedback", "partiallycorrectfeedback",
                                    "incorrectfeedback") if (self.find_text(f"{tag}/text") or
                                                             "").strip()]
        if combined:
            self.note(_("the feedback for correct, partly correct and wrong responses was left "
                        "out (the explanation is shown to everyone after results)"))


def _flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes")


def _points(q: _Question, fallback: Decimal = Decimal(1)) -> Decimal:
    text = q.find_text("defaultgrade")
    if text is None:
        return fallback
    try:
        points = normal_decimal(text)
    except (InvalidOperation, ValueError):
        q.note(_("defaultgrade is not a number; %(n)s point(s) used", n=fallback))
        return fallback
    if points <= 0:
        raise Unrepresentable(_("it is worth %(points)s points in Moodle (a question worth nothing "
                                "is not a bank item)", points=text.strip()))
    return points


@dataclass
class _Meta:
    units: list[str]
    difficulty: int
    language: str
    translation: str


def _meta(q: _Question, options: ImportOptions, category: _Category | None) -> _Meta:
    tags = [(t.findtext("text") or "").strip() for t in q.e.findall("tags/tag")]
    unit_text = "; ".join(t.split(":", 1)[1] if t.lower().startswith("unit:") else t
                          for t in tags if t.lower().startswith("unit:") or re.match(r"^L\d:", t))
    units = parse_units(unit_text)[0] or (category.units if category else []) or list(options.units)
    if not units:
        q.problem(_("has no unit: tag it unit:L4:2.1 in Moodle, put it in a category named after "
                    "a unit, or choose units on the import form (--units on the command line)"),
                  "units")
    difficulty, language, translation = options.difficulty, "", ""
    other = []
    for tag in tags:
        lowered = tag.lower()
        if lowered.startswith("difficulty:") and tag.split(":", 1)[1].strip().isdecimal():
            difficulty = int(tag.split(":", 1)[1])
        elif lowered.startswith("language:"):
            language = tag.split(":", 1)[1].strip()
        elif lowered.startswith("translation:"):
            translation = tag.split(":", 1)[1].strip()
        elif not lowered.startswith("unit:") and not re.match(r"^L\d:", tag) and tag:
            other.append(tag)
    if other:
        q.note(_("the tags %(tags)s were left out (certify keeps unit:, difficulty: and "
                 "language: tags)", tags=", ".join(other)))
    return _Meta(units, difficulty, language, translation)


def _item(q: _Question, meta: _Meta, *, item_type: str, stem: str, content: dict, key: dict,
          points: Decimal, explanation: str, ref: str | None = None) -> ItemData | None:
    data = ItemData(ref=ref or q.ref, type=item_type, units=meta.units,
                    difficulty=meta.difficulty, points=points, stem=stem, content=content,
                    key=key, explanation=explanation,
                    # Without a language tag the text says: a Chinese question is Chinese.
                    language=meta.language or guess_language(
                        stem, *(o.get("text", "") for o in content.get("options") or [])),
                    translation=meta.translation or None, source=q.filename, media=dict(q.media))
    for problem in validate_item(data):
        q.problem(f"{problem.column or ''}: {problem.message}".lstrip(": "), problem.column)
    return None if q.failed else data


def _explain(general: str, feedback: str) -> str:
    if not feedback:
        return general
    return (general + "\n\n" if general else "") + feedback


def _choice(q: _Question, meta: _Meta) -> list[ItemData]:
    answers = q.answers()
    if len(answers) > len(OPTION_IDS):
        raise Unrepresentable(_("it has %(n)s answers; certify items have at most %(max)s",
                                n=len(answers), max=len(OPTION_IDS)))
    if len(answers) < 2:
        q.problem(_("a choice question needs two answers or more, it has %(n)s", n=len(answers)),
                  "answer")
        return []
    opts = [{"id": OPTION_IDS[i], "text": q.convert(a, inline=True)}
            for i, (_fraction, a) in enumerate(answers)]
    shuffle = _flag(q.find_text("shuffleanswers"), True)
    single = q.kind == "multichoice" and _flag(q.find_text("single"), True)
    content: dict[str, Any] = {"options": opts, "shuffle": shuffle}
    pairs = list(zip(opts, answers, strict=True))
    feedback = q.feedback([(f"**{o['id']}**", a) for o, (_f, a) in pairs])
    if single:
        keyed = [o["id"] for o, (f, _n) in pairs if f >= 99.999]
        if not keyed:
            q.problem(_("a single-answer question needs one answer at 100 %, it has none"),
                      "answer")
            return []
        if len(keyed) > 1:
            raise Unrepresentable(_("options %(options)s are all right at 100 %%; a certify "
                                    "single choice has one key", options=", ".join(keyed)))
        partial = [o["id"] for o, (f, _n) in pairs if 0 < f < 99.999]
        if partial:
            q.note(_("partial credit for option(s) %(options)s was dropped: only the keyed "
                     "option scores", options=", ".join(partial)))
        negative = sorted({f for _o, (f, _n) in pairs if f < 0})
        if negative:
            q.note(_("wrong options carried negative marks in Moodle (%(marks)s); a certify "
                     "single choice gives 0 for a wrong answer", marks=", ".join(
                         f"{f:g} %" for f in negative)))
        item_type, key = "single", {"correct": keyed[0]}
    else:
        item_type = "multiple"
        correct = [o["id"] for o, (f, _n) in pairs if f > 0]
        if not correct:
            q.problem(_("a multiple-answer question needs at least one answer above 0 %"),
                      "answer")
            return []
        if q.kind == "multichoiceset":
            content["scoring"] = {"mode": "all_or_nothing", "penalty": 1.0}
        else:
            positive = [f for f, _n in answers if f > 0]
            negative = {round(f, 3) for f, _n in answers if f <= 0}
            if max(positive) - min(positive) > 0.01 or abs(sum(positive) - 100) > 0.05:
                raise Unrepresentable(_(
                    "its correct answers carry %(found)s; certify gives each correct option the "
                    "same share of 100 %%", found=", ".join(f"{f:g} %" for f in positive)))
            if len(negative) > 1:
                raise Unrepresentable(_(
                    "its wrong answers carry different marks (%(found)s); certify's penalty is "
                    "the same for each wrong pick",
                    found=", ".join(f"{f:g} %" for f in sorted(negative))))
            share = 100 / len(positive)
            penalty = round(abs(next(iter(negative), 0.0)) / share, 4)
            content["scoring"] = {"mode": "partial", "penalty": penalty}
        key = {"correct": correct}
    item = _item(q, meta, item_type=item_type, stem=q.text("questiontext"), content=content,
                 key=key, points=_points(q), explanation=_explain(q.text("generalfeedback"),
                                                                  feedback))
    return [item] if item else []


def _truefalse(q: _Question, meta: _Meta) -> list[ItemData]:
    answers = q.answers()
    keyed = [(a.findtext("text") or "").strip().lower() for f, a in answers if f >= 99.999]
    if len(keyed) != 1 or keyed[0] not in ("true", "false"):
        q.problem(_("needs one answer, true or false, at 100 %"), "answer")
        return []
    feedback = q.feedback([(f"**{(a.findtext('text') or '').strip()}**", a) for _f, a in answers])
    item = _item(q, meta, item_type="true_false", stem=q.text("questiontext"), content={},
                 key={"correct": keyed[0] == "true"}, points=_points(q),
                 explanation=_explain(q.text("generalfeedback"), feedback))
    return [item] if item else []


def _blank_stem(stem: str) -> str:
    if "[[1]]" in stem:
        return stem
    plain = stem.replace("\\_", "_")
    if _UNDERSCORES.search(plain):
        return _UNDERSCORES.sub("[[1]]", plain, count=1)
    return f"{stem}\n\n[[1]]"


def _typed(q: _Question, meta: _Meta) -> list[ItemData]:
    """shortanswer and numerical: one blank."""
    answers = q.answers()
    full = [(f, a) for f, a in answers if f >= 99.999]
    if not full:
        q.problem(_("has no answer at 100 %"), "answer")
        return []
    wildcard = [a for f, a in answers if f < 99.999 and (a.findtext("text") or "").strip() == "*"]
    others = [(a.findtext("text") or "").strip() for f, a in answers
              if f < 99.999 and a not in wildcard]
    if wildcard:
        q.note(_('the answer "*" (any other answer) was dropped: any answer that is not accepted '
                 "scores 0 in certify anyway"))
    if others:
        q.note(_("answers below 100 %% (%(answers)s) were dropped: a blank is right or wrong",
                 answers=", ".join(others)))
    feedback = q.feedback([(f"**{(a.findtext('text') or '').strip()}**", a) for _f, a in answers])
    if q.kind == "shortanswer":
        accepted = [(a.findtext("text") or "").strip() for _f, a in full]
        if any("*" in a for a in accepted):
            raise Unrepresentable(_("an accepted answer uses the * wildcard, which certify does "
                                    "not support (list the accepted answers instead)"))
        blank: dict[str, Any] = {"accepted": accepted,
                                 "case_sensitive": _flag(q.find_text("usecase"), False)}
    else:
        text = (full[0][1].findtext("text") or "").strip()
        try:
            value = float(text)
            tolerance = float(full[0][1].findtext("tolerance") or 0)
        except ValueError as exc:
            raise Unrepresentable(_('its answer "%(text)s" is not a number (certify has no "any '
                                    'answer")', text=text)) from exc
        if len(full) > 1:
            q.note(_("several answers at 100 %; the first is the key"))
        if q.e.find("units/unit") is not None:
            q.note(_("units are ignored: candidates type the number only"))
        blank = {"numeric": value, "tolerance": abs(tolerance)}
    item = _item(q, meta, item_type="fill_in", stem=_blank_stem(q.text("questiontext")),
                 content={"blanks": 1, "scoring": {"mode": "partial"}}, key={"blanks": [blank]},
                 points=_points(q), explanation=_explain(q.text("generalfeedback"), feedback))
    return [item] if item else []


#: Separates the rubric from the model answer in the grader information certify's export writes.
MODEL_ANSWER = "Model answer:"


def _essay(q: _Question, meta: _Meta) -> list[ItemData]:
    points = _points(q)
    info = q.text("graderinfo")
    rubric, model = None, ""
    head, _sep, tail = info.partition("\n\n" + MODEL_ANSWER)
    lines = [ln for ln in head.replace("\\|", "|").splitlines() if ln.strip()]
    if lines and all(re.match(r"^\d+(\.\d+)?\s*\|", ln) for ln in lines):
        parsed_rubric, problems = parse_rubric("\n".join(lines))
        if not problems:
            rubric, model = parsed_rubric, tail.strip()
    if rubric is None:
        standard = " ".join(info.replace("|", "/").split())[:2000]
        rubric = parse_rubric(" | ".join(
            [format_number(points), _("The answer as a whole (imported from a Moodle essay)"),
             standard]))[0]
        q.note(_("the essay became a short answer with one checkpoint worth all %(points)s "
                 "points%(info)s; split it into checkpoints before review", points=points,
                 info=_(", marked by the grader information") if standard else ""))
    if (q.find_text("responsetemplate/text") or "").strip():
        q.note(_("the response template was left out (candidates start from an empty answer)"))
    if (q.find_text("attachments") or "0").strip() not in ("0", ""):
        q.note(_("file attachments were left out: a certify short answer is typed text"))
    item = _item(q, meta, item_type="short_answer", stem=q.text("questiontext"), content={},
                 key={"rubric": rubric, "model_answer": model}, points=points,
                 explanation=q.text("generalfeedback"))
    return [item] if item else []


def _split_points(total: Decimal, parts: int) -> Decimal:
    return (total / parts).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _matching(q: _Question, meta: _Meta) -> list[ItemData]:
    subs = []
    for sub in q.e.findall("subquestion"):
        answer = (sub.findtext("answer/text") or "").strip()
        subs.append((q.convert(sub, inline=True), answer))
    answers: list[str] = []
    for _text, answer in subs:
        if answer and answer not in answers:
            answers.append(answer)
    questions = [(text, answer) for text, answer in subs if text and answer]
    if len(questions) < 1 or len(answers) < 2:
        q.problem(_("a matching question needs sub-questions and two answers or more"), "answer")
        return []
    if len(answers) > len(OPTION_IDS):
        raise Unrepresentable(_("it has %(n)s different answers; one certify item offers at most "
                                "%(max)s options", n=len(answers), max=len(OPTION_IDS)))
    total = _points(q)
    share = _split_points(total, len(questions))
    if share * len(questions) != total:
        q.note(_("each of the %(n)s items is worth %(share)s points (the question was worth "
                 "%(total)s)", n=len(questions), share=share, total=total))
    stem = q.text("questiontext")
    options = [{"id": OPTION_IDS[i], "text": _escape(a)} for i, a in enumerate(answers)]
    items = []
    for index, (text, answer) in enumerate(questions, start=1):
        item = _item(q, meta, item_type="single", stem=f"{stem}\n\n**{text}**".strip(),
                     content={"options": options, "shuffle": True},
                     key={"correct": OPTION_IDS[answers.index(answer)]}, points=share,
                     explanation=q.text("generalfeedback"), ref=f"{q.ref[:60]}-{index}")
        if item:
            items.append(item)
    q.note(_("the matching question became %(n)s single-choice items (%(refs)s), one per "
             "sub-question, each offering the %(k)s answers", n=len(questions), k=len(answers),
             refs=", ".join(i.ref for i in items)))
    return items


def _gaps(q: _Question, meta: _Meta) -> list[ItemData]:
    """gapselect and ddwtos: a fill-in whose blanks list their choices."""
    tag = "dragbox" if q.kind == "ddwtos" else "selectoption"
    choices = [((c.findtext("text") or "").strip(), (c.findtext("group") or "1").strip())
               for c in q.e.findall(tag)]
    raw = q.find_text("questiontext/text") or ""
    blanks, groups_used = [], []

    def gap(match: re.Match) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(choices):
            raise Unrepresentable(_("the gap [[%(n)s]] names no choice", n=number))
        text, group = choices[number - 1]
        blanks.append({"accepted": [html.unescape(re.sub(r"<[^>]*>", "", text))],
                       "case_sensitive": False})
        if group not in groups_used:
            groups_used.append(group)
        return _GAP_TOKEN.format(len(blanks))

    raw = re.sub(r"\[\[(\d+)\]\]", gap, raw)
    if not blanks:
        q.problem(_("has no gap [[1]] in its text"), "stem")
        return []
    node = q.e.find("questiontext")
    stem = _GAP.sub(lambda m: f"[[{m.group(1)}]]", q.convert(node, raw=raw)) if node is not None \
        else ""
    lines = []
    for group in groups_used:
        words = ", ".join(_escape(_plain(t)) for t, g in choices if g == group)
        lines.append(_("Choose from: %(words)s", words=words) if len(groups_used) == 1
                     else _("Group %(group)s: %(words)s", group=group, words=words))
    stem = stem + "\n\n" + "  \n".join(lines)
    q.note(_("the %(n)s choice gap(s) became typed blanks; the choices are listed under the "
             "text", n=len(blanks)))
    item = _item(q, meta, item_type="fill_in", stem=stem,
                 content={"blanks": len(blanks), "scoring": {"mode": "partial"}},
                 key={"blanks": blanks}, points=_points(q),
                 explanation=q.text("generalfeedback"))
    return [item] if item else []


def _cloze_answers(body: str) -> list[tuple[float, str, str]]:
    """Cloze answers ``%50%text#feedback~=text#feedback`` → (fraction, text, feedback)."""
    out = []
    for part in re.split(r"(?<!\\)~", body):
        fraction = 0.0
        if part.startswith("="):
            fraction, part = 100.0, part[1:]
        elif match := re.match(r"^%(-?[\d.]+)%", part):
            fraction, part = float(match.group(1)), part[match.end():]
        pieces = re.split(r"(?<!\\)#", part, maxsplit=1)
        text, feedback = pieces[0], pieces[1] if len(pieces) > 1 else ""
        text = re.sub(r"\\([~#}\\/\"])", r"\1", text)
        out.append((fraction, html.unescape(re.sub(r"<[^>]*>", "", text)).strip(), feedback))
    return out


def _cloze(q: _Question, meta: _Meta) -> list[ItemData]:
    raw = q.find_text("questiontext/text") or ""
    blanks, weights, choice_gaps, dropped = [], [], 0, []
    suffixes: dict[int, str] = {}

    def gap(match: re.Match) -> str:
        nonlocal choice_gaps
        weight, kind_name, body = match.groups()
        kind = CLOZE_TYPES.get(kind_name)
        if kind is None:
            raise Unrepresentable(_("its gap type %(type)s is unknown", type=kind_name))
        if kind == "multi":
            raise Unrepresentable(_("a MULTIRESPONSE gap (tick several answers) cannot become a "
                                    "typed blank or a certify item"))
        answers = _cloze_answers(body)
        right = [a for a in answers if a[0] >= 99.999]
        if not right:
            raise Unrepresentable(_("a gap has no answer at 100 %"))
        dropped.extend(a[1] for a in answers if 0 < a[0] < 99.999)
        weights.append(int(weight or 1))
        if kind == "numeric":
            value, _sep, tolerance = right[0][1].partition(":")
            try:
                blank: dict[str, Any] = {"numeric": float(value),
                                         "tolerance": abs(float(tolerance or 0))}
            except ValueError as exc:
                raise Unrepresentable(_('a numerical gap\'s answer "%(text)s" is not a number',
                                        text=right[0][1])) from exc
        else:
            accepted = [a[1] for a in right]
            if any("*" in a for a in accepted):
                raise Unrepresentable(_("an accepted answer uses the * wildcard, which certify "
                                        "does not support"))
            blank = {"accepted": accepted, "case_sensitive": kind == "short_c"}
            if kind == "choice":
                choice_gaps += 1
                suffixes[len(blanks) + 1] = " (" + " / ".join(_escape(a[1]) for a in answers) + ")"
        blanks.append(blank)
        return _GAP_TOKEN.format(len(blanks))

    raw = _CLOZE.sub(gap, raw)
    if not blanks:
        q.problem(_("has no gap such as {1:SHORTANSWER:=answer} in its text"), "stem")
        return []
    node = q.e.find("questiontext")
    stem = q.convert(node, raw=raw) if node is not None else ""
    stem = _GAP.sub(lambda m: f"[[{m.group(1)}]]{suffixes.get(int(m.group(1)), '')}", stem)
    if choice_gaps:
        q.note(_("%(n)s choice gap(s) became typed blanks with their choices in brackets",
                 n=choice_gaps))
    if dropped:
        q.note(_("answers with partial credit (%(answers)s) were dropped: a blank is right or "
                 "wrong", answers=", ".join(dropped)))
    if len(set(weights)) > 1:
        q.note(_("Moodle weighted the gaps %(weights)s; certify gives each blank the same share",
                 weights=":".join(map(str, weights))))
    points = _points(q, fallback=Decimal(sum(weights)))
    item = _item(q, meta, item_type="fill_in", stem=stem,
                 content={"blanks": len(blanks), "scoring": {"mode": "partial"}},
                 key={"blanks": blanks}, points=points, explanation=q.text("generalfeedback"))
    return [item] if item else []


BUILDERS = {"multichoice": _choice, "multichoiceset": _choice, "truefalse": _truefalse,
            "shortanswer": _typed, "numerical": _typed, "essay": _essay, "matching": _matching,
            "ddmatch": _matching, "gapselect": _gaps, "ddwtos": _gaps, "cloze": _cloze,
            "multianswer": _cloze}


def _category(element: Element) -> _Category:
    path = (element.findtext("category/text") or "").strip()
    shown = re.sub(r"^\$(course|module|system|cat\d+)\$/(top/)?", "", path)
    return _Category(shown, sorted(set(_UNIT_IN_TEXT.findall(path))))


def _legacy_image(q: _Question) -> str:
    """Moodle 1.9's ``<image>`` and ``<image_base64>``: the image Moodle appends to the text."""
    name = (q.find_text("image") or "").strip()
    encoded = "".join((q.find_text("image_base64") or "").split())
    if not name:
        return ""
    if not encoded:
        q.note(_('the image "%(name)s" is named but not embedded, and was left out', name=name))
        return ""
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        q.problem(_('the embedded image "%(name)s" is not valid base64', name=name))
        return ""
    return q.media_markdown(PLUGINFILE + name, "", "image", {name: data})


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
    category: _Category | None = None
    noted_categories: set[str] = set()
    context: _Context | None = None  # the description the questions that follow are put after
    number = 0
    for element in root.findall("question"):
        if element.get("type") == "category":
            category = _category(element)
            _close_context(context, parsed, filename)
            context = None
            continue
        number += 1
        q = _Question(element, number, filename, parsed)
        if q.kind == "description":
            _close_context(context, parsed, filename)
            text = q.text("questiontext")
            context = _Context(q.label(), text, dict(q.media)) if text else None
            if context is None:
                parsed.skipped.append(Skipped(q.label(), _("an empty description"), filename))
            continue
        if q.kind not in BUILDERS:
            reason = SKIPPED_TYPES[q.kind]() if q.kind in SKIPPED_TYPES else _(
                "Moodle's %(kind)s questions have no certify equivalent", kind=q.kind)
            parsed.skipped.append(Skipped(q.label(), reason, filename))
            continue
        if category is not None and category.path and not category.units \
                and category.path not in noted_categories:
            noted_categories.add(category.path)
            parsed.notes.append(_('%(file)s: the category "%(category)s" is not kept (certify '
                                  "files items by syllabus unit; a category named after a unit "
                                  "such as L4:2.1 gives its questions that unit)",
                                  file=filename, category=category.path))
        problems_before = len(parsed.problems)
        try:
            meta = _meta(q, options, category)
            legacy = _legacy_image(q)
            items = BUILDERS[q.kind](q, meta)
        except Unrepresentable as exc:
            del parsed.problems[problems_before:]
            parsed.skipped.append(Skipped(q.label(), str(exc), filename))
            continue
        if q.failed:
            continue
        q.dropped_extras()
        for item in items:
            if legacy:
                item.stem = f"{item.stem}\n\n{legacy}"
                item.media.update(q.media)
            if context is not None:
                item.stem = f"{context.text}\n\n---\n\n{item.stem}"
                item.media.update(context.media)
                context.refs.append(item.ref)
            if item.ref in seen:
                q.problem(_("has the same ref %(ref)s as question %(n)s", ref=item.ref,
                            n=seen[item.ref]), "ref")
                continue
            seen[item.ref] = number
            parsed.items.append(item)
    _close_context(context, parsed, filename)
    if not parsed.items and not parsed.problems:
        parsed.problems.append(Problem(
            _("%(name)s has no question certify can import (%(n)s skipped, each with its "
              "reason)", name=filename, n=len(parsed.skipped)) if parsed.skipped
            else _("%(name)s has no questions", name=filename), source=filename))
    return parsed


@dataclass
class _Context:
    """A description: its text goes before the questions after it (their instructions)."""

    label: str
    text: str
    media: dict[str, Any]
    refs: list[str] = field(default_factory=list)


def _close_context(context: _Context | None, parsed: Parsed, filename: str) -> None:
    if context is None:
        return
    label, refs = context.label, context.refs
    if refs:
        parsed.notes.append(_("%(file)s, %(question)s: a description, not a question; its text "
                              "was put before the %(n)s question(s) after it as their "
                              "instructions (%(refs)s)", file=filename, question=label,
                              n=len(refs), refs=", ".join(refs)))
    else:
        parsed.skipped.append(Skipped(label, _("a description with no question after it in its "
                                               "category, so its text has no question to "
                                               "introduce"), filename))

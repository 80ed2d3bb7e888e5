"""CoNLL-style NER files → an NER task with gold spans. Detected by content, not by file name.

Shapes read (docs/formats.md §4):

- **token first** (CoNLL-2003 ``eng.testa``, WNUT17, ``*.char.bmes`` Chinese files): the token in the
  first column, its tag in the last (``EU NNP B-NP B-ORG``); tab- or space-separated;
- **index first** (GermEval 2014, flair's ``.conllu``-named NER files): ``1<TAB>Schartau<TAB>B-PER<TAB>O``;
  the token is the second column and the tag the first later column that holds tags (GermEval's
  outer entities; its nested-entity column is not read, and the report says so).

A blank line ends a sentence; ``-DOCSTART-`` lines are skipped. ``#`` starts a comment only where the
format has comments: in an index-first file a line whose first column is ``#`` (GermEval's source
lines); in a token-first file a ``#`` line at the start of a sentence whose tag column holds no tag
(``# sent_id = 1``). Everywhere else ``#`` is a token (WNUT17's hashtags ``#`` ``bots``).

Tags: ``O`` and ``<prefix>-<type>`` (or ``_``) with the prefixes of BIO/IOB2, IOB1, IOBES, BILOU and
BMES: ``B`` begins, ``I``/``M`` continue (an ``I`` that does not continue an entity of its type starts
one, as IOB1 does), ``E``/``L`` end, ``S``/``U`` are single-token entities.

True CoNLL-U (ten columns: ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC) has no NER column and is
refused with a message that says so.
"""

from __future__ import annotations

import re
from collections import Counter

from flask_babel import gettext as _

from certify.banks.importers.common import ImportOptions, Parsed
from certify.banks.importers.foreign import finish
from certify.banks.spec import BankError, Problem
from certify.parsing import utf8_text

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_TAG = re.compile(r"^([BIESMLU])[-_](\S+)$")
_INDEX = re.compile(r"^\d+$")
_CONLLU_ID = re.compile(r"^\d+(?:[-.]\d+)?$")
#: How many lines the shape of a file is judged from.
_SAMPLE = 3000


def _columns(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def _is_tag(value: str) -> bool:
    value = value.strip()
    return value == "O" or bool(_TAG.match(value))


def _joins_tight(left: str, right: str) -> bool:
    return bool(_CJK.match(left[-1]) or _CJK.match(right[0]))


def _data_lines(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("-DOCSTART-"):
            rows.append(_columns(line))
        if len(rows) >= _SAMPLE:
            break
    return rows


def shape(text: str) -> str | None:
    """``"conllu"``, ``"index"`` (index first), ``"token"`` (token first) or ``None`` (not CoNLL)."""
    rows = [r for r in _data_lines(text) if not (r and r[0].startswith("#"))]
    if not rows:
        return None
    if sum(len(r) == 10 and bool(_CONLLU_ID.match(r[0])) for r in rows) >= 0.9 * len(rows):
        return "conllu"
    if sum(len(r) >= 3 and bool(_INDEX.match(r[0])) for r in rows) >= 0.9 * len(rows) \
            and _tag_column(rows, start=2) is not None:
        return "index"
    if sum(len(r) >= 2 and _is_tag(r[-1]) for r in rows) >= 0.8 * len(rows):
        return "token"
    return None


def looks_like_conll(data: bytes) -> bool:
    """Whether ``data`` is a CoNLL-style file (any name): UTF-8 text of token and tag columns."""
    text = utf8_text(data)
    return text is not None and shape(text) in ("token", "index", "conllu")


def _tag_column(rows: list[list[str]], *, start: int) -> int | None:
    """The first column from ``start`` on whose values are tags on ≥ 90 % of the rows."""
    width = max(len(r) for r in rows)
    for column in range(start, width):
        filled = [r[column] for r in rows if len(r) > column]
        if filled and sum(_is_tag(v) for v in filled) >= 0.9 * len(rows):
            return column
    return None


def _scheme(tags: Counter) -> str:
    prefixes = {t.split("-", 1)[0].split("_", 1)[0] for t in tags if t != "O"}
    if prefixes & {"M"}:
        return "BMES"
    if prefixes & {"L", "U"}:
        return "BILOU"
    if prefixes & {"E", "S"}:
        return "IOBES"
    return "BIO"


def read_conll(data: bytes, filename: str, options: ImportOptions) -> Parsed:
    text = utf8_text(data)
    if text is None:
        raise BankError([Problem(_("%(name)s is not UTF-8 text", name=filename))])
    layout = shape(text)
    if layout == "conllu":
        raise BankError([Problem(_(
            "%(name)s is CoNLL-U (Universal Dependencies: word, lemma, part of speech, syntax). "
            "CoNLL-U has no named-entity column, so it cannot become an NER task; use a CoNLL NER "
            "file (a token and its entity tag on each line)", name=filename))])
    parsed = Parsed(formats=["conll"])
    tag_at, token_at = -1, 0
    if layout == "index":
        token_at = 1
        tag_at = _tag_column([r for r in _data_lines(text) if not r[0].startswith("#")],
                             start=2) or 2
    sentences: list[list[tuple[int, str, str]]] = [[]]
    ignored_columns = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        if line.startswith("-DOCSTART-"):
            continue
        columns = _columns(line)
        if line.startswith("#") and _is_comment(columns, layout, tag_at, sentences[-1]):
            continue
        needed = max(token_at, tag_at if tag_at >= 0 else 1) + 1
        if len(columns) < needed or not columns[token_at].strip():
            parsed.problems.append(Problem(_("needs a token and a tag"), row=number,
                                           source=filename))
            continue
        if layout == "index" and len(columns) > tag_at + 1:
            ignored_columns = len(columns) - tag_at - 1
        sentences[-1].append((number, columns[token_at].strip(), columns[tag_at].strip()))
    sentences = [s for s in sentences if s]
    records, gold, labels = [], [], []
    tags = Counter(tag for sentence in sentences for _n, _t, tag in sentence)
    width = max(3, len(str(len(sentences))))
    for index, sentence in enumerate(sentences, start=1):
        rid = f"s{index:0{width}d}"
        pieces, spans = [], []
        offset, open_span = 0, None
        for position, (number, token, tag) in enumerate(sentence):
            if position and not _joins_tight(sentence[position - 1][1], token):
                pieces.append(" ")
                offset += 1
            start, end = offset, offset + len(token)
            pieces.append(token)
            offset = end
            if tag == "O":
                open_span = None
                continue
            match = _TAG.match(tag)
            if not match:
                parsed.problems.append(Problem(_('tag "%(tag)s" is not O or B-/I-/M-/E-/S-<type>',
                                                 tag=tag),
                                               row=number, record=rid, source=filename))
                open_span = None
                continue
            prefix, label = match.groups()
            if label not in labels:
                labels.append(label)
            if prefix in ("I", "M", "E", "L") and open_span is not None \
                    and open_span[2] == label:
                open_span[1] = end
            else:
                open_span = [start, end, label]
                spans.append(open_span)
            if prefix in ("E", "L", "S", "U"):
                open_span = None
        records.append({"id": rid, "text": "".join(pieces)})
        gold.append({"id": rid, "spans": spans})
    if not records:
        parsed.problems.append(Problem(_("%(name)s has no sentences", name=filename),
                                       source=filename))
        return parsed
    parsed.notes.append(_("%(name)s: %(n)s sentences read as %(layout)s with %(scheme)s tags",
                          name=filename, n=len(records), scheme=_scheme(tags),
                          layout=_("index, token, tag columns") if layout == "index"
                          else _("token and tag columns")))
    if ignored_columns:
        parsed.notes.append(_("%(name)s: the entity tags of column %(column)s were read; the "
                              "%(n)s column(s) after it (nested entities in GermEval) are not "
                              "used", name=filename, column=tag_at + 1, n=ignored_columns))
    return finish(parsed, filename=filename, options=options, task_type="ner", records=records,
                  gold=gold, labels=labels, media={})


def _is_comment(columns: list[str], layout: str | None, tag_at: int,
                sentence: list) -> bool:
    """Whether a line starting with ``#`` is a comment (see the module docstring)."""
    if layout == "index":
        return not _INDEX.match(columns[0].strip())
    if sentence:
        return False  # inside a sentence, "#" is a token
    return len(columns) < 2 or not _is_tag(columns[tag_at])

"""CoNLL files (one token per line, its IOB/IOB2/IOBES tag in the last column, a blank line between
sentences) → an NER task with gold spans.

Each sentence becomes a record whose text joins the tokens with a space, except between two CJK
characters (character-level Chinese CoNLL joins without spaces). Spans are computed from the tags as
code-point offsets into that text. ``-DOCSTART-`` lines are skipped. An ``I-X`` that does not continue
an ``X`` entity starts one (IOB1 files use that); a tag that is not ``O`` or ``B-/I-/E-/S-<type>`` is
reported with its line number.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from certify.banks.importers.common import ImportOptions, Parsed
from certify.banks.importers.foreign import finish
from certify.banks.spec import BankError, Problem
from certify.parsing import utf8_text

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_TAG = re.compile(r"^(?:([BIES])[-_])(.+)$")


def _joins_tight(left: str, right: str) -> bool:
    return bool(_CJK.match(left[-1]) or _CJK.match(right[0]))


def read_conll(data: bytes, filename: str, options: ImportOptions) -> Parsed:
    text = utf8_text(data)
    if text is None:
        raise BankError([Problem(_("%(name)s is not UTF-8 text", name=filename))])
    parsed = Parsed(formats=["conll"])
    sentences: list[list[tuple[int, str, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        if line.startswith("-DOCSTART-") or line.startswith("#"):
            continue
        columns = line.split("\t") if "\t" in line else line.split()
        if len(columns) < 2 or not columns[0]:
            parsed.problems.append(Problem(_("needs a token and a tag"), row=number,
                                           source=filename))
            continue
        sentences[-1].append((number, columns[0], columns[-1].strip()))
    sentences = [s for s in sentences if s]
    records, gold, labels = [], [], []
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
                parsed.problems.append(Problem(_('tag "%(tag)s" is not O or B-/I-/E-/S-<type>',
                                                 tag=tag),
                                               row=number, record=rid, source=filename))
                open_span = None
                continue
            prefix, label = match.groups()
            if label not in labels:
                labels.append(label)
            if prefix in ("I", "E") and open_span is not None and open_span[2] == label:
                open_span[1] = end
            else:
                open_span = [start, end, label]
                spans.append(open_span)
            if prefix in ("E", "S"):
                open_span = None
        records.append({"id": rid, "text": "".join(pieces)})
        gold.append({"id": rid, "spans": spans})
    if not records:
        parsed.problems.append(Problem(_("%(name)s has no sentences", name=filename),
                                       source=filename))
        return parsed
    return finish(parsed, filename=filename, options=options, task_type="ner", records=records,
                  gold=gold, labels=labels, media={})

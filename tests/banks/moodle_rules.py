"""Moodle's importer rules, written out so that tests can check certify's Moodle XML export against
them without a Moodle site.

Sources (moodle/moodle): the grade list of ``question_bank::fraction_options_full()`` in
``question/engine/bank.php`` (an answer whose fraction is not on it aborts the import with
``invalidgradequestion``, matched within 0.00001 by ``match_grade_options()`` in
``lib/questionlib.php``); what ``question/format/xml/format.php`` reads for each type; and the checks
of the question types' ``save_question_options`` (``fractionsnomax``: a single-answer question needs
an answer at 100 %; ``fractionsaddwrong``: the positive fractions of a multiple-answer question add
up to 100 %, rounded to two decimals; a short answer needs an answer at 100 %).
"""

from __future__ import annotations

import re

from defusedxml import ElementTree as ET

#: question_bank::fraction_options_full(): 1.0, then these, then 0 and the negatives, then -1.0.
_RAW = (0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
        0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
GRADES = (1.0, 0.0, -1.0, *_RAW, *(-f for f in _RAW))
#: Cloze gap syntax, as question/type/multianswer/questiontype.php reads it.
CLOZE_GAP = re.compile(r"\{[0-9]*:(SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|"
                       r"MULTICHOICE\w*|MC\w*|MULTIRESPONSE\w*|MR\w*):((?:\\.|[^\\}])*)\}")
RESPONSE_FORMATS = {"editor", "editorfilepicker", "plain", "monospaced", "noinline"}


def problems(xml: bytes) -> list[str]:
    """Every rule of Moodle's importer the file breaks (empty when Moodle imports it as is)."""
    root = ET.fromstring(xml)
    found: list[str] = []
    if root.tag != "quiz":
        return ["the root element is not <quiz>"]
    if b"asset:" in xml:
        found.append("a text still names a certify asset (asset:…), which Moodle cannot show")
    for number, q in enumerate(root.findall("question"), start=1):
        kind = q.get("type")
        where = f"question {number} ({kind})"
        if kind == "category":
            if not (q.findtext("category/text") or "").startswith("$course$/"):
                found.append(f"{where}: a category path starts with $course$/")
            continue
        if not (q.findtext("name/text") or "").strip():
            found.append(f"{where}: has no name")
        if q.find("questiontext/text") is None:
            found.append(f"{where}: has no questiontext")
        for node in q.iter():
            text = node.findtext("text") or ""
            files = {f.get("name") for f in node.findall("file")}
            for name in re.findall(r"@@PLUGINFILE@@/([^)\s\"'<]+)", text):
                if name not in files:
                    found.append(f"{where}: {name} is referenced but not embedded next to the text")
        fractions = []
        for answer in q.findall("answer"):
            fraction = float(answer.get("fraction", "0")) / 100
            fractions.append(fraction)
            if not any(abs(fraction - grade) < 0.00001 for grade in GRADES):
                found.append(f"{where}: fraction {answer.get('fraction')} % is not on Moodle's "
                             f"grade list (invalidgradequestion)")
        if kind == "multichoice":
            if len(fractions) < 2:
                found.append(f"{where}: needs two answers or more")
            if (q.findtext("single") or "true") in ("true", "1"):
                if max(fractions, default=0) != 1:
                    found.append(f"{where}: no answer at 100 % (fractionsnomax)")
            elif round(sum(f for f in fractions if f > 0), 2) != 1:
                found.append(f"{where}: positive fractions do not add up to 100 % "
                             f"(fractionsaddwrong)")
        elif kind in ("truefalse",):
            texts = sorted((a.findtext("text") or "").strip() for a in q.findall("answer"))
            if texts != ["false", "true"]:
                found.append(f"{where}: answers must be true and false")
        elif kind in ("shortanswer", "numerical", "multichoiceset"):
            if kind != "multichoiceset" and max(fractions, default=0) != 1:
                found.append(f"{where}: no answer at 100 %")
            if kind == "numerical":
                for answer in q.findall("answer"):
                    try:
                        float(answer.findtext("text") or "")
                        float(answer.findtext("tolerance") or "0")
                    except ValueError:
                        found.append(f"{where}: answer or tolerance is not a number")
        elif kind == "essay":
            if q.findtext("responseformat") not in RESPONSE_FORMATS:
                found.append(f"{where}: responseformat must be one of {sorted(RESPONSE_FORMATS)}")
            for tag in ("graderinfo", "responsetemplate"):
                if q.find(tag) is None:
                    found.append(f"{where}: has no <{tag}>")
        elif kind == "cloze":
            gaps = CLOZE_GAP.findall(q.findtext("questiontext/text") or "")
            if not gaps:
                found.append(f"{where}: a cloze question needs gaps such as {{1:SHORTANSWER:=x}}")
            for _kind, body in gaps:
                if not re.search(r"(^|~)(=|%100%)", body):
                    found.append(f"{where}: a gap has no answer at 100 %")
        else:
            found.append(f"{where}: not a question type certify means to write")
    return found

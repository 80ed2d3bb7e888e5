"""Reading item text for the item-writing checks: lengths, cue words, negatives and their emphasis.

Pure functions over strings. Chinese and English are read alike where the rule is the same and
apart where the languages differ (word boundaries, capital letters).

**How emphasis is written** (docs/item-checks.md, question_banks/theory/WRITING.md): a
negative in a question's stem is emphasised when it stands in bold (``**不正确**``, ``**NOT**``) or in
the brackets 【】 (``【不属于】``); in English, capitals also count (``NOT``, ``EXCEPT``), as in print.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

_MARKUP = re.compile(r"[*_`#>|~]|!\[[^\]]*\]\([^)]*\)|\[\[\d+\]\]")
_SPACE = re.compile(r"\s+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def plain(text: str) -> str:
    """``text`` without Markdown marks and with spaces collapsed (NFKC: full-width folds)."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE.sub(" ", _MARKUP.sub("", text)).strip()


def length(text: str) -> int:
    """What a candidate sees as an option's length: its characters without spaces or Markdown.

    A Chinese character and an English letter both count one; so an English option reads about
    five times "longer" than its Chinese translation, which is why lengths are only compared
    within one item.
    """
    return len(_SPACE.sub("", plain(text)))


def folded(text: str) -> str:
    """Text for comparing two options: lower case, no spaces, no sentence punctuation at the end.
    Inner punctuation stays: it carries meaning in numbers (2.5 %, 0.025 %) and code (``^1\\d``)."""
    return _SPACE.sub("", plain(text).casefold()).rstrip("。．.，,；;：:！!？?")


# -- "all / none of the above" -------------------------------------------------------------------

_ABOVE = re.compile(
    r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|them)\b|\ball\s+the\s+above\b"
    r"|\b(both|neither)\s+[A-H]\s+(and|nor)\s+[A-H]\b"
    r"|以上(各项|选项|说法|答案|几项|三项|四项|所述)?(都|均|皆|全)(是|不是|非|对|不对|正确|错误|不正确|有|没有|可以|不可以)?"
    r"|以上(全部|皆非|都不|均不)|(上述|前述)(选项|说法)?(都|均|皆)|全部(正确|错误|都对)|都不(是|对|正确)$",
    re.IGNORECASE)


def all_or_none(text: str) -> str | None:
    """The "all / none of the above" phrase an option consists of, if any ("以上都是", "None of the
    above", "A和B都对"); an option that merely contains "all of them" in a sentence is not one."""
    clean = plain(text)
    match = _ABOVE.search(clean)
    if match is None or match.start() > 4 or len(clean) - match.end() > 12:
        return None
    return match.group(0)


# -- absolute words ------------------------------------------------------------------------------

_ABSOLUTE_EN = re.compile(r"\b(always|never|all|none|only|every|everything|nothing|must|"
                          r"completely|entirely|absolutely|totally|no one|impossible|"
                          r"certainly)\b", re.IGNORECASE)
# Terms that contain an absolute word without asserting anything absolute are not cues: 唯一性 /
# 唯一标识 (uniqueness, an identifier), 所有者 / 所有权 / 所有制 (ownership), 绝对引用 / 绝对误差 /
# 绝对值 / 绝对零点 / 绝对路径 (technical terms), 统一定价 (统一 + 定价), 一定程度 / 不一定 (hedges).
_ABSOLUTE_ZH = re.compile(r"(?<![统不])一定(?!程度)|必须|必然|所有(?![者权制])|一切|全部|完全|"
                          r"绝对(?!引用|误差|值|零点|路径)|总是|从不|从来|永远|任何|唯一(?!性|标识)|"
                          r"只能|只有|肯定|毫无|彻底|无论如何|丝毫|决不|绝不|根本不")


def absolute_words(text: str) -> list[str]:
    """Absolute words in ``text`` (always, never, 一定, 必须, 所有 …), in order."""
    clean = plain(text)
    return [m.group(0) for m in _ABSOLUTE_EN.finditer(clean)] + \
        [m.group(0) for m in _ABSOLUTE_ZH.finditer(clean)]


# -- negative stems ------------------------------------------------------------------------------

_NEGATIVE_ZH = re.compile(r"不正确|不恰当|不合理|不属于|不包括|不包含|不是|不能|不应该?|不需要|"
                          r"不必|不符合|不可以|不宜|不适用|不适合|不对|错误的|除外|例外")
_NEGATIVE_EN = re.compile(r"\b(not|except|least|incorrect|false|untrue|cannot|can't|isn't|"
                          r"aren't|doesn't|don't|wrong)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[，。；：,;:!?！？\n]")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|【(.+?)】|<strong>(.+?)</strong>")
_BLANK = re.compile(r"[（(]\s*[)）]|_{2,}")


def question_clause(stem: str) -> str:
    """The part of a stem that asks the question: its last clause (a Chinese stem asks at its end:
    "下列……不正确的是（　　）"; an English one in its last sentence)."""
    text = _BLANK.sub("", (stem or "").strip())
    text = re.sub(r"[\s（(]*[)）]?\s*$", "", text)
    parts = [p for p in _CLAUSE.split(text) if p.strip()]
    if not parts:
        return ""
    # An English question may run over several clauses ("Which of these, if any, is NOT …?").
    last_sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
    return last_sentence if re.search(r"[A-Za-z]{3}", last_sentence) and \
        not re.search(f"[{_CJK}]", last_sentence) else parts[-1]


_ASKS_ZH = re.compile(r"(下列|以下|下面|哪[一个项些种]*)\S{0,6}$")
_ANSWERS_ZH = re.compile(r"^\S{0,3}?(的是|的一项|的选项|的有|的为|是|项|的)")
_ASKS_EN = re.compile(r"\b(which|what)\b|\bfollowing\b", re.IGNORECASE)
_RELATIVE_EN = re.compile(r"\b(that|who|whose|whom|where|when|if|because)\b", re.IGNORECASE)


def negatives(stem: str) -> list[tuple[str, bool]]:
    """Negative words that turn the stem's question around ("下列不属于……的是", "Which is NOT …"),
    each with whether it is emphasised.

    Only the question clause counts, and there only a negative that the question hangs on: in
    Chinese one right after 下列/以下/哪项 or right before 的是/项; in English one that follows
    "which / what" with no relative clause in between (EXCEPT and LEAST always count), or
    "is incorrect / false". "当模型不能收敛时，应首先检查哪项" and "What is the principle that
    classes must not overlap?" are not negative questions.
    """
    clause = question_clause(stem)
    spans = [m.span() for m in _EMPHASIS.finditer(clause)]
    bare = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), clause)
    found = []
    for match in _NEGATIVE_ZH.finditer(clause):
        before, after = bare[:bare.find(match.group(0))], clause[match.end():]
        after = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), after)
        if not (_ASKS_ZH.search(before) or _ANSWERS_ZH.match(after.lstrip("*】"))):
            continue
        inside = any(start <= match.start() and match.end() <= end for start, end in spans)
        found.append((match.group(0), inside))
    asked = _ASKS_EN.search(bare)
    if asked:
        for match in _NEGATIVE_EN.finditer(clause):
            word = match.group(0)
            between = _EMPHASIS.sub(" ", clause[:match.start()])[asked.start():]
            always = word.lower() in ("except", "least")
            if not always and (_RELATIVE_EN.search(between) or match.start() < asked.start()
                               or between.rstrip().endswith(",")):
                continue  # "the principle that classes must not overlap", "X, not Y": no reversal
            if word.lower() in ("incorrect", "false", "untrue", "wrong") and \
                    not re.search(r"\b(is|are)\s*(\*\*)?$", clause[:match.start()].rstrip()):
                continue
            inside = any(start <= match.start() and match.end() <= end for start, end in spans)
            found.append((word, inside or (word.isupper() and len(word) > 1)))
    return found


# -- explanations that point at positions ---------------------------------------------------------

_LETTER_EN = re.compile(r"\b(options?|answers?|choices?)\s+\(?[A-H]\)?\b|\(\s*[A-H]\s*\)"
                        r"|\bthe\s+(first|second|third|fourth|fifth|last)(\s+(two|three))?\s+"
                        r"(options?|sets?|answers?|choices?|ones?|statements?)\b"
                        r"|\b(first|second|third|fourth|fifth|last)\s+(option|choice|answer)\b",
                        re.IGNORECASE)
_LETTER_ZH = re.compile(r"选项\s*[A-HＡ-Ｈ]|[A-H]\s*项|答案(为|是)\s*[A-H]|[A-H]、[A-H]"
                        r"|第[一二三四五六七八1-8]个?(选项|项|答案)|前[两二三四]个?(选项|项)"
                        r"|最后一?个?(选项|项)")


def position_words(explanation: str) -> str | None:
    """A reference to an option by letter or position ("option B", "the first two sets", "选项C",
    "第三项") — wrong for the candidate whenever the options are shuffled."""
    text = plain(explanation)
    match = _LETTER_EN.search(text) or _LETTER_ZH.search(text)
    return match.group(0) if match else None


# -- features for near-duplicate detection --------------------------------------------------------

_STOP = ("a an the of to in on for is are was were be been by and or with that this these those "
         "which what who from as at it its not no can may should would will do does did than then "
         "there has have had if so such into about when where how why all any each")
STOPWORDS = frozenset(_STOP.split())
_WORD = re.compile(r"[a-z0-9]+(?:[.%][0-9]+)?%?")
_CJK_RUN = re.compile(f"[{_CJK}]+")


def terms(text: str) -> list[str]:
    """The terms two items are compared by: English words (stop words dropped) and word pairs,
    Chinese character pairs (Chinese has no spaces; two characters approximate a word), numbers."""
    clean = plain(text).casefold()
    words = [w for w in _WORD.findall(clean) if w not in STOPWORDS]
    out = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    for run in _CJK_RUN.findall(clean):
        out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return out

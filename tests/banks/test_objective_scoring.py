"""Key checking of every objective item type (certify.banks.scoring.score_objective)."""

from __future__ import annotations

import pytest

from certify.banks.scoring import normalise_text, parse_number, score_objective

OPTIONS = {"options": [{"id": k, "text": k} for k in "ABCD"], "shuffle": True}


@pytest.mark.parametrize(("answer", "points"), [("B", 2.0), ("A", 0.0), (None, 0.0), ("", 0.0),
                                                (["B"], 0.0), (7, 0.0)])
def test_single_choice_full_marks_only_for_the_key(answer, points):
    result = score_objective("single", OPTIONS, {"correct": "B"}, 2, answer)
    assert result.points == points
    assert result.max_points == 2.0
    assert result.detail["answered"] is (answer not in (None, ""))
    assert "B" not in str(result.detail)  # never the key


@pytest.mark.parametrize(("answer", "points"), [(True, 1.0), ("true", 1.0), (False, 0.0),
                                                ("false", 0.0), ("yes", 0.0), (None, 0.0)])
def test_true_false(answer, points):
    assert score_objective("true_false", {}, {"correct": True}, 1, answer).points == points


def multiple(mode, penalty=1.0):
    return {**OPTIONS, "scoring": {"mode": mode, "penalty": penalty}}


@pytest.mark.parametrize(("answer", "points"), [(["A", "C"], 1.0), (["C", "A"], 1.0), (["A"], 0.0),
                                                (["A", "B", "C"], 0.0), ([], 0.0), ("A", 0.0)])
def test_multiple_all_or_nothing(answer, points):
    result = score_objective("multiple", multiple("all_or_nothing"), {"correct": ["A", "C"]}, 1,
                             answer)
    assert result.points == points


@pytest.mark.parametrize(("answer", "penalty", "points"), [
    (["A"], 1.0, 1.0),            # one of two correct picks: half of 2 points
    (["A", "C"], 1.0, 2.0),
    (["A", "B"], 1.0, 0.0),       # +1 -1
    (["A", "B", "C"], 1.0, 1.0),  # +2 -1
    (["A", "B", "C", "D"], 1.0, 0.0),  # never below 0
    (["A", "B"], 0.5, 0.5),       # +1 -0.5
    (["B", "D"], 0.5, 0.0),
])
def test_multiple_partial_credit_with_penalty(answer, penalty, points):
    result = score_objective("multiple", multiple("partial", penalty), {"correct": ["A", "C"]}, 2,
                             answer)
    assert result.points == points
    assert result.detail["hits"] == len(set(answer) & {"A", "C"})


FILL = {"blanks": 3, "scoring": {"mode": "partial"}}
FILL_KEY = {"blanks": [{"accepted": ["precision", "查准率"], "case_sensitive": False},
                       {"numeric": 0.8, "tolerance": 0.005},
                       {"accepted": ["IoU"], "case_sensitive": True}]}


@pytest.mark.parametrize(("answer", "blanks"), [
    (["precision", "0.8", "IoU"], [True, True, True]),
    (["  PRECISION ", "0.804", "iou"], [True, True, False]),  # case folded except when sensitive
    (["ｐｒｅｃｉｓｉｏｎ", "０.８", "ＩｏＵ"], [True, True, True]),  # full-width folds to half-width
    (["查准率", ".7999", "IoU"], [True, True, True]),
    (["recall", "0.81", "I o U"], [False, False, False]),
    (["pre cision", "abc", ""], [False, False, False]),
    (["precision"], [True, False, False]),  # missing blanks are wrong
])
def test_fill_in_normalisation_and_tolerance(answer, blanks):
    result = score_objective("fill_in", FILL, FILL_KEY, 3, answer)
    assert result.detail["blanks"] == blanks
    assert result.points == pytest.approx(sum(blanks))


def test_fill_in_all_or_nothing_and_whitespace_inside_answers():
    content = {"blanks": 2, "scoring": {"mode": "all_or_nothing"}}
    key = {"blanks": [{"accepted": ["data  cleaning"]}, {"numeric": 1234.5, "tolerance": 0}]}
    assert score_objective("fill_in", content, key, 2, ["Data cleaning", "1,234.5"]).points == 2
    assert score_objective("fill_in", content, key, 2, ["Data cleaning", "1234"]).points == 0


def test_partial_fill_in_gives_equal_shares():
    result = score_objective("fill_in", FILL, FILL_KEY, 1, ["precision", "0", "x"])
    assert result.points == pytest.approx(1 / 3, abs=1e-6)
    assert result.correct is False


def test_numbers_and_text_helpers():
    assert parse_number("3.5%") == 3.5
    assert parse_number("−2") == -2
    assert parse_number("nan") is None
    assert parse_number(True) is None
    assert normalise_text("Ａ\u3000 B") == "a b"


def test_non_objective_types_are_refused():
    with pytest.raises(ValueError, match="not marked from a key"):
        score_objective("short_answer", {}, {}, 5, "text")

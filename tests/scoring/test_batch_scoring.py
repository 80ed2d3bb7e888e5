"""Batch scoring gives, for every candidate, the numbers of the single-candidate metrics."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.scoring import batch, metrics
from tests.scoring.scoring_strategies import (
    assert_close,
    box_images,
    predicted_boxes,
    predicted_spans,
    span_records,
    text_pairs,
)

SETTINGS = settings(max_examples=40, deadline=None)
NO_ANSWER = "~no answer"  # how the single-candidate metrics see an unanswered record


@st.composite
def label_answers(draw, alphabet, allow_missing=True):
    """(gold, answers of 1–5 candidates); small alphabets make one-label candidates common."""
    n = draw(st.integers(1, 15))
    gold = draw(st.lists(st.sampled_from(alphabet), min_size=n, max_size=n))
    value = st.sampled_from(alphabet) | st.none() if allow_missing else st.sampled_from(alphabet)
    answers = draw(st.lists(st.lists(value, min_size=n, max_size=n), min_size=1, max_size=5))
    return gold, answers


ALPHABETS = st.sampled_from([["a"], ["a", "b"], ["a", "b", "c", "d"]])


@SETTINGS
@given(ALPHABETS.flatmap(label_answers))
def test_label_batch_equals_single_candidate_metrics(data):
    gold, answers = data
    scores = batch.LabelBatch(gold, answers)
    for i, row in enumerate(answers):
        seen = [NO_ANSWER if a is None else a for a in row]
        labels = sorted((set(gold) | set(row)) - {None})
        assert_close(scores.accuracy()[i], metrics.accuracy(gold, seen))
        assert_close(scores.macro_f1()[i], metrics.macro_f1(gold, seen, labels=labels))
        assert_close(scores.cohen_kappa()[i], metrics.cohen_kappa(gold, seen))
        assert scores.correct[i].tolist() == [g == a for g, a in zip(gold, row, strict=True)]


@SETTINGS
@given(label_answers([1, 2, 3, 4, 5], allow_missing=False), st.sampled_from(["linear", "quadratic"]))
def test_weighted_kappa_batch_equals_single_candidate(data, weights):
    gold, answers = data
    default = batch.LabelBatch(gold, answers).cohen_kappa(weights)
    scale = batch.LabelBatch(gold, answers, labels=[1, 2, 3, 4, 5]).cohen_kappa(weights)
    for i, row in enumerate(answers):
        assert_close(default[i], metrics.cohen_kappa(gold, row, weights=weights))
        assert_close(scale[i], metrics.cohen_kappa(gold, row, weights, labels=[1, 2, 3, 4, 5]))


def test_label_batch_rejects_labels_outside_the_set_and_weighted_kappa_with_gaps():
    with pytest.raises(ValueError, match="not one of the labels"):
        batch.LabelBatch(["a"], [["z"]], labels=["a", "b"])
    with pytest.raises(ValueError, match="needs an answer to every record"):
        batch.LabelBatch([1, 2], [[1, None]], labels=[1, 2]).cohen_kappa("quadratic")
    with pytest.raises(ValueError, match="candidate 0 has 1 answers for 2 records"):
        batch.LabelBatch([1, 2], [[1]])


label_set = st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True)


@SETTINGS
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(
    st.lists(label_set, min_size=n, max_size=n),
    st.lists(st.lists(label_set | st.none(), min_size=n, max_size=n), min_size=1, max_size=4),
)))
def test_set_batch_equals_jaccard_samples_for_answered_records(data):
    gold, answers = data
    scores = batch.SetBatch(gold, answers).jaccard_samples()
    for i, row in enumerate(answers):
        # an unanswered record scores 0 even where the gold set is empty
        expected = [0.0 if a is None else metrics.jaccard_samples([g], [a])
                    for g, a in zip(gold, row, strict=True)]
        assert_close(scores[i], sum(expected) / len(expected))


@SETTINGS
@given(span_records().flatmap(lambda r: st.tuples(
    st.just(r),
    st.lists(st.tuples(*[predicted_spans(g, n) | st.none() for n, g in zip(r[0], r[1], strict=True)]),
             min_size=1, max_size=3),
)))
def test_span_batch_equals_span_prf(data):
    (_, gold, _), answers = data
    answers = [list(row) for row in answers]
    scores = batch.SpanBatch(gold, answers)
    totals, per_record = scores.prf(), scores.record_prf()
    for i, row in enumerate(answers):
        seen = [a or [] for a in row]
        expected = metrics.span_prf(gold, seen)
        assert_close([totals[k][i] for k in ("precision", "recall", "f1")],
                     [expected[k] for k in ("precision", "recall", "f1")])
        for r in range(len(gold)):
            assert_close(per_record["f1"][i, r], metrics.span_prf([gold[r]], [seen[r]])["f1"])


@SETTINGS
@given(box_images().flatmap(lambda images: st.tuples(
    st.just(images[0]),
    st.lists(st.tuples(*[predicted_boxes(g) | st.none() for g in images[0]]), min_size=1, max_size=3),
)), st.sampled_from([0.5, 0.3]))
def test_box_batch_equals_match_boxes(data, threshold):
    gold, answers = data
    answers = [list(row) for row in answers]
    scores = batch.BoxBatch(gold, answers, iou_threshold=threshold)
    totals, mean_iou = scores.prf(), scores.mean_iou()
    for i, row in enumerate(answers):
        seen = [a or [] for a in row]
        expected = metrics.match_boxes(gold, seen, iou_threshold=threshold)
        assert_close([totals["f1"][i], totals["precision"][i], mean_iou[i]],
                     [expected["f1"], expected["precision"], expected["mean_iou"]])
        assert scores.hits[i].tolist() == [len(m) for m in expected["matches"]]


@SETTINGS
@given(text_pairs(max_records=5).flatmap(lambda pairs: st.tuples(
    st.just(pairs[0]),
    st.lists(st.lists(st.sampled_from([*pairs[1], "x 好"]) | st.none(), min_size=len(pairs[0]),
                      max_size=len(pairs[0])), min_size=1, max_size=4),
)), st.sampled_from(["char", "word"]))
def test_text_batch_equals_wer_and_cer(data, unit):
    refs, answers = data
    scores = batch.TextBatch(refs, answers, unit=unit)
    rate = metrics.cer if unit == "char" else metrics.wer
    for i, row in enumerate(answers):
        hyps = [a or "" for a in row]
        assert_close(scores.rates()[i], rate(refs, hyps))
        for r in range(len(refs)):
            assert_close(scores.record_rates()[i, r], rate([refs[r]], [hyps[r]]))


@st.composite
def rankings(draw):
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=5))
    gold = [draw(st.permutations([f"c{j}" for j in range(k)])) for k in sizes]
    answers = draw(st.lists(
        st.tuples(*[st.permutations(order) | st.none() for order in gold]), min_size=1, max_size=4
    ))
    return gold, [list(row) for row in answers]


@SETTINGS
@given(rankings())
def test_ranking_batch_equals_scipy_based_metrics_per_record(data):
    gold, answers = data
    scores = batch.RankingBatch(gold, answers)
    for i, row in enumerate(answers):
        for r, order in enumerate(row):
            order = list(reversed(gold[r])) if order is None else order
            gold_ranks = list(range(len(gold[r])))
            answer_ranks = [order.index(item) for item in gold[r]]
            assert_close(scores.spearman[i, r], metrics.spearman(gold_ranks, answer_ranks))
            assert_close(scores.kendall[i, r], metrics.kendall_tau(gold_ranks, answer_ranks))


def test_unanswered_ranking_is_the_reverse_order():
    scores = batch.RankingBatch([["a", "b", "c"]], [[None]])
    assert scores.spearman.tolist() == [[-1.0]] and scores.kendall.tolist() == [[-1.0]]
    assert scores.answered.tolist() == [[False]]


def test_box_batch_solves_images_where_boxes_compete():
    gold = [[(0, 0, 4, 4, "car"), (1, 0, 4, 4, "car")], [(0, 0, 2, 2, "car")]]
    answers = [
        [[(0.5, 0, 4, 4, "car"), (0, 0, 4, 4, "car")], [(0, 0, 2, 2, "car")]],  # tangled, simple
        [None, [(0, 0, 2, 2, "person"), (0, 0, 2, 2, "car")]],  # unanswered, a wrong label
    ]
    scores = batch.BoxBatch(gold, answers)
    assert scores.hits.tolist() == [[2, 1], [0, 1]]
    assert scores.answered.tolist() == [[True, True], [False, True]]
    assert scores.record_prf()["precision"].tolist() == [[1.0, 1.0], [0.0, 0.5]]


def test_results_do_not_depend_on_how_the_work_is_chunked(monkeypatch):
    """Large batches are processed in chunks; groups straddling a chunk boundary must add up."""
    import random

    from certify.scoring import batch as batch_module
    from certify.scoring import boxes, edit_distance

    rng = random.Random(7)
    gold_boxes = [[(rng.randint(0, 9), rng.randint(0, 9), rng.randint(1, 5), rng.randint(1, 5),
                    rng.choice("ab")) for _ in range(rng.randint(0, 4))] for _ in range(5)]
    box_answers = [[[(x + rng.choice([0, 0, 1]), y, w, h, label) for x, y, w, h, label in g]
                    + [(x, y, w, h, label) for x, y, w, h, label in g if rng.random() < 0.3]
                    for g in gold_boxes] for _ in range(30)]
    refs = ["今天天气很好", "hello world", "", "abc" * 30]
    text_answers = [[rng.choice([r[1:], r + "x", r, "好"]) for r in refs] for _ in range(30)]
    rank_gold = [["a", "b", "c"], ["x", "y"]]
    rank_answers = [[rng.sample(g, len(g)) for g in rank_gold] for _ in range(30)]
    label_answers = [[rng.randint(1, 5) for _ in range(6)] for _ in range(30)]

    def everything():
        return (batch.BoxBatch(gold_boxes, box_answers).mean_iou().tolist(),
                batch.TextBatch(refs, text_answers).rates().tolist(),
                batch.RankingBatch(rank_gold, rank_answers).kendall.tolist(),
                batch.LabelBatch([1, 2, 3, 4, 5, 5], label_answers).cohen_kappa("quadratic").tolist())

    whole = everything()
    monkeypatch.setattr(boxes, "_CHUNK", 3)
    monkeypatch.setattr(edit_distance, "_CHUNK_PAIRS", 7)
    monkeypatch.setattr(batch_module, "_CHUNK", 5)
    assert everything() == whole

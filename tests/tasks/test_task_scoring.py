"""Scoring through the task types: hand-worked examples, missing answers, policies, batch = single."""

from __future__ import annotations

import json
import random
import unicodedata

import pytest

from certify.scoring import metrics
from certify.tasks import TaskScore, TaskValidationError, get_task_type, score, score_many
from tests.tasks.task_examples import EXAMPLES, gold_responses, spec


def test_classification_example():
    result = score(spec("classification"), {"r1": "positive", "r2": "positive"})
    assert result.metric == "macro_f1"
    assert result.metrics["accuracy"] == pytest.approx(1 / 3)
    assert result.metrics["macro_f1"] == pytest.approx(2 / 9)  # positive 2/3, negative 0, neutral 0
    gold = ["positive", "negative", "neutral"]
    assert result.metrics["cohen_kappa"] == pytest.approx(
        metrics.cohen_kappa(gold, ["positive", "positive", "(no answer)"])
    )
    assert result.score == pytest.approx(100 * 2 / 9)
    assert [(r.record_id, r.answered, r.correct) for r in result.per_record] == [
        ("r1", True, True), ("r2", True, False), ("r3", False, False)
    ]


def test_multilabel_example_and_an_unanswered_record_never_earns_credit():
    task = spec("multilabel")  # r2's gold is "no label applies"
    assert score(task, {"r1": ["bug"], "r2": []}).metrics["jaccard_samples"] == 0.75
    result = score(task, {"r1": ["bug"]})
    assert result.metrics["jaccard_samples"] == 0.25
    assert [r.to_dict() for r in result.per_record] == [
        {"record_id": "r1", "answered": True, "correct": False, "jaccard": 0.5, "matched": 1,
         "missed": 1, "extra": 0},
        {"record_id": "r2", "answered": False, "correct": False, "jaccard": 0.0, "matched": 0,
         "missed": 0, "extra": 0},
    ]


def test_ner_example():
    result = score(spec("ner"), {
        "r1": [[0, 3, "PER"], [4, 6, "PER"]],  # one label wrong
        "r2": [[0, 3, "PER"], [8, 12, "PER"], [16, 21, "LOC"], [4, 7, "LOC"]],  # one extra
    })
    assert result.metrics == pytest.approx({"span_f1": 8 / 11, "span_precision": 4 / 6,
                                            "span_recall": 4 / 5})
    assert [r.detail for r in result.per_record] == [
        {"f1": 0.5, "matched": 1, "missed": 1, "extra": 1},
        {"f1": pytest.approx(6 / 7), "matched": 3, "missed": 0, "extra": 1},
    ]


def test_bbox_example():
    result = score(spec("bbox"), {"r1": [[12, 10, 20, 20, "car"]], "r2": [[0, 0, 5, 5, "car"]]})
    iou = 360 / 440
    assert result.metrics == pytest.approx({"box_f1": 0.5, "box_precision": 0.5, "box_recall": 0.5,
                                            "mean_iou": iou / 3, "tightness": iou,
                                            "box_quality": 0.7 * 0.5 + 0.3 * iou})
    assert [r.detail for r in result.per_record] == [
        {"f1": pytest.approx(2 / 3), "mean_iou": pytest.approx(iou / 2), "matched": 1, "missed": 1,
         "extra": 0},
        {"f1": 0.0, "mean_iou": 0.0, "matched": 0, "missed": 0, "extra": 1},
    ]


def test_transcription_example_uses_one_minus_cer_and_nfc():
    decomposed = unicodedata.normalize("NFD", "héllo there")
    task = spec("transcription", gold=[{"id": "r1", "text": "合计金额128.50元"},
                                       {"id": "r2", "text": "héllo there"}])
    result = score(task, {"r1": "合计金额128.5元", "r2": decomposed})
    assert result.metrics == {"cer": 1 / 22}
    assert result.score == pytest.approx(100 * 21 / 22)
    assert [r.detail for r in result.per_record] == [{"cer": 1 / 11, "errors": 1},
                                                     {"cer": 0.0, "errors": 0}]
    blank = score(task, {"r1": "合计金额128.5元"})
    assert blank.metrics == {"cer": 12 / 22}
    assert blank.per_record[1].correct is False and blank.per_record[1].answered is False


def test_transcription_by_words_treats_any_whitespace_as_a_word_boundary():
    task = spec("transcription", config={"unit": "word"}, metric="wer")
    result = score(task, {"r1": "合计金额128.50元", "r2": "hello\n\tthere"})
    assert result.metric == "wer" and result.metrics == {"wer": 0.0}


def test_rating_example_fills_an_unanswered_record_with_the_farthest_point():
    result = score(spec("rating"), {"r1": 4, "r2": 3, "r3": 5})  # r4 (gold 1) unanswered → 5
    gold, filled, scale = [4, 2, 5, 1], [4, 3, 5, 5], [1, 2, 3, 4, 5]
    assert result.metrics == pytest.approx({
        "quadratic_kappa": metrics.cohen_kappa(gold, filled, "quadratic", labels=scale),
        "linear_kappa": metrics.cohen_kappa(gold, filled, "linear", labels=scale),
        "accuracy": 0.5,
        "agreement": (1 + 0.75 + 1 + 0) / 4,  # linear: 1 less the distance over the scale's width
    })
    assert [r.correct for r in result.per_record] == [True, False, True, False]


def test_ranking_example_counts_an_unanswered_record_as_the_reverse_order():
    result = score(spec("ranking"), {"r1": ["c1", "c2", "c3"]})
    assert result.metrics == pytest.approx({"spearman": (0.5 - 1) / 2, "kendall_tau": (1 / 3 - 1) / 2})
    assert result.score == 0.0
    assert [r.detail for r in result.per_record] == [
        {"spearman": 0.5, "kendall_tau": pytest.approx(1 / 3)},
        {"spearman": -1.0, "kendall_tau": -1.0},
    ]


def test_rubric_tasks_are_returned_for_marking():
    result = score(spec("rubric"), {"r1": "My guideline …"})
    assert result == TaskScore(None, None, {}, result.per_record, needs_marking=True)
    assert result.per_record[0].answered is True and result.per_record[0].correct is None
    assert score(spec("rubric"), {}).per_record[0].answered is False


@pytest.mark.parametrize("task_type", [t for t in EXAMPLES if t != "rubric"])
def test_gold_scores_100_and_no_answers_score_0(task_type):
    assert score(spec(task_type), gold_responses(task_type)).score == 100.0
    blank = score(spec(task_type), {})
    assert blank.score == 0.0
    assert not any(r.answered or r.correct for r in blank.per_record)


def test_a_threshold_policy_and_a_chosen_metric():
    task = spec("classification", metric="accuracy",
                policy={"kind": "thresholds", "steps": [[0.9, 100], [0.6, 50]]})
    assert score(task, {"r1": "positive", "r2": "negative"}).score == 50.0  # accuracy 2/3
    assert score(task, {"r1": "positive"}).score == 0.0


@pytest.mark.parametrize("task_type", list(EXAMPLES))
def test_per_record_results_carry_no_gold_value_and_are_json_ready(task_type):
    result = score(spec(task_type), {})
    data = json.loads(json.dumps(result.to_dict()))
    for record in data["per_record"]:
        strings = [v for k, v in record.items() if isinstance(v, str)]
        assert strings == [record["record_id"]]
        assert all(isinstance(v, int | float | bool) or v is None
                   for k, v in record.items() if k != "record_id")


def test_invalid_responses_raise_listing_every_problem_with_the_candidate():
    responses = {
        "ana": {"r1": "positive", "r9": "negative"},
        "bo": {"r1": "happy", "r2": 3},
        "cy": ["positive"],
    }
    with pytest.raises(TaskValidationError) as raised:
        score_many(spec("classification"), responses)
    assert [str(p) for p in raised.value.problems] == [
        'candidate "ana", record "r9", field "response": is for a record that this task does not have',
        'candidate "bo", record "r1", field "response": label "happy" is not one of the task\'s labels '
        "(positive, negative, neutral)",
        'candidate "bo", record "r2", field "response": must be a label (a string), not 3 (a number)',
        'candidate "cy", field "responses": must map record ids to answers, not a list',
    ]


def test_score_many_with_no_candidates_and_with_something_else_than_a_mapping():
    assert score_many(spec("ner"), {}) == {}
    with pytest.raises(TypeError, match="must map each candidate to their responses, not list"):
        score_many(spec("ner"), [{"r1": []}])


def test_scoring_an_invalid_task_raises_its_problems():
    with pytest.raises(TaskValidationError, match=r'field "config\.labels": is required'):
        score(spec("ner", config={}), {})


# -- batch = single, on random responses ------------------------------------------------------

def _random_response(task_type: str, rng: random.Random):
    """A random response near the example's gold answers, with some records unanswered."""
    data, answers = EXAMPLES[task_type], {}
    for record, gold in zip(data["records"], gold_responses(task_type).values(), strict=True):
        if rng.random() < 0.2:
            continue
        labels = (data["config"] or {}).get("labels")
        if task_type == "classification":
            answers[record["id"]] = rng.choice(labels)
        elif task_type == "multilabel":
            answers[record["id"]] = rng.sample(labels, rng.randint(0, len(labels)))
        elif task_type in ("ner", "bbox"):
            answers[record["id"]] = [item for item in gold if rng.random() < 0.7]
            if rng.random() < 0.5 and task_type == "bbox":
                answers[record["id"]].append([rng.uniform(0, 50), 5, 20, 20, "car"])
        elif task_type == "transcription":
            text = list(gold)
            if rng.random() < 0.3:
                rng.shuffle(text)
            answers[record["id"]] = "".join(text[: rng.randint(0, len(text))])
        elif task_type == "rating":
            answers[record["id"]] = rng.randint(1, 5)
        elif task_type == "ranking":
            answers[record["id"]] = rng.sample(gold, len(gold))
    return answers


@pytest.mark.parametrize("task_type", [t for t in EXAMPLES if t != "rubric"])
def test_score_many_gives_each_candidate_what_score_gives(task_type):
    rng = random.Random(task_type)
    task = get_task_type(task_type).prepare(spec(task_type))
    responses = {f"c{i}": _random_response(task_type, rng) for i in range(40)}
    together = score_many(task, responses)
    assert list(together) == list(responses)
    for candidate, answers in responses.items():
        assert together[candidate] == score(task, answers)


def test_ner_task_scores_equal_the_span_metric():
    rng = random.Random(3)
    task = spec("ner")
    gold = [line["spans"] for line in EXAMPLES["ner"]["gold"]]
    for _ in range(20):
        answers = _random_response("ner", rng)
        expected = metrics.span_prf(gold, [answers.get(r, []) for r in ("r1", "r2")])
        assert score(task, answers).metrics["span_f1"] == pytest.approx(expected["f1"], abs=1e-12)

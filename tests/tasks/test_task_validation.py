"""Each malformed shape of config, record, gold or response gets a message naming record and field."""

from __future__ import annotations

import copy

import pytest

from certify.tasks import TaskValidationError, get_task_type
from tests.tasks.task_examples import EXAMPLES, spec

TEXT_45 = "x" * 45


def records(task_type, *replacements):
    """The example's records with some replaced by id (or added)."""
    rows = {r["id"]: r for r in copy.deepcopy(EXAMPLES[task_type]["records"])}
    for row in replacements:
        rows[row["id"]] = row
    return list(rows.values())


def gold(task_type, *replacements):
    rows = {g["id"]: g for g in copy.deepcopy(EXAMPLES[task_type]["gold"])}
    for row in replacements:
        rows[row["id"]] = row
    return list(rows.values())


CASES = [
    # classification
    ("classification", {"records": records("classification", {"id": "r1"})},
     ['record "r1", field "text": is missing: a record needs text or image']),
    ("classification", {"records": records("classification", {"id": "r1", "text": 42})},
     ['record "r1", field "text": must be a string, not 42 (a number)']),
    ("classification", {"records": records("classification", {"id": "r1", "text": "t", "txt": "t"})},
     ['record "r1", field "txt": is not a field of classification records (allowed: id, text, '
      "image, row)"]),
    # a tabular record's row (issue 12 §9): [[column, value], …]
    ("classification", {"records": records("classification", {"id": "r1", "text": "t", "row": {}})},
     ['record "r1", field "row": must be a list of [column, value] pairs with at least one column']),
    ("classification", {"records": records("classification",
                                           {"id": "r1", "text": "t",
                                            "row": [["city", ""], ["qty", 2], ["city", "x"]]})},
     ['record "r1", field "row": cell 2 must be a [column, value] pair of texts ("" when empty), '
      "not ['qty', 2]",
      'record "r1", field "row": column \'city\' appears twice']),
    ("classification", {"records": records("classification", {"id": "r1", "image": "../etc/pw"})},
     ['record "r1", field "image": "../etc/pw" must be a relative path inside the task\'s folder, '
      "such as images/r01.png"]),
    ("classification", {"gold": gold("classification", {"id": "r1", "label": "happy"})},
     ['record "r1", field "label": label "happy" is not one of the task\'s labels (positive, '
      "negative, neutral)"]),
    ("classification", {"gold": gold("classification", {"id": "r1"})},
     ['record "r1", field "label": is required but missing']),
    ("classification", {"config": {"labels": ["yes", False, "yes"]}},
     ['field "config.labels[1]": must be a string, not false (a boolean); YAML reads unquoted '
      "yes/no/on/off/true/false as booleans, so quote the label",
      'field "config.labels[2]": label "yes" is listed twice']),
    ("classification", {"config": {}}, ['field "config.labels": is required but missing']),
    # multilabel
    ("multilabel", {"gold": gold("multilabel", {"id": "r1", "labels": "bug"})},
     ['record "r1", field "labels": must be a list, not "bug" (a string)']),
    ("multilabel", {"gold": gold("multilabel", {"id": "r1", "labels": ["bug", "spam", "bug"]})},
     ['record "r1", field "labels[1]": label "spam" is not one of the task\'s labels (bug, ads, '
      "privacy)", 'record "r1", field "labels[2]": label "bug" is given twice']),
    ("multilabel", {"gold": gold("multilabel", {"id": "r2"}),
                    "records": records("multilabel", {"id": "r1", "image": 7})},
     ['record "r1", field "image": must be a string, not 7 (a number)',
      'record "r2", field "labels": is required but missing']),
    # ner
    ("ner", {"records": [{"id": "r017", "text": TEXT_45}],
             "gold": [{"id": "r017", "spans": [[0, 2, "PER"], [3, 5, "LOC"], [40, 48, "PER"]]}]},
     ['record "r017", field "spans[2]": span end 48 is past the end of the text (45 characters)']),
    ("ner", {"gold": gold("ner", {"id": "r1", "spans": [[0, 3, "PER"], [2, 5, "LOC"]]})},
     ['record "r1", field "spans[1]": span [2, 5, "LOC"] overlaps span [0, 3, "PER"] (spans may '
      "touch but not overlap)"]),
    ("ner", {"gold": gold("ner", {"id": "r1", "spans": [["0", 3, "PER"], [3, 3, "PER"],
                                                        [0, 3, "ORG"], [0, 3], [-1, 2, "PER"]]})},
     ['record "r1", field "spans[0]": span start must be a whole number, not "0" (a string)',
      'record "r1", field "spans[1]": span end 3 must be after its start 3',
      'record "r1", field "spans[2]": label "ORG" is not one of the task\'s labels (PER, LOC)',
      'record "r1", field "spans[3]": must be [start, end, "LABEL"], not a list',
      'record "r1", field "spans[4]": span start -1 is before the start of the text']),
    ("ner", {"records": records("ner", {"id": "r1", "text": ""}, {"id": "r2"})},
     ['record "r1", field "text": must not be empty', 'record "r2", field "text": is required but '
      "missing"]),
    # bbox
    ("bbox", {"gold": gold("bbox", {"id": "r1", "boxes": [[10, 10, -3, 5, "car"]]})},
     ['record "r1", field "boxes[0]": box width must be greater than 0, not -3']),
    ("bbox", {"gold": gold("bbox", {"id": "r1", "boxes": [[90, 10, 20, 5, "car"],
                                                          [10, 70, 5, 20, "car"],
                                                          [-1, 0, 5, 5, "car"],
                                                          [1, 1, 5, True, "car"],
                                                          [1, 1, 5, 0, "car"],
                                                          [1, 1, 5, 5, "bus"]]})},
     ['record "r1", field "boxes[0]": box right edge 110 is past the image width (100 pixels)',
      'record "r1", field "boxes[1]": box bottom edge 90 is past the image height (80 pixels)',
      'record "r1", field "boxes[2]": box corner (-1, 0) is outside the image: x and y must not '
      "be negative",
      'record "r1", field "boxes[3]": box height must be a number, not true (a boolean)',
      'record "r1", field "boxes[4]": box height must be greater than 0, not 0',
      'record "r1", field "boxes[5]": label "bus" is not one of the task\'s labels (car, sign)']),
    ("bbox", {"records": records("bbox", {"id": "r1", "image": "images/r1.png", "width": 0})},
     ['record "r1", field "width": must be at least 1, not 0',
      'record "r1", field "height": is required but missing']),
    ("bbox", {"config": {"labels": ["car"], "iou_threshold": 0}},
     ['field "config.iou_threshold": must be above 0: every pair of boxes has IoU ≥ 0']),
    # transcription
    ("transcription", {"records": records("transcription", {"id": "r2", "text": "context"})},
     ['record "r2", field "image": is missing: a record needs image or audio']),
    ("transcription", {"gold": gold("transcription", {"id": "r1", "text": ["合计"]})},
     ['record "r1", field "text": must be a string, not a list']),
    ("transcription", {"gold": [{"id": "r1", "text": "x"}, {"id": "r2", "txt": "y"}]},
     ['record "r2", field "text": is required but missing',
      'record "r2", field "txt": is not a field of transcription gold lines (allowed: id, text, '
      "rule_case, difficulty)"]),
    ("transcription", {"gold": gold("transcription", {"id": "r1", "text": "x", "rule_case": "",
                                                       "difficulty": 6})},
     ['record "r1", field "rule_case": must be a non-empty text naming a rule case, not "" (a string)',
      'record "r1", field "difficulty": must be a whole number from 1 to 5, not 6 (a number)']),
    ("bbox", {"gold": gold("bbox", {"id": "r1", "boxes": [], "difficulty": True})},
     ['record "r1", field "difficulty": must be a whole number from 1 to 5, not true (a boolean)']),
    ("transcription", {"config": {"unit": "syllable"}},
     ["field \"config.unit\": must be 'char' or 'word', not 'syllable'"]),
    ("transcription", {"metric": "wer"},
     ["field \"metric\": 'wer' does not match config unit 'char' (use cer, or change the unit)"]),
    # rating
    ("rating", {"gold": gold("rating", {"id": "r1", "rating": 6}, {"id": "r2", "rating": 4.0})},
     ['record "r1", field "rating": must be at most 5, not 6',
      'record "r2", field "rating": must be a whole number, not 4.0 (a number)']),
    ("rating", {"config": {"scale": {"min": 5, "max": 1, "labels": {9: "x"}}}},
     ['field "config.scale.max": must be above min (5), not 1',
      'field "config.scale.labels.9": must name a point of the scale (5–1), not 9 (a number)']),
    ("rating", {"config": {"scale": {"max": 5}}},
     ['field "config.scale.min": is required but missing']),
    ("rating", {"records": records("rating", {"id": "r1", "prompt": "Hours?"})},
     ['record "r1", field "reply": is missing: a record needs reply or text']),
    ("rating", {"gold": [{"id": r, "rating": 3} for r in ("r1", "r2", "r3", "r4")]},
     ['field "metric": quadratic_kappa cannot tell candidates apart when every gold value is 3: it '
      "is 1 for a perfect response and 0 for any other; choose accuracy or vary the gold"]),
    # ranking
    ("ranking", {"gold": gold("ranking", {"id": "r1", "order": ["c2", "c9", "c2"]})},
     ['record "r1", field "order[1]": "c9" (a string) is not a candidate of this record (c1, c2, '
      "c3)", 'record "r1", field "order[2]": candidate "c2" is ranked twice']),
    ("ranking", {"gold": gold("ranking", {"id": "r1", "order": ["c2", "c1"]})},
     ['record "r1", field "order": leaves out c3: rank every candidate']),
    ("ranking", {"records": records("ranking", {"id": "r2", "prompt": "p", "candidates": [
        {"id": "a", "text": "A"}]})},
     ['record "r2", field "candidates": must have at least 2 items, not 1']),
    ("ranking", {"records": records("ranking", {"id": "r2", "prompt": "p", "candidates": [
        {"id": "a", "text": "A"}, {"id": "a"}]})},
     ['record "r2", field "candidates[1].text": is required but missing',
      'record "r2", field "candidates[1].id": candidate id "a" is used twice']),
    ("ranking", {"config": {"order": "asc"}},
     ['field "config.order": is not a field of the config: ranking tasks have no settings']),
    # rubric
    ("rubric", {"gold": [{"id": "r1", "text": "model answer"}], "metric": "accuracy",
                "policy": {"kind": "linear"}},
     ['field "gold": rubric tasks have no gold: examiners mark them with the task\'s rubric',
      'field "metric": rubric tasks are marked by examiners and have no metric',
      'field "policy": rubric tasks are marked by examiners and have no scoring policy']),
    ("rubric", {"rubric": None}, ['field "rubric": is required: rubric tasks are marked with it']),
    ("rubric", {"rubric": [{"points": -1, "checkpoint": ""}]},
     ['field "rubric[0].points": must be at least 0, not -1',
      'field "rubric[0].checkpoint": must not be empty']),
    ("rubric", {"config": {"response": "table"}},
     ['field "config.columns": is required but missing']),
    ("rubric", {"records": [{"id": "r1"}]},
     ['record "r1", field "text": is missing: a record needs text or image or prompt or '
      "attachment"]),
]


@pytest.mark.parametrize(("task_type", "changes", "expected"), CASES)
def test_malformed_shapes_are_reported_with_record_and_field(task_type, changes, expected):
    problems = get_task_type(task_type).validate_task(spec(task_type, **changes))
    assert [str(p) for p in problems] == expected


@pytest.mark.parametrize("task_type", list(EXAMPLES))
def test_the_examples_are_valid(task_type):
    assert get_task_type(task_type).validate_task(spec(task_type)) == []


def test_gold_lines_may_carry_rule_case_and_difficulty_tags_that_do_not_change_the_score():
    plain = spec("transcription")
    tagged = spec("transcription", gold=[{**line, "rule_case": "full_width_punct", "difficulty": 4}
                                         for line in plain.gold])
    task_type = get_task_type("transcription")
    assert task_type.validate_task(tagged) == []
    answers = {line["id"]: line["text"] + "x" for line in plain.gold}
    assert task_type.score(tagged, answers).score == task_type.score(plain, answers).score


def test_every_problem_of_a_task_is_reported_at_once_with_its_source():
    task = spec(
        "classification",
        config={"labels": ["a", "b"], "colour": "red"},
        records=[{"id": "r1", "text": "x"}, {"id": "r1", "text": "y"}, {"text": "z"},
                 {"id": "r4", "text": "w"}, "not a record"],
        gold=[{"id": "r1", "label": "c"}, {"id": "r1", "label": "a"}, {"id": "r9", "label": "a"}],
        metric="f1",
        policy={"kind": "linear", "zero_at": 1, "full_at": 0.5},
    )
    problems = get_task_type("classification").validate_task(task)
    assert [(p.source, str(p)) for p in problems] == [
        ("config", 'field "config.colour": is not a field of the config (allowed: labels)'),
        ("records", 'record "r1", field "id": is used by an earlier record'),
        ("records", 'record "#3", field "id": must be a string, not null'),
        ("records", 'record "#5", field "record": must be an object (a mapping), not "not a record" '
                    "(a string)"),
        ("gold", 'record "r1", field "id": has a second gold line'),
        ("gold", 'record "r9", field "id": is not a record of this task'),
        ("gold", 'record "r4", field "label": has no gold line'),
        ("task", "field \"metric\": 'f1' is not a metric of classification tasks (choose from "
                 "macro_f1, accuracy, cohen_kappa)"),
        ("task", 'field "policy.full_at": must be above zero_at (1)'),
    ]


def test_gold_values_are_not_checked_against_a_broken_config():
    task = spec("classification", config={"labels": "positive"})
    assert [str(p) for p in get_task_type("classification").validate_task(task)] == [
        'field "config.labels": must be a list, not "positive" (a string)'
    ]


def test_validate_hooks_raise_with_every_problem():
    ner = get_task_type("ner")
    with pytest.raises(TaskValidationError) as raised:
        ner.validate_gold([{"id": "r1", "spans": [[0, 99, "PER"], [0, 1, "X"]]}],
                          [{"id": "r1", "text": "abc"}], {"labels": ["PER"]})
    assert [p.field for p in raised.value.problems] == ["spans[0]", "spans[1]"]
    assert str(raised.value).startswith('2 problems: record "r1", field "spans[0]": span end 99')
    with pytest.raises(TaskValidationError, match=r'field "config\.labels": is required'):
        ner.validate_config({})
    with pytest.raises(TaskValidationError, match='record "#1", field "id": must not be empty'):
        ner.validate_records([{"id": " ", "text": "abc"}])
    assert ner.validate_records([{"id": "r1", "text": "abc"}]) == [{"id": "r1", "text": "abc"}]


def test_validate_response_normalises_and_accepts_no_answer():
    assert get_task_type("multilabel").validate_response(
        {"id": "r1", "text": "t"}, ["privacy", "bug"], {"labels": ["bug", "ads", "privacy"]}
    ) == ["bug", "privacy"]
    assert get_task_type("ner").validate_response(
        {"id": "r1", "text": "Ada met Alan"}, [(8, 12, "PER"), [0, 3, "PER"]], {"labels": ["PER"]}
    ) == [[0, 3, "PER"], [8, 12, "PER"]]
    assert get_task_type("bbox").validate_response(
        {"id": "r1", "image": "i.png", "width": 10, "height": 10}, [[0, 0, 10, 10, "car"]],
        {"labels": ["car"]},
    ) == [[0.0, 0.0, 10.0, 10.0, "car"]]
    assert get_task_type("rating").validate_response({"id": "r1", "reply": "x"}, None,
                                                     {"scale": {"min": 1, "max": 3}}) is None


def test_validate_response_names_the_record_and_the_response_field():
    with pytest.raises(TaskValidationError) as raised:
        get_task_type("bbox").validate_response(
            {"id": "r7", "image": "i.png", "width": 640, "height": 480},
            [[0, 0, 10, 10, "car"], [600, 0, 50.5, 10, "car"]], {"labels": ["car"]},
        )
    assert str(raised.value) == (
        '1 problem: record "r7", field "response[1]": box right edge 650.5 is past the image width '
        "(640 pixels)"
    )


def test_validate_response_checks_the_record_it_is_given_instead_of_crashing():
    with pytest.raises(TaskValidationError, match='record "r1", field "height": is required'):
        get_task_type("bbox").validate_response({"id": "r1", "image": "i.png", "width": 640},
                                                [[0, 0, 1, 1, "car"]], {"labels": ["car"]})


@pytest.mark.parametrize(
    ("task_type", "record", "value", "config", "message"),
    [
        ("classification", {"id": "r1", "text": "t"}, ["a"], {"labels": ["a"]},
         'field "response": must be a label (a string), not a list'),
        ("transcription", {"id": "r1", "image": "i.png"}, "字" * 10_001, {"unit": "char"},
         'field "response": is 10001 characters long; at most 10000 are accepted'),
        ("ranking", {"id": "r1", "prompt": "p", "candidates": [{"id": "a", "text": "A"},
                                                               {"id": "b", "text": "B"}]},
         "a,b", None, 'field "response": must be a list, not "a,b" (a string)'),
        ("rubric", {"id": "r1", "prompt": "p"}, [["only one cell"]],
         {"response": "table", "columns": ["Field", "Rule"]},
         'field "response[0]": must have at least 2 items, not 1'),
        ("rubric", {"id": "r1", "prompt": "p"}, 5, {"response": "text"},
         'field "response": must be a string, not 5 (a number)'),
        ("ner", {"id": "r1", "text": "abc"}, [[0, 1, "PER"]] * 1001, {"labels": ["PER"]},
         'field "response": has 1001 items; at most 1000 are accepted'),
    ],
)
def test_bad_responses(task_type, record, value, config, message):
    with pytest.raises(TaskValidationError) as raised:
        get_task_type(task_type).validate_response(record, value, config)
    assert str(raised.value.problems[0]) == f'record "r1", {message}'


@pytest.mark.parametrize("task_type", [t for t in EXAMPLES if t != "rubric"])
def test_a_prepared_tasks_normalised_config_and_records_validate_responses_again(task_type):
    """Grading re-checks saved answers against the prepared task; its normalised parts must do."""
    kind = get_task_type(task_type)
    prepared = kind.prepare(spec(task_type))
    for record, gold_value in zip(prepared.records, prepared.gold, strict=True):
        assert kind.validate_response(record, gold_value, dict(prepared.config)) == gold_value


@pytest.mark.parametrize("reference, ok", [
    ("asset:" + "ab" * 32, True),                 # a file stored in the bank, as imported items hold
    ("images/r1.png", True),                      # a file in the task's folder
    ("asset:" + "ab" * 31, False),                # not a whole SHA-256
    ("asset:../../etc/passwd", False),
    ("asset:" + "AB" * 32, False),                # stored names are lower-case hex
    ("https://example.org/r1.png", False),
])
def test_media_fields_take_a_stored_asset_or_a_path_in_the_task_folder(reference, ok):
    shown = records("bbox", {**EXAMPLES["bbox"]["records"][0], "image": reference})
    problems = get_task_type("bbox").validate_task(spec("bbox", records=shown))
    assert (not any(p.field == "image" for p in problems)) is ok, problems

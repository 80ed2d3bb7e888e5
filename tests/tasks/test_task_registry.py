"""The task-type registry: explicit, strict about names, and the class attributes the UI relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from certify.tasks import (
    DuplicateTaskTypeError,
    TaskSpec,
    TaskTypeRegistry,
    UnknownTaskTypeError,
    get_task_type,
    task_types,
    validate_task,
)
from certify.tasks.classification import ClassificationTask
from tests.tasks.task_examples import EXAMPLES

STATIC = Path(__file__).resolve().parents[2] / "certify" / "static"
NAMES = ["classification", "multilabel", "ner", "bbox", "transcription", "rating", "ranking",
         "rubric"]


def test_every_type_of_the_contract_is_registered_in_order():
    assert list(task_types()) == NAMES
    assert set(EXAMPLES) == set(NAMES)


def test_the_registry_view_is_read_only():
    with pytest.raises(TypeError):
        task_types()["mine"] = ClassificationTask()


def test_an_unknown_type_raises_a_clear_lookup_error_not_a_bare_key_error():
    with pytest.raises(UnknownTaskTypeError) as raised:
        get_task_type("segmentation")
    assert not isinstance(raised.value, KeyError)
    assert isinstance(raised.value, LookupError)
    assert str(raised.value) == (
        "unknown task type 'segmentation'; the known types are classification, multilabel, ner, "
        "bbox, transcription, rating, ranking, rubric"
    )
    with pytest.raises(UnknownTaskTypeError):
        get_task_type(["not", "hashable"])


def test_a_duplicate_name_is_rejected():
    class Another(ClassificationTask):
        pass

    with pytest.raises(DuplicateTaskTypeError, match="'classification' is registered twice"):
        TaskTypeRegistry([ClassificationTask, Another])


def test_validate_task_reports_an_unknown_type_as_a_problem():
    problems = validate_task(TaskSpec("segmentation", {}, []))
    assert [str(p) for p in problems] == [
        'field "task_type": unknown task type \'segmentation\'; the known types are '
        "classification, multilabel, ner, bbox, transcription, rating, ranking, rubric"
    ]


@pytest.mark.parametrize("name", NAMES)
def test_each_type_declares_its_templates_script_and_metrics(name):
    task_type = get_task_type(name)
    assert task_type.name == name
    assert str(task_type.label)
    assert task_type.candidate_script == f"js/widgets/{name}.js"
    assert (STATIC / task_type.candidate_script).is_file()
    assert task_type.auto_scored == bool(task_type.metrics) == (task_type.gold_field is not None)
    assert "id" not in task_type.record_fields


@pytest.mark.parametrize("name", NAMES)
def test_candidate_record_sends_only_declared_fields(name):
    task_type = get_task_type(name)
    for record in EXAMPLES[name]["records"]:
        leaky = {**record, "label": "positive", "gold": [1, 2], "notes": "examiner only"}
        shown = task_type.candidate_record(leaky)
        assert shown == task_type.candidate_record(record) == {
            k: v for k, v in record.items() if k in ("id", *task_type.record_fields)
        }


def test_ranking_candidate_record_strips_extra_keys_of_candidate_answers():
    record = {"id": "r1", "prompt": "p", "candidates": [{"id": "a", "text": "A", "rank": 1},
                                                        {"id": "b", "text": "B", "score": 0.2}]}
    assert get_task_type("ranking").candidate_record(record)["candidates"] == [
        {"id": "a", "text": "A"}, {"id": "b", "text": "B"}
    ]

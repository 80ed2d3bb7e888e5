"""Whatever JSON arrives, validation reports problems; it never crashes."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from certify.tasks import TaskValidationError, get_task_type
from tests.tasks.task_examples import EXAMPLES, spec

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 700) | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
TYPES = st.sampled_from(list(EXAMPLES))
SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(TYPES, st.sampled_from(["config", "records", "gold", "metric", "policy", "rubric"]), json_values)
def test_a_task_with_any_part_replaced_gives_problems_not_a_crash(task_type, part, value):
    problems = get_task_type(task_type).validate_task(spec(task_type, **{part: value}))
    assert all(p.message and p.field for p in problems)


@SETTINGS
@given(TYPES, st.data())
def test_a_record_or_gold_line_with_any_field_replaced_gives_problems_not_a_crash(task_type, data):
    example = copy.deepcopy(EXAMPLES[task_type])
    part = data.draw(st.sampled_from(["records", "gold"] if example["gold"] else ["records"]))
    line = data.draw(st.sampled_from(example[part]))
    key = data.draw(st.sampled_from([*line, "extra"]))
    line[key] = data.draw(json_values)
    problems = get_task_type(task_type).validate_task(spec(task_type, **{part: example[part]}))
    assert all(str(p) for p in problems)


@SETTINGS
@given(TYPES, json_values, st.data())
def test_any_response_is_accepted_normalised_or_refused_with_a_reason(task_type, value, data):
    example = EXAMPLES[task_type]
    record = data.draw(st.sampled_from(example["records"]))
    task_type_ = get_task_type(task_type)
    try:
        checked = task_type_.validate_response(record, value, example["config"])
    except TaskValidationError as error:
        assert error.problems and all(p.record_id == record["id"] for p in error.problems)
    else:
        # an accepted answer scores without error
        task_type_.score(spec(task_type), {record["id"]: checked})

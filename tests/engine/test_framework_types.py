"""Issue 10 item 10: the types of a framework's top-level fields and the safe YAML reader."""

from __future__ import annotations

import datetime as dt

import pytest

from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework
from chiso.frameworks import MAX_YAML_DEPTH, load_yaml


def fw(**top):
    data = {"id": "t", "name": {"vi": "Thử"}, "edition": 2022,
            "root": {"code": "r", "method": "weighted_mean", "children": [{"code": "a", "scoring": "given"}]}}
    data.update(top)
    return Framework.from_dict(data, path="t.yaml")


def test_it_accepts_a_year_as_an_integer_or_a_text():
    assert fw(edition=2022).edition == 2022
    assert fw(edition="2024").edition == 2024
    assert fw(name="Thử").name == {"vi": "Thử"}


@pytest.mark.parametrize("field, value, got_type", [
    ("edition", dt.date(2022, 1, 1), "date"),
    ("edition", True, "bool"),
    ("edition", "năm 2022", "str"),
    ("edition", [2022], "list"),
    ("name", ["Thử", "Test"], "list"),
    ("name", {"vi": ["Thử"]}, "dict"),
    ("id", {"a": 1}, "dict"),
])
def test_it_names_the_field_of_the_wrong_type(field, value, got_type):
    with pytest.raises(FrameworkError) as e:
        fw(**{field: value})
    assert e.value.code == "framework_field"
    assert (e.value.params["field"], e.value.params["got_type"]) == (field, got_type)
    assert str(e.value).startswith(f"t.yaml: {field} must be ")


def test_it_lists_a_node_name_of_the_wrong_type_as_a_problem():
    with pytest.raises(FrameworkError) as e:
        fw(root={"code": "r", "method": "weighted_mean", "children": [
            {"code": "a", "scoring": "given", "name": ["A", "B"]}]})
    assert e.value.code == "framework_invalid"
    assert e.value.problems[0].code == "framework.bad_name"
    assert [str(p) for p in e.value.problems] == [
        "node 'a': name must be a text or a mapping {vi: ..., en: ...}, got ['A', 'B']"]


def test_it_refuses_nesting_past_the_cap_before_building():
    ok = "a: " + "[" * (MAX_YAML_DEPTH - 1) + "]" * (MAX_YAML_DEPTH - 1)  # the mapping is level 1
    assert load_yaml(ok)["a"] is not None
    with pytest.raises(FrameworkError) as e:
        load_yaml("a:\n  b: " + "[" * 5000 + "]" * 5000, file="x.yaml")
    assert (e.value.code, e.value.params["line"], e.value.params["max_depth"]) == ("yaml_too_deep", 2, MAX_YAML_DEPTH)


def test_it_gives_line_and_column_of_a_syntax_error():
    with pytest.raises(FrameworkError) as e:
        load_yaml("id: x\nname: [a, b\nedition: 1\n", file="x.yaml")
    assert e.value.code == "yaml_syntax"
    assert (e.value.params["line"], e.value.params["column"]) == (3, 8)


def test_it_builds_no_python_objects():
    with pytest.raises(FrameworkError) as e:
        load_yaml("a: !!python/object/apply:os.system ['true']")
    assert e.value.code == "yaml_syntax"

"""The one table of problem messages (chiso.lib.problems) covers every code the engine emits, in
Vietnamese and English, and every ``{param}`` a message names is one the engine supplies."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from chiso.engine.errors import FrameworkError, InputError, Problem
from chiso.engine.framework import Framework
from chiso.lib import problems as table

ENGINE = Path(__file__).resolve().parents[1] / "src" / "chiso" / "engine"
PLACE = {"node", "row", "column", "file"}
# Values chiso.lib.problems derives from the engine's params (see _derived).
DERIVED = {"unknown_unit": {"suggest"}, "unit_not_valid": {"date"}, "missing_value": {"n"}, "out_of_range": {"range"},
           "file_too_large": {"size_mb", "limit_mb"}, "yaml_syntax": {"where"}, "framework_field": {"expected"},
           "bad_csv": {"row"}, "field_too_large": {"row"}, "yaml_too_deep": {"line"}}
ERROR_CLASSES = {"EngineError", "FrameworkError", "InputError", "MissingDataError", "UnitError", "AggregationError",
                 "AnalysisError"}


def _emitted() -> dict[str, set[str] | None]:
    """code -> the params names given where the engine emits it (None: a raise with ``**params``)."""
    out: dict[str, set[str] | None] = {}
    for py in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            kws = {k.arg for k in node.keywords}
            if name in ("_problem", "add_problem", "Problem") and len(node.args) >= 2 - (name == "Problem"):
                arg = node.args[1] if name != "Problem" else node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.setdefault(arg.value, set()).update(kws - {None})
            elif name in ERROR_CLASSES:
                for k in node.keywords:
                    if k.arg == "code" and isinstance(k.value, ast.Constant):
                        given = out.setdefault(k.value.value, set())
                        if None in kws or given is None:
                            out[k.value.value] = None
                        else:
                            given.update(kws - {"code"})
    return out


EMITTED = _emitted()


def test_it_finds_the_engine_codes():
    assert {"framework.duplicate_code", "framework.unknown_rule", "internal.unknown_tiers", "not_a_number",
            "unknown_unit", "out_of_range"} <= set(EMITTED)
    assert len(EMITTED) > 60


@pytest.mark.parametrize("code", sorted(EMITTED))
def test_every_code_the_engine_emits_has_a_vietnamese_and_an_english_message(code):
    assert code in table.MESSAGES, f"no message for {code!r} in chiso.lib.problems"
    vi, en = table.MESSAGES[code]
    assert vi.strip() and en.strip() and vi != en


@pytest.mark.parametrize("code", sorted(c for c, given in EMITTED.items() if given is not None and c in table.MESSAGES))
def test_every_param_a_message_names_is_supplied(code):
    supplied = EMITTED[code] | PLACE | DERIVED.get(code, set())
    for text in table.MESSAGES[code]:
        named = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert named <= supplied, f"{code}: {sorted(named - supplied)} not supplied by the engine"


def test_both_languages_name_the_same_params():
    for code, (vi, en) in table.MESSAGES.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (vi, en)]
        assert fields[0] == fields[1], code


def test_an_unknown_code_gives_a_generic_sentence_not_an_exception():
    # a plain sentence: no internal code in printed text
    assert table.message(Problem("no.such_code", params={"x": 1}), "vi") == "Dữ liệu đầu vào không hợp lệ."
    assert table.message("no.such_code", "en") == "Invalid input."
    assert table.message(Problem("framework.unknown_rule"), "vi").startswith("Chỉ số “?”")  # a missing param: "?"


def test_a_framework_error_lists_its_problems_as_codes_with_the_node():
    with pytest.raises(FrameworkError) as e:
        Framework.from_dict({"id": "t", "name": "T", "edition": 2022, "root": {
            "code": "r", "method": "weighted_mean", "children": [{"code": "a", "scoring": "magic"}, "zz"]}},
            path="t.yaml")
    got = [(p.code, p.node, p.file) for p in e.value.problems]
    assert got == [("framework.unknown_rule", "a", "t.yaml"), ("framework.unknown_child", "r", "t.yaml")]
    assert "unknown scoring rule 'magic'" in str(e.value)  # the English str() reads as before
    assert table.message(e.value.problems[0], "vi").startswith("Chỉ số “a”: không có quy tắc chấm điểm “magic”")
    assert table.message(e.value.problems[1], "en") == (
        "Group “r”: there is no child “zz” (a child given by its code must be in the nodes table).")


def test_an_error_without_a_list_is_its_own_one_problem():
    err = InputError("x: must be >= 0, got -1", code="negative", indicator="x", value=-1.0, row=3, column="B")
    assert [(p.code, p.row, p.column, p.params["indicator"]) for p in err.problems] == [("negative", 3, "B", "x")]
    assert table.message(err, "vi") == "Giá trị không được âm."

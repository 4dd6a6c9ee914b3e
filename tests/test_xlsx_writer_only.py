"""Issue 10 item 1: every workbook is created and opened in ``chiso/lib/xlsx.py`` (whose writer stores
text as text), so no export can write a formula by going around it. Checked on the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "chiso"
WRITER = SRC / "lib" / "xlsx.py"
# Styles and column letters are harmless; anything that can make, open or fill a workbook is not.
ALLOWED = {"openpyxl.styles", "openpyxl.utils"}
CALLS = re.compile(r"\b(Workbook|load_workbook|WriteOnlyCell|Cell)\s*\(")


def _openpyxl_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "openpyxl":
                    yield a.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "openpyxl":
            yield node.module


def test_it_keeps_workbooks_in_the_one_writer():
    offenders = []
    for py in SRC.rglob("*.py"):
        if py == WRITER:
            continue
        text = py.read_text(encoding="utf-8")
        for mod in _openpyxl_imports(ast.parse(text)):
            if mod not in ALLOWED:
                offenders.append(f"{py.relative_to(SRC)} imports {mod}")
        for m in CALLS.finditer(text):
            offenders.append(f"{py.relative_to(SRC)} calls {m.group(1)}()")
    assert offenders == []


def test_the_check_would_see_a_bypass(tmp_path):
    # The same rule applied to a module that builds its own workbook: it must be caught.
    bad = "from openpyxl import Workbook\nwb = Workbook()\n"
    assert list(_openpyxl_imports(ast.parse(bad))) == ["openpyxl"]
    assert [m.group(1) for m in CALLS.finditer(bad)] == ["Workbook"]

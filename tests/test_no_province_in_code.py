"""Nothing about one province in code (issue 11, item 3): the reference case's province and its
decision live in data files (``chiso/cases/``, ``chiso/reference/``, framework YAML), read by loaders.

In ``src/chiso/**/*.py`` no string the program can print or compare names them; they may appear only
in comments and docstrings (doctests included) of the files listed below, each with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "chiso"
PATTERN = re.compile(r"Hà Nam|QĐ 936|936/QĐ")

# file (relative to src/chiso) -> why its comments or docstrings may name the reference case
ALLOWED = {
    "engine/units.py": "doctests and examples of name matching and the 2025 merger",
    "engine/compute.py": "doctest",
    "engine/analysis/attribution.py": "doctest",
    "engine/analysis/target.py": "doctest",
    "engine/analysis/whatif.py": "doctests",
    "reference/__init__.py": "docstrings of the loader saying which files it reads, and doctests",
    "orgs/models.py": "a comment citing the published decision as the example of a public matrix",
    "program/models.py": "docstrings citing the reference program (its two numbers, its §5b)",
    "results/models.py": "a docstring citing the reference target",
}


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant that is not a docstring (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docs = _docstring_nodes(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def _files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_no_code_string_names_the_reference_case():
    found = [
        f"{p.relative_to(SRC)}:{line}: {text[:80]!r}"
        for p in _files()
        for line, text in _code_strings(p)
        if PATTERN.search(text)
    ]
    assert found == [], "move these into the case's data files:\n" + "\n".join(found)


def test_only_the_listed_files_mention_it_in_comments_or_docstrings():
    mentioning = {
        str(p.relative_to(SRC)) for p in _files() if PATTERN.search(p.read_text(encoding="utf-8"))
    }
    assert mentioning <= set(ALLOWED), f"not listed: {sorted(mentioning - set(ALLOWED))}"


def test_the_check_finds_a_name_in_code(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        'X = "tỉnh Hà Nam"\n\n\ndef f():\n    """QĐ 936 in a docstring is fine."""\n    return f"{X} 936/QĐ"\n',
        encoding="utf-8",
    )
    hits = [text for _line, text in _code_strings(probe) if PATTERN.search(text)]
    assert hits == ["tỉnh Hà Nam", " 936/QĐ"]

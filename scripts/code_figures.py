"""Figures of the code's shape: lines, the longest functions and their nesting depth.

    .venv/bin/python scripts/code_figures.py [src/chiso]

Counts every .py file under the folder except migrations. "Code lines" leave out blank lines and
comments. A function's depth is how many if/for/while/with/try/match blocks nest inside it at the
deepest point (nested functions are measured on their own). Prints; asserts nothing.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

BLOCKS = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.Match, ast.AsyncFor, ast.AsyncWith)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def depth(node: ast.AST, level: int = 0) -> int:
    deepest = level
    for child in ast.iter_child_nodes(node):
        if isinstance(child, FUNCTIONS):
            continue
        deepest = max(deepest, depth(child, level + isinstance(child, BLOCKS)))
    return deepest


def main(root: Path) -> None:
    files = sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)
    lines = code = 0
    functions: list[tuple[int, int, str]] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        rows = text.splitlines()
        lines += len(rows)
        code += sum(1 for r in rows if r.strip() and not r.strip().startswith("#"))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, FUNCTIONS):
                size = node.end_lineno - node.lineno + 1
                functions.append((size, depth(node), f"{path.relative_to(root)}:{node.name}"))
    functions.sort(reverse=True)
    print(f"{len(files)} files, {lines} lines, {code} code lines (no blank lines or comments), migrations left out")
    print("longest functions:")
    for size, deep, name in functions[:12]:
        print(f"  {size:4d} lines  depth {deep}  {name}")
    print(
        f"functions over 100 lines: {sum(f[0] > 100 for f in functions)}; over 150: "
        f"{sum(f[0] > 150 for f in functions)}; nesting depth 6 or more: {sum(f[1] >= 6 for f in functions)}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "src/chiso"))

"""The engine knows nothing of Django or the web: checked on the source, and on a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "src" / "chiso" / "engine"
ALLOWED_TOP = {"numpy", "scipy", "chiso", "__future__"} | set(sys.stdlib_module_names)
FORBIDDEN = {"django", "ninja", "chiso.site", "chiso.orgs", "chiso.collection", "chiso.results", "chiso.api",
             "chiso.program", "chiso.reports", "yaml", "openpyxl", "docx"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_it_keeps_the_engine_free_of_web_modules():
    offenders = []
    for py in ENGINE.rglob("*.py"):
        for mod in _imports(py):
            top = mod.split(".")[0]
            if top not in ALLOWED_TOP or any(mod == f or mod.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{py.relative_to(ENGINE.parent)} imports {mod}")
            if top == "chiso" and not mod.startswith("chiso.engine"):
                offenders.append(f"{py.relative_to(ENGINE.parent)} imports {mod} (outside the engine)")
    assert offenders == []


def test_it_imports_the_engine_without_loading_django():
    code = (
        "import sys, chiso.engine, chiso.engine.compute, chiso.engine.units; "
        "import pkgutil, importlib, chiso.engine as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'chiso.engine.'): importlib.import_module(m.name)\n"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('django','ninja','yaml')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_it_keeps_the_layering_contracts():
    """The import-linter contracts of pyproject.toml (engine <- data <- lib <- orgs <- … <- site|api): a
    broken one fails here with import-linter's own account of the offending imports."""
    out = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True, text=True, cwd=ENGINE.parents[2],
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_the_contracts_catch_orgs_importing_a_feature_app():
    """The contract has teeth: an orgs module importing collection breaks it."""
    import grimp
    from importlinter.contracts.layers import LayersContract

    graph = grimp.build_graph("chiso", cache_dir=None)
    graph.add_import(importer="chiso.orgs.models", imported="chiso.collection.models", line_number=1,
                     line_contents="from chiso.collection.models import Round")
    contract = LayersContract(
        name="layers", session_options={"root_packages": ["chiso"]},
        contract_options={"layers": ["chiso.collection", "chiso.orgs", "chiso.lib"]},
    )
    check = contract.check(graph, verbose=False)
    assert not check.kept

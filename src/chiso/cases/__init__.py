"""Reference cases as data files: one folder per case (``<case id with _>/``), each holding
``case.yaml`` (the province's reference id, agencies not in :mod:`chiso.reference`, the responsibility
matrix, validation rules, labelled demonstration users and rounds) and ``program.yaml`` (an action
program: decision, objectives, tasks and KPIs, duties, obligations, demonstration progress), each
with its sources in its header. Nothing about a case is written in code: :mod:`chiso.orgs.reference_case`
reads ``case.yaml`` and the one program importer (:mod:`chiso.program.transfer`) reads ``program.yaml``.
A folder may hold a program file alone (``demo_dti_2026/``: a labelled demonstration program).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REFERENCE_CASE = "hanam-qd936-2017"  # the case `load_reference_case` and `load_program_936` load


def case_dir(case_id: str = REFERENCE_CASE) -> Path:
    path = HERE / case_id.replace("-", "_")
    if not (path / "case.yaml").is_file():
        raise LookupError(f"no reference case {case_id!r} under {HERE}")
    return path


@cache
def read(name: str, case_id: str = REFERENCE_CASE) -> dict[str, Any]:
    """The parsed ``<name>.yaml`` of a case (cached: the files ship with the package)."""
    with open(case_dir(case_id) / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)

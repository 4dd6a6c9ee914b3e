"""Frameworks shipped with the reports app (YAML, one file each), registered with
:func:`chiso.lib.frameworks.register` so that rounds, forms and Excel templates find them."""

from __future__ import annotations

from pathlib import Path

from chiso.frameworks import load_framework_file
from chiso.lib import frameworks

HERE = Path(__file__).resolve().parent
QUARTERLY_ID = "vn-mot-cua-dvctt-quy"


def register_all() -> list[str]:
    ids = []
    for path in sorted(HERE.glob("*.yaml")):
        fw = frameworks.register(load_framework_file(path))
        ids.append(fw.id)
    return ids

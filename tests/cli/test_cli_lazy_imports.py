"""A command imports only what it uses: checked in a fresh interpreter by the modules loaded after
it ran (behaviour, not timing; the timings are benchmarks')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PROBE = """
import json, sys
from chiso.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:  # --version, --help
    code = e.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def loaded(*argv: str) -> tuple[int, set[str]]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    p = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=env, timeout=120)
    report = json.loads(p.stderr.strip().splitlines()[-1])
    return report["code"], {m.split(".")[0] for m in report["modules"]} | set(report["modules"])


@pytest.fixture
def small(tmp_path):
    fw = tmp_path / "fw.yaml"
    fw.write_text("""id: synthetic-lazy
name: {en: Lazy}
edition: 2000
level: unit
status: provisional
missing: error
root:
  code: idx
  name: {en: Index}
  method: weighted_mean
  children:
    - {code: a, name: {en: a}, weight: 0.5, scoring: minmax, range: [0, null]}
    - {code: b, name: {en: b}, weight: 0.5, scoring: minmax, range: [0, null]}
""", encoding="utf-8")
    data = tmp_path / "in.csv"
    data.write_text("unit,a,b\nU1,1,2\nU2,3,4\nU3,5,0\n", encoding="utf-8")
    return fw, data


def test_compute_on_a_csv_loads_no_openpyxl_and_no_django(small, tmp_path):
    fw, data = small
    code, mods = loaded("compute", "--framework", str(fw), "--input", str(data), "--format", "json",
                        "--output", str(tmp_path / "o.json"))
    assert code == 0
    assert not {"openpyxl", "django"} & mods, sorted({"openpyxl", "django"} & mods)


def test_compute_on_a_csv_loads_no_scipy(small, tmp_path):
    fw, data = small
    code, mods = loaded("compute", "--framework", str(fw), "--input", str(data), "--format", "csv",
                        "--output", str(tmp_path / "o.csv"))
    assert code == 0
    assert "scipy" not in mods


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["compute", "--help"]])
def test_version_and_help_load_neither_the_engine_nor_numpy_nor_yaml(argv):
    code, mods = loaded(*argv)
    assert code == 0
    heavy = {"numpy", "yaml", "openpyxl", "scipy", "django", "chiso.lib.problems", "chiso.engine.compute",
             "chiso.io"}
    assert not heavy & mods, sorted(heavy & mods)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chiso.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "examples" / "dti-2022-demo-minh-hoa.csv")
FW = ["--framework", "vn-dti-2022-province", "--input", DEMO]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_it_runs_whatif(capsys):
    code, out, _ = run(capsys, "whatif", *FW, "--set", "Hà Nam:the_che_so=0.95", "--format", "json")
    assert code == 0
    data = json.loads(out)
    hn = next(r for r in data["summary"] if r["unit"] == "Hà Nam")
    assert hn["rank_after"] < hn["rank_before"]
    rows = {r["code"]: r for r in data["explain"]["Hà Nam"]}
    assert rows["the_che_so"]["contribution_delta"] == pytest.approx(
        0.1 * (0.95 - rows["the_che_so"]["score_before"]))


def test_it_runs_target(capsys):
    code, out, _ = run(capsys, "--lang", "en", "target", *FW, "--unit", "Hà Nam", "--rank", "20", "--format", "json")
    assert code == 0
    p = json.loads(out)
    assert p["rank_after"] <= 20 and p["exact"] and p["margin"] >= 0
    assert p["cost"] == pytest.approx(sum(c["cost"] for c in p["changes"]))


def test_it_runs_uncertainty_reproducibly(capsys):
    args = ["uncertainty", *FW, "-N", "128", "--weights", "0.25", "--levels", "1", "--aggregation",
            "arithmetic,geometric", "--top", "20", "--seed", "1", "--format", "json"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    first = json.loads(out)
    _, again, _ = run(capsys, *args)
    assert json.loads(again) == first
    assert len(first["rows"]) == 63 and first["factors"] == ["weights@1", "aggregation"]


def test_it_runs_sensitivity(capsys):
    code, out, _ = run(capsys, "sensitivity", *FW, "-N", "64", "--weights", "0.25", "--aggregation",
                       "arithmetic,geometric", "--bootstrap", "20", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["runs"] == 64 * 4 and [r["factor"] for r in data["indices"]] == ["weights@1", "aggregation"]


def test_it_runs_audit_as_csv(capsys):
    code, out, _ = run(capsys, "audit", *FW, "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("code,parent,coverage")


def test_it_shows_a_progress_bar_when_asked(capsys):
    code, _, err = run(capsys, "uncertainty", *FW, "-N", "64", "--weights", "0.2", "--progress", "--memory", "0")
    assert code == 0
    assert "uncertainty [" in err and "100%" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["target", *FW, "--unit", "Atlantis", "--rank", "3"], "unknown unit 'Atlantis'"),
        (["target", *FW, "--unit", "Hà Nam", "--rank", "1", "--vary", "the_che_so:0.9"], "cannot reach rank 1"),
        (["target", *FW, "--unit", "Hà Nam", "--rank", "5", "--vary", "the_che_so:1.5"], "outside the indicator's range"),
        (["uncertainty", *FW, "-N", "0", "--weights", "0.2"], "-N must be a positive integer"),
        (["sensitivity", *FW, "-N", "-3", "--weights", "0.2"], "-N must be a positive integer"),
        (["uncertainty", *FW, "--imputation", "mean,median"], "no needed value is missing"),
        (["whatif", *FW, "--set", "Hà Nam:nope=1"], "unknown code"),
    ],
)
def test_it_exits_2_on_bad_requests(capsys, argv, needle):
    code, out, err = run(capsys, "--lang", "en", *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("chiso: error:") and needle in err


def _asem_files(tmp_path):
    """A 4-level synthetic framework (level ``synthetic``: no province names) and its CSV."""
    import csv

    import yaml

    from chiso.engine.analysis.synthetic import balanced_spec, workload_b

    d = workload_b()
    fw = tmp_path / "fw.yaml"
    fw.write_text(yaml.safe_dump(balanced_spec([3, 4, [5] + [4] * 11], fid="synthetic-b", level="synthetic")),
                  encoding="utf-8")
    data = tmp_path / "data.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit", *d.codes])
        w.writerows([u, *map(repr, row.tolist())] for u, row in zip(d.units, d.values))
    return ["--framework", str(fw), "--input", str(data)]


def test_it_runs_the_asem_study_from_the_command_line(capsys, tmp_path):
    files = _asem_files(tmp_path)
    code, out, err = run(capsys, "sensitivity", *files, "-N", "64", "--bootstrap", "20", "--format", "json",
                         "--treatment", "winsorise:0,winsorise:1,winsorise:2,winsorise:3,winsorise:5",
                         "--normalisation", "minmax[1,100],zscore[10,2]", "--weights", "0.25", "--levels", "1,2",
                         "--joint-weights", "--aggregation", "arithmetic,geometric")
    assert code == 0, err
    p = json.loads(out)
    assert [r["factor"] for r in p["indices"]] == ["weights@1+2", "aggregation", "treatment", "normalisation"]
    assert p["runs"] == 64 * 6
    assert p["assumptions"]["normalisation"] == ["minmax[1,100]", "zscore[10,2]"]
    assert p["assumptions"]["treatment"][-1] == "winsorise:5"


def test_a_bad_normalisation_spec_is_a_vietnamese_error(capsys, tmp_path):
    files = _asem_files(tmp_path)
    code, out, err = run(capsys, "uncertainty", *files, "-N", "8", "--normalisation", "minmax[5,1],zscore[10,2]")
    assert code == 2 and out == ""
    assert "Chuẩn hóa “minmax[5,1]”: thang đo phải ghi [thấp, cao] với số thấp nhỏ hơn số cao" in err
    assert "Traceback" not in err


def test_the_analysis_commands_module_imports_no_numpy():
    import subprocess
    import sys

    code = "import sys, chiso.cli_analysis; print(sorted(m for m in ('numpy', 'scipy', 'chiso.engine') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src")}).stdout
    assert out.strip() == "[]"

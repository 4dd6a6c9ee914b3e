"""``chiso target`` with realistic defaults: best-peer and yearly gain caps (from ``--history``), costs,
a plan that holds as printed, the lead on every change, the optimality sentence in Vietnamese then
English.  Plans are re-checked by recomputing the printed values with the engine here."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from chiso.cli import main
from chiso.engine.compute import compute
from chiso.frameworks import load_framework

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "dti-2022-demo-minh-hoa.csv"
FW = ["--framework", "vn-dti-2022-province", "--input", str(DEMO)]
UNIT = "Hà Nam"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def plan_json(capsys, *extra):
    code, out, err = run(capsys, "target", *FW, "--unit", UNIT, "--rank", "20", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def demo():
    with DEMO.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    codes = rows[0][1:]
    units = [r[0] for r in rows[1:]]
    vals = np.array([[float(x) for x in r[1:]] for r in rows[1:]])
    return units, codes, vals


def printed_rank(changes):
    units, codes, vals = demo()
    u = units.index(UNIT)
    for c in changes:
        vals[u, codes.index(c["code"])] = c["to"]
    return int(compute(load_framework("vn-dti-2022-province"), vals, units=units, codes=codes).ranks[u, 0])


def test_the_default_plan_is_capped_and_holds_as_printed(capsys):
    p = plan_json(capsys)
    units, codes, vals = demo()
    u = units.index(UNIT)
    assert p["settings"]["max_gain_per_year"] == 0.1 and p["settings"]["years"] == 1
    assert p["settings"]["peer_cap"] is True and p["decimals"] == 4 and p["rounded"] is True
    assert len(p["changes"]) > 1  # not the corner solution
    for c in p["changes"]:
        j = codes.index(c["code"])
        assert c["to"] - vals[u, j] <= 0.1 + 1e-9
        assert c["to"] <= np.delete(vals[:, j], u).max() + 1e-9
        assert c["best_peer"] == pytest.approx(np.delete(vals[:, j], u).max())
        assert c["bound_reason"] in {"best_peer", "max_gain", "range", "saturation", "given"}
        assert round(c["to"], 4) == c["to"]
        assert "lead" in c and "lead_note" in c and c["gain_source"] == "setting"
    assert printed_rank(p["changes"]) <= 20 == p["target_rank"]
    assert p["verified_rank"] <= 20
    assert p["optimal_note"].startswith("Proven optimal") and p["optimal_note_vi"].startswith("Đã chứng minh")


def test_the_former_behaviour_is_kept_available(capsys):
    # No caps, no rounding: the cheapest way is the 200-point main index alone.  By hand: the unit needs
    # the 20th best score; a unit of that index is worth 200/1000 of score (DTI 2022: 9 main indices of
    # 100, 100, 100, 100, 100, 0, 200, 150, 150 points).
    p = plan_json(capsys, "--no-peer-cap", "--max-gain", "none", "--decimals", "none")
    assert [c["code"] for c in p["changes"]] == ["hoat_dong_chinh_quyen_so"]
    units, codes, vals = demo()
    s = compute(load_framework("vn-dti-2022-province"), vals, units=units, codes=codes).scores[:, 0]
    u = units.index(UNIT)
    k20 = np.sort(np.delete(s, u))[::-1][19]
    assert p["changes"][0]["change"] == pytest.approx((k20 - s[u]) * 1000 / 200, abs=1e-7)
    assert p["rounded"] is False and p["settings"]["caps"] == {}


def test_history_sets_the_yearly_caps(tmp_path, capsys):
    # 2021: Hà Nam's digital-government index 0.15 lower (a gain of 0.15 in one year), its digital-society
    # index 0.12 lower over 2 years from 2020 (0.06 a year), everything else unchanged (no gain: the
    # setting).
    units, codes, vals = demo()
    u = units.index(UNIT)

    def write(path, changes):
        v = vals.copy()
        for code, delta in changes.items():
            v[u, codes.index(code)] -= delta
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["unit", *codes])
            for name, row in zip(units, v):
                w.writerow([name, *(f"{x:.4f}" for x in row)])

    write(tmp_path / "2021.csv", {"hoat_dong_chinh_quyen_so": 0.15, "hoat_dong_xa_hoi_so": 0.0})
    write(tmp_path / "2020.csv", {"hoat_dong_chinh_quyen_so": 0.15, "hoat_dong_xa_hoi_so": 0.12})
    p = plan_json(capsys, "--history", str(tmp_path / "2021.csv"), "--history-year", "2021",
                  "--history", str(tmp_path / "2020.csv"), "--history-year", "2020", "--years", "2")
    caps = p["settings"]["caps"]
    assert caps["hoat_dong_chinh_quyen_so"]["source"] == "history"
    assert caps["hoat_dong_chinh_quyen_so"]["gain"] == pytest.approx(0.30)  # 0.15/yr x 2 years
    # 2020 -> 2021: +0.12 in one year on digital society (2021 has it at its current value)
    assert caps["hoat_dong_xa_hoi_so"] == {"gain": pytest.approx(0.24), "source": "history"}
    assert caps["the_che_so"] == {"gain": pytest.approx(0.2), "source": "setting"}
    assert p["settings"]["history_years"] == [2020, 2021]
    for c in p["changes"]:
        assert c["to"] - vals[u, codes.index(c["code"])] <= caps[c["code"]]["gain"] + 1e-9
    assert printed_rank(p["changes"]) <= 20


def test_costs_are_per_lever(capsys):
    base = plan_json(capsys)
    main_lever = max(base["changes"], key=lambda c: c["change"])["code"]
    p = plan_json(capsys, "--cost", f"{main_lever}=40")
    by = {c["code"]: c for c in p["changes"]}
    assert main_lever not in by or by[main_lever]["unit_cost"] == 40
    assert p["cost"] == pytest.approx(sum(c["cost"] for c in p["changes"]))
    assert p["settings"]["costs"] == {main_lever: 40.0}
    assert printed_rank(p["changes"]) <= 20


def test_the_table_says_why_each_lever_stops_and_whether_it_is_optimal(capsys):
    code, out, err = run(capsys, "target", *FW, "--unit", UNIT, "--rank", "20", "--as-of", "2026-12-06")
    assert code == 0, err
    lines = out.splitlines()
    vi = next(i for i, ln in enumerate(lines) if ln.startswith("Đã chứng minh là tối ưu"))
    en = next(i for i, ln in enumerate(lines) if ln.startswith("Proven optimal"))
    assert vi < en
    assert "mức tăng tối đa / gain cap" in out and "Hoạt động chính quyền số" in out
    assert "hoat_dong_chinh_quyen_so" not in out  # names, not codes
    assert "0,10/năm" in out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--rank", "1"], "the gain cap"),
        (["--rank", "20", "--history", str(DEMO)], "one --history-year per --history"),
        (["--rank", "20", "--history", str(DEMO), "--history-year", "2022"], "earlier edition"),
        (["--rank", "20", "--cost", "the_che_so"], "CODE=COST"),
        (["--rank", "20", "--cost", "the_che_so=-1"], "CODE=COST"),
        (["--rank", "20", "--vary", "the_che_so::2", "--cost", "the_che_so=3"], "give it once"),
        (["--rank", "20", "--max-gain", "abc"], "--max-gain"),
        (["--rank", "20", "--decimals", "-1"], "--decimals"),
        (["--rank", "20", "--max-gain", "none", "--history", str(DEMO), "--history-year", "2021"], "--max-gain"),
    ],
)
def test_bad_requests_exit_2_with_a_reason(capsys, extra, needle):
    code, out, err = run(capsys, "--lang", "en", "target", *FW, "--unit", UNIT, *extra)
    assert code == 2 and out == ""
    assert needle in err


def test_every_analysis_command_takes_the_data_date(capsys):
    code, out, err = run(capsys, "whatif", *FW, "--data-date", "2022-12-31", "--set", f"{UNIT}:the_che_so=0.9",
                         "--format", "json")
    assert code == 0, err
    code, _, err = run(capsys, "--lang", "en", "audit", *FW, "--data-date", "31/12/2022")
    assert code == 2 and "--data-date" in err

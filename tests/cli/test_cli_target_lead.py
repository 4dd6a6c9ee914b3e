"""``chiso target`` names who answers for each lever: the lead and supporting agency types in force on
``--as-of``, from the framework's responsibility (its own or inherited), with the roles and whether the
assignment is a proposal — in JSON, CSV and the text table."""

from __future__ import annotations

import csv
import io
import json

import pytest

from chiso.cli import main

FRAMEWORK = """
id: test-dti-components
name: {vi: Bộ chỉ số thử cấp thành phần}
edition: 2024
level: province
status: provisional
missing: error
root:
  code: dti
  method: weighted_mean
  children:
    - code: cq
      name: {vi: Chính quyền số}
      method: weighted_mean
      responsibility: {lead: [so_tttt], support: [so_noi_vu], basis: "QĐ thử §2"}
      children:
        - {code: cq_1, name: {vi: Dịch vụ công trực tuyến}, scoring: given, range: [0, 1]}
        - {code: cq_2, name: {vi: Văn bản điện tử}, scoring: given, range: [0, 1],
           responsibility: {lead: [so_tu_phap], proposal: true}}
    - code: kt
      name: {vi: Kinh tế số}
      method: weighted_mean
      children:
        - {code: kt_1, name: {vi: Doanh nghiệp số}, scoring: given, range: [0, 1]}
"""

ROWS = [
    ("Hà Nam", 0.40, 0.30, 0.50),
    ("Nam Định", 0.60, 0.70, 0.60),
    ("Thái Bình", 0.70, 0.60, 0.55),
    ("Hưng Yên", 0.65, 0.75, 0.70),
    ("Ninh Bình", 0.50, 0.55, 0.45),
]


@pytest.fixture
def files(tmp_path):
    fw = tmp_path / "fw.yaml"
    fw.write_text(FRAMEWORK, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text("unit,cq_1,cq_2,kt_1\n" + "".join(f"{u},{a},{b},{c}\n" for u, a, b, c in ROWS), encoding="utf-8")
    # rank 1 needs every lever, each bound below the full score (past the best peer and beyond a yearly
    # gain cap: both turned off here, this file is about who answers for each lever)
    return ["--framework", str(fw), "--input", str(data), "--unit", "Hà Nam", "--rank", "1",
            "--vary", "kt_1:0.9", "--vary", "cq_1:0.5", "--vary", "cq_2:1", "--no-peer-cap", "--max-gain", "none"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_each_lever_names_the_agency_type_in_force_on_the_day(capsys, files):
    p = json.loads(run(capsys, "target", *files, "--as-of", "2026-12-06", "--format", "json"))
    assert p["as_of"] == "2026-12-06"
    levers = {c["code"]: c for c in p["changes"]}
    assert set(levers) == {"cq_1", "cq_2", "kt_1"}
    cq1 = levers["cq_1"]  # inherited from the main index cq
    assert (cq1["lead"], cq1["support"], cq1["lead_roles"], cq1["support_roles"], cq1["proposal"]) == (
        "Sở Khoa học và Công nghệ", "Sở Nội vụ", ["so_tttt"], ["so_noi_vu"], False)
    assert (cq1["basis"], cq1["assigned_at"]) == ("QĐ thử §2", "cq")
    cq2 = levers["cq_2"]  # its own proposal overrides the main index
    assert (cq2["lead"], cq2["support"], cq2["proposal"], cq2["assigned_at"]) == ("Sở Tư pháp", None, True, "cq_2")
    kt1 = levers["kt_1"]  # nobody assigned: said so, not invented
    assert (kt1["lead"], kt1["lead_roles"], kt1["proposal"]) == (None, [], None)
    assert kt1["lead_note"] == "chưa phân công"
    assert all("lead" in c and "lead_note" in c for c in p["changes"])
    assert cq1["lead_note"] is None


def test_before_the_2025_merger_the_lead_is_the_department_of_information(capsys, files):
    p = json.loads(run(capsys, "target", *files, "--as-of", "2024-06-30", "--format", "json"))
    lead = {c["code"]: c["lead"] for c in p["changes"]}
    assert lead["cq_1"] == "Sở Thông tin và Truyền thông"


def test_csv_and_text_carry_the_lead(capsys, files):
    rows = list(csv.DictReader(io.StringIO(run(capsys, "target", *files, "--as-of", "2026-12-06",
                                               "--format", "csv"))))
    by = {r["code"]: r for r in rows}
    assert by["cq_1"]["lead"] == "Sở Khoa học và Công nghệ"
    assert by["cq_1"]["lead_roles"] == "so_tttt"
    assert by["cq_2"]["proposal"] == "True"
    text = run(capsys, "target", *files, "--as-of", "2026-12-06")
    assert "Sở Khoa học và Công nghệ" in text and "Sở Tư pháp" in text
    assert "06/12/2026" in text and "đề xuất" in text
    assert "chưa phân công" in text  # the lever nobody answers for, in the lead column


def test_a_bad_date_is_refused(capsys, files):
    assert main(["target", *files, "--as-of", "06/12/2026"]) == 2
    assert "--as-of" in capsys.readouterr().err

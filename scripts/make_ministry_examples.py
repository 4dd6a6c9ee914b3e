"""Write the two example tables in the ministry's printed format (demonstration data, labelled):

- ``examples/dti-2022-bo-cong-bo-minh-hoa.xlsx``: DTI 2022, 63 provinces — a title row, STT,
  "Tỉnh, thành phố", the nine main indices by their printed names, "Chỉ số DTI", "Xếp hạng";
  main-index values of :func:`chiso.demo.demo_table`.
- ``examples/dti-2024-34-tinh-minh-hoa.csv``: DTI 2024 on the 34 provinces in force from
  01/07/2025 (names of :mod:`chiso.reference` on that day), the eight main indices of
  ``vn-dti-2024-province``: each merged province's value is the mean of its former provinces'
  demonstration values (how the ministry published DTI 2024 on 34 provinces), raised by 6 % for
  the later year and capped at 1.

The totals and ranks are computed here, independently of the engine: DTI = Σ max points ×
index ÷ 1000 with the points written below (QĐ 922 Phụ lục 1 Bảng I.1 for 2022; for 2024 the
125 points per main index that ``vn-dti-2024-province`` assumes — the decision's annex giving
the real points is not public, see that file), rounded half up to 4 decimals; ranks are
competition ranks on the rounded totals (equal totals share a rank, the next rank is skipped).

Run: ``.venv/bin/python scripts/make_ministry_examples.py`` (rewrites both files).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XLSX = ROOT / "examples" / "dti-2022-bo-cong-bo-minh-hoa.xlsx"
CSV = ROOT / "examples" / "dti-2024-34-tinh-minh-hoa.csv"
LABEL = "DỮ LIỆU MINH HỌA — không phải số liệu công bố của Bộ"

# (code, name as printed, max points) — QĐ 922/QĐ-BTTTT Phụ lục 1, Bảng I.1 (1000 points in all).
MAIN_2022 = [
    ("nhan_thuc_so", "Nhận thức số", 100),
    ("the_che_so", "Thể chế số", 100),
    ("ha_tang_so", "Hạ tầng số", 100),
    ("nhan_luc_so", "Nhân lực số", 100),
    ("an_toan_thong_tin_mang", "An toàn thông tin mạng", 100),
    ("do_thi_thong_minh", "Đô thị thông minh", 0),
    ("hoat_dong_chinh_quyen_so", "Hoạt động chính quyền số", 200),
    ("hoat_dong_kinh_te_so", "Hoạt động kinh tế số", 150),
    ("hoat_dong_xa_hoi_so", "Hoạt động xã hội số", 150),
]
# DTI 2024 (QĐ 405/QĐ-BKHCN): eight main indices; 125 points each is vn-dti-2024-province's assumption.
MAIN_2024 = [(c, n, 125) for c, n, _p in MAIN_2022 if c != "do_thi_thong_minh"]
MERGER = dt.date(2025, 7, 1)
UPLIFT = Decimal("1.06")
Q4 = Decimal("0.0001")


def _round4(x: Decimal) -> Decimal:
    return x.quantize(Q4, rounding=ROUND_HALF_UP)


def totals_and_ranks(rows: list[list[Decimal]], points: list[int]) -> tuple[list[Decimal], list[int]]:
    """DTI = Σ points × index ÷ 1000 (rounded to 4 decimals) and competition ranks, exactly."""
    totals = [_round4(sum((Decimal(p) * v for p, v in zip(points, r)), Decimal(0)) / 1000) for r in rows]
    ranks = [1 + sum(1 for t in totals if t > mine) for mine in totals]
    return totals, ranks


def _dec(x: float) -> Decimal:
    return Decimal(f"{x:.4f}")


def table_2022() -> tuple[list[str], list[list[Decimal]], list[Decimal], list[int]]:
    from chiso.demo import demo_table

    units, codes, values = demo_table()
    assert codes == [c for c, _n, _p in MAIN_2022], codes
    rows = [[_dec(v) for v in r] for r in values]
    totals, ranks = totals_and_ranks(rows, [p for _c, _n, p in MAIN_2022])
    return units, rows, totals, ranks


def table_2024() -> tuple[list[str], list[list[Decimal]], list[Decimal], list[int]]:
    """The 34 provinces in force on 01/07/2025, each the mean of its former provinces (then +6 %)."""
    from chiso.reference import load_registry

    units, rows, _t, _r = table_2022()
    reg = load_registry()
    olds = [reg.resolve(u, as_of="2022-12-31", level="province") for u in units]
    by_code = {u.code: row for u, row in zip(olds, rows)}
    keep = [i for i, (c, _n, _p) in enumerate(MAIN_2022) if c != "do_thi_thong_minh"]
    names, out = [], []
    for new_code, former in reg.merge_map(olds, MERGER, former_as_of="2022-12-31").items():
        new = reg.resolve(new_code, as_of=MERGER, level="province")
        names.append(new.short_name or new.name)
        mean = [sum((by_code[o][i] for o in former), Decimal(0)) / len(former) for i in keep]
        out.append([min(_round4(m * UPLIFT), Decimal(1)) for m in mean])
    totals, ranks = totals_and_ranks(out, [p for _c, _n, p in MAIN_2024])
    return names, out, totals, ranks


def _ordered(units, rows, totals, ranks):
    return sorted(zip(units, rows, totals, ranks), key=lambda t: (t[3], t[0]))


def write_xlsx(path: Path = XLSX) -> None:
    from openpyxl.styles import Font

    from chiso.lib.xlsx import WorkbookWriter

    units, rows, totals, ranks = table_2022()
    wb = WorkbookWriter()
    ws = wb.sheet("DTI 2022")
    ws.append([f"BẢNG XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP TỈNH (DTI) NĂM 2022 — {LABEL}"])
    ws.style(1, 1, font=Font(bold=True))
    ws.append(["Chỉ số chính theo thang 0–1; Chỉ số DTI = Σ điểm tối đa × chỉ số ÷ 1000 (QĐ 922/QĐ-BTTTT); "
               "số liệu minh họa do chiso dựng theo thứ hạng công bố năm 2022."])
    ws.append([])
    header = ["STT", "Tỉnh, thành phố", *[n for _c, n, _p in MAIN_2022], "Chỉ số DTI", "Xếp hạng"]
    ws.append(header)
    ws.style_row(4, len(header), font=Font(bold=True))
    for k, (u, r, t, rank) in enumerate(_ordered(units, rows, totals, ranks), start=1):
        ws.append([k, u, *[float(v) for v in r], float(t), rank])
    ws.width(2, 22)
    wb_bytes = wb.to_bytes()
    path.write_bytes(wb_bytes)


def csv_text() -> str:
    units, rows, totals, ranks = table_2024()
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    n = 3 + len(MAIN_2024) + 2
    w.writerow([f"DTI 2024 cấp tỉnh trên 34 tỉnh, thành phố (từ 01/07/2025) — {LABEL}"] + [""] * (n - 1))
    w.writerow(["Tổng điểm theo 125 điểm mỗi chỉ số chính: giả định tạm tính của chiso "
                "(chưa có phụ lục QĐ 405/QĐ-BKHCN)"] + [""] * (n - 1))
    w.writerow(["Số TT", "Địa phương", *[f"{k}. {name}" for k, (_c, name, _p) in enumerate(MAIN_2024, start=1)],
                "Chỉ số DTI", "Xếp hạng"])
    for k, (u, r, t, rank) in enumerate(_ordered(units, rows, totals, ranks), start=1):
        w.writerow([k, u, *[str(v).replace(".", ",") for v in r], str(t).replace(".", ","), rank])
    return buf.getvalue()


def main() -> None:
    write_xlsx()
    CSV.write_text(csv_text(), encoding="utf-8")
    print(f"wrote {XLSX.relative_to(ROOT)} and {CSV.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

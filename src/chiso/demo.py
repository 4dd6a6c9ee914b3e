"""The terminal demonstration run by ``make run`` / ``chiso demo``.

It shows (1) the published DTI 2022 ranking with the reference case's province
(``chiso/cases/``) and its target — facts,
with their source — and (2) a computed example on **demonstration data**
(DỮ LIỆU MINH HỌA): main-index values constructed so that the engine
reproduces the published order, anchored on the four provincial totals that
were published (TP. Hồ Chí Minh 0,7163; Hải Dương 0,6383; Trà Vinh 0,6077;
Quảng Bình 0,5415).  They are not the ministry's figures and say so wherever
they are shown.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from chiso.engine.compute import Result, compute
from chiso.frameworks import load_framework

DEMO_LABEL_VI = "DỮ LIỆU MINH HỌA — không phải số liệu công bố của Bộ"
DEMO_LABEL_EN = "DEMONSTRATION DATA — not the ministry's published figures"
# Published DTI 2022 totals (rank -> value), see reference/published/dti_2020-2024_selected_province_values.csv
ANCHORS = {1: 0.7400, 2: 0.7163, 13: 0.6383, 25: 0.6077, 46: 0.5415, 63: 0.4500}


def demo_table(seed: int = 2022) -> tuple[list[str], list[str], np.ndarray]:
    """Demonstration main-index values for DTI 2022, one row per published province.

    Returns ``(units, codes, values)``.  Deterministic for a given ``seed``.
    """
    from chiso.reference import published_dti_2022_ranks

    fw = load_framework("vn-dti-2022-province")
    rows = published_dti_2022_ranks()
    codes = [c.code for c in fw.root.children]
    maxp = np.array([c.max_points or 0.0 for c in fw.root.children])
    ranks = np.array([r["rank"] for r in rows], dtype=float)
    xs = np.array(sorted(ANCHORS))
    totals = np.interp(ranks, xs, [ANCHORS[k] for k in xs])
    rng = np.random.default_rng(seed)
    values = np.zeros((len(rows), len(codes)))
    first_of_rank: dict[int, int] = {}
    hundred = np.flatnonzero(maxp == 100)
    for i, r in enumerate(rows):
        if r["rank"] in first_of_rank:
            # A published tie: the same profile with the 100-point indices permuted, hence the same total.
            j = first_of_rank[r["rank"]]
            values[i] = values[j]
            values[i, hundred] = values[j, np.roll(hundred, 1)]
            continue
        first_of_rank[r["rank"]] = i
        e = rng.uniform(-0.15, 0.15, len(codes))
        scored = maxp > 0
        e[scored] -= np.sum(maxp[scored] * e[scored]) / np.sum(maxp[scored])
        values[i] = np.round(np.clip(totals[i] * (1 + e), 0, 1), 4)
    return [r["province_as_published"] for r in rows], codes, values


def demo_csv() -> str:
    """The demonstration table as CSV text (the file shipped in ``examples/``)."""
    units, codes, values = demo_table()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["unit", *codes])
    for u, row in zip(units, values):
        w.writerow([u, *[f"{v:.4f}" for v in row]])
    return buf.getvalue()


def demo_result(*, as_of_merger: bool = False) -> Result:
    """Compute DTI 2022 on the demonstration table (optionally on the post-July-2025 units)."""
    from chiso.reference import load_registry

    fw = load_framework("vn-dti-2022-province")
    units, codes, values = demo_table()
    reg = load_registry()
    resolved = [reg.resolve(u, as_of="2022-12-31") for u in units]
    names = [u.short_name or u.name for u in resolved]
    merges = None
    if as_of_merger:
        by_code = {u.code: n for u, n in zip(resolved, names)}
        merges = {}
        for new_code, olds in reg.merge_map(resolved, "2025-07-01", former_as_of="2022-12-31").items():
            new = reg.resolve(new_code, as_of="2025-07-01")
            merges[new.short_name or new.name] = [by_code[o] for o in olds]
    return compute(fw, values, units=names, codes=codes, sources=DEMO_LABEL_VI, merges=merges)


def _fmt(x: float) -> str:
    return f"{x:.4f}".replace(".", ",")


def run_demo(*, lang: str = "vi") -> str:
    """The demonstration text."""
    from chiso import cases
    from chiso.reference import load_registry, published_dti_2022_ranks

    vi = lang == "vi"
    case = cases.read("case")
    home = load_registry().get(case["province_ref"]).short_name  # the reference case's province
    target, decision = int(case["target"]["rank"]), case["decision_short"]
    out: list[str] = []
    rows = published_dti_2022_ranks()
    src = rows[0]["source"]
    out.append("=" * 78)
    out.append("chiso — " + ("Xếp hạng DTI 2022 cấp tỉnh (số liệu công bố)" if vi else "DTI 2022 provincial ranking (published)"))
    out.append(("Nguồn: " if vi else "Source: ") + src)
    out.append("=" * 78)
    hanam = next(r for r in rows if r["province_as_published"] == home)
    for r in rows:
        if r["rank"] <= target or abs(r["rank"] - hanam["rank"]) <= 2:
            mark = f"  <== {home}" if r is hanam else ""
            out.append(f"  {r['rank']:>2}. {r['province_as_published']}{mark}")
        elif r["rank"] == target + 1:
            out.append("  ...")
    out.append("")
    out.append(f"{home} xếp hạng {hanam['rank']}/63 năm 2022; mục tiêu nhóm {target} ({decision}): còn cách "
               f"{hanam['rank'] - target} bậc."
               if vi else f"{home} ranked {hanam['rank']}/63 in 2022; target top {target} ({decision}): "
               f"{hanam['rank'] - target} places to go.")
    out.append("")

    res = demo_result()
    out.append("=" * 78)
    out.append(("Ví dụ tính toán — " if vi else "Computed example — ") + (DEMO_LABEL_VI if vi else DEMO_LABEL_EN))
    out.append("=" * 78)
    i = res.units.index(home)
    out.append((f"DTI 2022 của {home} (tính lại): " if vi else f"{home}'s DTI 2022 (recomputed): ")
               + f"{_fmt(res.total[i])}, " + ("hạng " if vi else "rank ") + f"{int(res.rank[i])}/63")
    twenty = float(np.sort(np.round(res.total, 4))[::-1][target - 1])
    out.append((f"Ngưỡng hạng {target}: " if vi else f"Rank-{target} threshold: ") + _fmt(twenty)
               + ("; khoảng cách: " if vi else "; gap: ") + _fmt(twenty - res.total[i]))
    out.append("")
    out.append(("Chỉ số chính" if vi else "Main index").ljust(34) + ("Giá trị" if vi else "Value").rjust(8)
               + ("Hạng" if vi else "Rank").rjust(6) + ("Đóng góp" if vi else "Contrib.").rjust(10))
    contrib = res.contributions_to_root()[i]
    for j, code in enumerate(res.codes[1:], start=1):
        node = res.framework.node(code)
        rank = res.ranks[i, j]
        out.append(f"  {node.label(lang)[:32]:<32}{_fmt(res.scores[i, j]):>8}{int(rank):>6}{_fmt(contrib[j]):>10}")
    out.append("")
    merged = demo_result(as_of_merger=True)
    k = merged.units.index("Ninh Bình")
    out.append(("Sau sáp nhập 01/07/2025 (34 tỉnh): Ninh Bình = trung bình của " if vi
                else "After the 1 July 2025 merger (34 provinces): Ninh Bình = mean of ")
               + ", ".join(merged.merged_from["Ninh Bình"]) + f": DTI {_fmt(merged.total[k])}, "
               + ("hạng " if vi else "rank ") + f"{int(merged.rank[k])}/{len(merged.units)}")
    out.append("")
    out.append("Thử: chiso compute --framework vn-dti-2022-province --input examples/dti-2022-demo-minh-hoa.csv"
                if vi else "Try: chiso compute --framework vn-dti-2022-province --input examples/dti-2022-demo-minh-hoa.csv")
    return "\n".join(out)

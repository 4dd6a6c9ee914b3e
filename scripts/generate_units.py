"""Generate chiso's administrative-unit reference files (run once; output is committed).

Source
------
``vietnamadminunits`` 1.0.4 (PyPI, MIT licence, (c) 2025 Tran Ngoc Minh Hieu,
https://github.com/tranngocminhhieu/vietnamadminunits), whose data are compiled
from the General Statistics Office (GSO/TCTK) lists.  The wheel is read as a
zip archive; the package itself is never imported nor added as a dependency::

    .venv/bin/pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau
    .venv/bin/python scripts/generate_units.py /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl

The facts that the source does not carry (validity dates, the 01/01/2025 rename
of Thừa Thiên Huế, the upgrade of Kim Bảng, the agencies) are written below as
constants, each with its legal basis; see ``src/chiso/reference/PROVENANCE.md``.

Output (in ``src/chiso/reference/``): ``provinces.csv``, ``hanam_units.csv``,
``agency_types.csv``, ``agencies.csv``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

SOURCE_PACKAGE = "vietnamadminunits==1.0.4"
SOURCE_SHA256 = "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35"
SOURCE_TAG = "vietnamadminunits 1.0.4 (MIT; GSO data)"

MERGER_DATE = "2025-07-01"  # Nghị quyết 202/2025/QH15: 63 -> 34 provinces, district level abolished
HUE_DATE = "2025-01-01"  # Nghị quyết 175/2024/QH15: Thừa Thiên Huế -> Thành phố Huế (trực thuộc TW)
KIM_BANG_DATE = "2025-01-01"  # UBTVQH resolution on Hà Nam's districts/communes 2023-2025 (Nov. 2024)
AGENCY_MERGER_DATE = "2025-03-01"  # Sở TT&TT merged into Sở KH&CN in every province

HANAM_CODE = "35"
UNIT_COLUMNS = [
    "id", "level", "code", "name", "short_name", "name_en", "kind", "valid_from", "valid_to",
    "parent_id", "successor_ids", "aliases", "source", "note",
]  # fmt: skip
# A few common spellings seen in published tables and spreadsheets.
ALIASES = {
    "79": "TP.HCM; TPHCM; HCM; HCMC; Sài Gòn",
    "77": "BR-VT; BRVT",
    "46": "TT-Huế; TT Huế",
}


def ascii_fold(text: str) -> str:
    """Strip Vietnamese diacritics (for English names only)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def kind_of(name: str) -> str:
    return "thành phố trực thuộc trung ương" if name.startswith("Thành phố") else "tỉnh"


def english(short: str, kind: str) -> str:
    return f"{ascii_fold(short)} {'City' if kind.startswith('thành phố') else 'Province'}"


def read_source(wheel: Path) -> tuple[sqlite3.Connection, dict]:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{wheel}: sha256 {digest} differs from the recorded {SOURCE_SHA256}")
    with zipfile.ZipFile(wheel) as zf:
        db_bytes = zf.read("vietnamadminunits/data/dataset.db")
        converter = json.loads(zf.read("vietnamadminunits/data/converter_2025.json"))
    tmp = Path(tempfile.mkdtemp()) / "dataset.db"
    tmp.write_bytes(db_bytes)
    return sqlite3.connect(tmp), converter


def unit_row(**kw: str) -> dict[str, str]:
    row = dict.fromkeys(UNIT_COLUMNS, "")
    row.update({k: v for k, v in kw.items() if v is not None})
    return row


def build_provinces(db: sqlite3.Connection, converter: dict) -> list[dict[str, str]]:
    legacy = db.execute(
        "select distinct provinceCode, province, provinceShort, provinceKey from admin_units_legacy order by provinceCode"
    ).fetchall()
    new = db.execute(
        "select distinct provinceCode, province, provinceShort, provinceKey from admin_units order by provinceCode"
    ).fetchall()
    assert len(legacy) == 63 and len(new) == 34, (len(legacy), len(new))
    legacy_by_key = {key: (code, name, short) for code, name, short, key in legacy}
    mapping: dict[str, list[str]] = converter["DICT_PROVINCE"]
    assert sorted(k for v in mapping.values() for k in v) == sorted(legacy_by_key)

    rows: list[dict[str, str]] = []
    successor_of: dict[str, str] = {}
    for code, name, short, key in new:
        former = mapping[key]
        kind = kind_of(name)
        if former == [key]:
            # Unchanged by the 2025 merger: one unit across 01/07/2025.
            pid = f"P{code}"
            valid_from = HUE_DATE if code == "46" else ""
            note = "unchanged on 01/07/2025 (Nghị quyết 202/2025/QH15)"
            if code == "46":
                note = "Thừa Thiên Huế became Thành phố Huế on 01/01/2025 (Nghị quyết 175/2024/QH15); " + note
                pid = f"P46@{HUE_DATE}"
        else:
            pid = f"P{code}@{MERGER_DATE}"
            valid_from = MERGER_DATE
            note = "formed on 01/07/2025 from " + ", ".join(legacy_by_key[k][2] for k in former)
            note += " (Nghị quyết 202/2025/QH15)"
            for k in former:
                successor_of[k] = pid
        rows.append(unit_row(
            id=pid, level="province", code=code, name=name, short_name=short, name_en=english(short, kind),
            kind=kind, valid_from=valid_from, aliases=ALIASES.get(code, "") if code != "46" else "",
            source=SOURCE_TAG, note=note,
        ))  # fmt: skip
    for code, name, short, key in legacy:
        if key not in successor_of:
            continue  # unchanged province, written above
        kind = kind_of(name)
        rows.append(unit_row(
            id=f"P{code}", level="province", code=code, name=name, short_name=short,
            name_en=english(short, kind), kind=kind, valid_to=MERGER_DATE, successor_ids=successor_of[key],
            aliases=ALIASES.get(code, ""), source=SOURCE_TAG,
            note="merged on 01/07/2025 (Nghị quyết 202/2025/QH15)",
        ))  # fmt: skip
    # Thừa Thiên Huế: the source lists code 46 under its 2025 name only.
    rows.append(unit_row(
        id="P46", level="province", code="46", name="Tỉnh Thừa Thiên Huế", short_name="Thừa Thiên Huế",
        name_en="Thua Thien Hue Province", kind="tỉnh", valid_to=HUE_DATE, successor_ids=f"P46@{HUE_DATE}",
        aliases=ALIASES["46"], source="Nghị quyết 175/2024/QH15 (effective 01/01/2025)",
        note="renamed and upgraded to Thành phố Huế trực thuộc trung ương on 01/01/2025",
    ))  # fmt: skip
    rows.sort(key=lambda r: (r["valid_from"] or "0000", r["code"]))
    return rows


def build_hanam(db: sqlite3.Connection, converter: dict) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    districts = db.execute(
        "select distinct districtCode, district, districtShort, districtType, districtKey from admin_units_legacy "
        "where provinceCode = ? order by districtCode",
        (HANAM_CODE,),
    ).fetchall()
    for code, name, short, dtype, _key in districts:
        valid_from, note = "", "district level abolished on 01/07/2025 (Nghị quyết 202/2025/QH15)"
        if code == "350":
            valid_from = KIM_BANG_DATE
            note = "huyện Kim Bảng became thị xã Kim Bảng on 01/01/2025; " + note
        rows.append(unit_row(
            id=f"D{code}" if not valid_from else f"D{code}@{valid_from}", level="district", code=code,
            name=name, short_name=short, name_en=f"{ascii_fold(short)} {dtype_en(dtype)}", kind=dtype.lower(),
            valid_from=valid_from, valid_to=MERGER_DATE, parent_id="P35", source=SOURCE_TAG, note=note,
        ))  # fmt: skip
    rows.append(unit_row(
        id="D350", level="district", code="350", name="Huyện Kim Bảng", short_name="Kim Bảng",
        name_en="Kim Bang District", kind="huyện", valid_to=KIM_BANG_DATE, parent_id="P35",
        successor_ids=f"D350@{KIM_BANG_DATE}",
        source="UBTVQH resolution on Hà Nam's district/commune rearrangement 2023-2025 (Nov. 2024)",
        note="upgraded to thị xã on 01/01/2025 (same code, same territory)",
    ))  # fmt: skip
    district_id = {r["code"]: r["id"] for r in rows if r["valid_to"] == MERGER_DATE}

    # New (post-01/07/2025) communes of Ninh Bình formed wholly or partly from former Hà Nam communes.
    nb = converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhninhbinh"]
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get("tinhninhbinh", {})
    successors: dict[str, list[str]] = {}  # old "province_district_ward" key -> new ward keys (primary first)
    for new_key, olds in nb.items():
        for old in olds:
            successors.setdefault(old, []).append(new_key)
    for old, parts in divided.items():
        ordered = sorted(parts, key=lambda p: not p["isDefaultNewWard"])
        successors[old] = [p["newWardKey"] for p in ordered]
    new_keys = {k for old, ks in successors.items() if old.startswith("tinhhanam_") for k in ks}
    new_wards = db.execute(
        "select wardCode, ward, wardShort, wardType, wardKey from admin_units where provinceCode = '37'"
    ).fetchall()
    new_by_key = {w[4]: w for w in new_wards}
    assert new_keys <= set(new_by_key), new_keys - set(new_by_key)
    new_id = {k: f"C{new_by_key[k][0]}@{MERGER_DATE}" for k in new_keys}

    communes = db.execute(
        "select wardCode, ward, wardShort, wardType, districtCode, provinceKey, districtKey, wardKey "
        "from admin_units_legacy where provinceCode = ? order by wardCode",
        (HANAM_CODE,),
    ).fetchall()
    for code, name, short, wtype, dcode, pkey, dkey, wkey in communes:
        succ = successors.get(f"{pkey}_{dkey}_{wkey}", [])
        assert succ, (code, name)
        note = "" if len(succ) == 1 else "divided on 01/07/2025; first successor holds the main part"
        rows.append(unit_row(
            id=f"C{code}", level="commune", code=code, name=name, short_name=short,
            name_en=f"{ascii_fold(short)} {wtype_en(wtype)}", kind=wtype.lower(), valid_to=MERGER_DATE,
            parent_id=district_id[dcode], successor_ids="; ".join(new_id[k] for k in succ),
            source=SOURCE_TAG, note=note,
        ))  # fmt: skip
    for key in sorted(new_keys, key=lambda k: new_by_key[k][0]):
        code, name, short, wtype, _ = new_by_key[key]
        olds = [o for o, ks in successors.items() if key in ks]
        outside = [o for o in olds if not o.startswith("tinhhanam_")]
        note = "formed on 01/07/2025"
        if outside:
            note += (
                f"; also takes in {len(outside)} commune(s) of former Nam Định/Ninh Bình (not listed here)"
            )
        rows.append(unit_row(
            id=new_id[key], level="commune", code=code, name=name, short_name=short,
            name_en=f"{ascii_fold(short)} {wtype_en(wtype)}", kind=wtype.lower(), valid_from=MERGER_DATE,
            parent_id=f"P37@{MERGER_DATE}", source=SOURCE_TAG, note=note,
        ))  # fmt: skip
    return rows


def dtype_en(dtype: str) -> str:
    return {"Thành phố": "City", "Thị xã": "Town", "Huyện": "District"}[dtype]


def wtype_en(wtype: str) -> str:
    return {"Phường": "Ward", "Xã": "Commune", "Thị trấn": "Township"}[wtype]


# ---------------------------------------------------------------------------------------------
# Agencies (hand-written facts, each with its basis)
# ---------------------------------------------------------------------------------------------
AGENCY_TYPE_COLUMNS = ["code", "name_vi", "name_en", "level", "valid_from", "valid_to", "successor", "source"]
MERGER_SRC = "https://ictvietnam.vn/print/69097.html (Sở KH&CN after merger operating from 01/03/2025)"
AGENCY_TYPES = [
    ("UBND_TINH", "Ủy ban nhân dân tỉnh", "Provincial People's Committee", "province", "", "", "", ""),
    ("STTTT", "Sở Thông tin và Truyền thông", "Department of Information and Communications", "province",
     "", AGENCY_MERGER_DATE, "SKHCN", MERGER_SRC),
    ("SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology", "province", "", "", "", MERGER_SRC),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", "province", "", AGENCY_MERGER_DATE,
     "STC", "merged into Sở Tài chính in 03/2025; not verified against a stored source"),
    ("STC", "Sở Tài chính", "Department of Finance", "province", "", "", "", ""),
    ("SNV", "Sở Nội vụ", "Department of Home Affairs", "province", "", "", "", ""),
    ("STP", "Sở Tư pháp", "Department of Justice", "province", "", "", "", ""),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training", "province", "", "", "", ""),
    ("UBND_HUYEN", "Ủy ban nhân dân huyện, thị xã, thành phố thuộc tỉnh", "District People's Committee",
     "district", "", MERGER_DATE, "", "Nghị quyết 202/2025/QH15; Luật Tổ chức chính quyền địa phương 2025"),
    ("UBND_XA", "Ủy ban nhân dân xã, phường, thị trấn", "Commune People's Committee", "commune", "", "", "", ""),
]  # fmt: skip
AGENCY_COLUMNS = [
    "id", "type", "province_id", "unit_id", "name", "short_name", "name_en", "valid_from", "valid_to",
    "successor_ids", "aliases", "source", "note",
]  # fmt: skip


def build_agencies(hanam_units: list[dict[str, str]]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    p_hn, p_nb = "P35", f"P37@{MERGER_DATE}"
    nb_id = {t: f"A37.{t}@{MERGER_DATE}" for t in ("UBND_TINH", "SKHCN", "STC", "SNV", "STP", "SGDDT")}

    def add(**kw: str) -> None:
        row = dict.fromkeys(AGENCY_COLUMNS, "")
        row.update(kw)
        rows.append(row)

    r202 = "ends with the province on 01/07/2025 (Nghị quyết 202/2025/QH15)"
    add(id="A35.UBND_TINH", type="UBND_TINH", province_id=p_hn, name="Ủy ban nhân dân tỉnh Hà Nam",
        short_name="UBND tỉnh Hà Nam", name_en="Ha Nam Provincial People's Committee", valid_to=MERGER_DATE,
        successor_ids=nb_id["UBND_TINH"], source="Nghị quyết 202/2025/QH15", note=r202)  # fmt: skip
    add(id="A35.STTTT", type="STTTT", province_id=p_hn, name="Sở Thông tin và Truyền thông tỉnh Hà Nam",
        short_name="Sở TT&TT Hà Nam", name_en="Ha Nam Department of Information and Communications",
        valid_to=AGENCY_MERGER_DATE, successor_ids=f"A35.SKHCN@{AGENCY_MERGER_DATE}",
        aliases="Sở TTTT Hà Nam; STTTT Hà Nam", source=MERGER_SRC,
        note="standing body of QĐ 936/QĐ-UBND (2017); merged into the new Sở KH&CN on 01/03/2025")  # fmt: skip
    add(id="A35.SKHCN", type="SKHCN", province_id=p_hn, name="Sở Khoa học và Công nghệ tỉnh Hà Nam",
        short_name="Sở KH&CN Hà Nam", name_en="Ha Nam Department of Science and Technology",
        valid_to=AGENCY_MERGER_DATE, successor_ids=f"A35.SKHCN@{AGENCY_MERGER_DATE}", source=MERGER_SRC,
        note="the department before the merger; merged with Sở TT&TT on 01/03/2025")  # fmt: skip
    add(id=f"A35.SKHCN@{AGENCY_MERGER_DATE}", type="SKHCN", province_id=p_hn,
        name="Sở Khoa học và Công nghệ tỉnh Hà Nam", short_name="Sở KH&CN Hà Nam",
        name_en="Ha Nam Department of Science and Technology", valid_from=AGENCY_MERGER_DATE,
        valid_to=MERGER_DATE, successor_ids=nb_id["SKHCN"], aliases="Sở KHCN Hà Nam", source=MERGER_SRC,
        note="formed on 01/03/2025 by merging Sở KH&CN and Sở TT&TT; " + r202)  # fmt: skip
    add(id="A35.SKHDT", type="SKHDT", province_id=p_hn, name="Sở Kế hoạch và Đầu tư tỉnh Hà Nam",
        short_name="Sở KH&ĐT Hà Nam", name_en="Ha Nam Department of Planning and Investment",
        valid_to=AGENCY_MERGER_DATE, successor_ids="A35.STC", source="QĐ 936/QĐ-UBND (2017) names it",
        note="merged into Sở Tài chính in 03/2025 (as the ministries were); date not verified against a stored source")  # fmt: skip
    for t, name, short, en in [
        ("STC", "Sở Tài chính tỉnh Hà Nam", "Sở Tài chính Hà Nam", "Ha Nam Department of Finance"),
        ("SNV", "Sở Nội vụ tỉnh Hà Nam", "Sở Nội vụ Hà Nam", "Ha Nam Department of Home Affairs"),
        ("STP", "Sở Tư pháp tỉnh Hà Nam", "Sở Tư pháp Hà Nam", "Ha Nam Department of Justice"),
        ("SGDDT", "Sở Giáo dục và Đào tạo tỉnh Hà Nam", "Sở GD&ĐT Hà Nam", "Ha Nam Department of Education and Training"),
    ]:  # fmt: skip
        note = r202
        if t in ("STC", "SNV"):
            note += (
                "; took over other departments' tasks in 03/2025 under the same name (kept as one unit here)"
            )
        add(id=f"A35.{t}", type=t, province_id=p_hn, name=name, short_name=short, name_en=en,
            valid_to=MERGER_DATE, successor_ids=nb_id[t], source="QĐ 936/QĐ-UBND (2017) names it", note=note)  # fmt: skip
    for unit in hanam_units:
        if unit["level"] != "district":
            continue
        short, vf = unit["short_name"], unit["valid_from"]
        succ = unit["successor_ids"]
        note = "district level abolished on 01/07/2025; its tasks pass to the communes (no single successor)"
        if succ:  # huyện Kim Bảng -> thị xã Kim Bảng
            succ = f"A{unit['code']}.UBND_HUYEN@{succ.split('@')[1]}"
            note = "renamed with its district on " + unit["valid_to"]
        add(id=f"A{unit['code']}.UBND_HUYEN" + (f"@{vf}" if vf else ""), type="UBND_HUYEN", province_id=p_hn,
            unit_id=unit["id"], name=f"Ủy ban nhân dân {unit['name'][0].lower()}{unit['name'][1:]}",
            short_name=f"UBND {unit['name'][0].lower()}{unit['name'][1:]}",
            name_en=f"{ascii_fold(short)} People's Committee", valid_from=vf, valid_to=unit["valid_to"],
            successor_ids=succ, source="Nghị quyết 202/2025/QH15", note=note)  # fmt: skip
    nb_names = {
        "UBND_TINH": ("Ủy ban nhân dân tỉnh Ninh Bình", "UBND tỉnh Ninh Bình", "Ninh Binh Provincial People's Committee"),
        "SKHCN": ("Sở Khoa học và Công nghệ tỉnh Ninh Bình", "Sở KH&CN Ninh Bình", "Ninh Binh Department of Science and Technology"),
        "STC": ("Sở Tài chính tỉnh Ninh Bình", "Sở Tài chính Ninh Bình", "Ninh Binh Department of Finance"),
        "SNV": ("Sở Nội vụ tỉnh Ninh Bình", "Sở Nội vụ Ninh Bình", "Ninh Binh Department of Home Affairs"),
        "STP": ("Sở Tư pháp tỉnh Ninh Bình", "Sở Tư pháp Ninh Bình", "Ninh Binh Department of Justice"),
        "SGDDT": ("Sở Giáo dục và Đào tạo tỉnh Ninh Bình", "Sở GD&ĐT Ninh Bình", "Ninh Binh Department of Education and Training"),
    }  # fmt: skip
    for t, (name, short, en) in nb_names.items():
        add(id=nb_id[t], type=t, province_id=p_nb, name=name, short_name=short, name_en=en,
            valid_from=MERGER_DATE, source="Nghị quyết 202/2025/QH15", note="agency of the merged province")  # fmt: skip
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]] | list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r[c] for c in columns] if isinstance(r, dict) else list(r))
    print(f"wrote {path} ({len(rows)} rows)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help=f"the downloaded {SOURCE_PACKAGE} wheel")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/chiso/reference")
    args = ap.parse_args(argv)
    db, converter = read_source(args.wheel)
    provinces = build_provinces(db, converter)
    hanam = build_hanam(db, converter)
    write_csv(args.out / "provinces.csv", UNIT_COLUMNS, provinces)
    write_csv(args.out / "hanam_units.csv", UNIT_COLUMNS, hanam)
    write_csv(args.out / "agency_types.csv", AGENCY_TYPE_COLUMNS, AGENCY_TYPES)
    write_csv(args.out / "agencies.csv", AGENCY_COLUMNS, build_agencies(hanam))


if __name__ == "__main__":
    main()

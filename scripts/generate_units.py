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
``units.csv.gz`` (the districts and communes of every other province before
01/07/2025 and every commune after), ``agency_types.csv``, ``agency_roles.csv``,
``agencies.csv``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
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
    return {"Thành phố": "City", "Thị xã": "Town", "Huyện": "District", "Quận": "Urban District"}[dtype]


def wtype_en(wtype: str) -> str:
    return {"Phường": "Ward", "Xã": "Commune", "Thị trấn": "Township", "Đặc khu": "Special Zone"}[wtype]


def commune_successors(converter: dict) -> dict[str, list[tuple[str, str]]]:
    """Old ``province_district_ward`` key -> [(new province key, new ward key)], main part first.

    A key of a district without communes (``…_huyenconco_``) maps the district itself."""
    out: dict[str, list[tuple[str, str]]] = {}
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, olds in wards.items():
            for old in olds:
                out.setdefault(old, []).append((pkey, new_key))
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            ordered = sorted(parts, key=lambda p: not p["isDefaultNewWard"])
            out[old] = [(pkey, p["newWardKey"]) for p in ordered]
    return out


def build_country(
    db: sqlite3.Connection, converter: dict, provinces: list[dict[str, str]], hanam: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Every district and commune before 01/07/2025 (except Hà Nam's, in ``hanam_units.csv``) and every
    commune/ward/special zone after (except those already in ``hanam_units.csv``), with successions."""
    done = {r["id"] for r in hanam}
    # the province id in force on 30/06/2025 (old basis) and on 01/07/2025 (new basis), by code
    old_pid = {r["code"]: r["id"] for r in provinces if _valid_on(r, "2025-06-30")}
    new_pid = {r["code"]: r["id"] for r in provinces if _valid_on(r, MERGER_DATE)}
    new_wards = db.execute(
        "select wardCode, ward, wardShort, wardType, provinceKey, wardKey, provinceCode from admin_units"
    ).fetchall()
    assert len(new_wards) == 3321, len(new_wards)
    new_by_key = {(w[4], w[5]): w for w in new_wards}
    new_id = {k: f"C{w[0]}@{MERGER_DATE}" for k, w in new_by_key.items()}
    successors = commune_successors(converter)
    preds: dict[tuple[str, str], list[str]] = {}
    for old, news in successors.items():
        for k in news:
            preds.setdefault(k, []).append(old)

    rows: list[dict[str, str]] = []
    legacy = db.execute(
        "select provinceCode, districtCode, district, districtShort, districtType, provinceKey, districtKey, "
        "wardCode, ward, wardShort, wardType, wardKey from admin_units_legacy "
        "where provinceCode <> ? order by districtCode, wardCode",
        (HANAM_CODE,),
    ).fetchall()
    seen_districts: set[str] = set()
    abolished = "district level abolished on 01/07/2025 (Nghị quyết 202/2025/QH15)"
    for pcode, dcode, dname, dshort, dtype, pkey, dkey, wcode, wname, wshort, wtype, wkey in legacy:
        if dcode not in seen_districts:
            seen_districts.add(dcode)
            succ, note = "", abolished + "; its tasks pass to the communes (no single successor)"
            if wcode is None:  # a district without communes became one commune-level unit
                succ = "; ".join(new_id[k] for k in successors[f"{pkey}_{dkey}_"])
                note = abolished + "; it had no communes and became the commune-level unit named as successor"
            rows.append(unit_row(
                id=f"D{dcode}", level="district", code=dcode, name=dname, short_name=dshort,
                name_en=f"{ascii_fold(dshort)} {dtype_en(dtype)}", kind=dtype.lower(), valid_to=MERGER_DATE,
                parent_id=old_pid[pcode], successor_ids=succ, source=SOURCE_TAG, note=note,
            ))  # fmt: skip
        if wcode is None:
            continue
        succ_keys = successors[f"{pkey}_{dkey}_{wkey}"]
        note = "" if len(succ_keys) == 1 else "divided on 01/07/2025; first successor holds the main part"
        rows.append(unit_row(
            id=f"C{wcode}", level="commune", code=wcode, name=wname, short_name=wshort,
            name_en=f"{ascii_fold(wshort)} {wtype_en(wtype)}", kind=wtype.lower(), valid_to=MERGER_DATE,
            parent_id=f"D{dcode}", successor_ids="; ".join(new_id[k] for k in succ_keys), source=SOURCE_TAG,
            note=note,
        ))  # fmt: skip
    for key, (wcode, wname, wshort, wtype, _pkey, _wkey, pcode) in sorted(
        new_by_key.items(), key=lambda kv: kv[1][0]
    ):
        if new_id[key] in done:
            continue
        n = len(preds.get(key, []))
        assert n, key
        rows.append(unit_row(
            id=new_id[key], level="commune", code=wcode, name=wname, short_name=wshort,
            name_en=f"{ascii_fold(wshort)} {wtype_en(wtype)}", kind=wtype.lower(), valid_from=MERGER_DATE,
            parent_id=new_pid[pcode], source=SOURCE_TAG,
            note=f"formed on 01/07/2025 from {n} former unit(s) (Nghị quyết 202/2025/QH15)",
        ))  # fmt: skip
    return rows


def _valid_on(row: dict[str, str], day: str) -> bool:
    return (not row["valid_from"] or row["valid_from"] <= day) and (
        not row["valid_to"] or day < row["valid_to"]
    )


# ---------------------------------------------------------------------------------------------
# Agencies (hand-written facts, each with its basis)
# ---------------------------------------------------------------------------------------------
AGENCY_TYPE_COLUMNS = [
    "code", "name_vi", "name_en", "level", "valid_from", "valid_to", "successor", "source", "kind", "scope",
    "title", "short", "new_body_from", "standing_from", "standing_to", "note",
]  # fmt: skip
MERGER_SRC = "https://ictvietnam.vn/print/69097.html (Sở KH&CN after merger operating from 01/03/2025)"
ND45 = (
    "Nghị định 45/2025/NĐ-CP ngày 28/02/2025 lists the sở organised in every province "
    "(hdnd.dongnai.gov.vn, 'quy định mới về cơ quan chuyên môn thuộc UBND cấp tỉnh')"
)
ND45_SPECIAL = "Nghị định 45/2025/NĐ-CP: a special sở organised only in some provinces (hdnd.dongnai.gov.vn)"
BEFORE_2025 = (
    "organised in every province before 03/2025 (Nghị định 24/2014/NĐ-CP, 107/2020/NĐ-CP: not seen in a stored "
    "text); named in QĐ 936/QĐ-UBND (2017)"
)
DATE_ASSUMED = (
    "01/03/2025 assumed as for Sở KH&CN (ictvietnam.vn/print/69097.html); each province's own decision and date "
    "are not verified in a stored text"
)
# (code, name, English, level, from, to, successor, source, kind, scope, title, short, new body from,
#  standing body from, standing body to, note).  {p} = the province's name ("tỉnh Ninh Bình"),
#  {s} = its short name ("Ninh Bình"), {u} = the district's or commune's name ("phường Hà Nam").
AGENCY_TYPES = [
    ("UBND_TINH", "Ủy ban nhân dân tỉnh", "Provincial People's Committee", "province", "", "", "", "",
     "province", "all", "Ủy ban nhân dân {p}", "UBND {p}", "", "", "", ""),
    ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee", "province",
     "", "", "", ND45 + "; " + BEFORE_2025, "department", "all", "Văn phòng Ủy ban nhân dân {p}",
     "VP UBND {p}", "", "", "", ""),
    ("TTR", "Thanh tra tỉnh", "Provincial Inspectorate", "province", "", "", "", ND45 + "; " + BEFORE_2025,
     "department", "all", "Thanh tra {p}", "Thanh tra {p}", "", "", "",
     "changes to the inspectorates in 2025 (after Nghị định 150/2025/NĐ-CP) are not modelled"),
    ("STTTT", "Sở Thông tin và Truyền thông", "Department of Information and Communications", "province",
     "", AGENCY_MERGER_DATE, "SKHCN", MERGER_SRC, "department", "all", "Sở Thông tin và Truyền thông {p}",
     "Sở TT&TT {s}", "", "", AGENCY_MERGER_DATE,
     "merged into Sở KH&CN; press and publishing went to Sở VH,TT&DL (not verified in a stored text)"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology", "province", "", "", "",
     MERGER_SRC + "; " + ND45, "department", "all", "Sở Khoa học và Công nghệ {p}", "Sở KH&CN {s}",
     AGENCY_MERGER_DATE, AGENCY_MERGER_DATE, "",
     "a new body from 01/03/2025 (Sở KH&CN + Sở TT&TT); the standing body for digital transformation from then"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", "province", "", AGENCY_MERGER_DATE,
     "STC", BEFORE_2025 + "; not in the list of " + ND45, "department", "all", "Sở Kế hoạch và Đầu tư {p}",
     "Sở KH&ĐT {s}", "", "", "", "merged into Sở Tài chính (which keeps its name); " + DATE_ASSUMED),
    ("STC", "Sở Tài chính", "Department of Finance", "province", "", "", "", ND45 + "; " + BEFORE_2025,
     "department", "all", "Sở Tài chính {p}", "Sở Tài chính {s}", "", "", "",
     "took in Sở KH&ĐT in 03/2025 under the same name (kept as one body)"),
    ("SNV", "Sở Nội vụ", "Department of Home Affairs", "province", "", "", "", ND45 + "; " + BEFORE_2025,
     "department", "all", "Sở Nội vụ {p}", "Sở Nội vụ {s}", "", "", "",
     "took in most of Sở LĐ-TB&XH in 03/2025 under the same name (kept as one body)"),
    ("STP", "Sở Tư pháp", "Department of Justice", "province", "", "", "", ND45 + "; " + BEFORE_2025,
     "department", "all", "Sở Tư pháp {p}", "Sở Tư pháp {s}", "", "", "", ""),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training", "province", "", "", "",
     ND45 + "; " + BEFORE_2025, "department", "all", "Sở Giáo dục và Đào tạo {p}", "Sở GD&ĐT {s}", "", "", "",
     "took in vocational education from Sở LĐ-TB&XH in 03/2025 (not verified in a stored text)"),
    ("SCT", "Sở Công Thương", "Department of Industry and Trade", "province", "", "", "", ND45 + "; " + BEFORE_2025,
     "department", "all", "Sở Công Thương {p}", "Sở Công Thương {s}", "", "", "", ""),
    ("SXD", "Sở Xây dựng", "Department of Construction", "province", "", "", "", ND45 + "; " + BEFORE_2025,
     "department", "all", "Sở Xây dựng {p}", "Sở Xây dựng {s}", "", "", "",
     "took in Sở GTVT in 03/2025 under the same name (kept as one body)"),
    ("SGTVT", "Sở Giao thông vận tải", "Department of Transport", "province", "", AGENCY_MERGER_DATE, "SXD",
     BEFORE_2025 + "; not in the list of " + ND45, "department", "all", "Sở Giao thông vận tải {p}",
     "Sở GTVT {s}", "", "", "", "merged into Sở Xây dựng; " + DATE_ASSUMED),
    ("STNMT", "Sở Tài nguyên và Môi trường", "Department of Natural Resources and Environment", "province", "",
     AGENCY_MERGER_DATE, "SNNMT", BEFORE_2025 + "; not in the list of " + ND45, "department", "all",
     "Sở Tài nguyên và Môi trường {p}", "Sở TN&MT {s}", "", "", "",
     "merged with Sở NN&PTNT into Sở Nông nghiệp và Môi trường; " + DATE_ASSUMED),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "Department of Agriculture and Rural Development",
     "province", "", AGENCY_MERGER_DATE, "SNNMT", BEFORE_2025 + "; not in the list of " + ND45, "department", "all",
     "Sở Nông nghiệp và Phát triển nông thôn {p}", "Sở NN&PTNT {s}", "", "", "",
     "merged with Sở TN&MT into Sở Nông nghiệp và Môi trường; " + DATE_ASSUMED),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", "province",
     AGENCY_MERGER_DATE, "", "",
     ND45 + "; formed by merging Sở TN&MT and Sở NN&PTNT (quangngai.gov.vn, 04/2025)", "department", "all",
     "Sở Nông nghiệp và Môi trường {p}", "Sở NN&MT {s}", "", "", "", DATE_ASSUMED),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "Department of Labour, Invalids and Social Affairs",
     "province", "", AGENCY_MERGER_DATE, "SNV", BEFORE_2025 + "; not in the list of " + ND45, "department", "all",
     "Sở Lao động - Thương binh và Xã hội {p}", "Sở LĐ-TB&XH {s}", "", "", "",
     "merged into Sở Nội vụ, some tasks to Sở Y tế and Sở GD&ĐT (not verified in a stored text); " + DATE_ASSUMED),
    ("SYT", "Sở Y tế", "Department of Health", "province", "", "", "", ND45 + "; " + BEFORE_2025, "department",
     "all", "Sở Y tế {p}", "Sở Y tế {s}", "", "", "",
     "took in social protection from Sở LĐ-TB&XH in 03/2025 (not verified in a stored text)"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism", "province", "", "",
     "", ND45 + "; " + BEFORE_2025, "department", "all", "Sở Văn hóa, Thể thao và Du lịch {p}", "Sở VH,TT&DL {s}",
     "", "", "", "some provinces have a Sở Văn hóa và Thể thao plus a Sở Du lịch instead (not modelled)"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Minority and Religious Affairs", "province",
     AGENCY_MERGER_DATE, "", "", ND45_SPECIAL + "; Thông tư 02/2025/TT-BDTTG (hethongphapluat.com)", "department",
     "some", "Sở Dân tộc và Tôn giáo {p}", "Sở DT&TG {s}", "", "", "",
     "only in some provinces: not created by setup_province (add it in the organisation pages); " + DATE_ASSUMED),
    ("SNGV", "Sở Ngoại vụ", "Department of Foreign Affairs", "province", "", "", "", ND45_SPECIAL, "department",
     "some", "Sở Ngoại vụ {p}", "Sở Ngoại vụ {s}", "", "", "",
     "only in some provinces: not created by setup_province (add it in the organisation pages)"),
    ("UBND_HUYEN", "Ủy ban nhân dân huyện, thị xã, thành phố thuộc tỉnh", "District People's Committee",
     "district", "", MERGER_DATE, "", "Nghị quyết 202/2025/QH15; Luật Tổ chức chính quyền địa phương 2025",
     "district", "all", "Ủy ban nhân dân {u}", "UBND {u}", "", "", "",
     "district level abolished on 01/07/2025; its tasks pass to the communes"),
    ("UBND_XA", "Ủy ban nhân dân xã, phường, thị trấn", "Commune People's Committee", "commune", "", "", "",
     "Nghị quyết 202/2025/QH15 (two-level local government from 01/07/2025)", "commune", "all",
     "Ủy ban nhân dân {u}", "UBND {u}", "", "", "",
     "setup_province creates one per commune, ward and special zone from 01/07/2025 (before: one per district)"),
]  # fmt: skip
AGENCY_ROLE_COLUMNS = ["role", "agency_type", "valid_from", "valid_to", "note"]
# Frameworks name the body that supplies an indicator by a role (``agency_role: so_tttt``); a role is held
# by an agency type, dated.
AGENCY_ROLES = [
    ("so_tttt", "STTTT", "", AGENCY_MERGER_DATE, "the department of information"),
    ("so_tttt", "SKHCN", AGENCY_MERGER_DATE, "", "its tasks went to Sở KH&CN on 01/03/2025 (" + MERGER_SRC + ")"),
    ("so_khdt", "SKHDT", "", AGENCY_MERGER_DATE, "the department of planning"),
    ("so_khdt", "STC", AGENCY_MERGER_DATE, "", "Sở KH&ĐT merged into Sở Tài chính; " + DATE_ASSUMED),
    ("so_noi_vu", "SNV", "", "", ""),
    ("so_tu_phap", "STP", "", "", ""),
    ("so_gddt", "SGDDT", "", "", ""),
    ("so_xay_dung", "SXD", "", "", ""),
    ("ubnd_huyen", "UBND_HUYEN", "", MERGER_DATE, "the districts"),
    ("ubnd_huyen", "UBND_XA", MERGER_DATE, "",
     "district level abolished (Nghị quyết 202/2025/QH15): chiso gives the districts' indicators to the communes"),
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
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        assert isinstance(r, dict) or len(r) == len(columns), r
        w.writerow([r[c] for c in columns] if isinstance(r, dict) else list(r))
    data = buf.getvalue().encode("utf-8")
    if path.suffix == ".gz":  # mtime 0: the same input gives the same bytes
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
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
    write_csv(args.out / "units.csv.gz", UNIT_COLUMNS, build_country(db, converter, provinces, hanam))
    write_csv(args.out / "agency_types.csv", AGENCY_TYPE_COLUMNS, AGENCY_TYPES)
    write_csv(args.out / "agency_roles.csv", AGENCY_ROLE_COLUMNS, AGENCY_ROLES)
    write_csv(args.out / "agencies.csv", AGENCY_COLUMNS, build_agencies(hanam))


if __name__ == "__main__":
    main()

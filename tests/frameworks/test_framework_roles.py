"""The responsibility matrices shipped as data: every main index carries one, and every role it names is
in ``agency_roles.csv`` and held by an agency type both in 2022 and today."""

from __future__ import annotations

import datetime as dt

import pytest

from chiso import reference
from chiso.engine.framework import Framework
from chiso.frameworks import list_frameworks, load_framework

TODAY = dt.date(2026, 12, 6)
IN_2022 = dt.date(2022, 6, 30)
DTI = ("vn-dti-2020-province", "vn-dti-2022-province", "vn-dti-2023-province", "vn-dti-2024-province")


def named_roles(fw: Framework) -> set[str]:
    out: set[str] = set()
    for node in fw.nodes:
        if node.responsibility is not None:
            out.update(node.responsibility.lead, node.responsibility.support)
    return out


def holders(role: str, on: dt.date) -> list[str]:
    """Agency types that hold ``role`` on ``on`` (``valid_to`` exclusive), from the shipped reference data."""
    types = {t["code"] for t in reference.agency_types()}
    out = []
    for row in reference.agency_roles():
        if row["role"] != role:
            continue
        starts = dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else dt.date.min
        ends = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else dt.date.max
        if starts <= on < ends:
            assert row["agency_type"] in types, row
            out.append(row["agency_type"])
    return out


def unknown_roles(fw: Framework) -> list[str]:
    known = {r["role"] for r in reference.agency_roles()}
    return sorted(named_roles(fw) - known)


@pytest.mark.parametrize("fw", list_frameworks(), ids=lambda f: f.id)
def test_every_role_named_exists_and_resolves_in_2022_and_today(fw):
    assert unknown_roles(fw) == []
    for role in named_roles(fw):
        assert len(holders(role, IN_2022)) == 1, (fw.id, role, IN_2022)
        assert len(holders(role, TODAY)) == 1, (fw.id, role, TODAY)


@pytest.mark.parametrize("fid", DTI)
def test_every_main_index_has_its_own_responsibility(fid):
    fw = load_framework(fid)
    for node in fw.nodes[1:]:
        a = node.responsibility
        assert a is not None and a.lead, (fid, node.code)
        # No national text assigns the DTI's indices to provincial agencies: each is a proposal.
        assert a.proposal and not a.basis, (fid, node.code)
        assert not set(a.lead) & set(a.support)


def test_the_roles_follow_the_2025_mergers():
    assert holders("so_tttt", IN_2022) == ["STTTT"] and holders("so_tttt", TODAY) == ["SKHCN"]
    assert holders("so_khdt", IN_2022) == ["SKHDT"] and holders("so_khdt", TODAY) == ["STC"]
    assert holders("ubnd_huyen", IN_2022) == ["UBND_HUYEN"] and holders("ubnd_huyen", TODAY) == ["UBND_XA"]
    assert holders("van_phong_ubnd", TODAY) == ["VPUBND"] and holders("so_y_te", IN_2022) == ["SYT"]


def test_the_check_catches_a_role_the_reference_data_does_not_know():
    fw = Framework.from_dict({
        "id": "copy", "name": "copy", "edition": 2024, "root": {
            "code": "dti", "method": "points_ratio", "children": [
                {"code": "a", "max_points": 100, "scoring": "given",
                 "responsibility": {"lead": ["so_khong_co"], "support": ["so_tttt"], "proposal": True}}]}})
    assert unknown_roles(fw) == ["so_khong_co"]

"""Responsibility (lead / supporting agency roles) on framework nodes: parsed, inherited, refused when bad."""

from __future__ import annotations

import pytest

from chiso.engine import Assignment, Framework, FrameworkError


def _fw(a_spec=None, b_extra=None):
    a = {"code": "a", "method": "weighted_mean", "children": [{"code": "a1"}, {"code": "a2", "agency_role": "so_tu_phap"}]}
    if a_spec is not None:
        a["responsibility"] = a_spec
    b = {"code": "b", **(b_extra or {})}
    return Framework.from_dict({"id": "t", "name": "t", "edition": 2024,
                                "root": {"code": "r", "method": "weighted_mean", "children": [a, b]}})


def test_children_inherit_the_nearest_assignment_and_can_override_it():
    fw = _fw({"lead": ["so_khcn"], "support": ["so_noi_vu", "ubnd_xa"], "basis": "QĐ 405 §2"})
    assert fw.assignment("a1") == (Assignment(("so_khcn",), ("so_noi_vu", "ubnd_xa"), "QĐ 405 §2", False), "a")
    lead, where = fw.assignment("a2")
    assert (lead.lead, where) == (("so_tu_phap",), "a2")  # agency_role is the lead-only shorthand
    assert fw.assignment("b") == (None, None)
    assert fw.assignment("r") == (None, None)


def test_a_proposal_needs_no_basis_but_a_published_assignment_does():
    assert _fw({"lead": ["so_khcn"], "proposal": True}).node("a").responsibility.proposal is True
    with pytest.raises(FrameworkError, match="needs a basis"):
        _fw({"lead": ["so_khcn"]})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"lead": ["Sở KH&CN"], "proposal": True}, "role codes are lower-case"),
        ({"support": ["so_khcn"], "proposal": True}, "names no lead role"),
        ({"lead": ["so_khcn"], "support": ["so_khcn"], "proposal": True}, "both lead and support"),
        ({"lead": ["so_khcn", "so_khcn"], "proposal": True}, "names a role twice"),
        ({"lead": "so_khcn", "proposal": "yes"}, "proposal must be true or false"),
        ({"lead": ["so_khcn"], "owner": "x", "proposal": True}, "unknown keys owner"),
        ("so_khcn", "must be a mapping"),
    ],
)
def test_bad_assignments_are_refused_with_the_node_named(spec, message):
    with pytest.raises(FrameworkError, match=message) as e:
        _fw(spec)
    assert "node 'a'" in str(e.value)


def test_agency_role_must_agree_with_an_explicit_lead():
    with pytest.raises(FrameworkError, match="not among responsibility lead"):
        _fw(b_extra={"agency_role": "so_noi_vu", "responsibility": {"lead": ["so_khcn"], "proposal": True}})

"""The reference case's organisation, read from its data file (``chiso/cases/<case>/case.yaml``):
the province's reference id, the bodies its decision names that :mod:`chiso.reference` does not
hold, the responsibility matrix, validation rules and the labelled demonstration users and rounds.

The names below keep the shape the loaders use (tuples of fields); the values are the file's.
"""

from __future__ import annotations

from chiso import cases

_case = cases.read("case")

FRAMEWORK_ID: str = _case["framework_id"]
PROVINCE_REF: str = _case["province_ref"]
DECISION: str = _case["decision"]
DECISION_SHORT: str = _case.get("decision_short", DECISION)
TARGET_RANK: int = int(_case["target"]["rank"])
TARGET_BASIS: str = _case["target"]["basis"]
PROVINCE_ENDS: str = str(_case["province_ends"])
TYPE_KIND: dict[str, str] = dict(_case["agency_kinds"])  # every other type is a sở
STANDING_BODY: str = _case["standing_body"]
QUARTERLY_REPORT_NOTE: str = _case.get("quarterly_report_note", "")

# (code, name, short name, kind)
EXTRA_AGENCIES = [(a["code"], a["name"], a["short_name"], a["kind"]) for a in _case["extra_agencies"]]
GROUPS: dict[str, list[str]] = {
    "other_so": [a[0] for a in EXTRA_AGENCIES if a[3] == "department"],
    **{k: list(v) for k, v in (_case.get("groups") or {}).items()},
}
OTHER_SO = GROUPS["other_so"]
DISTRICTS = GROUPS.get("districts", [])


def _agencies(value) -> list[str]:
    return GROUPS[value] if isinstance(value, str) else list(value)


# (agency ids, node codes, role, note)
MATRIX = [(_agencies(m["agencies"]), list(m["codes"]), m["role"], m["note"]) for m in _case["matrix"]]
# (left code, operator, right code, constant, importance, message)
RULES = [
    (r["left"], r["op"], r.get("right") or "", r.get("constant"), r["importance"], r["message"])
    for r in _case.get("rules") or []
]

_demo = _case.get("demo") or {}
DEMO_PASSWORD: str = _demo.get("password", "")
# (username, full name, agency id, role)
DEMO_USERS = [(u["username"], u["label"], u["agency"], u["role"]) for u in _demo.get("users") or []]
DEMO_SEED: int = int(_demo.get("seed", 0))
DEMO_ROUNDS: dict = _demo.get("rounds") or {}

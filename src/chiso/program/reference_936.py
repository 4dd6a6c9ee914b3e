"""The reference case's action program, read from its data file (``chiso/cases/<case>/program.yaml``):
the decision, its objectives, the solutions as tasks with KPIs, the duties, the recurring obligations
and the labelled demonstration progress. The file says what the decision does and does not state.

The names below keep the shape the loader command uses (tuples of fields); the values are the file's.
"""

from __future__ import annotations

from chiso import cases

_data = cases.read("program")
_groups: dict[str, list] = _data.get("groups") or {}


def agencies(items) -> list[str]:
    """Agency codes, with ``"@group"`` expanded (groups may name other groups)."""
    out: list[str] = []
    for item in items or []:
        if isinstance(item, str) and item.startswith("@"):
            out += agencies(_groups[item[1:]])
        else:
            out.append(item)
    return out


PROGRAM: dict = dict(_data["program"])
CODE: str = PROGRAM["code"]
FRAMEWORK_ID: str = PROGRAM["framework_id"]
STANDING_BODY: str = _data["standing_body"]
GENERAL_OBJECTIVES: list[str] = list(_data["general_objectives"])
SPECIFIC_OBJECTIVE: dict = dict(_data["specific_objective"])

# (title, text, lead, supporting, basis, deadline, recurrence, components, kpis); a KPI:
# (name, unit, target, target_basis, due, source, indicator_code, source_agency)
TASKS = [
    (
        t["title"],
        t["text"],
        t["lead"],
        agencies(t.get("supporting")),
        t["basis"],
        t.get("deadline"),
        t["recurrence"],
        list(t.get("components") or []),
        [
            (
                k["name"],
                k["unit"],
                k.get("target"),
                k["target_basis"],
                k.get("due"),
                k["source"],
                k.get("indicator") or "",
                k.get("source_agency"),
            )
            for k in t.get("kpis") or []
        ],
    )
    for t in _data["tasks"]
]
# (section, addressee as published, agency codes, [duty texts])
DUTIES = [(d["section"], d["addressee"], agencies(d["agencies"]), list(d["texts"])) for d in _data["duties"]]
SECTION_5 = [(d["section"], d["addressee"], agencies(d["agencies"]), d["text"]) for d in _data.get("section_5") or []]
# (title, section, agency, recurrence, due offset days, schedule note)
OBLIGATIONS = [
    (o["title"], o["section"], o["agency"], o["recurrence"], o["due_offset_days"], o["schedule_note"])
    for o in _data.get("obligations") or []
]
DEMO: dict = _data.get("demo") or {}

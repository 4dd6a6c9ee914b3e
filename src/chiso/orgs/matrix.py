"""Reading the responsibility matrix (``orgs.Responsibility``) the way forms, pages and reports need it.

A row is written on the node an assignment is made at; its descendants inherit it.  Which agencies
lead a node is decided by the **nearest** node — itself, else its parent, and so on up — that has a
lead row: a lead set on a component overrides its main index's lead for that component (the main
index's lead does not also get it).  Only agencies that existed at the same time count against each
other: the matrix of a body that ended (Sở TT&TT before 01/03/2025, a district before 01/07/2025)
does not take components away from the bodies of today, and the other way round.  Supporting
agencies are read at the nearest node with any row (a node naming its own lead without support has
none, as the framework's assignment of that node says).

The matrix filled from a framework's data (``chiso.orgs.provinces``) marks each row's note: a
published assignment says its basis ("Căn cứ: …"), chiso's proposal starts with :data:`PROPOSAL`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.lib import frameworks

from .models import Agency, Responsibility

PROPOSAL = "Đề xuất (chưa có văn bản phân công)"
BASIS = "Căn cứ: "
EDITED = "Sửa trong ứng dụng"


def is_proposal(note: str) -> bool:
    return (note or "").startswith("Đề xuất")  # also the wording of notes written before 12/2026


def note_kind(note: str) -> str:
    """``proposal``, ``published`` (a basis is named) or ``edited`` (set by the department in the app,
    or loaded from a decision without a note)."""
    if is_proposal(note):
        return "proposal"
    if (note or "").startswith(BASIS):
        return "published"
    return "edited"


@dataclass(frozen=True)
class Row:
    code: str
    agency_id: int
    role: str
    note: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def _overlap(a: Row, b: Row) -> bool:
    """Whether the agencies of ``a`` and ``b`` existed at the same time (``valid_to`` exclusive)."""
    return (a.valid_to is None or b.valid_from is None or b.valid_from < a.valid_to) and (
        b.valid_to is None or a.valid_from is None or a.valid_from < b.valid_to
    )


def rows(framework_id: str, role: str | None = None) -> list[Row]:
    """Every matrix row of a framework (one query), with its agency's dates."""
    qs = Responsibility.objects.filter(framework_id=framework_id)
    if role:
        qs = qs.filter(role=role)
    return [
        Row(c, a, r, n or "", f, t)
        for c, a, r, n, f, t in qs.order_by("id").values_list(
            "code", "agency_id", "role", "note", "agency__valid_from", "agency__valid_to"
        )
    ]


def led_indicators(fw, agency_id: int, all_rows: list[Row] | None = None) -> set[str]:
    """The indicator codes ``agency_id`` leads: those whose nearest node with a lead row (of an
    agency that existed alongside it) has a lead row of this agency."""
    lead_rows = [r for r in (rows(fw.id, Responsibility.Role.LEAD) if all_rows is None else all_rows)
                 if r.role == Responsibility.Role.LEAD]  # fmt: skip
    mine = [r for r in lead_rows if r.agency_id == agency_id]
    if not mine:
        return set()
    me = mine[0]
    own = {r.code for r in mine}
    others = {r.code for r in lead_rows if r.agency_id != agency_id and _overlap(me, r)}
    parents = frameworks.parent_map(fw)
    out = set()
    for node in fw.indicators:
        c: str | None = node.code
        while c is not None and c not in own and c not in others:
            c = parents.get(c)
        if c is not None and c in own:
            out.add(node.code)
    return out


@dataclass
class Holder:
    """Who answers for one node: agencies with the note of their row and the node the row is on."""

    lead: list[tuple[Agency, str]] = field(default_factory=list)
    support: list[tuple[Agency, str]] = field(default_factory=list)
    lead_at: str | None = None
    support_at: str | None = None

    @property
    def proposal(self) -> bool:
        return bool(self.lead) and all(is_proposal(n) for _a, n in self.lead)

    def names(self, role: str = "lead") -> list[str]:
        return [str(a) for a, _n in getattr(self, role)]

    def short(self, role: str = "lead") -> str:
        """The agencies in one line fit for a table: :func:`short_names`."""
        return short_names([a for a, _n in getattr(self, role)])


# More local bodies than this in one cell are counted, not listed (a merged province has 129 communes).
LISTED_LOCAL_BODIES = 3


def short_names(agencies: list[Agency]) -> str:
    """Agencies by name, the local bodies (communes, districts) counted when there are many of them:
    "Sở Y tế Ninh Bình, UBND 129 xã, phường" rather than 129 names in one table cell."""
    local = {Agency.Kind.COMMUNE: [], Agency.Kind.DISTRICT: []}
    named: list[str] = []
    for a in agencies:
        if a.kind in local:
            local[a.kind].append(a)
        else:
            named.append(str(a))
    for kind, group in local.items():
        if len(group) > LISTED_LOCAL_BODIES:
            named.append(_("UBND {n} xã, phường").format(n=len(group)) if kind == Agency.Kind.COMMUNE
                         else _("UBND {n} huyện, thành phố").format(n=len(group)))
        else:
            named.extend(str(a) for a in group)
    return ", ".join(dict.fromkeys(named))


def holders(fw, day: dt.date | None = None, codes: list[str] | None = None) -> dict[str, Holder]:
    """Code -> :class:`Holder` for every node (or ``codes``): the lead and supporting agencies in
    force on ``day`` (every agency when ``day`` is None) read at the nearest node that has them."""
    qs = Responsibility.objects.filter(framework_id=fw.id).select_related("agency").order_by(
        "agency__kind", "agency__name", "id")  # fmt: skip
    if day is not None:
        qs = qs.filter(agency__in=Agency.objects.valid_on(day))
    at: dict[tuple[str, str], list[tuple[Agency, str]]] = {}
    for r in qs:
        at.setdefault((r.code, r.role), []).append((r.agency, r.note))
    parents = frameworks.parent_map(fw)
    out = {}
    for code in codes if codes is not None else [n.code for n in fw.nodes]:
        h = Holder()
        c: str | None = code
        while c is not None and (c, "lead") not in at:
            c = parents.get(c)
        if c is not None:
            h.lead, h.lead_at = at[(c, "lead")], c
        # support: at the nearest node with any row — a node that names its own lead without support
        # has none (as the framework's assignment says), it does not take its parent's
        c = code
        while c is not None and (c, "lead") not in at and (c, "support") not in at:
            c = parents.get(c)
        if c is not None and (c, "support") in at:
            h.support, h.support_at = at[(c, "support")], c
        out[code] = h
    return out


def subtree_holders(fw, code: str, found: dict[str, Holder]) -> Holder:
    """The agencies answering for ``code`` or any node under it (a main index of a report): its own
    holder's agencies first, then those set on nodes below (deduplicated)."""
    node = fw.node(code)
    out = Holder(lead_at=found[code].lead_at, support_at=found[code].support_at)
    seen = {"lead": set(), "support": set()}
    stack = [node]
    while stack:
        n = stack.pop(0)
        h = found.get(n.code)
        if h is not None:
            for role in ("lead", "support"):
                for a, note in getattr(h, role):
                    if a.pk not in seen[role]:
                        seen[role].add(a.pk)
                        getattr(out, role).append((a, note))
        stack.extend(n.children)
    return out


# --- the framework's status, said in the sentence that names it ---------------------------------------


def framework_title(fw) -> str:
    """"Bộ chỉ số DTI 2024 (QĐ 405/QĐ-BKHCN)": the edition and its first legal basis, in the active
    language (a document for the ministry renders under ``translation.override("vi")``)."""
    basis = next((b.get("number") for b in fw.legal_basis if b.get("number")), "")
    name = _("Bộ chỉ số {name}").format(name=fw.label((get_language() or "vi")[:2]))
    return f"{name} ({basis})" if basis and basis not in name else name


def status_note(fw, code: str | None = None) -> str:
    """"cấu trúc tạm, điểm từng chỉ số chưa công bố" when the framework (at its root, at ``code`` or
    at one of its ancestors) is ``provisional``; "" otherwise."""
    chain = [fw.root.code]
    if code is not None:
        chain += [code, *fw.ancestors(code)]
    if fw.status == "provisional" or any(fw.node(c).status == "provisional" for c in chain):
        return _("cấu trúc tạm, điểm từng chỉ số chưa công bố")
    return ""


def framework_sentence(fw, code: str | None = None) -> str:
    """The framework named with its status: "Bộ chỉ số … (QĐ 405/QĐ-BKHCN) — cấu trúc tạm, điểm
    từng chỉ số chưa công bố" for a provisional one, the title alone otherwise."""
    note = status_note(fw, code)
    return f"{framework_title(fw)} — {note}" if note else framework_title(fw)

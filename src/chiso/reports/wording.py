"""The department's wording of its documents (docs/reports.md: Mẫu văn bản): draft, preview, use.

A wording is a template (:mod:`.docgen.template`). A department officer writes a draft from the
wording in use; the draft is tried at once on the latest document of its kind (an error names the
line) and a preview document is queued on the same data, marked as a preview. The department's
administrator puts a draft in use only once its preview has been written; every document made
after that takes it (a document already made keeps its files). Going back to the shipped wording
is one step. Nothing is ever edited in place: each change is a new row, audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from chiso.docgen.template import TemplateError, apply
from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from . import kinds, services
from .models import DocumentTemplate, ReportJob

MAX_NOTE = 300


def latest_job(kind: str) -> ReportJob | None:
    """The latest document of ``kind`` written on real data runs (the preview's data)."""
    return (
        ReportJob.objects.filter(kind=kind, status=ReportJob.Status.DONE, is_preview=False)
        .exclude(snapshot={})
        .order_by("-created", "-id")
        .first()
    )


def sample(kind: str) -> tuple[ReportJob | None, Any]:
    """The latest document of ``kind`` and its spec rebuilt from its snapshot (None, None if none)."""
    job = latest_job(kind)
    if job is None:
        return None, None
    try:
        return job, kinds.get(kind).build(job.snapshot, job.params)
    except (KeyError, TypeError, ValueError, LookupError):  # a snapshot from an older version
        return job, None


def variables(spec) -> list[tuple[str, str]]:
    """The values a template of this document may print, with their value in the sample."""
    if spec is None:
        return []

    def shown(v) -> str:
        if isinstance(v, bool):  # a condition: {% if ten %}
            return "có (đúng)" if v else "không (sai)"
        if isinstance(v, (list, tuple)):
            return "; ".join(map(str, v)) or "(trống)"
        return str(v) if str(v) != "" else "(trống)"

    return [(k, shown(v)) for k, v in sorted(spec.context.items())]


def passages(spec) -> list[tuple[str, str]]:
    from chiso.docgen import Part

    if spec is None:
        return []
    return [(b.name, b.label) for b in spec.blocks if isinstance(b, Part)]


def _department(actor: audit.Actor, *, admin: bool = False) -> None:
    scope = get_scope(actor.user)
    if not (scope.is_dept_admin if admin else scope.is_department):
        raise Forbidden(
            "Chỉ quản trị của cơ quan thường trực được đưa mẫu vào sử dụng."
            if admin
            else "Chỉ cơ quan thường trực được sửa mẫu văn bản."
        )


def draft(kind: str, text: str, note: str, actor: audit.Actor) -> tuple[DocumentTemplate, ReportJob]:
    """Save ``text`` as a draft of ``kind``'s wording and queue its preview on the latest document of
    that kind. Refused (nothing saved) when the text does not work on that document."""
    _department(actor)
    kinds.get(kind)
    text = text.replace("\r\n", "\n").strip() + "\n"
    if not text.strip():
        raise Refused("Mẫu không được để trống.", {"text": "Mẫu không được để trống."})
    job, spec = sample(kind)
    if job is None or spec is None:
        raise Refused(
            "Chưa có văn bản loại này để thử mẫu: hãy tạo một văn bản loại này trước, rồi sửa mẫu."
        )
    try:
        apply(spec, text, keep_signature=job.params)
    except TemplateError as e:
        raise Refused(str(e), {"text": str(e)}) from None
    with transaction.atomic():
        tpl = DocumentTemplate.objects.create(kind=kind, text=text, note=note.strip()[:MAX_NOTE], created_by=actor.user)
        audit.record(actor, "template.draft", tpl, after={"kind": kind, "note": tpl.note})
        preview = services.create_job(kind, dict(job.params), actor, template=tpl, is_preview=True)
    return tpl, preview


def activate(template_id: int, actor: audit.Actor) -> DocumentTemplate:
    """Put a previewed draft in use (the one in use before it is kept as replaced)."""
    _department(actor, admin=True)
    with transaction.atomic():
        tpl = DocumentTemplate.objects.select_for_update().get(pk=template_id)
        if tpl.status != DocumentTemplate.Status.DRAFT:
            raise Refused("Mẫu này không còn là bản nháp (đã dùng hoặc đã thay).", status=409)
        if not tpl.jobs.filter(is_preview=True, status=ReportJob.Status.DONE).exists():
            raise Refused("Hãy xem bản xem trước của mẫu (đã tạo xong) trước khi đưa vào sử dụng.")
        before = DocumentTemplate.objects.filter(kind=tpl.kind, status=DocumentTemplate.Status.ACTIVE)
        before.update(status=DocumentTemplate.Status.RETIRED)
        tpl.status, tpl.activated, tpl.activated_by = DocumentTemplate.Status.ACTIVE, timezone.now(), actor.user
        tpl.save(update_fields=["status", "activated", "activated_by"])
        audit.record(actor, "template.activate", tpl, after={"kind": tpl.kind})
    return tpl


def restore_shipped(kind: str, actor: audit.Actor) -> int:
    """Back to the wording shipped with chiso for ``kind``: the department's in use is replaced."""
    _department(actor, admin=True)
    kinds.get(kind)
    with transaction.atomic():
        n = DocumentTemplate.objects.filter(kind=kind, status=DocumentTemplate.Status.ACTIVE).update(
            status=DocumentTemplate.Status.RETIRED
        )
        if n:
            audit.record(actor, "template.restore", ("reports.documenttemplate", kind), after={"kind": kind}, object_repr=kinds.get(kind).label)
    return n

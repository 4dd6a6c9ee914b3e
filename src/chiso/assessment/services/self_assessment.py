"""Self-assessment: entries, evidence, submit and reopen."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.errors import InputError
from chiso.engine.points import PointsFramework
from chiso.lib.db import atomic_retry
from chiso.lib.problems import active_language
from chiso.lib.refusal import Forbidden, Refused
from chiso.lib.vn_format import DecimalMarkError, parse_date, parse_number
from chiso.orgs import audit
from chiso.review import evidence, workflow

from ..models import (
    DocumentRef,
    Entry,
    Participant,
    Round,
)
from .base import S, _bump, _lock
from .frameworks import round_pfw
from .problems import input_error_vi
from .reading import display_raw
from .totals import recompute


def raw_from_post(ind, post, prefix: str) -> Any:
    """What a unit typed for an indicator, from a form: a string, or {"a", "b"} for a ratio."""
    if ind.value_kind == "ratio":
        a, b = (post.get(f"{prefix}_a", "") or "").strip(), (post.get(f"{prefix}_b", "") or "").strip()
        if not a and not b:
            return None
        return {"a": a, "b": b}
    v = (post.get(prefix, "") or "").strip()
    return v or None


def read_typed(ind, raw: Any, lang: str | None) -> Any:
    """A typed answer with its numbers read the way of the page's language ``lang`` (``"1.234,5"`` in
    Vietnamese, ``"1,234.5"`` in English, ``chiso.lib.vn_format.parse_number``); ``DecimalMarkError``
    for a mark that cannot be the language's. Other answers (levels, yes/no, text that is no number)
    are returned as typed, for the engine to judge."""
    if lang is None or raw is None or ind.value_kind in ("yes_no", "level"):
        return raw

    def one(x: Any) -> Any:
        if not isinstance(x, str) or not x.strip():
            return x
        try:
            return parse_number(x, lang)
        except DecimalMarkError:
            raise
        except ValueError:
            return x

    if ind.value_kind == "ratio" and isinstance(raw, dict):
        return {k: one(v) for k, v in raw.items()}
    return one(raw)


def _normalise(ind, raw: Any) -> Any:
    """The stored form of a raw answer: numbers as floats, yes/no as bool, levels as given."""
    if raw is None:
        return None
    if ind.value_kind == "ratio":
        return {k: parse_number(raw[k]) if isinstance(raw[k], str) else raw[k] for k in ("a", "b")}
    if ind.value_kind == "yes_no":
        return str(raw).strip().lower() in ("1", "có", "co", "yes", "true")
    if ind.value_kind == "level":
        for lvl in ind.levels:
            if str(lvl) == str(raw).strip():
                return lvl
        return raw
    return parse_number(raw) if isinstance(raw, str) else raw


def _check_stage(rnd: Round, *stages: str) -> None:
    if rnd.is_frozen:
        raise Forbidden(_("Kết quả đã có quyết định: mọi thay đổi điểm phải qua sửa đổi có kiểm soát."))
    if rnd.status not in stages:
        raise Forbidden(
            _("Đợt đánh giá đang ở bước “{step}”: không thực hiện được thao tác này.").format(
                step=rnd.get_status_display()
            )
        )


@dataclass
class Newer:
    """An entry saved by someone else since the sheet was loaded: what that save left in it."""

    code: str
    mine: str  # what this writer typed, as the sheet shows it
    theirs: str  # the newer answer
    note: str  # the newer note
    by: str
    at: dt.datetime | None
    version: int

    def sentence(self) -> str:
        return _(
            "{by} đã lưu giá trị mới lúc {at}: “{theirs}” (bạn nhập “{mine}”). Giá trị của bạn chưa được "
            "lưu; lưu lại nếu vẫn muốn thay giá trị mới bằng giá trị của bạn."
        ).format(
            by=self.by,
            at=timezone.localtime(self.at).strftime("%H:%M:%S %d/%m/%Y") if self.at else "?",
            theirs=self.theirs + (" — " + _("giải thích: {note}").format(note=self.note) if self.note else ""),
            mine=self.mine,
        )


class Conflict(Refused):
    """Someone saved a newer answer of one or more indicators since the sheet was loaded (409);
    ``newer`` holds, per code, what is saved now. Nothing of the refused save was written."""

    def __init__(self, newer: dict[str, Newer], errors: dict[str, str] | None = None):
        super().__init__(
            _(
                "Chưa lưu gì: {n} chỉ số vừa được người khác lưu sau khi bạn mở phiếu ({codes}). Giá trị "
                "bạn nhập vẫn còn trên phiếu."
            ).format(n=len(newer), codes=", ".join(newer)),
            {**(errors or {}), **{code: n.sentence() for code, n in newer.items()}},
            status=409,
        )
        self.newer = newer


def _typed_text(ind, raw) -> str:
    """What a writer typed, as the sheet shows a saved answer (the text itself if it is not valid)."""
    try:
        return display_raw(ind, _normalise(ind, raw))
    except (ValueError, KeyError, TypeError):
        return str(raw)


@atomic_retry
def save_self(
    participant_id: int,
    answers: dict[str, tuple[Any, str]],
    actor: audit.Actor,
    *,
    versions: dict[str, int] | None = None,
    lang: str | None = None,
) -> Participant:
    """Save a unit's answers ``{code: (raw, note)}``: every answer is validated by the engine
    first; one bad answer saves nothing (errors per indicator).

    ``versions`` ``{code: version}`` are the entries' versions the sheet was rendered with (the
    page's hidden inputs): an answer that differs from what is saved now, of an entry saved by
    someone else since (a newer version), is a :class:`Conflict` — and, as on the collection
    form, nothing of the save is written. An answer equal to the saved one is no conflict.

    ``lang``: the language of the page the answers were typed on (its decimal mark, :func:`read_typed`).

    Returns the unit; its ``versions`` ``{code: version}`` are the answered entries' versions after
    the save (what the sheet carries next).
    """
    versions = versions or {}
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.SELF)
        if p.status == Participant.Status.SUBMITTED:
            raise Forbidden(_("Đơn vị đã gửi bản tự đánh giá: không sửa được nữa."))
        pfw = round_pfw(p.round)
        entries = {e.code: e for e in p.entries.select_related("updated_by")}
        errors, changed, newer = {}, [], {}
        for code, (raw, note) in answers.items():
            if code not in entries:
                continue
            ind = pfw.indicator(code)
            try:
                raw = read_typed(ind, raw, lang)
                number = pfw.value_of(code, raw)
                stored = _normalise(ind, raw)
            except InputError as err:
                errors[code] = input_error_vi(err)
                continue
            except DecimalMarkError as err:
                errors[code] = err.message(active_language())
                continue
            except ValueError:
                errors[code] = _("Giá trị không phải là số.")
                continue
            e = entries[code]
            value = None if math.isnan(number) else number
            note = (note or "").strip()
            if stored == e.raw and note == e.note:
                continue
            expected = versions.get(code)
            if expected is not None and expected != e.version:
                newer[code] = Newer(
                    code=code, mine=_typed_text(ind, raw), theirs=display_raw(ind, e.raw), note=e.note,
                    by=e.updated_by.get_full_name() or e.updated_by.get_username() if e.updated_by else "?",
                    at=e.updated_at, version=e.version,
                )
                continue
            e.raw, e.value, e.note = stored, value, note
            changed.append(e)
        if newer:
            raise Conflict(newer, errors)
        if errors:
            raise Refused(
                _("Chưa lưu: có {n} chỉ số nhập sai (xem từng dòng).").format(n=len(errors)), errors
            )
        _score_self(pfw, changed)
        now = timezone.now()
        for e in changed:
            e.updated_at, e.updated_by = now, actor.user
            e.version += 1
        Entry.objects.bulk_update(
            changed, ["raw", "value", "note", "self_points", "updated_at", "updated_by", "version"]
        )
        if changed:
            audit.record(
                actor,
                "assessment_self.save",
                p,
                parent=p.round,
                after={e.code: {"raw": e.raw, "points": e.self_points, "version": e.version} for e in changed},
            )
            recompute(p.round)
    p.versions = {code: entries[code].version for code in answers if code in entries}
    return p


def _score_self(pfw: PointsFramework, entries: list[Entry]) -> None:
    if not entries:
        return
    with_ev = set(
        Entry.objects.filter(pk__in=[e.pk for e in entries])
        .filter(Q(files__isnull=False) | Q(docs__isnull=False))
        .values_list("pk", flat=True)
    )
    for e in entries:
        pts = pfw.points(e.code, e.value if e.value is not None else math.nan, e.pk in with_ev)
        e.self_points = None if math.isnan(pts) else round(pts, 2)


def rescore_entry(entry_id: int) -> None:
    """Evidence added or removed: the self-score may change ("no evidence ⇒ 0")."""
    e = Entry.objects.select_related("participant__round").get(pk=entry_id)
    _score_self(round_pfw(e.participant.round), [e])
    Entry.objects.filter(pk=e.pk).update(self_points=e.self_points)
    recompute(e.participant.round)


def check_evidence_editable(entry: Entry) -> None:
    p = entry.participant
    _check_stage(p.round, S.SELF)
    if p.status == Participant.Status.SUBMITTED:
        raise Forbidden(_("Đơn vị đã gửi bản tự đánh giá: không sửa được nữa."))


def _evidence_check(entry: Entry) -> Participant:
    """``check_editable`` of :mod:`chiso.review.evidence`: the unit locked (the current step, read
    under the lock), the entry's evidence editable; the unit is the audit parent."""
    entry.participant = _lock(entry.participant_id)
    check_evidence_editable(entry)
    return entry.participant


def _rescore(entry: Entry) -> None:
    rescore_entry(entry.pk)


@atomic_retry
def add_evidence_file(entry_id: int, actor: audit.Actor, upload):
    """Attach an uploaded file to an entry, audited, and rescore the entry. Refused (``Refused``)
    when the file fails the upload check, (``Forbidden``) outside the self-assessment step or once
    the unit has submitted; nothing written then."""
    entry = Entry.objects.get(pk=entry_id)
    return evidence.add(entry, upload, actor, check_editable=_evidence_check, action="assessment_evidence.add",
                        detail={"code": entry.code}, changed=_rescore)


@atomic_retry
def delete_evidence(obj, actor: audit.Actor, action: str) -> None:
    """Remove an evidence file (``chiso.review.evidence``) or a document of an entry (``action``: its
    audit code), audited; a file leaves the disk once the transaction commits. Refused as
    ``add_evidence_file``."""
    if isinstance(obj, DocumentRef):
        with transaction.atomic():
            audit.record(actor, action, obj, parent=_evidence_check(obj.entry),
                         before={"code": obj.entry.code, "name": str(obj)})
            obj.delete()
            rescore_entry(obj.entry_id)
        return
    entry = obj.owner
    evidence.delete(obj, actor, check_editable=_evidence_check, action=action, detail={"code": entry.code},
                    changed=_rescore)


@atomic_retry
def add_document(entry_id: int, actor: audit.Actor, *, number: str, date: str, summary: str) -> DocumentRef:
    errors = {}
    number, summary = (number or "").strip(), (summary or "").strip()
    if not number:
        errors["number"] = _("Nhập số, ký hiệu văn bản.")
    try:
        day = parse_date(date)
    except ValueError:
        errors["date"] = _("Ngày không hợp lệ (dd/mm/yyyy).")
        day = None
    if day and day > timezone.localdate():
        errors["date"] = _("Ngày văn bản không được ở tương lai.")
    if not summary:
        errors["summary"] = _("Nhập trích yếu văn bản.")
    if errors:
        raise Refused(_("Chưa thêm được văn bản."), errors)
    assert day is not None  # a date that did not read is an error above
    with transaction.atomic():
        entry = Entry.objects.get(pk=entry_id)
        entry.participant = _lock(entry.participant_id)  # the current step, read under the lock
        check_evidence_editable(entry)
        doc = DocumentRef.objects.create(entry=entry, number=number[:80], date=day, summary=summary[:500])
        audit.record(
            actor,
            "assessment_doc.add",
            doc,
            parent=entry.participant,
            after={"code": entry.code, "number": doc.number, "date": day.isoformat(), "summary": doc.summary},
        )
        rescore_entry(entry.pk)
    return doc


def _check_filled(p: Participant) -> None:
    """Before submitting: every indicator answered."""
    empty = list(p.entries.filter(value__isnull=True).values_list("code", flat=True))
    if empty:
        pfw, lang = round_pfw(p.round), active_language()
        names = [f"“{pfw.indicator(c).label(lang)}”" for c in empty[:8]]
        raise Refused(
            _("Chưa gửi được: còn {n} chỉ số chưa nhập ({names}).").format(
                n=len(empty), names=", ".join(names) + ("…" if len(empty) > 8 else "")
            ),
            {c: _("Chưa nhập.") for c in empty},
        )


@atomic_retry
def submit(participant_id: int, actor: audit.Actor) -> Participant:
    """The unit sends its self-assessment (chiso.review.workflow's submit, with the unit's table)."""
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.SELF)
        workflow.submit(p, actor, check=_check_filled)
        _bump(p.round)
    return p


@atomic_retry
def reopen(participant_id: int, actor: audit.Actor, reason: str) -> Participant:
    """The department gives a submitted self-assessment back to its unit (self-assessment step only;
    the reason is required: chiso.review.workflow.reopen)."""
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.SELF)
        workflow.reopen(p, actor, reason)
        _bump(p.round)
    return p

"""Collection logic shared by pages, Excel import and (later) the API.

Every change goes through here: one transaction, an explicit audit row, and a
check that the submission is still editable after locking its row.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.db.models import Count, Field
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib import frameworks, terms
from chiso.lib.db import atomic_retry
from chiso.lib.deadlines import Lateness, lateness
from chiso.lib.periods import period_end, period_label, previous_periods
from chiso.lib.problems import active_language
from chiso.lib.refusal import Forbidden, Refused, Stale
from chiso.lib.vn_format import DecimalMarkError, format_number, input_number, parse_number
from chiso.orgs import audit, notify
from chiso.orgs.models import Agency, AuditEntry, Membership, NoticeKind, Responsibility
from chiso.orgs.people import person_label
from chiso.review import evidence, workflow
from chiso.review.models import Evidence

from . import matrix
from .models import Round, Submission, ValidationRule, Value

# The refusals are ``chiso.lib.refusal``'s: ``Refused`` (400), ``Forbidden`` (403: the form is not
# editable now), ``Stale`` (409). The names below are the ones callers already use.
CollectionError = Refused
NotEditable = Forbidden


class Conflict(Stale):
    """Someone else saved this value since the form was loaded; ``current`` is what is saved now."""

    def __init__(self, message: str, current: Value):
        super().__init__(message)
        self.current = current


# --- forms: which indicators an agency answers --------------------------------------------------


def form_indicators(fw, agency_id: int, all_rows=None):
    """The indicators an agency leads, grouped by parent node: those whose nearest node with a lead
    row is led by this agency (its own row, or an ancestor's — a lead set on a main index reaches
    its components unless a component names another lead; see ``chiso.collection.matrix``).

    Returns a list of ``(group_node, [indicator nodes])`` in framework order.
    """
    codes = matrix.led_indicators(fw, agency_id, all_rows)
    parents = frameworks.parent_map(fw)
    groups: dict[str, list] = {}
    for node in fw.indicators:
        if node.code in codes:
            groups.setdefault(parents.get(node.code) or node.code, []).append(node)
    return [(fw.node(g), nodes) for g, nodes in groups.items()]


def indicator_codes(fw, agency_id: int, all_rows=None) -> list[str]:
    return [n.code for _g, nodes in form_indicators(fw, agency_id, all_rows) for n in nodes]


# --- typed values --------------------------------------------------------------------------------

YES = {"1", "có", "co", "yes", "y", "true", "x", "đạt"}
NO = {"0", "không", "khong", "no", "n", "false", "chưa"}


def clean_value(node, raw, lang: str | None = None) -> tuple[float | None, str]:
    """Turn what a person typed into ``(number, choice)``; raise ``ValueError`` with a message in the
    reader's language. ``lang``: the language of the page the text was typed on (its decimal mark,
    ``chiso.lib.vn_format.parse_number``); none for a file or the API."""
    kind = frameworks.indicator_kind(node)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, ""
    if kind == "yes_no":
        if isinstance(raw, bool):
            return float(raw), ""
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return float(raw), ""
        s = str(raw).strip().lower()
        if s in YES:
            return 1.0, ""
        if s in NO:
            return 0.0, ""
        raise ValueError(_("Chỉ nhận Có hoặc Không."))
    if kind == "choice":
        levels = [str(k) for k in (node.scoring.params.get("levels") or {})]
        s = str(raw).strip()
        for level in levels:
            if s.lower() == level.lower():
                return None, level
        raise ValueError(_("Chọn một trong các mức: {levels}.").format(levels=", ".join(levels)))
    if isinstance(raw, bool):
        raise ValueError(_("Không phải là số."))
    if isinstance(raw, (int, float)):
        try:
            number = float(raw)
        except OverflowError:  # an integer of hundreds of digits
            number = math.inf
        if not math.isfinite(number):
            raise ValueError(_("Giá trị phải là một số hữu hạn (không nhận NaN, vô cực hay số quá lớn)."))
    else:
        try:
            number = parse_number(str(raw), lang)
        except DecimalMarkError as e:
            raise ValueError(e.message(active_language())) from None
        except ValueError:
            raise ValueError(_("“{raw}” không phải là số.").format(raw=str(raw)[:40])) from None
    lo, hi = node.value_range
    if lo is not None and number < lo or hi is not None and number > hi:
        raise ValueError(
            _("Giá trị {value} nằm ngoài khoảng cho phép ({range}).").format(
                value=format_number(number, lang=active_language()),
                range=terms.range_text(lo, hi, lang=active_language()),
            )
        )
    return number, ""


def display_value(value: Value | None, node=None) -> str:
    if value is None or value.is_empty:
        return ""
    if value.choice:
        return value.choice
    if node is not None and frameworks.indicator_kind(node) == "yes_no":
        return _("Có") if value.number else _("Không")
    return format_number(value.number)


def input_text(value: Value | None, node) -> str:
    """What goes back into an input box: the reader's decimal mark, no thousands marks."""
    if value is None or value.is_empty:
        return ""
    if value.choice:
        return value.choice
    if frameworks.indicator_kind(node) == "yes_no":
        return "1" if value.number else "0"
    return input_number(value.number, lang=active_language())


# --- permissions -------------------------------------------------------------------------------------


def can_edit(submission: Submission, scope, today: dt.date | None = None) -> bool:
    return (
        scope.can_enter(submission.agency_id)
        and submission.is_editable_status
        and submission.round.is_open(today)
    )


def check_editable(submission: Submission) -> None:
    """Refuse (``NotEditable``) a change of a form that is not a draft or returned, or whose round is closed."""
    if not submission.is_editable_status:
        raise NotEditable(
            _("Biểu mẫu đang ở trạng thái “{status}”, không sửa được.").format(
                status=submission.get_status_display()
            )
        )
    if not submission.round.is_open():
        raise NotEditable(_("Đợt thu thập không mở (ngày mở {o}, ngày khóa {k}).").format(
            o=submission.round.opens_on.strftime("%d/%m/%Y"), k=submission.round.locks_on.strftime("%d/%m/%Y")
        ))


# --- saving values -------------------------------------------------------------------------------------


@dataclass
class Change:
    code: str
    raw: object
    comment: str | None = None
    expected_version: int | None = None


# Rows per INSERT/UPDATE statement in the bulk writes (Django caps it further on SQLite).
BULK_BATCH = 1000
VALUE_FIELDS = ["number", "choice", "comment", "version", "updated_at", "updated_by"]  # what a save changes
# Up to this many codes the values are locked by code; beyond, the whole submission's values
# (a long IN list costs more than reading the few extra rows, and SQLite limits its parameters).
LOCK_BY_CODE_MAX = 500


def _lock_values(sub: Submission, codes: set[str]) -> dict[str, Value]:
    """The submission's existing values of ``codes``, locked until the end of the transaction."""
    qs = Value.objects.select_for_update().filter(submission=sub)
    if len(codes) <= LOCK_BY_CODE_MAX:
        qs = qs.filter(code__in=codes)
    out = {}
    for v in qs:
        v.submission = sub  # for str(v) in the audit rows, without one query per value
        out[v.code] = v
    return out


def _value_column(name: str) -> tuple[Field, str]:
    """``Value``'s field ``name`` and its column (``VALUE_FIELDS`` are all plain columns)."""
    f = Value._meta.get_field(name)
    assert isinstance(f, Field) and f.column is not None, name
    return f, f.column


def _update_values(values: list[Value]) -> None:
    """Write ``VALUE_FIELDS`` of existing values: one parametrised UPDATE run for every row.

    ``QuerySet.bulk_update`` builds a CASE WHEN expression per field and row; for 10 000 values it
    spends about ten seconds resolving expressions. ``executemany`` of one plain statement is
    portable (SQLite and PostgreSQL; psycopg pipelines it) and takes a fraction of a second.
    """
    if not values:
        return
    columns = [_value_column(name) for name in VALUE_FIELDS]
    sets = ", ".join(f"{connection.ops.quote_name(column)} = %s" for _fld, column in columns)
    sql = f"UPDATE {connection.ops.quote_name(Value._meta.db_table)} SET {sets} WHERE id = %s"
    rows = [
        [fld.get_db_prep_save(getattr(v, fld.attname), connection) for fld, _column in columns] + [v.pk]
        for v in values
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _value_audit(actor: audit.Actor, value: Value, before: dict, after: dict, *, reason: str, parent: Submission,
                 time) -> AuditEntry:
    """The row ``audit.record(actor, "value.change", value, ...)`` writes, unsaved, so that a whole
    import is written with one ``bulk_create``."""
    return AuditEntry(
        time=time, user=actor.user, user_name=actor.name, request_id=actor.request_id, action="value.change",
        target_type=Value._meta.label_lower, target_id=str(value.pk),
        parent_type=Submission._meta.label_lower, parent_id=str(parent.pk),
        object_repr=str(value)[:300], before=before, after=after, reason=reason,
    )


@atomic_retry
def save_values(
    submission_id: int, changes: list[Change], actor: audit.Actor, *, reason: str = "", lang: str | None = None,
) -> list[Value]:
    """Save several values at once, all or nothing. Raises ``CollectionError`` subclasses or
    ``ValueError`` (with ``.errors`` {code: message}) for bad input; nothing is written then.
    ``lang``: the language of the page the values were typed on (``clean_value``); none for files.

    Writes in bulk whatever the number of changes (one value from the form page, 10 000 from an
    Excel file): one locking read of the submission and its values, then one ``bulk_create`` of
    the new values, one ``bulk_update`` of the changed ones and one ``bulk_create`` of their
    audit rows, all in one transaction. Changes apply in order, so a code given twice is saved
    twice (two versions, two audit rows), as if saved one after the other.
    """
    with transaction.atomic():
        # Lock the submission row: a concurrent submit/approve must wait for this save to finish
        # (or this save sees the new status and refuses).
        sub = Submission.objects.select_for_update().select_related("round", "agency").get(pk=submission_id)
        check_editable(sub)
        fw = frameworks.get_framework(sub.round.framework_id)
        allowed = set(indicator_codes(fw, sub.agency_id))
        errors: dict[str, str] = {}
        cleaned = []
        for ch in changes:
            if ch.code not in allowed:
                errors[ch.code] = _("Chỉ số {code} không thuộc biểu mẫu của cơ quan.").format(code=ch.code)
                continue
            try:
                number, choice = clean_value(fw.node(ch.code), ch.raw, lang)
            except ValueError as e:
                errors[ch.code] = str(e)
                continue
            cleaned.append((ch, number, choice))
        if errors:
            err = ValueError(_("Dữ liệu không hợp lệ."))
            err.errors = errors  # type: ignore[attr-defined]
            raise err
        current = _lock_values(sub, {ch.code for ch, _n, _c in cleaned})
        created: dict[str, Value] = {}
        updated: dict[str, Value] = {}
        audited: list[tuple[Value, dict, dict]] = []
        saved = []
        now = timezone.now()
        for ch, number, choice in cleaned:
            value = current.get(ch.code)
            if value is None:
                value = current[ch.code] = created[ch.code] = Value(submission=sub, code=ch.code)
            # Optimistic check: the form carries the version it was rendered with.
            if ch.expected_version is not None and value.version != ch.expected_version:
                raise Conflict(
                    _("Giá trị của “{name}” vừa được {user} thay đổi. Hãy xem giá trị mới rồi nhập lại.").format(
                        name=fw.node(ch.code).label(active_language()),
                        user=person_label(value.updated_by) if value.updated_by else "?",
                    ),
                    value,
                )
            before = value.snapshot()
            value.number, value.choice = number, choice
            if ch.comment is not None:
                value.comment = ch.comment.strip()
            after = value.snapshot()
            saved.append(value)
            if before == after:
                continue
            value.version += 1
            value.updated_at = now
            value.updated_by = actor.user
            if ch.code not in created:
                updated[ch.code] = value
            audited.append((value, before, after))
        # Nothing has been written yet: every refusal above leaves the database as it was.
        Value.objects.bulk_create(created.values(), batch_size=BULK_BATCH)
        if any(v.pk is None for v in created.values()):  # SQLite < 3.35 returns no ids from bulk inserts
            ids = dict(Value.objects.filter(submission=sub).values_list("code", "pk"))
            for code, v in created.items():
                v.pk = ids[code]
        _update_values(list(updated.values()))
        audit.record_many(
            [_value_audit(actor, value, before, after, reason=reason, parent=sub, time=now)
             for value, before, after in audited],
            batch_size=BULK_BATCH,
        )
        return saved


# --- evidence ------------------------------------------------------------------------------------


def _evidence_check(submission_id: int):
    """``check_editable`` of :mod:`chiso.review.evidence` for a form: lock it, refuse
    (``NotEditable``) when it is not editable; the form is the audit rows' parent."""

    def check(_owner) -> Submission:
        sub = _locked(submission_id)
        check_editable(sub)
        return sub

    return check


@atomic_retry
def add_evidence(submission_id: int, code: str, actor: audit.Actor, upload) -> Evidence:
    """Attach an uploaded file to the value ``code`` of a form (made on first use), audited.
    Refused (``Refused``) when the file fails the upload check, (``NotEditable``) when the form is
    not editable."""
    return evidence.add(
        lambda sub: Value.objects.get_or_create(submission=sub, code=code)[0], upload, actor,
        check_editable=_evidence_check(submission_id), action="evidence.add", detail={"code": code},
    )


@atomic_retry
def delete_evidence(ev, actor: audit.Actor) -> None:
    """Remove an evidence file of a form, audited; the file leaves the disk once the transaction
    commits. Refused (``NotEditable``) when the form is not editable."""
    evidence.delete(ev, actor, check_editable=_evidence_check(ev.owner.submission_id), action="evidence.delete",
                    detail={"code": ev.owner.code})


# --- validation rules ------------------------------------------------------------------------------


@dataclass
class RuleResult:
    rule: ValidationRule
    ok: bool


@dataclass
class Check:
    missing: list[str] = field(default_factory=list)
    failed: list[RuleResult] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.missing) or any(r.rule.importance == ValidationRule.Importance.CRITICAL for r in self.failed)


_OPS = {"lte": lambda a, b: a <= b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b}


def check_submission(sub: Submission, fw=None, *, codes: list[str] | None = None,
                     values: dict[str, Value] | None = None) -> Check:
    """Missing values and failed cross-indicator rules. A page that already holds the form's
    ``codes`` and ``values`` (code -> Value) passes them to save their queries."""
    fw = fw or frameworks.get_framework(sub.round.framework_id)
    if codes is None:
        codes = indicator_codes(fw, sub.agency_id)
    if values is None:
        values = {v.code: v for v in sub.values.all()}
    out = Check(missing=[c for c in codes if c not in values or values[c].is_empty])
    for rule in ValidationRule.objects.filter(framework_id=fw.id, left_code__in=codes):
        left = values.get(rule.left_code)
        if left is None or left.number is None:
            continue
        if rule.right_code:
            right_v = values.get(rule.right_code)
            if right_v is None or right_v.number is None:
                continue
            right: float | None = right_v.number
        else:
            right = rule.right_constant
        if not _OPS[rule.op](left.number, right):
            out.failed.append(RuleResult(rule, False))
    return out


# --- workflow: chiso.review.workflow's steps; what collection checks before them and says after --------


def _locked(submission_id: int) -> Submission:
    return Submission.objects.select_for_update().select_related("round", "agency").get(pk=submission_id)


def _check_complete(sub: Submission) -> None:
    """Before submitting: the round open, every value entered, no critical rule broken."""
    check_editable(sub)
    result = check_submission(sub)
    if result.missing:
        fw = frameworks.get_framework(sub.round.framework_id)
        lang = active_language()
        names = [f"“{fw.node(code).label(lang)}”" for code in result.missing]
        raise CollectionError(
            _("Còn {n} chỉ số chưa nhập: {names}.").format(n=len(names), names=", ".join(names))
        )
    critical = [r for r in result.failed if r.rule.importance == ValidationRule.Importance.CRITICAL]
    if critical:
        raise CollectionError(
            _("Số liệu vi phạm quy tắc kiểm tra: {msgs}").format(msgs="; ".join(r.rule.message for r in critical))
        )


@atomic_retry
def submit(submission_id: int, actor: audit.Actor) -> Submission:
    with transaction.atomic():
        sub = workflow.submit(_locked(submission_id), actor, check=_check_complete)
        sub.values.exclude(return_note="").update(return_note="")
        return sub


@atomic_retry
def approve(submission_id: int, actor: audit.Actor) -> Submission:
    with transaction.atomic():
        return workflow.approve(_locked(submission_id), actor)


@atomic_retry
def return_submission(submission_id: int, actor: audit.Actor, reason: str, notes: dict[str, str]) -> Submission:
    notes = {code: note for code, note in notes.items() if note.strip()}
    with transaction.atomic():
        sub = workflow.return_(_locked(submission_id), actor, reason, audit_after={"notes": notes})
        for code, note in notes.items():
            note = note.strip()
            value, _c = Value.objects.get_or_create(submission=sub, code=code)
            value.return_note = note
            value.save(update_fields=["return_note"])
        notify.tell(
            _agency_staff(sub.agency),
            lambda: _("Biểu mẫu “{round}” bị trả lại: {reason}").format(round=sub.round.title, reason=sub.return_reason),
            reverse("submission", args=[sub.pk]),
            NoticeKind.RETURNED,
        )
        return sub


def _agency_staff(agency: Agency) -> list[int]:
    """The users an agency's form concerns: its officers and heads."""
    roles = [Membership.Role.AGENCY_OFFICER, Membership.Role.AGENCY_HEAD]
    return list(Membership.objects.filter(agency=agency, role__in=roles).values_list("user_id", flat=True))


# --- rounds, completeness, reminders ---------------------------------------------------------------


@atomic_retry
def create_round(actor: audit.Actor, **fields) -> Round:
    """Create a round and one draft submission per agency that leads at least one node."""
    with transaction.atomic():
        rnd = Round.objects.create(created_by=actor.user, **fields)
        fw = frameworks.get_framework(rnd.framework_id)
        agency_ids = (
            Responsibility.objects.filter(framework_id=fw.id, role=Responsibility.Role.LEAD)
            .values_list("agency_id", flat=True)
            .distinct()
        )
        # The agencies that answer for a period are those that existed at its end.
        lead_rows = matrix.rows(fw.id, Responsibility.Role.LEAD)
        for agency in Agency.objects.filter(pk__in=list(agency_ids)).valid_on(period_end(rnd.year, rnd.quarter)):
            if indicator_codes(fw, agency.pk, lead_rows):
                Submission.objects.create(round=rnd, agency=agency)
        audit.record(actor, "round.create", rnd, after={k: str(v) for k, v in fields.items()})
        return rnd


def previous_values(sub: Submission, codes: list[str]) -> dict[str, list[tuple[str, Value]]]:
    """The same agency's values of the previous three periods of the same framework, newest
    first: ``{code: [(period label, Value), ...]}``, codes without any previous value left out."""
    periods = previous_periods(sub.round.year, sub.round.quarter)
    rounds = {
        (year, quarter): pk
        for pk, year, quarter in Round.objects.filter(
            framework_id=sub.round.framework_id, year__gte=periods[-1][0]
        ).values_list("pk", "year", "quarter")
    }
    wanted = [(p, rounds[p]) for p in periods if p in rounds]
    if not wanted:
        return {}
    found: dict[str, dict[int, Value]] = {}
    for v in Value.objects.filter(
        submission__round_id__in=[pk for _p, pk in wanted], submission__agency_id=sub.agency_id, code__in=codes
    ).select_related("submission"):
        found.setdefault(v.code, {})[v.submission.round_id] = v
    return {
        code: [(period_label(*p), by_round[pk]) for p, pk in wanted if pk in by_round]
        for code, by_round in found.items()
    }


@dataclass
class BoardRow:
    submission: Submission
    filled: int
    total: int
    late: Lateness  # overdue (not sent) to today; sent/approved: how late it was sent, fixed


def completeness(rnd: Round, submissions, today: dt.date | None = None) -> list[BoardRow]:
    today = today or timezone.localdate()
    fw = frameworks.get_framework(rnd.framework_id)
    filled = {}
    for sub_id, n in (
        Value.objects.filter(submission__round=rnd)
        .exclude(number__isnull=True, choice="")
        .values_list("submission_id")
        .annotate(n=Count("id"))
    ):
        filled[sub_id] = n
    rows = []
    lead_rows = matrix.rows(fw.id, Responsibility.Role.LEAD)
    for sub in submissions:
        total = len(indicator_codes(fw, sub.agency_id, lead_rows))
        done_on = None
        if sub.status in (Submission.Status.SUBMITTED, Submission.Status.APPROVED):
            # handed in: late-ness stops on the day it was sent (unknown day: not shown as late)
            done_on = timezone.localtime(sub.submitted_at).date() if sub.submitted_at else rnd.due_on
        rows.append(
            BoardRow(sub, filled.get(sub.pk, 0), total, lateness(rnd.due_on, done_on=done_on, today=today))
        )
    return rows


def _reminder_text(agency: Agency, rnd: Round) -> str:
    return _("Nhắc nhở: cơ quan {agency} chưa gửi số liệu đợt “{round}” (hạn {due}).").format(
        agency=agency.name, round=rnd.title, due=rnd.due_on.strftime("%d/%m/%Y")
    )


def send_reminders(rnd: Round, actor: audit.Actor) -> int:
    """Remind every agency that has not submitted (draft or returned): a notice to its officers and
    heads, by e-mail too for those who chose it (``chiso.orgs.notify``)."""
    count = 0
    with transaction.atomic():
        pending = rnd.submissions.select_for_update().filter(
            status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED]
        )
        for sub in pending.select_related("agency"):
            told = notify.tell(_agency_staff(sub.agency), partial(_reminder_text, sub.agency, rnd),
                               reverse("submission", args=[sub.pk]), NoticeKind.DEADLINE)
            sub.last_reminded_at = timezone.now()
            sub.save(update_fields=["last_reminded_at"])
            audit.record(actor, "submission.remind", sub, after={"recipients": told.emailed})
            count += 1
    return count

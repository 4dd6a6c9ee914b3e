"""Writing a program in the app (the department admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model as models_Model
from django.db.models import Q
from django.utils.translation import gettext as _

from chiso.lib import frameworks, problems
from chiso.lib.forms import one_line_ending
from chiso.lib.periods import period_label
from chiso.lib.vn_format import format_date, format_number
from chiso.orgs import audit
from chiso.orgs.models import Agency

from ..models import (
    Kpi,
    Objective,
    Obligation,
    Program,
    ProgressReport,
    Recurrence,
    Task,
)
from .periods import reporting_quarters
from .publication import sync_occurrences

#
# Each function validates, then changes one row in one transaction with ``select_for_update``,
# refuses a stale form (the row's ``version``: HTTP 409) and writes one audit row with the fields
# that changed (``program.create/change``, ``objective.*``, ``task.*``, ``kpi.*``, ``obligation.*``).
# A refusal (``chiso.lib.refusal``) names the fields it concerns; nothing is written.

MAX_PROGRAM_YEARS = 15
WRITER_ROLE = "dept_admin"
OBLIGATION_RECURRENCES = (
    Recurrence.MONTHLY,
    Recurrence.QUARTERLY,
    Recurrence.YEARLY,
    Recurrence.AFTER_PUBLICATION,
)


def may_write(user) -> bool:
    """Who writes programs: the standing body's system administrators (``dept_admin``)."""
    from chiso.orgs.access import get_scope

    return user is not None and user.is_authenticated and get_scope(user).is_dept_admin


def _writer(actor: audit.Actor) -> None:
    from chiso.lib.refusal import Forbidden

    # A command or importer acts as "system" (no user); a person must be a department admin.
    if actor.user is not None and not may_write(actor.user):
        raise Forbidden(_("Chỉ quản trị hệ thống của cơ quan thường trực được soạn chương trình."))


def agencies_in_force(starts_on: dt.date, ends_on: dt.date):
    """Agencies in force on at least one day of ``starts_on``–``ends_on`` (``valid_to`` is the first
    day no longer in force): the agencies a program of those dates may assign."""
    return Agency.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=ends_on)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=starts_on)
    )


def standing_bodies_for(starts_on: dt.date, ends_on: dt.date):
    return agencies_in_force(starts_on, ends_on).filter(is_standing_body=True)


def _refuse(errors: dict[str, str]):
    from chiso.lib.refusal import Refused

    if errors:
        first = next(iter(errors.values()))
        raise Refused(first if len(errors) == 1 else _("Có {n} ô chưa hợp lệ.").format(n=len(errors)), errors)


def _plain_state(obj, fields) -> dict:
    out = {}
    for f in fields:
        v = getattr(obj, f)
        if isinstance(v, models_Model):
            v = str(v.name if hasattr(v, "name") else v)
        elif isinstance(v, dt.date):
            v = v.isoformat()
        out[f] = v
    return out


def _in_period(program_dates, day, field_name, errors, label):
    start, end = program_dates
    if day is not None and not start <= day <= end:
        errors[field_name] = _("{label} phải trong thời gian của chương trình ({a} – {b}).").format(
            label=label, a=format_date(start), b=format_date(end)
        )


def _text(data, name, errors, message, max_length):
    v = one_line_ending(data.get(name) or "").strip()  # a line break counts once, as in the browser
    if not v:
        errors[name] = message
    elif len(v) > max_length:
        errors[name] = _("Tối đa {n} ký tự.").format(n=format_number(max_length, lang=problems.active_language()))
    return v


def _write_row(
    model,
    pk: int | None,
    actor: audit.Actor,
    *,
    fields: tuple[str, ...],
    values: dict,
    expected_version: int | None,
    reason: str,
    action: str,
    parent,
    create: dict | None = None,
    m2m: dict | None = None,
    stale: str,
):
    """Create (``pk`` None) or change one row: lock it, refuse a stale version, write only what
    changed (and the many-to-many sets in ``m2m``), audit. Returns (row, changed)."""
    from chiso.lib.refusal import Refused, Stale

    reason = (reason or "").strip()
    with transaction.atomic():
        if pk is None:
            obj = model(**(create or {}), **values)
            obj.save()
            for name, items in (m2m or {}).items():
                getattr(obj, name).set(items)
            after = _plain_state(obj, fields)
            for name, items in (m2m or {}).items():
                after[name] = sorted(str(a.name) for a in items)
            audit.record(
                actor, f"{action}.create", obj, parent=parent if parent is not None else obj, after=after
            )
            return obj, True
        obj = model.objects.select_for_update().get(pk=pk)
        if expected_version is not None and obj.version != expected_version:
            raise Stale(stale)
        before_all = _plain_state(obj, fields)
        for f, v in values.items():
            setattr(obj, f, v)
        after_all = _plain_state(obj, fields)
        before = {f: before_all[f] for f in fields if before_all[f] != after_all[f]}
        after = {f: after_all[f] for f in before}
        for name, items in (m2m or {}).items():
            old = sorted(str(a.name) for a in getattr(obj, name).all())
            new = sorted(str(a.name) for a in items)
            if old != new:
                before[name], after[name] = old, new
        if not before:
            return obj, False
        if not reason:
            raise Refused(_("Phải ghi lý do thay đổi."), {"reason": _("Phải ghi lý do thay đổi.")})
        obj.save()
        for name, items in (m2m or {}).items():
            if name in after:
                getattr(obj, name).set(items)
        audit.record(actor, f"{action}.change", obj, parent=parent, before=before, after=after, reason=reason)
        return obj, True


PROGRAM_WRITABLE = (
    "title",
    "decision_number",
    "decision_date",
    "issuer",
    "signer",
    "signer_title",
    "legal_grounds",
    "starts_on",
    "ends_on",
    "framework_id",
    "standing_body",
    "progress_due_days",
    "source",
    "is_public",
)


def _program_code(title: str, starts_on: dt.date, ends_on: dt.date) -> str:
    from django.utils.text import slugify

    base = (slugify(title)[:40].strip("-") or "chuong-trinh") + f"-{starts_on.year}-{ends_on.year}"
    code, n = base, 1
    while Program.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _check_program(data: dict, current: Program | None) -> dict:
    errors: dict[str, str] = {}
    v: dict[str, Any] = {f: data.get(f) for f in PROGRAM_WRITABLE}  # the form's values, checked below
    v["title"] = _text(data, "title", errors, _("Phải nhập tên chương trình."), 400)
    v["decision_number"] = _text(data, "decision_number", errors, _("Phải nhập số văn bản."), 60)
    v["issuer"] = _text(data, "issuer", errors, _("Phải nhập cơ quan ban hành."), 200)
    for f, n in (("signer", 120), ("signer_title", 200)):
        v[f] = (data.get(f) or "").strip()[:n]
    v["legal_grounds"] = (data.get("legal_grounds") or "").strip()
    v["source"] = (data.get("source") or "").strip()
    v["is_public"] = bool(data.get("is_public", True))
    for f, label in (
        ("decision_date", _("Phải nhập ngày ban hành.")),
        ("starts_on", _("Phải nhập ngày bắt đầu.")),
        ("ends_on", _("Phải nhập ngày kết thúc.")),
    ):
        if not isinstance(v[f], dt.date):
            errors[f] = label
    start, end = v["starts_on"], v["ends_on"]
    if "starts_on" not in errors and "ends_on" not in errors:
        if end < start:
            errors["ends_on"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        elif end.year - start.year > MAX_PROGRAM_YEARS:
            errors["ends_on"] = _("Một chương trình không dài quá {n} năm.").format(n=MAX_PROGRAM_YEARS)
        if "decision_date" not in errors and v["decision_date"] > end:
            errors["decision_date"] = _("Ngày ban hành không được sau ngày kết thúc chương trình.")
    days = v["progress_due_days"]
    if days in (None, ""):
        v["progress_due_days"] = 10
    elif not isinstance(days, int) or not 0 <= days <= 90:
        errors["progress_due_days"] = _("Hạn báo cáo tiến độ: từ 0 đến 90 ngày sau cuối quý.")
    allowed = {fw for fw, _label in frameworks.framework_choices("index")}
    if current is not None:
        allowed.add(current.framework_id)
    if v["framework_id"] not in allowed:
        errors["framework_id"] = _("Chọn một bộ chỉ số trong danh sách.")
    body = v["standing_body"]
    if not isinstance(body, Agency):
        errors["standing_body"] = _("Phải chọn cơ quan thường trực.")
    elif (
        "starts_on" not in errors
        and "ends_on" not in errors
        and not (
            (current is not None and body.pk == current.standing_body_id)
            or standing_bodies_for(start, end).filter(pk=body.pk).exists()
        )
    ):
        errors["standing_body"] = _(
            "{name} không phải cơ quan thường trực có hiệu lực trong thời gian của chương trình."
        ).format(name=body.name)
    if current is not None and not errors:
        _check_program_change(current, v, errors)
    _refuse(errors)
    return v


def _check_program_change(current: Program, v: dict, errors: dict) -> None:
    """New dates must keep every deadline, KPI due date and progress report inside the program;
    another framework is refused while KPIs or objectives measure the program's framework."""
    start, end = v["starts_on"], v["ends_on"]
    outside = current.tasks.issued().filter(deadline__isnull=False).exclude(deadline__range=(start, end))
    outside_kpi = Kpi.objects.filter(task__program=current, due_on__isnull=False).exclude(
        due_on__range=(start, end)
    )
    if outside.exists() or outside_kpi.exists():
        names = [str(t) for t in outside[:3]] + [k.name for k in outside_kpi[:3]]
        errors["ends_on" if end < current.ends_on else "starts_on"] = _(
            "Thời hạn của nhiệm vụ, chỉ tiêu sẽ nằm ngoài thời gian mới: {items}. Sửa các thời hạn đó trước."
        ).format(items="; ".join(names))
    probe = Program(starts_on=start, ends_on=end)
    quarters = set(reporting_quarters(probe))
    reported = set(ProgressReport.objects.filter(task__program=current).values_list("year", "quarter"))
    if reported - quarters:
        y, q = sorted(reported - quarters)[0]
        errors.setdefault(
            "starts_on",
            _("Đã có báo cáo tiến độ {period}, ngoài thời gian mới.").format(period=period_label(y, q)),
        )
    if v["framework_id"] != current.framework_id and (
        Kpi.objects.filter(task__program=current, source=Kpi.Source.INDICATOR).exists()
        or current.objectives.filter(target_rank__isnull=False).exists()
    ):
        errors["framework_id"] = _(
            "Chương trình đã có chỉ tiêu hoặc mục tiêu đo bằng bộ chỉ số {fw}: không đổi được bộ chỉ số."
        ).format(fw=current.framework_id)


def create_program(actor: audit.Actor, *, data: dict) -> Program:
    """A new program (``program.create``); its code is made from the title and the period."""
    _writer(actor)
    v = _check_program(data, None)
    program, _changed = _write_row(
        Program,
        None,
        actor,
        fields=PROGRAM_WRITABLE,
        values=v,
        expected_version=None,
        reason="",
        action="program",
        parent=None,
        create={"code": _program_code(v["title"], v["starts_on"], v["ends_on"])},
        stale="",
    )
    return program


def update_program(
    program_id: int, actor: audit.Actor, *, data: dict, expected_version: int, reason: str = ""
):
    """Change a program's legal basis, period, framework, standing body (``program.change``); the
    obligations are rescheduled when its dates change."""
    _writer(actor)
    current = Program.objects.get(pk=program_id)
    v = _check_program(data, current)
    program, changed = _write_row(
        Program,
        program_id,
        actor,
        fields=PROGRAM_WRITABLE,
        values=v,
        expected_version=expected_version,
        reason=reason,
        action="program",
        parent=None,
        stale=_("Chương trình vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
    )
    if changed:
        sync_occurrences(program)
    return program, changed


OBJECTIVE_WRITABLE = ("kind", "text", "section", "target_rank", "target_year", "framework_id")


def get_in_program(model, pk: int, program: Program):
    """The row ``pk`` of ``model`` if it belongs to ``program`` (else ``model.DoesNotExist``)."""
    if model is Kpi:
        return Kpi.objects.get(pk=pk, task__program=program)
    return model.objects.get(pk=pk, program=program)


def _check_agency(program: Program, agency, errors: dict, name: str, missing: str = "") -> None:
    """``agency`` must be in force on a day of the program (``missing``: the sentence when none)."""
    if not isinstance(agency, Agency):
        if missing:
            errors[name] = missing
    elif not agencies_in_force(program.starts_on, program.ends_on).filter(pk=agency.pk).exists():
        errors[name] = _("{name} không có hiệu lực trong thời gian của chương trình.").format(
            name=agency.name
        )


def _stale(action: str) -> str:
    return {
        "objective": _(
            "Mục tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."
        ),
        "task": _("Nhiệm vụ vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
        "kpi": _("Chỉ tiêu vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."),
        "obligation": _(
            "Nhiệm vụ định kỳ vừa được người khác sửa; giá trị hiện tại ở dưới, hãy xem lại rồi nhập lại."
        ),
    }[action]


def _save_item(model, program, actor, pk, *, parent, number=None, on_create=None, **kw):
    """Create a row of the program (under ``parent``, with the next ``number`` = (related name,
    field), and the fields ``on_create`` set once) or change one, refusing a row of another program."""
    owner = {"task": parent} if model is Kpi else {"program": program}
    owner.update(on_create or {})
    if pk is not None:
        get_in_program(model, pk, program)
    elif number:
        related, name = number
        last = getattr(parent, related).order_by(f"-{name}").values_list(name, flat=True).first()
        owner[name] = (last or 0) + 1
    action = model._meta.model_name
    return _write_row(
        model, pk, actor, parent=program, create=owner, action=action, stale=_stale(action), **kw
    )


def save_objective(
    program: Program,
    actor: audit.Actor,
    *,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
):
    """Add or change an objective: a general one (text) or a specific one with a target rank of the
    program's index and the year to reach it (``objective.create/change``)."""
    _writer(actor)
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in Objective.Kind.values:
        errors["kind"] = _("Chọn loại mục tiêu.")
    v = {
        "kind": kind,
        "text": _text(data, "text", errors, _("Phải nhập nội dung mục tiêu."), 5000),
        "section": (data.get("section") or "").strip()[:20],
        "target_rank": data.get("target_rank"),
        "target_year": data.get("target_year"),
        "framework_id": "",
    }
    if kind == Objective.Kind.SPECIFIC:
        rank, year = v["target_rank"], v["target_year"]
        if rank is None:
            errors["target_rank"] = _("Phải nhập thứ hạng mục tiêu.")
        elif not 1 <= rank <= 100:
            errors["target_rank"] = _("Thứ hạng phải từ 1 đến 100.")
        lo, hi = program.starts_on.year, program.ends_on.year + 5
        if year is None:
            errors["target_year"] = _("Phải nhập năm đạt mục tiêu.")
        elif not lo <= year <= hi:
            errors["target_year"] = _("Năm đạt mục tiêu phải từ {a} đến {b}.").format(a=lo, b=hi)
        v["framework_id"] = program.framework_id
    else:
        v["target_rank"] = v["target_year"] = None
    _refuse(errors)
    return _save_item(
        Objective,
        program,
        actor,
        pk,
        values=v,
        fields=OBJECTIVE_WRITABLE,
        parent=program,
        number=("objectives", "order"),
        expected_version=expected_version,
        reason=reason,
    )


TASK_WRITABLE = (
    "title",
    "text",
    "section",
    "objective",
    "lead_agency",
    "assignment_basis",
    "deadline",
    "recurrence",
    "components",
)


def framework_codes(framework_id: str) -> list[tuple[str, str]]:
    """(code, label) of the main indices and components of a framework (depth 1–2), or []."""
    fw = frameworks.find_framework(framework_id)
    return [(c, fw.node(c).label("vi")) for c in fw.codes if 1 <= fw.depth(c) <= 2] if fw else []


def framework_indicators(framework_id: str) -> list[tuple[str, str]]:
    """(code, label) of the indicators (values agencies enter) of a framework, in its order."""
    fw = frameworks.find_framework(framework_id)
    return [(n.code, n.label("vi")) for n in fw.indicators] if fw else []


def save_task(
    program: Program,
    actor: audit.Actor,
    *,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
    draft: bool = False,
):
    """Add or change a task: its text, lead and supporting agencies (in force during the program),
    deadline (within it), objective and the index components it improves (``task.create/change``).
    A new task takes the next number; ``draft`` creates it as a draft (:func:`issue_tasks`)."""
    _writer(actor)
    errors: dict[str, str] = {}
    lead = data.get("lead_agency")
    _check_agency(program, lead, errors, "lead_agency", _("Phải chọn cơ quan chủ trì."))
    supporting = [a for a in (data.get("supporting_agencies") or []) if a != lead]
    ok_ids = set(
        agencies_in_force(program.starts_on, program.ends_on)
        .filter(pk__in=[a.pk for a in supporting])
        .values_list("pk", flat=True)
    )
    bad = [a.name for a in supporting if a.pk not in ok_ids]
    if bad:
        errors["supporting_agencies"] = _(
            "Không có hiệu lực trong thời gian của chương trình: {names}."
        ).format(names=", ".join(bad))
    objective = data.get("objective")
    if objective is not None and objective.program_id != program.pk:
        errors["objective"] = _("Mục tiêu không thuộc chương trình.")
    recurrence = data.get("recurrence") or Recurrence.NONE
    if recurrence not in Recurrence.values:
        errors["recurrence"] = _("Tính chất không hợp lệ.")
    deadline = data.get("deadline")
    _in_period((program.starts_on, program.ends_on), deadline, "deadline", errors, _("Thời hạn"))
    known = {c for c, _label in framework_codes(program.framework_id)}
    components = list(dict.fromkeys(data.get("components") or []))
    if any(c not in known for c in components):
        errors["components"] = _("Chỉ số thành phần không thuộc bộ chỉ số của chương trình.")
    title = _text(data, "title", errors, _("Phải nhập tên nhiệm vụ."), 200)
    v = {
        "title": title,
        "text": (data.get("text") or "").strip() or title,
        "section": (data.get("section") or "").strip()[:20],
        "objective": objective,
        "lead_agency": lead,
        "assignment_basis": (data.get("assignment_basis") or "").strip()[:300],
        "deadline": deadline,
        "recurrence": recurrence,
        "components": components,
    }
    _refuse(errors)
    return _save_item(
        Task,
        program,
        actor,
        pk,
        values=v,
        fields=TASK_WRITABLE,
        parent=program,
        number=("tasks", "number"),
        on_create={"is_draft": True} if draft else None,
        m2m={"supporting_agencies": supporting},
        expected_version=expected_version,
        reason=reason,
    )


def issue_tasks(program: Program, actor: audit.Actor, task_ids: list[int], *, reason: str = "") -> int:
    """Issue draft tasks (a plan's proposals reviewed by the department): from then on they are
    tracked, reported and reminded like every task (``task.issue``). Returns how many were issued."""
    _writer(actor)
    with transaction.atomic():
        drafts = list(Task.objects.select_for_update().drafts().filter(program=program, pk__in=task_ids))
        for t in drafts:
            t.is_draft = False
            t.save(update_fields=["is_draft"])
            audit.record(actor, "task.issue", t, parent=program, before={"is_draft": True},
                         after={"is_draft": False}, reason=reason)
    return len(drafts)


def discard_draft(program: Program, actor: audit.Actor, task_id: int, *, reason: str = "") -> None:
    """Delete a draft task and its KPIs (an issued task is never deleted here)."""
    from chiso.lib.refusal import Refused

    _writer(actor)
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(program=program, pk=task_id).first()
        if task is None or not task.is_draft:
            raise Refused(_("Chỉ bỏ được nhiệm vụ dự thảo chưa ban hành."))
        audit.record(actor, "task.discard", task, parent=program,
                     before={"title": task.title, "lead_agency": str(task.lead_agency)}, reason=reason)
        task.delete()


KPI_WRITABLE = (
    "name",
    "unit",
    "baseline",
    "baseline_year",
    "target",
    "target_basis",
    "direction",
    "due_on",
    "source",
    "framework_id",
    "indicator_code",
    "source_agency",
)


def save_kpi(
    program: Program,
    actor: audit.Actor,
    *,
    task_id: int,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
):
    """Add or change a task's KPI (``kpi.create/change``): an indicator of the program's framework
    (its actual is the approved collected value) or a value the agencies report."""
    import math

    _writer(actor)
    task = get_in_program(Task, task_id, program)
    errors: dict[str, str] = {}
    v = {f: data.get(f) for f in KPI_WRITABLE}
    v["name"] = _text(data, "name", errors, _("Phải nhập tên chỉ tiêu."), 300)
    v["unit"] = (data.get("unit") or "").strip()[:40]
    v["target_basis"] = (data.get("target_basis") or "").strip()[:300]
    for f in ("baseline", "target"):
        x = v[f]
        if x is not None and not (isinstance(x, int | float) and math.isfinite(x)):
            errors[f] = _("Phải là một số.")
        elif x is not None and v["unit"] == "%" and not 0 <= x <= 100:
            errors[f] = _("Đơn vị là %: giá trị phải từ 0 đến 100.")
    if v["baseline_year"] is not None and not 1990 <= v["baseline_year"] <= program.ends_on.year:
        errors["baseline_year"] = _("Năm gốc không hợp lệ.")
    v["direction"] = int(v["direction"] or Kpi.Direction.UP)
    if v["direction"] not in Kpi.Direction.values:
        errors["direction"] = _("Chiều không hợp lệ.")
    _in_period((program.starts_on, program.ends_on), v["due_on"], "due_on", errors, _("Hạn đạt"))
    if v["source"] == Kpi.Source.INDICATOR:
        codes = {c for c, _label in framework_indicators(program.framework_id)}
        if not v["indicator_code"]:
            errors["indicator_code"] = _("Phải chọn chỉ số của bộ chỉ số.")
        elif v["indicator_code"] not in codes:
            errors["indicator_code"] = _("Chỉ số {code} không thuộc bộ chỉ số {fw}.").format(
                code=v["indicator_code"], fw=program.framework_id
            )
        v["framework_id"] = program.framework_id
        _check_agency(program, v["source_agency"], errors, "source_agency")
    elif v["source"] == Kpi.Source.REPORTED:
        v["framework_id"], v["indicator_code"], v["source_agency"] = "", "", None
    else:
        errors["source"] = _("Chọn nguồn số liệu thực tế.")
    _refuse(errors)
    return _save_item(
        Kpi,
        program,
        actor,
        pk,
        values=v,
        fields=KPI_WRITABLE,
        parent=task,
        number=("kpis", "order"),
        expected_version=expected_version,
        reason=reason,
    )


OBLIGATION_WRITABLE = ("title", "section", "agency", "recurrence", "due_offset_days", "schedule_note")


def save_obligation(
    program: Program,
    actor: audit.Actor,
    *,
    data: dict,
    pk: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
):
    """Add or change a recurring obligation (``obligation.create/change``), then schedule it within
    the program (``sync_occurrences``)."""
    _writer(actor)
    errors: dict[str, str] = {}
    _check_agency(program, data.get("agency"), errors, "agency", _("Phải chọn cơ quan thực hiện."))
    if data.get("recurrence") not in OBLIGATION_RECURRENCES:
        errors["recurrence"] = _("Chọn định kỳ.")
    offset = data.get("due_offset_days")
    if offset is None:
        offset = 0
    if not isinstance(offset, int) or not -31 <= offset <= 365:
        errors["due_offset_days"] = _("Hạn: từ -31 đến 365 ngày.")
    v = {
        "title": _text(data, "title", errors, _("Phải nhập tên nhiệm vụ định kỳ."), 300),
        "section": (data.get("section") or "").strip()[:20],
        "agency": data.get("agency"),
        "recurrence": data.get("recurrence"),
        "due_offset_days": offset,
        "schedule_note": (data.get("schedule_note") or "").strip()[:300],
    }
    _refuse(errors)
    with transaction.atomic():
        ob, changed = _save_item(
            Obligation,
            program,
            actor,
            pk,
            values=v,
            fields=OBLIGATION_WRITABLE,
            parent=program,
            expected_version=expected_version,
            reason=reason,
        )
        if changed:
            sync_occurrences(program)
    return ob, changed


def discard_drafts(program: Program, actor: audit.Actor, task_ids: list[int]) -> None:
    """Delete several draft tasks at once: all of them or, when one is refused, none."""
    with transaction.atomic():
        for task_id in task_ids:
            discard_draft(program, actor, task_id)

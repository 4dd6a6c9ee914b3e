"""Writing a program in the app (the department admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import frameworks
from chiso.lib.refusal import Refused
from chiso.lib.vn_format import format_number
from chiso.orgs import audit

from .. import services
from ..forms import (
    KpiForm,
    ObjectiveForm,
    ObligationForm,
    ProgramForm,
    TaskForm,
)
from ..models import (
    Kpi,
    Objective,
    Obligation,
    Program,
    Task,
)
from .base import _forbidden, _get_program_for_user
from .targets import _history

#
# Thin views over services.create_program / update_program / save_objective / save_task / save_kpi /
# save_obligation: the form reads what was typed, the service validates and writes (one transaction,
# audited, a stale version refused with 409), its refusal is put back on the fields.


def _writer_only(request):
    if not services.may_write(request.user):
        return _forbidden(_("Chỉ quản trị hệ thống của cơ quan thường trực được soạn chương trình."))
    return None


def _place(form, e: Refused) -> None:
    for name, msg in e.errors.items():
        visible = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if visible else None, msg)
    if not e.errors:
        form.add_error(None, e.message)


def _initial(obj, form_class) -> dict:
    """The form's values from the row: dates and numbers as written in Vietnam, related rows by id."""
    out = {"version": obj.version}
    for name in form_class.base_fields:
        if not hasattr(obj, name):
            continue
        v = getattr(obj, name)
        if hasattr(v, "all"):  # a many-to-many manager
            v = [a.pk for a in v.all()]
        elif hasattr(v, "pk"):
            v = v.pk
        elif isinstance(v, float):
            v = format_number(v, lang="vi", empty="")
        out[name] = v
    return out


def _write_page(
    request, program, *, form_class, obj=None, form_kwargs=None, save, title, subject="", initial=None
):
    """GET: the form (with the row's values); POST: ``save(data, version, reason)``; success goes back
    to the program's writing page, a refusal comes back on the form (400, 403, or 409 with the current
    values)."""
    form_kwargs = form_kwargs or {}
    editing = obj is not None
    start = _initial(obj, form_class) if editing else (initial or {})
    form = form_class(request.POST or None, program=program, editing=editing, initial=start, **form_kwargs)
    status, conflict = 200, ""
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            d = dict(form.cleaned_data)
            version, reason = d.pop("version", None), d.pop("reason", "")
            try:
                row, changed = save(d, version, reason)
            except Refused as e:
                if e.status == 403:
                    return _forbidden(e.message)
                status = e.status
                if e.status == 409:
                    obj.refresh_from_db()
                    form = form_class(
                        program=program, editing=True, initial=_initial(obj, form_class), **form_kwargs
                    )
                    conflict = e.message
                else:
                    _place(form, e)
            else:
                if changed:
                    messages.success(request, _("Đã lưu (có ghi nhật ký)."))
                else:
                    messages.info(request, _("Không có gì thay đổi."))
                return redirect("program_write", pk=(row if isinstance(row, Program) else program).pk)
    return render(
        request,
        "program/write_form.html",
        {
            "program": program,
            "form": form,
            "title": title,
            "subject": subject,
            "conflict": conflict,
            "history": _history(obj, form) if editing else [],
        },
        status=status,
    )


def _framework_choices(program=None) -> list[tuple[str, str]]:
    choices = frameworks.framework_choices("index")
    if program is not None and program.framework_id not in {c for c, _label in choices}:
        choices.append((program.framework_id, program.framework_id))
    return choices


@login_required
def program_new(request):
    denied = _writer_only(request)
    if denied:
        return denied
    from chiso.orgs.issuers import issuer, standing_body

    today = timezone.localdate()
    who = issuer(today)
    body = standing_body(today)
    initial = {
        "issuer": who.people_committee if who.found else "",
        "decision_date": today,
        "standing_body": body.pk if body else None,
        # the latest DTI edition chiso knows (the index a department works on today)
        "framework_id": max((c for c, _label in _framework_choices() if "dti" in c), default=""),
        "progress_due_days": 10,
        # a program being written is not on the public page until the department says so
        "is_public": False,
    }

    def save(d, version, reason):
        return services.create_program(audit.Actor.from_request(request), data=d), True

    return _write_page(
        request,
        None,
        form_class=ProgramForm,
        form_kwargs={"framework_choices": _framework_choices()},
        save=save,
        title=_("Soạn chương trình, kế hoạch mới"),
        initial=initial,
    )


def _program_for_writer(request, pk):
    program = _get_program_for_user(request, pk)
    return program, _writer_only(request)


def _framework_names(fw_id: str) -> tuple[str, dict[str, str]]:
    """The framework's name and its nodes' names in the reader's language: printed instead of codes."""
    lang = (get_language() or "vi")[:2]
    fw = frameworks.find_framework(fw_id)
    if fw is None:
        return _("(bộ chỉ số không còn trong hệ thống)"), {}
    return fw.label(lang), {n.code: n.label(lang) for n in fw.nodes}


@login_required
def program_write(request, pk):
    """The program as written: its basis, objectives, tasks with KPIs, obligations, with the links to
    add and change each."""
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    tasks = program.tasks.issued().select_related("lead_agency", "objective").prefetch_related(
        "supporting_agencies", "kpis"
    )
    drafts = program.tasks.drafts().select_related("lead_agency").prefetch_related("kpis")
    fw_label, indicator_names = _framework_names(program.framework_id)
    return render(
        request,
        "program/write.html",
        {
            "program": program,
            "framework_label": fw_label,
            "indicator_names": indicator_names,
            "objectives": program.objectives.all(),
            "tasks": tasks,
            "drafts": drafts,
            "obligations": program.obligations.select_related("agency"),
            "closed": services.is_closed(program),
            "closing_sentence": services.closing_sentence(program),
        },
    )


def _task_ids(request) -> list[int]:
    return [int(x) for x in request.POST.getlist("task")[:500] if x.isdigit() and len(x) < 12]


@login_required
@require_POST
def drafts_issue(request, pk):
    """Issue the draft tasks ticked on the writing page (proposed by a plan, reviewed by the department)."""
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    try:
        n = services.issue_tasks(program, audit.Actor.from_request(request), _task_ids(request))
    except Refused as e:
        messages.error(request, e.message)
    else:
        if n:
            messages.success(request, _("Đã ban hành {n} nhiệm vụ.").format(n=n))
        else:
            messages.error(request, _("Chưa chọn nhiệm vụ dự thảo nào."))
    return redirect("program_write", pk=program.pk)


@login_required
@require_POST
def drafts_discard(request, pk):
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    ids = _task_ids(request)
    try:
        services.discard_drafts(program, audit.Actor.from_request(request), ids)
    except Refused as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã bỏ {n} nhiệm vụ dự thảo.").format(n=len(ids)))
    return redirect("program_write", pk=program.pk)


@login_required
def program_edit(request, pk):
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied

    def save(d, version, reason):
        return services.update_program(
            program.pk, audit.Actor.from_request(request), data=d, expected_version=version, reason=reason
        )

    return _write_page(
        request,
        program,
        form_class=ProgramForm,
        obj=program,
        form_kwargs={"framework_choices": _framework_choices(program)},
        save=save,
        title=_("Sửa căn cứ, thời gian của chương trình"),
        subject=program.title,
    )


def _in_program(model, program, item):
    try:
        return services.get_in_program(model, item, program)
    except model.DoesNotExist:
        raise Http404 from None


def _agencies(program):
    return services.agencies_in_force(program.starts_on, program.ends_on).order_by("kind", "name")


def _item_spec(model, program, obj, task) -> dict:
    """What differs between the pages of an objective, a task, a KPI and an obligation."""
    if model is Objective:
        return {
            "form_class": ObjectiveForm,
            "save": services.save_objective,
            "titles": (_("Sửa mục tiêu"), _("Thêm mục tiêu")),
            "subject": obj.text if obj else "",
            "initial": {"kind": Objective.Kind.SPECIFIC, "target_year": program.ends_on.year},
        }
    if model is Task:
        return {
            "form_class": TaskForm,
            "form_kwargs": {
                "agencies": _agencies(program),
                "components": services.framework_codes(program.framework_id),
            },
            "save": services.save_task,
            "titles": (_("Sửa nhiệm vụ"), _("Thêm nhiệm vụ")),
            "subject": str(obj) if obj else "",
            "initial": {"deadline": program.ends_on},
        }
    if model is Kpi:
        return {
            "form_class": KpiForm,
            "form_kwargs": {
                "agencies": _agencies(program),
                "indicators": services.framework_indicators(program.framework_id),
            },
            "save": services.save_kpi,
            "extra": {"task_id": task.pk},
            "titles": (_("Sửa chỉ tiêu (KPI)"), _("Thêm chỉ tiêu (KPI)")),
            "subject": str(task),
            "initial": {
                "source": Kpi.Source.INDICATOR,
                "direction": Kpi.Direction.UP,
                "due_on": program.ends_on,
            },
        }
    return {
        "form_class": ObligationForm,
        "form_kwargs": {"agencies": _agencies(program)},
        "save": services.save_obligation,
        "titles": (_("Sửa nhiệm vụ định kỳ"), _("Thêm nhiệm vụ định kỳ")),
        "subject": obj.title if obj else "",
        "initial": {
            "agency": program.standing_body_id,
            "recurrence": "after_publication",
            "due_offset_days": 60,
        },
    }


def _item_page(request, pk, model, item=None, task_pk=None):
    """Add (``item`` None) or change an objective, task, KPI (of task ``task_pk``) or obligation."""
    program, denied = _program_for_writer(request, pk)
    if denied:
        return denied
    obj = _in_program(model, program, item) if item is not None else None
    task = obj.task if isinstance(obj, Kpi) else (_in_program(Task, program, task_pk) if task_pk else None)
    spec = _item_spec(model, program, obj, task)
    if model is Task and obj is None:
        spec["initial"]["objective"] = program.objectives.filter(kind=Objective.Kind.SPECIFIC).first()

    def save(d, version, reason):
        actor = audit.Actor.from_request(request)
        return spec["save"](
            program, actor, data=d, pk=item, expected_version=version, reason=reason, **spec.get("extra", {})
        )

    return _write_page(
        request,
        program,
        form_class=spec["form_class"],
        obj=obj,
        form_kwargs=spec.get("form_kwargs"),
        save=save,
        title=spec["titles"][0 if obj else 1],
        subject=spec["subject"],
        initial=spec["initial"],
    )


@login_required
def objective_write(request, pk, item=None):
    return _item_page(request, pk, Objective, item)


@login_required
def task_write(request, pk, item=None):
    return _item_page(request, pk, Task, item)


@login_required
def kpi_write(request, pk, task_pk=None, item=None):
    return _item_page(request, pk, Kpi, item, task_pk)


@login_required
def obligation_write(request, pk, item=None):
    return _item_page(request, pk, Obligation, item)

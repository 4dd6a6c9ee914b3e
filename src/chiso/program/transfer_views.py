"""Program files on the web: the department admin imports a program (YAML or .xlsx) and sees every
problem by part, row and field, or the new program; every signed-in reader of a program downloads it
as a file (``docs/program.md``, "The program file"). Not yours -> 404; yours but not allowed -> 403."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.lib import imports
from chiso.lib.db import atomic_retry
from chiso.lib.filenames import file_stem
from chiso.lib.forms import UploadField
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from . import transfer
from .models import Program

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProgramFileForm(forms.Form):
    file = UploadField(label=gettext_lazy("Tệp chương trình (.yaml hoặc .xlsx)"))
    replace = forms.BooleanField(
        label=gettext_lazy("Thay thế chương trình cùng mã (chỉ khi chưa có báo cáo, kiến nghị, kế hoạch nào)"),
        required=False,
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx."))
        if f.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(imports.too_large_message(f.size, settings.IMPORT_MAX_BYTES))
        return f


@atomic_retry
def _import(data: bytes, name: str, actor: audit.Actor, replace: bool) -> Program:
    return transfer.import_program(data, name, actor, replace=replace)


@login_required
def program_import(request):
    """/chuong-trinh/nhap/: only the department's administrator imports a program (else 403)."""
    if not get_scope(request.user).is_dept_admin:
        return HttpResponseForbidden(_("Chỉ quản trị hệ thống của cơ quan thường trực được nhập chương trình."))
    form = ProgramFileForm(request.POST or None, request.FILES or None)
    ctx = {"form": form, "programs": Program.objects.visible_to(request.user)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "program/transfer_import.html", ctx, status=400)
        upload = form.cleaned_data["file"]
        try:
            program = _import(upload.read(), upload.name, audit.Actor.from_request(request),
                              form.cleaned_data["replace"])  # fmt: skip
        except transfer.FileRefused as e:
            ctx["refused"] = e
            return render(request, "program/transfer_import.html", ctx, status=400)
        c = program.import_counts
        messages.success(request, _("Đã nhập chương trình “{title}”: {tasks} nhiệm vụ, {kpis} chỉ tiêu, {duties} "
                                    "nhiệm vụ được phân công, {obligations} nhiệm vụ định kỳ.").format(
            title=program.title, **c))  # fmt: skip
        return redirect("program", pk=program.pk)
    return render(request, "program/transfer_import.html", ctx)


def _program(request, pk) -> Program:
    """Who may read the program may download it (every signed-in user reads a published decision)."""
    return get_object_or_404(Program.objects.visible_to(request.user).select_related("standing_body"), pk=pk)


def _download(data, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
def program_export_yaml(request, pk):
    program = _program(request, pk)
    return _download(transfer.export_yaml(program).encode("utf-8"), "application/yaml; charset=utf-8",
                     f"{file_stem(program.title)}.yaml")  # fmt: skip


@login_required
def program_export_xlsx(request, pk):
    program = _program(request, pk)
    return _download(transfer.export_xlsx(program), XLSX_TYPE, f"{file_stem(program.title)}.xlsx")

"""Excel template and import."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib import frameworks, imports
from chiso.lib.filenames import file_stem
from chiso.orgs import audit

from .. import excel, services
from ..forms import UploadForm
from ..models import Submission, Value
from .base import _get_submission_for_user
from .form import _rw_or_error


@login_required
def template_download(request, pk):
    sub = _get_submission_for_user(request, pk)
    data = excel.template_bytes(sub)
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = file_stem("biểu mẫu", sub.agency.short_name or sub.agency.name, sub.round.title)
    resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return resp


def import_summary(changed: int, unchanged: int) -> str:
    """What an import did: the values it changed, and apart those the file repeated unchanged."""
    if not changed:
        return _("Không có giá trị nào thay đổi: {k} giá trị trong tệp giống giá trị đã có.").format(k=unchanged)
    if not unchanged:
        return _("Đã cập nhật {n} giá trị từ Excel.").format(n=changed)
    return _("Đã cập nhật {n} giá trị từ Excel; {k} giá trị không đổi.").format(n=changed, k=unchanged)


def _import_dir():
    path = settings.PRIVATE_MEDIA_ROOT / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def import_upload(request, pk):
    sub = _get_submission_for_user(request, pk)
    denied = _rw_or_error(request, sub)
    if denied:
        return denied
    form = UploadForm(request.POST or None, request.FILES or None)
    ctx = {"sub": sub, "form": form, "is_demo": sub.round.is_demo}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error("file", imports.too_large_message(upload.size, settings.IMPORT_MAX_BYTES))
            return render(request, "collection/import.html", ctx, status=400)
        data = upload.read()
        preview = excel.parse(sub, data)
        ctx["preview"] = preview
        if not preview.errors:
            token = secrets.token_hex(16)
            (_import_dir() / f"{token}.xlsx").write_bytes(data)
            # The version of every value the preview showed: the confirmation refuses to overwrite newer ones.
            (_import_dir() / f"{token}.json").write_text(json.dumps(preview.seen(), ensure_ascii=False))
            request.session[f"import:{sub.pk}"] = token
            ctx["token"] = token
        return render(request, "collection/import.html", ctx, status=400 if preview.errors else 200)
    return render(request, "collection/import.html", ctx)


def _stale_values(sub: Submission, seen: dict[str, dict]) -> list[dict]:
    """Values saved since the preview: what the user saw, what is there now, who saved it and when."""
    fw = frameworks.get_framework(sub.round.framework_id)
    current = {v.code: v for v in Value.objects.filter(submission=sub, code__in=seen).select_related("updated_by")}
    out = []
    for code, was in seen.items():
        value = current.get(code)
        if (value.version if value is not None else 0) == was["version"]:
            continue
        node = fw.node(code)
        user = value.updated_by if value is not None else None
        out.append({
            "code": code, "name": node.label("vi"), "seen": was["old"],
            "now": services.display_value(value, node), "by": (user.get_full_name() or user.get_username()) if user
            else "", "at": value.updated_at if value is not None else None,
        })
    return out


@login_required
@require_POST
def import_confirm(request, pk):
    sub = _get_submission_for_user(request, pk)
    denied = _rw_or_error(request, sub)
    if denied:
        return denied
    token = request.POST.get("token", "")
    if not token or request.session.get(f"import:{sub.pk}") != token:
        messages.error(request, _("Phiên nhập Excel đã hết hạn; hãy tải tệp lên lại."))
        return redirect("import_upload", pk=sub.pk)
    path = _import_dir() / f"{token}.xlsx"
    seen_path = path.with_suffix(".json")
    data = path.read_bytes() if path.exists() else b""
    seen = json.loads(seen_path.read_text()) if seen_path.exists() else {}
    # Check again at commit time: the form may have changed since the preview.
    preview = excel.parse(sub, data)
    if preview.errors:
        messages.error(request, _("Tệp có lỗi; không có giá trị nào được ghi."))
        return redirect("import_upload", pk=sub.pk)
    for ch in preview.changes:
        # A value the preview did not show (or no record of it) counts as seen empty: version 0.
        ch.expected_version = seen.get(ch.code, {}).get("version", 0)
    try:
        services.save_values(sub.pk, preview.changes, audit.Actor.from_request(request), reason=_("Nhập từ Excel"))
    except services.Conflict as e:
        # All or nothing: one value saved by someone else since the preview stops the whole import.
        stale = _stale_values(sub, seen) or [{"code": e.current.code, "name": e.current.code, "seen": "",
                                               "now": str(e), "by": "", "at": None}]
        ctx = {"sub": sub, "form": UploadForm(), "is_demo": sub.round.is_demo, "stale": stale}
        return render(request, "collection/import.html", ctx, status=409)
    except (services.CollectionError, ValueError) as e:
        messages.error(request, _("Không ghi được: {e}").format(e=e))
        return redirect("import_upload", pk=sub.pk)
    finally:
        path.unlink(missing_ok=True)
        seen_path.unlink(missing_ok=True)
        request.session.pop(f"import:{sub.pk}", None)
    messages.success(request, import_summary(len(preview.changed), len(preview.unchanged)))
    return redirect("submission", pk=sub.pk)

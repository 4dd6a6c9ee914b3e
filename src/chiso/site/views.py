"""The site's error pages: a plain page in the reader's language (JSON under /api/), never a URL
list or a traceback, whatever DEBUG says."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Yêu cầu không hợp lệ"), _("Yêu cầu gửi lên không hợp lệ. Vui lòng quay lại và thử lại.")),
        403: (_("Không có quyền"), _("Bạn không có quyền xem hoặc thay đổi nội dung này.")),
        404: (_("Không tìm thấy trang"), _("Trang bạn tìm không có hoặc đã được chuyển đi.")),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi trong hệ thống; lỗi đã được ghi lại. Vui lòng thử lại sau.")),
    }


def _render(request, status: int, message: str | None = None) -> HttpResponse:
    title, default = _messages()[status]
    message = message or default
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    # No RequestContext: the page must render even when the failure came from a context processor.
    html = loader.get_template("error.html").render({"status": status, "title": title, "message": message})
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return _render(request, 400)


def permission_denied(request, exception=None):
    # chiso's own refusals carry a sentence for the reader (PermissionDenied(_("…"))); show it.
    return _render(request, 403, str(exception or "") or None)


def page_not_found(request, exception=None):
    return _render(request, 404)


def server_error(request):
    return _render(request, 500)

"""The review pages' helpers, shared by every app: a workflow step from a page (:func:`step`), and for
evidence: receive an upload, serve a file, remove one. The app looks the owner up and checks the user's access, then hands over its
service (``add``/``remove``) and what to answer (``done``: a redirect with a message, or a fragment
under htmx)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _

from chiso.lib import imports
from chiso.lib.refusal import Refused
from chiso.orgs import audit

Done = Callable[..., HttpResponse]  # done(ok=…) / done(error=…)


def step(request, run: Callable[[audit.Actor], object], ok: str, back: HttpResponse) -> HttpResponse:
    """A workflow step posted from a page (submit, approve, return…): ``run(actor)`` as the signed-in
    user; its refusal (``chiso.lib.refusal.Refused``: the step not allowed now, a stale copy, a check
    that failed) is shown as the page's message, else ``ok``; back to the page either way. Who may take
    the step is checked by the caller first (a 403 page)."""
    try:
        run(audit.Actor.from_request(request))
    except Refused as e:
        messages.error(request, e.message)
    else:
        messages.success(request, ok)
    return back


def upload(request, add: Callable, done: Done) -> HttpResponse:
    """The file of the form's ``file`` field handed to ``add(actor, upload)`` (a service that calls
    ``chiso.review.evidence.add``). A refused file goes back through ``done(error=…)``; a right the
    user lacks (``Forbidden``) is a 403 page."""
    problem = imports.upload_problem(request.FILES.get("file"))
    if problem:
        return done(error=problem)
    upload = request.FILES["file"]
    try:
        ev = add(audit.Actor.from_request(request), upload)
    except Refused as e:
        if e.status == 403:
            return HttpResponseForbidden(e.message)
        return done(error=e.message)
    return done(ok=_("Đã tải lên minh chứng “{name}”.").format(name=ev.original_name))


def delete(request, ev, remove: Callable, done: Done) -> HttpResponse:
    """``remove(ev, actor)`` (a service that calls ``chiso.review.evidence.delete``); a refusal is a 403."""
    try:
        remove(ev, audit.Actor.from_request(request))
    except Refused as e:
        return HttpResponseForbidden(e.message)
    return done(ok=_("Đã xóa minh chứng."))


def serve(obj) -> FileResponse:
    """The stored file as an attachment under its original name, with a content type from the
    allow-list, never sniffed and never run (a missing file is a 404)."""
    try:
        fh = obj.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    resp = FileResponse(fh, as_attachment=True, filename=obj.original_name, content_type=obj.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp

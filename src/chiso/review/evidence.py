"""Evidence files of anything reviewed: the one upload check (an allow-list of types checked by
extension AND by content, a size limit, a safe content type on download — never HTML, SVG or script),
and adding and removing a file, locked, checked and audited; the file leaves the disk only once the
transaction commits.

The apps say what they alone know through ``check_editable(owner)``: it locks the row the change
depends on, refuses (``chiso.lib.refusal.Refused``/``Forbidden``) when it may not change, and returns
the audit rows' parent.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib import imports
from chiso.lib.refusal import Refused
from chiso.orgs import audit

from .models import Evidence

# extension -> (content type served, magic prefixes accepted; None = plain text check)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".csv": ("text/plain; charset=utf-8", None),
    ".txt": ("text/plain; charset=utf-8", None),
}


def check_upload(upload) -> tuple[str, str]:
    """Validate an uploaded file; return ``(content_type, sha256)`` or raise ``ValueError`` (its
    message says what is wrong, in the reader's language)."""
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise ValueError(
            _("Loại tệp “{ext}” không được nhận. Chỉ nhận: {allowed}.").format(
                ext=ext or "?", allowed=", ".join(sorted(ALLOWED))
            )
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValueError(imports.too_large_message(upload.size, settings.EVIDENCE_MAX_BYTES))
    content_type, magics = ALLOWED[ext]
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < 1024:
            head += chunk[: 1024 - len(head)]
        digest.update(chunk)
    upload.seek(0)
    if magics is None:
        lowered = head.lower()
        if b"\x00" in head or b"<script" in lowered or b"<html" in lowered or b"<svg" in lowered:
            raise ValueError(_("Nội dung tệp không phải văn bản thuần."))
    elif not any(head.startswith(m) for m in magics):
        raise ValueError(_("Nội dung tệp không khớp với đuôi “{ext}”.").format(ext=ext))
    return content_type, digest.hexdigest()


def for_owner(owner):
    """The evidence of ``owner``, oldest first."""
    return Evidence.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)


def add(
    owner,
    upload,
    actor: audit.Actor,
    *,
    check_editable: Callable,
    action: str,
    detail: dict | None = None,
    changed: Callable | None = None,
) -> Evidence:
    """Attach ``upload`` to ``owner``, audited as ``action`` (with ``detail``) under the parent
    ``check_editable(owner)`` returns; then ``changed(owner)`` (a score that depends on evidence).

    ``owner`` may be a callable taking that parent and returning the owner, for a row made on first
    use under the lock (a form's value). Refused (400) when the file fails :func:`check_upload` —
    before anything is locked — and as ``check_editable`` refuses; nothing is written then."""
    try:
        content_type, digest = check_upload(upload)
    except ValueError as e:
        raise Refused(str(e)) from None
    with transaction.atomic():
        parent = check_editable(owner)
        if callable(owner):
            owner = owner(parent)
        ev = Evidence(
            owner=owner, original_name=os.path.basename(upload.name or "")[:200], content_type=content_type,
            size=upload.size, sha256=digest, uploaded_by=actor.user,
        )
        ev.file.save("upload", upload, save=False)
        ev.save()
        audit.record(actor, action, ev, parent=parent,
                     after={**(detail or {}), "name": ev.original_name, "sha256": digest})
        if changed is not None:
            changed(owner)
    return ev


def delete(
    ev: Evidence,
    actor: audit.Actor,
    *,
    check_editable: Callable,
    action: str,
    detail: dict | None = None,
    changed: Callable | None = None,
) -> None:
    """Remove ``ev``, audited as ``action`` (with ``detail``) under the parent ``check_editable(owner)``
    returns, then ``changed(owner)``; the file leaves the disk once the transaction commits. Refused
    as ``check_editable`` refuses; nothing is removed then."""
    with transaction.atomic():
        owner = ev.owner
        parent = check_editable(owner)
        audit.record(actor, action, ev, parent=parent,
                     before={**(detail or {}), "name": ev.original_name, "sha256": ev.sha256})
        name, storage = ev.file.name, ev.file.storage
        assert name is not None  # a stored row always has its file's name (the column is NOT NULL)
        ev.delete()
        transaction.on_commit(lambda: storage.delete(name))
        if changed is not None:
            changed(owner)

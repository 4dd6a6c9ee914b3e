"""Evidence uploads: an allow-list of types checked by extension AND by content, a size limit,
and a safe content type on download (never HTML, SVG or script)."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.utils.translation import gettext as _

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
    """Validate an uploaded file; return ``(content_type, sha256)`` or raise ``ValueError``."""
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise ValueError(
            _("Loại tệp “{ext}” không được nhận. Chỉ nhận: {allowed}.").format(
                ext=ext or "?", allowed=", ".join(sorted(ALLOWED))
            )
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValueError(
            _("Tệp quá lớn ({size} MB); tối đa {limit} MB.").format(
                size=round(upload.size / 1048576, 1), limit=round(settings.EVIDENCE_MAX_BYTES / 1048576, 1)
            )
        )
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

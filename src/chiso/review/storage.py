"""The one private storage of chiso's uploaded files (evidence, agencies' plans): under
``PRIVATE_MEDIA_ROOT/evidence``, outside the web root and without a URL — files are served only
through a view that checks access (``chiso.review.views.serve``)."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """The location follows settings at each use (tests point ``PRIVATE_MEDIA_ROOT`` elsewhere)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT / "evidence")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


def random_name(prefix: str = "") -> str:
    """A stored name that never reuses the uploader's file name (no path tricks, no extension games):
    ``<prefix>YYYY/MM/<random hex>``."""
    return f"{prefix}{timezone.now():%Y/%m}/{uuid.uuid4().hex}"

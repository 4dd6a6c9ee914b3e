"""Report jobs: one generation of one report, with its parameters, its progress, the JSON snapshot of
the data it was generated from, and its files (.docx, .pdf, .xlsx) stored privately."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.orgs.access import get_scope


class ReportStorage(FileSystemStorage):
    """Under ``PRIVATE_MEDIA_ROOT/reports``, with no URL: files are served only by
    ``reports.views.download`` after an access check. The location follows settings at each use."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT / "reports")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def report_storage() -> FileSystemStorage:
    return ReportStorage()


def report_path(instance, filename) -> str:
    # A random stored name; the download keeps a readable name built from the job.
    ext = os.path.splitext(filename)[1].lower()
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class ReportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports are the department's and the leadership's documents: nobody else sees them."""
        return self if get_scope(user).reads_all else self.none()


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Báo cáo phân tích kết quả chỉ số năm (hội nghị đánh giá)")
        QUARTERLY = "quarterly", _("Báo cáo quý về Một cửa điện tử và dịch vụ công trực tuyến")
        PROGRESS = "progress", _("Báo cáo tiến độ chương trình hành động")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại báo cáo"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300)
    params = models.JSONField(_("tham số"), default=dict)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # The data the documents were written from (everything a regeneration needs).
    snapshot = models.JSONField(_("số liệu dùng để tạo"), default=dict, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    docx = models.FileField(storage=report_storage, upload_to=report_path, max_length=200, blank=True)
    pdf = models.FileField(storage=report_storage, upload_to=report_path, max_length=200, blank=True)
    xlsx = models.FileField(storage=report_storage, upload_to=report_path, max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # the worker picks queued jobs, oldest first
        indexes = [models.Index(fields=["status", "created"], name="reports_job_status_created")]
        verbose_name = _("báo cáo")

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def file_for(self, fmt: str):
        return {"docx": self.docx, "pdf": self.pdf, "xlsx": self.xlsx}.get(fmt)

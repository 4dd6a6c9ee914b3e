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
        """Documents are the department's and the leadership's; an agency sees only the jobs made for
        it (its own scorecard), nobody else anything."""
        scope = get_scope(user)
        if scope.reads_all:
            return self
        if scope.agency_ids:
            return self.filter(agency_id__in=scope.agency_ids)
        return self.none()


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Báo cáo phân tích kết quả chỉ số năm (hội nghị đánh giá)")
        QUARTERLY = "quarterly", _("Báo cáo quý về Một cửa điện tử và dịch vụ công trực tuyến")
        PROGRESS = "progress", _("Báo cáo tiến độ chương trình hành động")
        DECISION = "decision", _("Quyết định công bố kết quả xếp hạng nội bộ")
        SCORECARDS = "scorecards", _("Bảng điểm xếp hạng nội bộ của các đơn vị")
        SCORECARD = "scorecard", _("Bảng điểm xếp hạng nội bộ của một đơn vị")

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
    # the agency that may read this job besides the department and the leadership (its own scorecard)
    agency = models.ForeignKey("orgs.Agency", models.CASCADE, null=True, blank=True, related_name="+")
    # the wording used: a template in use, or (a preview) a draft being tried; none = the shipped wording
    template = models.ForeignKey(
        "reports.DocumentTemplate", models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    is_preview = models.BooleanField(_("bản xem trước mẫu"), default=False)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # the runner's sign of life, set at each step: a RUNNING job whose heartbeat is older than
    # ``chiso.lib.tasks.stale_after()`` lost its worker and may be taken again (services.claim)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)

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


class DocumentTemplate(models.Model):
    """The wording of one kind of document, as the department writes it (docs/reports.md: Mẫu văn
    bản). A text is never edited once saved: a change is a new draft, previewed on real data before
    it is put in use; the one in use is the latest activated of its kind."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        ACTIVE = "active", _("Đang dùng")
        RETIRED = "retired", _("Đã thay")

    kind = models.CharField(_("loại văn bản"), max_length=12, choices=ReportJob.Kind.choices)
    text = models.TextField(_("nội dung mẫu"))
    note = models.CharField(_("ghi chú thay đổi"), max_length=300, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    activated = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-created", "-id"]
        verbose_name = _("mẫu văn bản")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

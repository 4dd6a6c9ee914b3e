"""An action program (QĐ 936/QĐ-UBND Hà Nam 2017 is the reference case): its legal basis and
objectives, its tasks with KPIs, the §4 duties, agencies' own plans, recurring obligations and
their occurrences, quarterly progress through submit/approve, and recommendations (kiến nghị).

Who leads or supports which index component is NOT stored here: it is the responsibility matrix
of ``chiso.orgs.models.Responsibility`` (loaded by ``load_reference_case``), read through
``Program.framework_id``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.periods import period_label
from chiso.orgs.access import get_scope
from chiso.orgs.models import Agency
from chiso.review import models as review
from chiso.review.models import Reviewed
from chiso.review.storage import private_storage, random_name


def _private_path(instance, filename) -> str:
    return random_name("program/")


class Recurrence(models.TextChoices):
    NONE = "none", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")
    AFTER_PUBLICATION = "after_publication", _("Sau mỗi lần công bố chỉ số")


class Light(models.TextChoices):
    """Traffic lights (rule in docs/program.md and program/lights.py)."""

    GREEN = "green", _("Đúng tiến độ")
    AMBER = "amber", _("Cần chú ý")
    RED = "red", _("Chậm / không đạt")
    GREY = "grey", _("Chưa có số liệu")


class Versioned(models.Model):
    """A row whose every save bumps ``version`` (also from the Django admin): edit forms carry it for
    optimistic concurrency (a stale copy is refused). The page cache does not read it (chiso.lib.cache)."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version = (self.version or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


# --- the program --------------------------------------------------------------------------------


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A program is a published decision: every signed-in user reads it."""
        return self if user.is_authenticated else self.none()

    def public(self):
        return self.filter(is_public=True)


class Program(Versioned):
    """An action program with its legal basis.

    QĐ 936's header prints the number 436 while the annex says 936: both are kept as published
    (``header_number`` and ``decision_number``)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    title = models.CharField(_("tên chương trình"), max_length=400)
    decision_number = models.CharField(_("số quyết định (như ghi ở phụ lục)"), max_length=60)
    header_number = models.CharField(_("số quyết định (như ghi ở phần đầu)"), max_length=60, blank=True)
    number_note = models.CharField(_("ghi chú về số hiệu"), max_length=300, blank=True)
    decision_date = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    signer = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200)
    legal_grounds = models.TextField(_("căn cứ ban hành"), blank=True)
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))
    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    standing_body = models.ForeignKey(
        Agency, models.PROTECT, related_name="+", verbose_name=_("cơ quan thường trực")
    )
    progress_due_days = models.PositiveSmallIntegerField(
        _("hạn báo cáo tiến độ (số ngày sau cuối quý)"), default=10
    )
    source = models.TextField(_("nguồn"), blank=True)
    is_public = models.BooleanField(_("công khai"), default=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "code"]
        verbose_name = _("chương trình hành động")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="program_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.starts_on.year}–{self.ends_on.year}"


class Objective(Versioned):
    """A general objective (text) or a specific, measurable one (a framework and a target rank)."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("Mục tiêu chung")
        SPECIFIC = "specific", _("Mục tiêu cụ thể")

    program = models.ForeignKey(Program, models.CASCADE, related_name="objectives")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung"))
    framework_id = models.CharField(_("bộ chỉ số"), max_length=80, blank=True)
    target_rank = models.PositiveSmallIntegerField(_("thứ hạng mục tiêu"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("năm đạt mục tiêu"), null=True, blank=True)
    section = models.CharField(_("mục trong văn bản"), max_length=20, blank=True)

    class Meta:
        ordering = ["program", "kind", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_rank__isnull=True) | ~Q(framework_id=""),
                name="program_objective_rank_needs_framework",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_measurable(self) -> bool:
        return self.target_rank is not None


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def issued(self):
        """Tasks the program has issued: drafts (proposed by a plan, not yet reviewed) are left out
        of every board, count, report, reminder and export until the department issues them."""
        return self.filter(is_draft=False)

    def drafts(self):
        return self.filter(is_draft=True)


class Task(Versioned):
    """One solution of §3 (one per bullet), with its lead and supporting agencies."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="tasks")
    objective = models.ForeignKey(
        Objective, models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("mục tiêu")
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    title = models.CharField(_("tên ngắn"), max_length=200)
    text = models.TextField(_("nội dung như văn bản"))
    section = models.CharField(_("mục trong văn bản"), max_length=20, blank=True)
    lead_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="led_tasks", verbose_name=_("chủ trì")
    )
    supporting_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="supported_tasks", verbose_name=_("phối hợp")
    )
    assignment_basis = models.CharField(_("căn cứ phân công"), max_length=300, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    recurrence = models.CharField(
        _("tính chất"), max_length=20, choices=Recurrence.choices, default=Recurrence.NONE
    )
    components = models.JSONField(_("chỉ số thành phần liên quan"), default=list, blank=True)
    # A task proposed by a least-cost plan (``results.Plan``) is a draft until the department issues it:
    # drafts are listed for review and are not yet tracked, counted or reported.
    is_draft = models.BooleanField(_("dự thảo"), default=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_task_number_unique")
        ]
        verbose_name = _("nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Kpi(Versioned):
    """A measurable target of a task. The actual comes from approved collected values of an
    indicator (``indicator`` source) or from values reported in approved progress reports."""

    class Source(models.TextChoices):
        INDICATOR = "indicator", _("Chỉ số thu thập trong chiso (số liệu đã phê duyệt)")
        REPORTED = "reported", _("Cơ quan báo cáo kèm minh chứng")

    class Direction(models.IntegerChoices):
        UP = 1, _("Càng cao càng tốt")
        DOWN = -1, _("Càng thấp càng tốt")

    task = models.ForeignKey(Task, models.CASCADE, related_name="kpis")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    unit = models.CharField(_("đơn vị"), max_length=40, blank=True)
    baseline = models.FloatField(_("giá trị gốc"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    target = models.FloatField(_("chỉ tiêu"), null=True, blank=True)
    target_basis = models.CharField(_("căn cứ chỉ tiêu"), max_length=300, blank=True)
    direction = models.SmallIntegerField(_("chiều"), choices=Direction.choices, default=Direction.UP)
    due_on = models.DateField(_("hạn đạt"), null=True, blank=True)
    source = models.CharField(_("nguồn số liệu thực tế"), max_length=10, choices=Source.choices)
    framework_id = models.CharField(_("bộ chỉ số"), max_length=80, blank=True)
    indicator_code = models.CharField(_("mã chỉ số"), max_length=80, blank=True)
    source_agency = models.ForeignKey(
        Agency,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan cung cấp số liệu"),
        help_text=_("Để trống: gộp số liệu đã phê duyệt của các cơ quan — cộng nếu là số đếm (hồ sơ, dịch vụ), "
                    "trung bình nếu là tỷ lệ hay điểm."),
    )

    class Meta:
        ordering = ["task", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="indicator") | (~Q(framework_id="") & ~Q(indicator_code="")),
                name="program_kpi_indicator_needs_code",
            ),
        ]
        verbose_name = _("chỉ tiêu (KPI)")

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """One duty of §4 as published ("a) Sở Thông tin và Truyền thông — Là cơ quan thường trực…")."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="duties")
    section = models.CharField(_("mục"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)
    addressee = models.CharField(_("đối tượng như văn bản"), max_length=200)
    agencies = models.ManyToManyField(Agency, related_name="program_duties", verbose_name=_("cơ quan"))
    text = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["program", "section", "order"]
        verbose_name = _("nhiệm vụ được phân công")

    def __str__(self) -> str:
        return f"§{self.section} {self.addressee}: {self.text[:60]}"


class IndexPublication(Versioned):
    """ "The index for year Y was published on date D": entered by the department when the ministry
    publishes an edition's results. The obligations "after each published index" (QĐ 936 §5b: the
    review conference) are scheduled from these dates (``services.sync_occurrences``)."""

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    published_on = models.DateField(_("ngày công bố"))
    reference = models.CharField(_("văn bản, nguồn công bố"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["framework_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["framework_id", "year"], name="program_publication_one_per_year"),
        ]
        verbose_name = _("công bố kết quả chỉ số")

    def __str__(self) -> str:
        return f"{self.framework_id} {self.year}: {self.published_on:%d/%m/%Y}"


# --- agencies' own plans (§5a) -------------------------------------------------------------------


class AgencyPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.reads_all:
            return self
        return self.filter(agency_id__in=scope.agency_ids)


class AgencyPlan(models.Model):
    """An agency's own plan for the components assigned to it (§5a), as an uploaded file."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="plans")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="program_plans")
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    document_number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    file = models.FileField(storage=private_storage, upload_to=_private_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    objects = AgencyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title


# --- recurring obligations -----------------------------------------------------------------------


class Obligation(Versioned):
    """A recurring duty with a schedule (quarterly report §4a, monthly TV segment §4i, annual
    conference §5b). Occurrences are generated from the schedule by ``services.sync_occurrences``."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="obligations")
    title = models.CharField(_("nghĩa vụ"), max_length=300)
    section = models.CharField(_("mục"), max_length=20, blank=True)
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="obligations", verbose_name=_("cơ quan thực hiện")
    )
    recurrence = models.CharField(_("định kỳ"), max_length=20, choices=Recurrence.choices)
    due_offset_days = models.SmallIntegerField(_("hạn (số ngày sau cuối kỳ / sau ngày công bố)"), default=0)
    schedule_note = models.CharField(_("ghi chú lịch"), max_length=300, blank=True)

    class Meta:
        ordering = ["program", "section", "id"]

    def __str__(self) -> str:
        return self.title


class OccurrenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()


class Occurrence(Versioned):
    """One due instance of an obligation and the record that it was done."""

    obligation = models.ForeignKey(Obligation, models.CASCADE, related_name="occurrences")
    period = models.CharField(_("kỳ"), max_length=20)  # "2017-07", "2017-Q3", "2017", "ict-2018"
    label = models.CharField(_("tên kỳ"), max_length=100)
    due_on = models.DateField(_("hạn"))
    done_on = models.DateField(_("ngày thực hiện"), null=True, blank=True)
    note = models.TextField(_("ghi nhận"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["obligation", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "period"], name="program_occurrence_one_per_period")
        ]
        # overdue board: not done, due before a date
        indexes = [models.Index(fields=["done_on", "due_on"], name="program_occ_done_due")]

    def __str__(self) -> str:
        return f"{self.obligation} · {self.label}"

    @property
    def display_label(self) -> str:
        """The period's name in the reader's language ("2017-07", "2017-Q3", "2017", "pub-2018");
        ``label`` keeps the Vietnamese name written when the occurrence was generated."""
        import re

        from django.utils.translation import gettext

        m = re.fullmatch(r"(\d{4})-(\d{2})", self.period)
        if m:
            return gettext("Tháng {m}/{y}").format(m=int(m.group(2)), y=m.group(1))
        m = re.fullmatch(r"(\d{4})-Q([1-4])", self.period)
        if m:
            return period_label(int(m.group(1)), int(m.group(2)))
        if re.fullmatch(r"\d{4}", self.period):
            return period_label(int(self.period), None)
        m = re.fullmatch(r"pub-(\d{4})", self.period)
        if m:
            return gettext("Sau công bố kết quả năm {y}").format(y=m.group(1))
        return self.label


# --- quarterly progress --------------------------------------------------------------------------


class ProgressQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Department and leadership read every agency's report; an agency only its own."""
        scope = get_scope(user)
        if scope.reads_all:
            return self
        return self.filter(agency_id__in=scope.agency_ids)

    def approved(self):
        return self.filter(status=ProgressReport.Status.APPROVED)


class ProgressReport(Reviewed):
    """One agency's quarterly report on one task; its review is ``chiso.review``'s, as a
    collection form's."""

    REVIEW_AUDIT = "progress"
    REVIEW_NOT_EDITABLE = _("Báo cáo đang ở trạng thái “{status}”, không sửa được.")
    REVIEW_NOT_SUBMITTED = _("Chỉ phê duyệt hoặc trả lại được báo cáo đã gửi (hiện: “{status}”).")

    class TaskStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        ON_TRACK = "on_track", _("Đang triển khai, đúng tiến độ")
        AT_RISK = "at_risk", _("Có nguy cơ chậm")
        DELAYED = "delayed", _("Chậm tiến độ")
        DONE = "done", _("Hoàn thành")
        ONGOING = "ongoing", _("Thực hiện thường xuyên")

    task = models.ForeignKey(Task, models.CASCADE, related_name="reports")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="progress_reports")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    task_status = models.CharField(
        _("tình hình thực hiện"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("% hoàn thành"), default=0)
    narrative = models.TextField(_("kết quả, khó khăn"), blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    evidence = review.evidence_relation("report")

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "task__number", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "year", "quarter"],
                name="program_progress_one_per_task_agency_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="program_progress_quarter_1_4"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="program_progress_percent_le_100"),
        ]
        # program board: latest approved report per task; overdue board: reports of a quarter
        indexes = [
            models.Index(fields=["task", "status", "year", "quarter"], name="program_prog_task_status"),
            models.Index(fields=["year", "quarter", "status"], name="program_prog_period_status"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.agency} · {self.period}"

    @property
    def period(self) -> str:
        return period_label(self.year, self.quarter)

    def review_parent(self):
        return self.task.program


    def snapshot(self) -> dict:
        return {"task_status": self.task_status, "percent": self.percent, "narrative": self.narrative}


class KpiValue(models.Model):
    """A KPI value reported in a progress report (for ``reported`` KPIs)."""

    report = models.ForeignKey(ProgressReport, models.CASCADE, related_name="kpi_values")
    kpi = models.ForeignKey(Kpi, models.CASCADE, related_name="reported_values")
    value = models.FloatField(_("giá trị"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "kpi"], name="program_kpivalue_one_per_report")
        ]


class ProgressEvidence(review.Evidence):
    """The evidence files of progress reports: the one evidence table (``chiso.review.models.Evidence``)
    seen from program — its manager keeps to reports, ``report`` names the owner."""

    OWNER_MODEL = "program.progressreport"
    report = review.owner_alias()
    objects = review.OwnedEvidenceManager()

    class Meta:
        proxy = True


# --- recommendations (kiến nghị, §4a and §5c) ----------------------------------------------------


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The department and leadership read all; an agency reads what it sent or was assigned."""
        scope = get_scope(user)
        if scope.reads_all:
            return self
        ids = scope.agency_ids
        if not ids:
            return self.none()
        return self.filter(Q(agency_id__in=ids) | Q(assigned_to_id__in=ids))

    def public(self):
        return self.filter(is_public=True, status__in=Recommendation.ANSWERED_STATES).exclude(answer="")


class Recommendation(models.Model):
    """A difficulty or proposal sent by an agency, linked to a task or an index component."""

    class Kind(models.TextChoices):
        DIFFICULTY = "difficulty", _("Khó khăn, vướng mắc")
        PROPOSAL = "proposal", _("Đề xuất, kiến nghị")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã gửi, chờ xử lý")
        ASSIGNED = "assigned", _("Đã giao cơ quan xử lý")
        ESCALATED = "escalated", _("Đã trình UBND tỉnh")
        ANSWERED = "answered", _("Đã trả lời")
        CLOSED = "closed", _("Đã đóng")

    ANSWERED_STATES = ("answered", "closed")

    program = models.ForeignKey(Program, models.CASCADE, related_name="recommendations")
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="recommendations", verbose_name=_("cơ quan gửi")
    )
    task = models.ForeignKey(
        Task,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("nhiệm vụ"),
    )
    component = models.CharField(_("chỉ số thành phần"), max_length=80, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.DIFFICULTY)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    assigned_to = models.ForeignKey(
        Agency,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_recommendations",
        verbose_name=_("cơ quan được giao"),
    )
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(_("công khai"), default=False)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(status__in=["answered", "closed"]),
                name="program_rec_public_only_when_answered",
            ),
        ]
        # inbox: by status; public page: public answered ones
        indexes = [
            models.Index(fields=["program", "status"], name="program_rec_status"),
            models.Index(fields=["is_public", "status"], name="program_rec_public"),
        ]

    def __str__(self) -> str:
        return self.title


class RecommendationStep(models.Model):
    """Every step of a recommendation, shown to the sender (never on the public page)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Gửi kiến nghị")
        ANSWER = "answer", _("Trả lời")
        ASSIGN = "assign", _("Giao xử lý")
        ESCALATE = "escalate", _("Trình UBND tỉnh")
        COMMENT = "comment", _("Ý kiến")
        CLOSE = "close", _("Đóng")
        PUBLISH = "publish", _("Công khai")
        UNPUBLISH = "unpublish", _("Thôi công khai")

    recommendation = models.ForeignKey(Recommendation, models.CASCADE, related_name="steps")
    time = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    text = models.TextField(blank=True)
    status_after = models.CharField(max_length=12, choices=Recommendation.Status.choices)

    class Meta:
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.time:%d/%m/%Y}"

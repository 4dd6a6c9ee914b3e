"""Published results (the ministry's tables, with their source), goalposts and targets entered by
the department, and computed index runs (each with its recipe and inputs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.orgs.access import get_scope


class PublishedTableQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Published results are public facts (or labelled demonstration data): everyone reads them.
        return self


class PublishedTable(models.Model):
    """One published table of one edition: e.g. "DTI 2022, ranks of the 63 provinces"."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Số liệu công bố")
        IMPORT = "import", _("Nhập từ tệp")
        DEMO = "demo", _("Dữ liệu minh họa")

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    title = models.CharField(_("tên bảng"), max_length=200)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.IMPORT)
    source = models.TextField(_("nguồn"), blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    # the day the ministry published it: unit names are read as of that day (63 provinces before
    # 01/07/2025, 34 after) and ``basis`` is how many provinces it ranks
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    basis = models.PositiveSmallIntegerField(_("số tỉnh xếp hạng"), null=True, blank=True)
    # header as printed -> what it was read as: [{"column": "C", "header": "Nhận thức số", "code": …,
    # "kind": "value"|"rank"|"total"|"ignored"}]
    headers = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)

    objects = PublishedTableQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created", "-id"]
        # "latest table of this framework" (dashboard, goalposts)
        indexes = [models.Index(fields=["framework_id", "year"], name="results_table_fw_year")]

    def __str__(self) -> str:
        return self.title


class PublishedValue(models.Model):
    """One published number: a unit's value (0–1 score or raw indicator value) and/or rank at a node."""

    table = models.ForeignKey(PublishedTable, models.CASCADE, related_name="values")
    unit_ref = models.CharField(_("mã đơn vị"), max_length=40)
    unit_name = models.CharField(_("tên như công bố"), max_length=200)
    code = models.CharField(_("mã chỉ số"), max_length=80)
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)
    row = models.PositiveIntegerField(_("dòng trong tệp"), null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        ordering = ["table", "rank", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["table", "unit_ref", "code"], name="results_value_one_per_unit_code"),
            models.CheckConstraint(condition=Q(value__isnull=False) | Q(rank__isnull=False),
                                   name="results_value_has_value_or_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.code}"


class Goalpost(models.Model):
    """Reference minimum and maximum of an indicator over the peers, entered by the department
    (or fitted from a published table), used when peers' raw values are unknown."""

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    code = models.CharField(_("mã chỉ số"), max_length=80)
    lo = models.FloatField(_("giá trị nhỏ nhất"), null=True, blank=True)
    hi = models.FloatField(_("giá trị lớn nhất"))
    source = models.CharField(_("nguồn"), max_length=300)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    updated = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["framework_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework_id", "code"], name="results_goalpost_one_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.framework_id}:{self.code}"


class Target(models.Model):
    """The province's target rank for a framework (QĐ 936 §2: top 20 of 63)."""

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80, unique=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng mục tiêu"))
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    # part of the dashboard's cache key: a new target shows at once
    updated = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    def __str__(self) -> str:
        return f"{self.framework_id} ≤ {self.rank}"


class IndexRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Runs on published data alone are public; runs that use collected data need a sign-in
        (their indicator rows are further filtered by ``Value.objects.visible_to``)."""
        if not user.is_authenticated:
            return self.filter(basis=IndexRun.Basis.PUBLISHED)
        get_scope(user)  # every signed-in role reads the aggregate results
        return self


class IndexRun(models.Model):
    """One computation of an index for the province, with everything needed to replay it."""

    class Basis(models.TextChoices):
        PUBLISHED = "published", _("Số liệu công bố của các tỉnh")
        COLLECTED = "collected", _("Số liệu đã phê duyệt của tỉnh + số liệu công bố của các tỉnh khác")

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    unit_ref = models.CharField(_("đơn vị"), max_length=40)
    unit_name = models.CharField(_("tên đơn vị"), max_length=200)
    basis = models.CharField(_("cơ sở"), max_length=12, choices=Basis.choices)
    title = models.CharField(_("tên"), max_length=200)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    is_projection = models.BooleanField(_("ước tính"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    round = models.ForeignKey("collection.Round", models.SET_NULL, null=True, blank=True, related_name="+")
    table = models.ForeignKey(PublishedTable, models.SET_NULL, null=True, blank=True, related_name="runs")
    # inputs: {"units": [...], "codes": [...], "values": [[...]], "sources": {...}}
    inputs = models.JSONField(default=dict)
    goalposts = models.JSONField(default=dict, blank=True)
    recipe = models.JSONField(default=dict)
    # outputs: {"units": [...], "codes": [...], "scores": [[...]], "ranks": [[...]]}
    output = models.JSONField(default=dict)
    # the province's numbers per node, precomputed for the dashboard
    summary = models.JSONField(default=dict)
    score = models.FloatField(_("điểm"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)
    rank_low = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_high = models.PositiveSmallIntegerField(null=True, blank=True)
    n_units = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)

    objects = IndexRunQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created", "-id"]
        # dashboard: latest run per framework and year
        indexes = [models.Index(fields=["framework_id", "year", "created"], name="results_run_fw_year")]

    def __str__(self) -> str:
        return self.title


class Plan(models.Model):
    """A least-cost plan to a target rank, computed on a run and kept as computed (its settings, its
    levers with their lead agency of the day), so that the annual report and the program's tasks
    cite the same figures.  ``tasks`` records the draft tasks created from it."""

    run = models.ForeignKey(IndexRun, models.CASCADE, related_name="plans")
    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    unit_ref = models.CharField(_("đơn vị"), max_length=40)
    unit_name = models.CharField(_("tên đơn vị"), max_length=200)
    target_rank = models.PositiveSmallIntegerField(_("thứ hạng mục tiêu"))
    peers = models.CharField(_("giả định về các tỉnh khác"), max_length=40, default="frozen")
    # {"years": 1, "max_gain_per_year": 0.1, "caps": {code: {"gain": .., "source": "history"|"setting"}},
    #  "costs": {code: cost}, "deadline": "YYYY-MM-DD"}
    options = models.JSONField(default=dict)
    # the engine's plan (TargetPlan.as_dict) with, on each change, its name and lead agency
    result = models.JSONField(default=dict)
    score_before = models.FloatField(null=True, blank=True)
    score_after = models.FloatField(null=True, blank=True)
    rank_before = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_after = models.PositiveSmallIntegerField(null=True, blank=True)
    exact = models.BooleanField(_("chứng minh tối ưu"), default=False)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    # draft tasks created from the plan: [{"code": …, "task_id": …}]
    tasks = models.JSONField(default=list, blank=True)
    program = models.ForeignKey("program.Program", models.SET_NULL, null=True, blank=True, related_name="+")
    assigned = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["framework_id", "created"], name="results_plan_fw_created")]

    def __str__(self) -> str:
        return f"{self.unit_name} → {self.target_rank}"

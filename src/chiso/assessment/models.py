"""Internal ranking: the department's points-based frameworks, a round per year and tier, the
assessed units (participants), one entry per unit and indicator (self, appraised and final score),
evidence files and document references, the appraisal council and the audited revisions made
after the decision.

Scoring and ranking are the engine's (:mod:`chiso.engine.points`); the totals, ranks and bands
stored here are a cache of its output, rewritten by :func:`chiso.assessment.services.recompute`
after every change so that the boards read one row per unit.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.lib.refusal import Forbidden, Refused
from chiso.orgs.models import Agency
from chiso.review import models as review
from chiso.review.workflow import Step


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Tier(models.TextChoices):
    SO = "so", _("Sở, ban, ngành")
    HUYEN = "huyen", _("UBND huyện, thị xã, thành phố")
    XA = "xa", _("UBND xã, phường, thị trấn")


# tier -> the Agency.kind of the units assessed in it
TIER_AGENCY_KIND: dict[str, str] = {Tier.SO: "department", Tier.HUYEN: "district", Tier.XA: "commune"}


class InternalFramework(models.Model):
    """A framework held in the database (YAML text), edited by the department in the app with the
    engine's validation. Two kinds, one mechanism:

    - ``internal``: a points-based index of the province's own units (rounds of the internal ranking
      never read it after they open: each round keeps its own snapshot);
    - ``index``: the province's own copy of a shipped index edition (``base_id``, e.g.
      ``vn-dti-2024-province`` -> ``ninhbinh-dti-2024``), completed with the ministry's guidance
      (components added or renamed, their lead agencies set). ``chiso.lib.frameworks.get_framework``
      finds it by its code, as a shipped edition.

    ``version`` is bumped by every save: an edit made from an older copy of the page is refused."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("bộ chỉ số nội bộ")
        INDEX = "index", _("bản của tỉnh của một bộ chỉ số")

    code = models.SlugField(_("mã bộ chỉ số"), max_length=80, unique=True)
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices, default=Kind.INTERNAL)
    edition = models.PositiveSmallIntegerField(_("năm áp dụng"))
    name = models.CharField(_("tên"), max_length=300)
    yaml_text = models.TextField(_("nội dung YAML"))
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=0)
    derived_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("sao chép từ")
    )
    base_id = models.CharField(_("sao từ bộ chỉ số kèm theo"), max_length=80, blank=True)
    source_note = models.CharField(_("nguồn"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edition", "code"]
        verbose_name = _("bộ chỉ số của tỉnh")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="internal") | ~Q(base_id=""), name="assessment_framework_index_has_base"
            ),
        ]

    def __str__(self) -> str:
        """Its name and its edition's year, never its code: "Bộ chỉ số … (năm áp dụng 2022)" (a choice
        in a drop-down tells two frameworks of one name apart by the year)."""
        return f"{self.name} ({_('năm áp dụng')} {self.edition})"

    @property
    def is_index_copy(self) -> bool:
        return self.kind == self.Kind.INDEX

    def save(self, *args, **kwargs):
        self.sha256 = sha256_text(self.yaml_text)
        super().save(*args, **kwargs)


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .access import get_access

        acc = get_access(user)
        if acc.reads_all:
            return self
        return self.filter(
            Q(pk__in=acc.council_round_ids) | Q(participants__agency_id__in=acc.agency_ids)
        ).distinct()


class Round(models.Model):
    """One assessment round: a year and a tier, on a frozen snapshot of its framework."""

    class Status(models.TextChoices):
        SELF = "self", _("Tự đánh giá")
        APPRAISAL = "appraisal", _("Thẩm định")
        ANSWER = "answer", _("Đơn vị giải trình")
        COUNCIL = "council", _("Hội đồng quyết định điểm")
        APPROVAL = "approval", _("Chờ lãnh đạo phê duyệt")
        DECISION = "decision", _("Dự thảo quyết định")
        PUBLISHED = "published", _("Đã công bố")

    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    tier = models.CharField(_("khối"), max_length=8, choices=Tier.choices)
    title = models.CharField(_("tên đợt"), max_length=300)
    framework = models.ForeignKey(
        InternalFramework, models.PROTECT, related_name="rounds", verbose_name=_("bộ chỉ số")
    )
    framework_yaml = models.TextField(_("bản chụp bộ chỉ số"))
    framework_sha256 = models.CharField(max_length=64)
    opens_on = models.DateField(_("ngày mở"))
    self_due_on = models.DateField(_("hạn tự đánh giá"))
    appraisal_due_on = models.DateField(_("hạn thẩm định"))
    answer_days = models.PositiveSmallIntegerField(_("số ngày được giải trình"), default=5)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.SELF)
    appraisal_sent_at = models.DateTimeField(null=True, blank=True)
    answer_due_on = models.DateField(_("hạn giải trình"), null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    version = models.PositiveIntegerField(default=0)  # bumped on every change: the boards' cache key
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "tier"]
        verbose_name = _("đợt đánh giá nội bộ")
        constraints = [
            models.UniqueConstraint(fields=["year", "tier"], name="assessment_round_one_per_year_tier"),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("self_due_on")) & Q(self_due_on__lte=F("appraisal_due_on")),
                name="assessment_round_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        """After the decision is drafted, scores change only through an audited revision."""
        return self.status in (self.Status.DECISION, self.Status.PUBLISHED)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def step(self) -> int:
        return list(self.Status.values).index(self.status)


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .access import get_access

        acc = get_access(user)
        if acc.reads_all:
            return self
        q = Q(agency_id__in=acc.agency_ids)
        for round_id, agency_ids in acc.council_agencies.items():
            q |= (
                Q(round_id=round_id) if agency_ids is None else Q(round_id=round_id, agency_id__in=agency_ids)
            )
        return self.filter(q)


class Participant(models.Model):
    """A unit assessed in a round, with the totals of its three scores (cached from the engine)."""

    # set by services.save_self on the row it returns (not a field): the answered entries' versions
    versions: dict[str, int]

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang tự đánh giá")
        SUBMITTED = "submitted", _("Đã gửi")

    # The self-assessment steps through chiso.review.workflow with a table of its own: it has two
    # states, not the four of ``chiso.review.models.Reviewed`` — the council's appraisal and the
    # leadership's decision are steps of the round, not of the unit — so submit (draft → submitted)
    # and reopen (the department gives it back: → draft; as before, also allowed on a draft).
    REVIEW_STEPS = {
        "submit": Step((Status.DRAFT,), Status.SUBMITTED, "submitted"),
        "reopen": Step((Status.DRAFT, Status.SUBMITTED), Status.DRAFT),
    }
    REVIEW_AUDIT = "assessment_self"

    round = models.ForeignKey(Round, models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="assessments")
    tags = models.CharField(
        _("nhãn"),
        max_length=300,
        blank=True,
        help_text=_("Các nhãn cách nhau bởi dấu phẩy (dùng cho chỉ số chỉ áp dụng với một số đơn vị)."),
    )
    excluded = models.BooleanField(_("không xếp hạng"), default=False)
    exclusion_reason = models.CharField(_("lý do không xếp hạng"), max_length=500, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)  # bumped by each review step (compare-and-set)
    # cached engine output
    max_points = models.FloatField(default=0)
    self_total = models.FloatField(default=0)
    appraised_total = models.FloatField(null=True, blank=True)
    final_total = models.FloatField(null=True, blank=True)
    ratio = models.FloatField(default=0)
    band = models.CharField(max_length=20, blank=True)
    rank = models.FloatField(null=True, blank=True)
    n_applicable = models.PositiveSmallIntegerField(default=0)
    n_filled = models.PositiveSmallIntegerField(default=0)
    n_changed = models.PositiveSmallIntegerField(default=0)
    n_answered = models.PositiveSmallIntegerField(default=0)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name"]
        verbose_name = _("đơn vị được đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="assessment_participant_one_per_round"),
            models.CheckConstraint(
                condition=Q(excluded=False) | ~Q(exclusion_reason=""),
                name="assessment_participant_exclusion_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.round}"

    def review_parent(self):
        return self.round

    def review_refused(self, action: str) -> Refused:
        return Forbidden(gettext("Đơn vị đã gửi bản tự đánh giá."))

    @property
    def tag_set(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.tags.split(",") if t.strip())

    @property
    def current_total(self) -> float:
        for v in (self.final_total, self.appraised_total):
            if v is not None:
                return v
        return self.self_total

    @property
    def self_assessed(self) -> bool:
        """The unit scored at least one indicator itself (a unit that did not has nothing to answer)."""
        return self.n_filled > 0

    @property
    def has_data(self) -> bool:
        """Some score was entered — by the unit, the appraisal or the council. A unit without any
        has no total, 0–1 result, band or rank yet ("chưa có số liệu"), not "0 points, last"."""
        return self.n_filled > 0 or self.appraised_total is not None or self.final_total is not None

    @property
    def gap(self) -> float | None:
        return None if self.appraised_total is None else self.self_total - self.appraised_total


class Entry(models.Model):
    """One indicator of one unit: the answer, and the self, appraised and final scores."""

    participant = models.ForeignKey(Participant, models.CASCADE, related_name="entries")
    code = models.CharField(_("mã chỉ số"), max_length=80)
    raw = models.JSONField(_("giá trị nhập"), null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    note = models.TextField(_("giải thích của đơn vị"), blank=True)
    self_points = models.FloatField(_("điểm tự đánh giá"), null=True, blank=True)
    appraised_points = models.FloatField(_("điểm thẩm định"), null=True, blank=True)
    appraisal_reason = models.TextField(_("lý do thay đổi"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("giải trình của đơn vị"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    final_points = models.FloatField(_("điểm cuối cùng"), null=True, blank=True)
    final_reason = models.TextField(_("lý do của hội đồng"), blank=True)
    final_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    final_at = models.DateTimeField(null=True, blank=True)
    files = review.evidence_relation("entry")
    revision = models.PositiveSmallIntegerField(default=0)  # number of audited revisions after the decision
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every save that changes the unit's answer or note: the sheet carries the version it
    # was rendered with, and a save from an older copy is refused (``services.save_self``).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["participant", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "code"], name="assessment_entry_one_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.participant}"

    @property
    def changed(self) -> bool:
        """The appraisal changed the unit's own score: what the unit may answer (once)."""
        return score_changed(self.self_points, self.appraised_points)


def score_changed(self_points: float | None, appraised_points: float | None) -> bool:
    """Whether an indicator's appraised score differs from the unit's self-score (at 2 decimals):
    the one definition of "changed by the appraisal" — what the unit may answer, what the answer
    window waits for, what the board counts. An indicator the unit never scored (no self-score: a
    unit that did not self-assess) has nothing to answer, whatever it was appraised at."""
    return (
        appraised_points is not None
        and self_points is not None
        and round(appraised_points, 2) != round(self_points, 2)
    )


class EvidenceFile(review.Evidence):
    """The evidence files of entries: the one evidence table (``chiso.review.models.Evidence``) seen
    from assessment — its manager keeps to entries, ``entry`` names the owner."""

    OWNER_MODEL = "assessment.entry"
    entry = review.owner_alias()
    objects = review.OwnedEvidenceManager()

    class Meta:
        proxy = True


class DocumentRef(models.Model):
    """A document cited as evidence: number, date, summary."""

    entry = models.ForeignKey(Entry, models.CASCADE, related_name="docs")
    number = models.CharField(_("số, ký hiệu"), max_length=80)
    date = models.DateField(_("ngày ban hành"))
    summary = models.CharField(_("trích yếu"), max_length=500)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class CouncilMember(models.Model):
    """A named member of the appraisal council of a round, and what he or she appraises
    (no agencies / no codes = every unit / every indicator)."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="council")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="council_seats")
    position = models.CharField(_("chức danh trong hội đồng"), max_length=120, default="Thành viên")
    is_chair = models.BooleanField(_("chủ tịch hội đồng (quyết định điểm cuối cùng)"), default=False)
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name=_("đơn vị thẩm định")
    )
    codes = models.JSONField(_("chỉ số thẩm định"), default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="assessment_council_one_seat")]
        verbose_name = _("thành viên hội đồng")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} · {self.position}"


class Revision(models.Model):
    """A change to a final score after the decision: who, when, old -> new, why. The entry holds the
    new score; this row keeps the old one."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="revisions")
    entry = models.ForeignKey(Entry, models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()  # 1, 2, ... per round
    old_points = models.FloatField()
    new_points = models.FloatField()
    old_total = models.FloatField()
    new_total = models.FloatField()
    old_rank = models.FloatField(null=True, blank=True)
    reason = models.TextField(_("lý do sửa đổi"))
    document = models.CharField(_("văn bản sửa đổi"), max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField(max_length=150)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "number", "id"]

    def __str__(self) -> str:
        return f"#{self.number} {self.entry.code}: {self.old_points} → {self.new_points}"

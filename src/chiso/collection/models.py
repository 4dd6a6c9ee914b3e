"""Collection rounds, one submission per agency and round, its values and their evidence files."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.lib.periods import period_label
from chiso.orgs.access import get_scope
from chiso.orgs.models import Agency
from chiso.review import models as review
from chiso.review.models import Reviewed


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.reads_all:
            return self
        if not scope.agency_ids:
            return self.none()
        return self.filter(submissions__agency_id__in=scope.agency_ids).distinct()


class Round(models.Model):
    """A collection round: a framework edition + a period + open, due and lock dates."""

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    title = models.CharField(_("tên đợt"), max_length=200)
    opens_on = models.DateField(_("ngày mở"))
    due_on = models.DateField(_("hạn gửi"))
    locks_on = models.DateField(_("ngày khóa"))
    is_demo = models.BooleanField(_("dữ liệu minh họa"), default=False)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_id", "year", "quarter"], name="collection_round_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="collection_round_quarter_1_4",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on")) & Q(due_on__lte=F("locks_on")),
                name="collection_round_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return period_label(self.year, self.quarter)

    def is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.locks_on


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Department and leadership read every agency's submission; an agency only its own."""
        scope = get_scope(user)
        if scope.reads_all:
            return self
        return self.filter(agency_id__in=scope.agency_ids)


class Submission(Reviewed):
    """One agency's form in one round; its review (draft → submitted → approved / returned) is
    ``chiso.review``'s."""

    REVIEW_AUDIT = "submission"
    REVIEW_NOT_EDITABLE = _("Biểu mẫu đang ở trạng thái “{status}”, không sửa được.")
    REVIEW_NOT_SUBMITTED = _("Chỉ phê duyệt hoặc trả lại được biểu mẫu đã gửi (hiện: “{status}”).")

    round = models.ForeignKey(Round, models.CASCADE, related_name="submissions")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="submissions")
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="collection_submission_one_per_agency_round")
        ]
        # completeness board: submissions of a round by status
        indexes = [models.Index(fields=["round", "status"], name="collection_sub_round_status")]

    def __str__(self) -> str:
        return f"{self.agency} · {self.round}"


    def is_visible_to(self, user) -> bool:
        """``SubmissionQuerySet.visible_to`` for one submission already read."""
        scope = get_scope(user)
        return scope.reads_all or self.agency_id in scope.agency_ids


def submission_with_round_and_agency(pk: int) -> Submission | None:
    """``Submission.objects.select_related("round", "agency").filter(pk=pk).first()`` as one plain
    SQL statement, built once per process: every page of a form starts with it, and building the
    ORM query costs several times running it. Values go through the same converters as the ORM's
    (aware datetimes, booleans on SQLite). Visibility is the caller's (``is_visible_to``)."""
    global _SUBMISSION_SQL
    if _SUBMISSION_SQL is None:
        q = connection.ops.quote_name
        s, r, a = (q(m._meta.db_table) for m in _JOINED)
        columns, plan = [], []
        for model in _JOINED:
            fields = model._meta.concrete_fields
            for f in fields:
                columns.append(f"{q(model._meta.db_table)}.{q(f.column)}")
            convert = []
            for i, f in enumerate(fields):
                col = f.get_col(model._meta.db_table)
                funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if funcs:
                    convert.append((i, col, funcs))
            plan.append((model, [f.attname for f in fields], convert))
        rc, ac = (q(Submission._meta.get_field(n).column) for n in ("round", "agency"))
        r_pk, a_pk, s_pk = (q(m._meta.pk.column) for m in (Round, Agency, Submission))
        sql = (f"SELECT {', '.join(columns)} FROM {s} JOIN {r} ON {r}.{r_pk} = {s}.{rc} "
               f"JOIN {a} ON {a}.{a_pk} = {s}.{ac} WHERE {s}.{s_pk} = %s")
        _SUBMISSION_SQL = (sql, plan)
    sql, plan = _SUBMISSION_SQL
    with connection.cursor() as c:
        c.execute(sql, [pk])
        row = c.fetchone()
    if row is None:
        return None
    objs, start = [], 0
    for model, attnames, convert in plan:
        values = list(row[start:start + len(attnames)])
        start += len(attnames)
        for i, col, funcs in convert:
            for func in funcs:
                values[i] = func(values[i], col, connection)
        objs.append(model.from_db(connection.alias, attnames, values))
    sub, rnd, agency = objs
    Submission._meta.get_field("round").set_cached_value(sub, rnd)
    Submission._meta.get_field("agency").set_cached_value(sub, agency)
    return sub


_SUBMISSION_SQL: tuple[str, list] | None = None
_JOINED = (Submission, Round, Agency)


class ValueQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.reads_all:
            return self
        return self.filter(submission__agency_id__in=scope.agency_ids)


class Value(models.Model):
    """One indicator's value in one submission (a number, or a level for partial-credit rules)."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="values")
    code = models.CharField(_("mã chỉ số"), max_length=80)
    number = models.FloatField(_("giá trị"), null=True, blank=True)
    choice = models.CharField(_("mức"), max_length=80, blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)
    return_note = models.TextField(_("ý kiến khi trả lại"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    evidence = review.evidence_relation("value")

    objects = ValueQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "code"], name="collection_value_one_per_submission_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.submission}"

    @property
    def is_empty(self) -> bool:
        return self.number is None and not self.choice

    def snapshot(self) -> dict:
        return {"number": self.number, "choice": self.choice, "comment": self.comment}


class Evidence(review.Evidence):
    """The evidence files of form values: the one evidence table (``chiso.review.models.Evidence``)
    seen from collection — its manager keeps to values, ``value`` names the owner."""

    OWNER_MODEL = "collection.value"
    value = review.owner_alias()
    objects = review.OwnedEvidenceManager()

    class Meta:
        proxy = True


class ValidationRule(models.Model):
    """A cross-indicator rule, e.g. "a count cannot exceed its total" (left ≤ right)."""

    class Op(models.TextChoices):
        LTE = "lte", "≤"
        GTE = "gte", "≥"
        LT = "lt", "<"

    class Importance(models.TextChoices):
        CRITICAL = "critical", _("Nghiêm trọng (không gửi được)")
        WARNING = "warning", _("Cảnh báo")

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    left_code = models.CharField(_("chỉ số vế trái"), max_length=80)
    op = models.CharField(_("phép so sánh"), max_length=4, choices=Op.choices)
    right_code = models.CharField(_("chỉ số vế phải"), max_length=80, blank=True)
    right_constant = models.FloatField(_("hằng số vế phải"), null=True, blank=True)
    importance = models.CharField(_("mức độ"), max_length=10, choices=Importance.choices)
    message = models.CharField(_("thông báo"), max_length=300)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(right_code="") | Q(right_constant__isnull=False),
                name="collection_rule_has_right_side",
            )
        ]
        indexes = [models.Index(fields=["framework_id"], name="collection_rule_fw")]

    def __str__(self) -> str:
        return self.message

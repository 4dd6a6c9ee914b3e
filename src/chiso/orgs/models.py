"""Units, agencies, memberships (roles with an agency scope), the responsibility matrix,
login lockout counters, audit rows and in-app notices."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ValidQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        """Valid on ``day``: ``valid_from <= day < valid_to`` (``valid_to`` is the first day no
        longer valid, as in chiso.reference)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )


class Unit(models.Model):
    """An administrative unit (province, district/city, commune) with its validity dates."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố trực thuộc TW")
        DISTRICT = "district", _("Huyện/thị xã/thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã/phường/thị trấn")

    ref_id = models.CharField(_("mã tham chiếu"), max_length=40, unique=True)
    code = models.CharField(_("mã hành chính"), max_length=16)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("cấp"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    successor = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="predecessors")

    objects = ValidQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code", "ref_id"]
        verbose_name = _("đơn vị hành chính")

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(ValidQuerySet):
    def visible_to(self, user):
        """Agencies are public reference data: every signed-in user sees all of them."""
        if not user.is_authenticated:
            return self.none()
        return self


class Agency(models.Model):
    """A body that supplies data or reads it: a sở/ban/ngành, a UBND huyện/thành phố, the press."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        DISTRICT = "district", _("UBND huyện/thành phố")
        PRESS = "press", _("Cơ quan báo chí")
        PROVINCE = "province", _("UBND tỉnh")
        COMMUNE = "commune", _("UBND xã/phường/thị trấn")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="agencies", verbose_name=_("địa bàn"))
    is_standing_body = models.BooleanField(_("cơ quan thường trực"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    successor = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="predecessors")
    email = models.EmailField(blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("cơ quan")

    def __str__(self) -> str:
        """The one name of an agency on every page, form choice, export and demonstration user: its
        full ``name`` ("Sở Nội vụ tỉnh Hà Nam"). ``short_name`` is never printed as the agency's name;
        it only makes file names short (docs/web.md "One agency, one name")."""
        return self.name


#: What a demonstration user's name ends with (docs/web.md "Demonstration data").
DEMO_MARK = "(minh họa)"


def demo_person_name(label: str, agency: Agency | None = None) -> tuple[str, str]:
    """(first name, last name) of a demonstration user: the role ``label`` then the agency's one name
    (``str(agency)``) and the demonstration mark, so a user list names the agency as every page does.

    >>> demo_person_name("Chủ tịch Hội đồng thẩm định")
    ('Chủ tịch Hội đồng thẩm định', '(minh họa)')
    """
    return label, f"{agency} {DEMO_MARK}" if agency is not None else DEMO_MARK


def demo_user(username: str, password: str, label: str, agency: Agency | None = None, role: str | None = None):
    """The demonstration user ``username`` (created with ``password`` if missing), named by
    :func:`demo_person_name`, with an e-mail that goes nowhere and, when given, the ``role`` at
    ``agency``.  Idempotent: a second call adds nothing."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(password)
    user.first_name, user.last_name = demo_person_name(label, agency)
    user.email = f"{username}@demo.invalid"
    user.save()
    if agency is not None and role:
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


class Membership(models.Model):
    """A user's role, scoped to one agency."""

    class Role(models.TextChoices):
        DEPT_ADMIN = "dept_admin", _("Quản trị hệ thống (cơ quan thường trực)")
        DEPT_OFFICER = "dept_officer", _("Cán bộ thẩm định (cơ quan thường trực)")
        AGENCY_OFFICER = "agency_officer", _("Cán bộ nhập liệu")
        AGENCY_HEAD = "agency_head", _("Lãnh đạo cơ quan (ký gửi)")
        LEADERSHIP = "leadership", _("Lãnh đạo UBND tỉnh (chỉ xem)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="orgs_membership_unique")]
        verbose_name = _("phân quyền")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class ResponsibilityQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Who leads what is public within the platform (QĐ 936 §4 is a published decision).
        return self if user.is_authenticated else self.none()


class Responsibility(models.Model):
    """Responsibility matrix: framework node -> lead ("chủ trì") and supporting ("phối hợp") agencies."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Chủ trì")
        SUPPORT = "support", _("Phối hợp")

    framework_id = models.CharField(_("bộ chỉ số"), max_length=80)
    code = models.CharField(_("mã chỉ số"), max_length=80)
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="responsibilities")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework_id", "code", "agency"], name="orgs_responsibility_one_per_agency_node"
            )
        ]
        # "which indicators does this agency lead" (forms are built from it)
        indexes = [models.Index(fields=["framework_id", "agency", "role"], name="orgs_resp_fw_agency_role")]


class LoginAttempt(models.Model):
    """Failed sign-in counter per user name *and* client address (chiso.orgs.lockout): too many
    failures lock that name from that address for a while, so nobody can lock a colleague out from
    another machine."""

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=45, blank=True, default="")
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "address"], name="loginattempt_name_address")]

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class AuditEntry(models.Model):
    """One audited change: who, when, what (before -> after) and why. Written explicitly by the
    code that makes the change, inside the same transaction."""

    time = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    user_name = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=80)
    parent_type = models.CharField(max_length=60, blank=True)
    parent_id = models.CharField(max_length=80, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        # history of one object (value history page)
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="orgs_audit_target"),
            models.Index(fields=["parent_type", "parent_id"], name="orgs_audit_parent"),
        ]


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class Notice(models.Model):
    """An in-app notice (reminders, returned forms...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # unread count in the header
        indexes = [models.Index(fields=["user", "read_at"], name="orgs_notice_user_unread")]


class NoticeKind(models.TextChoices):
    """What a notice is about: each person chooses, per kind, in the app only or also by e-mail."""

    DEADLINE = "deadline", _("Nhắc hạn, việc quá hạn")
    RETURNED = "returned", _("Biểu mẫu, báo cáo bị trả lại")
    REQUEST = "request", _("Việc chờ mình xử lý")
    RESULT = "result", _("Kết quả, phê duyệt, công bố")


class NoticePreference(models.Model):
    """A person's choice of which notices also come by e-mail, and the language of the notices.

    No row means the defaults below: e-mail for deadlines, returns and results, not for requests
    (docs/web.md, "Notices and e-mail"); the notice in the app is always written."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notice_preference")
    language = models.CharField(_("Ngôn ngữ của thông báo"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    email_deadline = models.BooleanField(NoticeKind.DEADLINE.label, default=True)
    email_returned = models.BooleanField(NoticeKind.RETURNED.label, default=True)
    email_request = models.BooleanField(NoticeKind.REQUEST.label, default=False)
    email_result = models.BooleanField(NoticeKind.RESULT.label, default=True)

    class Meta:
        verbose_name = _("Cài đặt thông báo")
        verbose_name_plural = _("Cài đặt thông báo")

    def by_email(self, kind: str) -> bool:
        return bool(getattr(self, f"email_{NoticeKind(kind).value}"))

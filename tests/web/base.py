"""The cast of the web tests, built in code (no fixtures): a department admin and officer,
agency A's officer (editor) and head, agency B's officer ("must never see A's data"), and a
leadership reader; a small framework, its responsibility matrix and an open round."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.utils import timezone

from chiso.collection import services
from chiso.collection.models import Round, Submission, ValidationRule
from chiso.engine import Framework
from chiso.lib import frameworks
from chiso.orgs import audit, notify
from chiso.orgs.models import Agency, Membership, Responsibility, Unit

PASSWORD = "password-for-tests"

TEST_FW = Framework.from_dict({
    "id": "test-fw",
    "name": {"vi": "Bộ chỉ số thử nghiệm", "en": "Test framework"},
    "edition": 2024,
    "status": "provisional",
    "root": {
        "code": "total", "name": {"vi": "Tổng"}, "method": "weighted_mean",
        "children": [
            {"code": "staff", "name": {"vi": "Nhân lực"}, "method": "weighted_mean", "children": [
                {"code": "total_staff", "name": {"vi": "Tổng số cán bộ", "en": "All staff"}, "unit": "người",
                 "range": [0, None], "scoring": "ratio_to_max", "definition": {"vi": "Số cán bộ trong biên chế"},
                 "source": "Báo cáo của Sở Nội vụ"},
                {"code": "it_staff", "name": {"vi": "Cán bộ chuyên trách CNTT"}, "unit": "người",
                 "range": [0, None], "scoring": "ratio_to_max"},
                {"code": "has_portal", "name": {"vi": "Có cổng thông tin"}, "scoring": "yes_no", "range": [0, 1]},
            ]},
            {"code": "online", "name": {"vi": "Trực tuyến"}, "method": "weighted_mean", "children": [
                {"code": "pct_online", "name": {"vi": "Tỷ lệ hồ sơ trực tuyến"}, "unit": "%",
                 "range": [0, 100], "scoring": "ratio_to_max"},
                {"code": "level", "name": {"vi": "Mức độ"}, "range": [0, 1],
                 "scoring": {"rule": "partial", "levels": {"thấp": 0.3, "cao": 1.0}}},
            ]},
        ],
    },
})


class BaseTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="chiso-test-")
        cls._override = override_settings(PRIVATE_MEDIA_ROOT=Path(cls._media))
        cls._override.enable()
        frameworks.register(TEST_FW)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.province = Unit.objects.create(ref_id="P99", code="99", name="Tỉnh Thử", kind="province")
        cls.dept = Agency.objects.create(code="DEPT", name="Sở Thông tin và Truyền thông", kind="department",
                                         unit=cls.province, is_standing_body=True)
        cls.a = Agency.objects.create(code="A", name="Sở Nội vụ", kind="department", unit=cls.province)
        cls.b = Agency.objects.create(code="B", name="Sở Tư pháp", kind="department", unit=cls.province)
        cls.ubnd = Agency.objects.create(code="UBND", name="UBND tỉnh", kind="province", unit=cls.province)

        def user(name, agency, role):
            u = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
            Membership.objects.create(user=u, agency=agency, role=role)
            return u

        cls.admin = user("admin", cls.dept, "dept_admin")
        cls.officer = user("officer", cls.dept, "dept_officer")
        cls.alice = user("alice", cls.a, "agency_officer")
        cls.anna = user("anna", cls.a, "agency_head")
        cls.bob = user("bob", cls.b, "agency_officer")
        cls.bella = user("bella", cls.b, "agency_head")
        cls.leader = user("leader", cls.ubnd, "leadership")
        cls.nobody = User.objects.create_user("nobody", "nobody@example.org", PASSWORD)

        Responsibility.objects.create(framework_id="test-fw", code="staff", agency=cls.a, role="lead")
        Responsibility.objects.create(framework_id="test-fw", code="online", agency=cls.b, role="lead")
        Responsibility.objects.create(framework_id="test-fw", code="online", agency=cls.dept, role="support")
        ValidationRule.objects.create(framework_id="test-fw", left_code="it_staff", op="lte",
                                      right_code="total_staff", importance="critical",
                                      message="Số cán bộ CNTT không thể lớn hơn tổng số cán bộ.")
        today = timezone.localdate()
        cls.round = services.create_round(
            audit.Actor(), framework_id="test-fw", year=2024, quarter=None, title="Đợt 2024",
            opens_on=today - dt.timedelta(days=10), due_on=today + dt.timedelta(days=10),
            locks_on=today + dt.timedelta(days=20),
        )
        cls.sub_a = Submission.objects.get(round=cls.round, agency=cls.a)
        cls.sub_b = Submission.objects.get(round=cls.round, agency=cls.b)

    def login(self, user):
        self.client.force_login(user)

    def fill_a(self, total="10", it="2", portal="1"):
        services.save_values(self.sub_a.pk, [
            services.Change("total_staff", total), services.Change("it_staff", it),
            services.Change("has_portal", portal),
        ], audit.Actor(user=self.alice))

    def set_status(self, sub, status):
        Submission.objects.filter(pk=sub.pk).update(status=status)
        sub.refresh_from_db()

    @contextmanager
    def mailing(self):
        """Run the block as a request that commits, then the e-mail tasks it queued as the worker would."""
        with self.captureOnCommitCallbacks(execute=True):
            yield
        deliver_mail()


def deliver_mail() -> int:
    """Send the queued notice e-mails (``chiso.orgs.notify.send``) as the worker would: each task is
    run, and taken off the queue when it succeeded; the number sent."""
    from django_q.models import OrmQ

    sent = 0
    for queued in OrmQ.objects.order_by("id"):
        task = queued.task
        if task["func"] == notify.SEND:
            notify.send(*task["args"], **task["kwargs"])
            queued.delete()
            sent += 1
    return sent


__all__ = ["BaseTestCase", "PASSWORD", "Round", "TEST_FW", "deliver_mail"]

"""The cast of the internal-ranking tests, built in code: a small internal framework (every value
kind, a tag-only indicator, evidence required), a department (admin, officer), three districts
(A: officer and head; B: head; C: nobody), the provincial leadership, an appraisal council (a chair
for every unit, a member for unit B's "hr" indicators only) and a round of the districts tier.

This module holds no tests of its own; the test_assessment_*.py modules import it."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.utils import timezone, translation

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import Entry, InternalFramework, Participant, Round
from chiso.orgs import audit
from chiso.orgs.models import Agency, Membership, Unit

PASSWORD = "password-for-tests"

FW_YAML = """\
id: test-noibo
kind: internal
status: template
edition: 2024
name: {vi: Bộ chỉ số nội bộ thử nghiệm, en: Test internal index}
tiers:
  - {code: so, name: {vi: Sở}, unit_kind: department}
  - {code: huyen, name: {vi: Huyện}, unit_kind: district}
  - {code: xa, name: {vi: Xã}, unit_kind: commune}
bands:
  - {code: tot, name: {vi: Tốt, en: Good}, min: 0.8, light: green}
  - {code: kha, name: {vi: Khá, en: Fair}, min: 0.5, light: amber}
  - {code: yeu, name: {vi: Yếu, en: Weak}, min: 0.0, light: red}
root:
  code: cds
  name: {vi: Tổng}
  method: points_sum
  children:
    - code: awareness
      name: {vi: Nhận thức số}
      method: points_sum
      children:
        - code: meetings
          name: {vi: Số cuộc họp Ban chỉ đạo}
          max_points: 20
          value: {kind: count, unit: cuộc họp}
          scoring: {rule: threshold, steps: [[4, 20], [3, 15], [2, 10], [1, 5]], points: 20}
          evidence: {vi: Thông báo kết luận}
          evidence_required: true
        - code: chaired
          name: {vi: Cuộc họp do người đứng đầu chủ trì}
          max_points: 10
          value: {kind: ratio, inputs: {a: {vi: Số cuộc họp người đứng đầu chủ trì}, b: {vi: Tổng số cuộc họp}}}
          scoring: {rule: ratio_capped, target: 1.0}
        - code: portal
          name: {vi: Có chuyên mục chuyển đổi số}
          max_points: 10
          value: {kind: yes_no}
          scoring: yes_no
    - code: hr
      name: {vi: Nhân lực số}
      method: points_sum
      children:
        - code: plan
          name: {vi: Kế hoạch chuyển đổi số}
          max_points: 10
          value: {kind: level, levels: {0: {vi: Chưa có}, 1: {vi: Ban hành muộn}, 2: {vi: Ban hành đúng hạn}}}
          scoring: {rule: partial, levels: {0: 0, 1: 0.5, 2: 1}}
        - code: online
          name: {vi: Tỷ lệ hồ sơ trực tuyến}
          max_points: 20
          value: {kind: percent}
          scoring: {rule: ratio_capped, target: 100}
        - code: econ
          name: {vi: Chỉ số kinh tế số}
          max_points: 30
          only_for: [kinh_te_so]
          value: {kind: percent}
          scoring: {rule: ratio_capped, target: 100}
"""

# a complete, valid self-assessment (as typed in the form)
GOOD = {"meetings": "3", "chaired": {"a": "2", "b": "4"}, "portal": "1", "plan": "1", "online": "50"}
# its self-scores: 15 (3 meetings) — but no evidence ⇒ 0 until a document is added; 5; 10; 5; 10


class AssessmentCase(TestCase):
    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="chiso-assess-")
        cls._override = override_settings(PRIVATE_MEDIA_ROOT=Path(cls._media))
        cls._override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        prov = Unit.objects.create(ref_id="P99", code="99", name="Tỉnh Thử", kind="province")
        cls.dept = Agency.objects.create(
            code="DEPT",
            name="Sở Thông tin và Truyền thông",
            kind="department",
            unit=prov,
            is_standing_body=True,
        )
        cls.ubnd = Agency.objects.create(code="UBND", name="UBND tỉnh", kind="province", unit=prov)
        cls.a = Agency.objects.create(code="A", name="UBND huyện An", kind="district", unit=prov)
        cls.b = Agency.objects.create(code="B", name="UBND huyện Bình", kind="district", unit=prov)
        cls.c = Agency.objects.create(code="C", name="UBND huyện Châu", kind="district", unit=prov)

        def user(name, agency=None, role=None):
            u = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
            if agency is not None:
                Membership.objects.create(user=u, agency=agency, role=role)
            return u

        cls.admin = user("admin", cls.dept, "dept_admin")
        cls.officer = user("officer", cls.dept, "dept_officer")
        cls.alice = user("alice", cls.a, "agency_officer")
        cls.anna = user("anna", cls.a, "agency_head")
        cls.bella = user("bella", cls.b, "agency_head")
        cls.leader = user("leader", cls.ubnd, "leadership")
        cls.chair = user("chair")
        cls.member = user("member")
        cls.nobody = user("nobody")
        cls.fw = InternalFramework.objects.create(
            code="test-noibo", edition=2024, name="Bộ chỉ số thử nghiệm", yaml_text=FW_YAML
        )
        cls.round = cls.open_round(2024)
        cls.pa = Participant.objects.get(round=cls.round, agency=cls.a)
        cls.pb = Participant.objects.get(round=cls.round, agency=cls.b)
        cls.pc = Participant.objects.get(round=cls.round, agency=cls.c)
        actor = audit.Actor(user=cls.admin)
        services.set_council(
            cls.round, actor, user=cls.chair, position="Chủ tịch", is_chair=True, agencies=[], codes=[]
        )
        services.set_council(
            cls.round,
            actor,
            user=cls.member,
            position="Thành viên",
            is_chair=False,
            agencies=[cls.b],
            codes=["plan", "online"],
        )

    @classmethod
    def open_round(cls, year: int) -> Round:
        """A round of the districts opened 10 days ago: self-assessment due in 5 days, appraisal in
        20, 5 days to answer."""
        today = timezone.localdate()
        return services.create_round(
            audit.Actor(user=cls.admin),
            framework=cls.fw,
            year=year,
            tier="huyen",
            title=f"Đợt thử {year}",
            opens_on=today - dt.timedelta(days=10),
            self_due_on=today + dt.timedelta(days=5),
            appraisal_due_on=today + dt.timedelta(days=20),
            answer_days=5,
        )

    def setUp(self):
        super().setUp()
        translation.activate("vi")  # a request in English leaves English active in the thread
        self.addCleanup(translation.activate, "vi")

    # --- helpers ----------------------------------------------------------------------------------------
    def login(self, user):
        self.client.force_login(user)

    def actor(self, user):
        return audit.Actor(user=user)

    def fresh(self, user):
        """The user with no cached access (memberships and seats are read again)."""
        return User.objects.get(pk=user.pk)

    def fill(self, p: Participant, user, answers=None, *, submit=True, evidence=True):
        answers = dict(GOOD if answers is None else answers)
        if evidence:
            e = Entry.objects.get(participant=p, code="meetings")
            if not e.docs.exists():
                services.add_document(
                    e.pk,
                    self.actor(user),
                    number="12/TB-UBND",
                    date="15/03/2024",
                    summary="Thông báo kết luận cuộc họp",
                )
        services.save_self(p.pk, {c: (v, "") for c, v in answers.items()}, self.actor(user))
        if submit:
            head = self.anna if p.pk == self.pa.pk else self.bella
            services.submit(p.pk, self.actor(head if p.pk != self.pc.pk else self.admin))

    def step(self, action, user=None, **kw):
        user = self.fresh(user or self.admin)
        return services.transition(self.round.pk, action, self.actor(user), get_access(user), **kw)

    def to_council(self):
        """Every unit filled and submitted; A's "meetings" appraised 15 → 10 with a reason; sent;
        A answers; window closed."""
        self.fill(self.pa, self.alice)
        self.fill(self.pb, self.bella)
        self.fill(self.pc, self.admin)
        self.step("close_self")
        services.appraise(
            self.pa.pk,
            {"meetings": ("10", "Chỉ 2 cuộc họp có thông báo kết luận.")},
            self.actor(self.officer),
            get_access(self.fresh(self.officer)),
        )
        self.step("send_appraisal")
        services.answer(
            self.pa.pk, {"meetings": "Đã bổ sung thông báo kết luận cuộc họp thứ ba."}, self.actor(self.anna)
        )
        Round.objects.filter(pk=self.round.pk).update(
            answer_due_on=timezone.localdate() - dt.timedelta(days=1)
        )
        self.step("close_answers")

    def to_published(self):
        self.to_council()
        services.decide_final(
            self.pa.pk,
            {"meetings": ("15", "Hội đồng chấp nhận giải trình.")},
            self.actor(self.chair),
            get_access(self.fresh(self.chair)),
        )
        self.step("to_approval", self.chair)
        self.step("approve", self.leader)
        services.set_decision(
            self.round.pk,
            self.actor(self.admin),
            number="86/QĐ-UBND",
            date=dt.date(2025, 3, 20),
            signer_name="Nguyễn Văn A",
            signer_title="PHÓ CHỦ TỊCH",
        )
        self.step("publish")


__all__ = ["AssessmentCase", "FW_YAML", "GOOD", "PASSWORD"]

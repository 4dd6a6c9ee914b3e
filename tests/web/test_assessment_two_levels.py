"""Internal ranking on two levels after 01/07/2025 (issue 11, item 5): a commune round lists the
province's communes in force on the round's date (under the province itself, no district); the
district tier ends with the districts; a unit can be taken out of a round with a reason, audited."""

from __future__ import annotations

import datetime as dt

from chiso.assessment import services
from chiso.assessment.models import Participant, Round
from chiso.orgs import audit
from chiso.orgs.models import Agency, AuditEntry, Unit

from .test_assessment_base import AssessmentCase

REFORM = dt.date(2025, 7, 1)


class TwoLevelRoundTests(AssessmentCase):
    def open(self, tier, year, opens_on):
        return services.create_round(
            audit.Actor(user=self.admin), framework=self.fw, year=year, tier=tier, title=f"{tier} {year}",
            opens_on=opens_on, self_due_on=opens_on + dt.timedelta(days=20),
            appraisal_due_on=opens_on + dt.timedelta(days=40),
        )

    def test_a_commune_round_lists_the_communes_in_force_on_its_date(self):
        prov = Unit.objects.get(ref_id="P99")
        district = Unit.objects.create(ref_id="D990", code="990", name="Huyện Cũ", kind="district", parent=prov,
                                       valid_to=REFORM)
        for i in range(3):  # before the reform: under the district, ended with it
            Unit.objects.create(ref_id=f"C90{i}", code=f"90{i}", name=f"Xã Cũ {i}", kind="commune",
                                parent=district, valid_to=REFORM)
        for i in range(2):  # after: directly under the province
            Unit.objects.create(ref_id=f"C91{i}@2025-07-01", code=f"91{i}", name=f"Phường Mới {i}",
                                kind="commune", parent=prov, valid_from=REFORM)
        rnd = self.open("xa", 2025, dt.date(2026, 1, 12))
        self.assertEqual(sorted(rnd.participants.values_list("agency__name", flat=True)),
                         ["Ủy ban nhân dân Phường Mới 0", "Ủy ban nhân dân Phường Mới 1"])
        earlier = self.open("xa", 2024, dt.date(2025, 1, 12))
        self.assertEqual(earlier.participants.count(), 3)  # the old communes, in force then

    def test_the_district_tier_ends_with_the_districts(self):
        Agency.objects.filter(kind="district").update(valid_to=REFORM)
        with self.assertRaises(services.Refused) as cm:
            self.open("huyen", 2025, dt.date(2026, 1, 12))
        self.assertEqual(cm.exception.message,
                         "Không có đơn vị nào thuộc khối này còn hiệu lực ngày 12/01/2026 (ngày mở đợt).")
        self.assertFalse(Round.objects.filter(year=2025, tier="huyen").exists())
        self.assertEqual(self.open("huyen", 2023, dt.date(2025, 1, 12)).participants.count(), 3)


class RemoveUnitTests(AssessmentCase):
    def url(self, p):
        return f"/xep-hang-noi-bo/phieu/{p.pk}/rut-khoi-dot/"

    def test_it_takes_a_unit_out_with_a_reason_and_audits_it(self):
        self.login(self.admin)
        r = self.client.post(self.url(self.pc), {"removal_reason": "Huyện Châu đã sáp nhập vào huyện An"})
        self.assertRedirects(r, f"/xep-hang-noi-bo/dot/{self.round.pk}/", fetch_redirect_response=False)
        self.assertFalse(Participant.objects.filter(pk=self.pc.pk).exists())
        row = AuditEntry.objects.get(action="assessment_unit.remove")
        self.assertEqual(row.reason, "Huyện Châu đã sáp nhập vào huyện An")
        self.assertEqual(row.before["agency"], "UBND huyện Châu")
        self.assertEqual(row.parent_id, str(self.round.pk))

    def test_it_requires_a_reason(self):
        self.login(self.admin)
        r = self.client.post(self.url(self.pc), {"removal_reason": "  "}, follow=True)
        self.assertContains(r, "Phải nêu lý do rút đơn vị khỏi đợt.")
        self.assertTrue(Participant.objects.filter(pk=self.pc.pk).exists())

    def test_it_never_deletes_what_a_unit_sent(self):
        Participant.objects.filter(pk=self.pa.pk).update(status=Participant.Status.SUBMITTED)
        self.login(self.admin)
        r = self.client.post(self.url(self.pa), {"removal_reason": "nhầm"}, follow=True)
        self.assertContains(r, "đã gửi phiếu hoặc đã đính kèm minh chứng")
        self.assertTrue(Participant.objects.filter(pk=self.pa.pk).exists())
        self.assertFalse(AuditEntry.objects.filter(action="assessment_unit.remove").exists())

    def test_only_the_department_may(self):
        for who in (self.alice, self.anna, self.leader):
            self.login(who)
            r = self.client.post(self.url(self.pc), {"removal_reason": "x"})
            self.assertIn(r.status_code, (403, 404), who.username)
        self.assertTrue(Participant.objects.filter(pk=self.pc.pk).exists())

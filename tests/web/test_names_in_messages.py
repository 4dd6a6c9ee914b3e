"""What a refusal or a history line prints about indicators and people: names, never internal codes,
and an agency once."""

from __future__ import annotations

from chiso.assessment import services as services_assessment
from chiso.collection import services
from chiso.lib.refusal import Refused
from chiso.orgs import audit
from chiso.orgs.people import person_label

from .base import BaseTestCase
from .test_assessment_base import AssessmentCase


class PrintedNamesTests(BaseTestCase):
    def test_sending_an_incomplete_form_names_the_empty_indicators(self):
        # agency A leads "staff": total_staff, it_staff, has_portal (tests/web/base.py); none entered
        with self.assertRaises(Refused) as caught:
            services.submit(self.sub_a.pk, audit.Actor(self.anna))
        message = str(caught.exception)
        self.assertIn("Còn 3 chỉ số chưa nhập", message)
        for name in ("“Tổng số cán bộ”", "“Cán bộ chuyên trách CNTT”", "“Có cổng thông tin”"):
            self.assertIn(name, message)
        for code in ("total_staff", "it_staff", "has_portal"):
            self.assertNotIn(code, message)

    def test_saving_without_htmx_names_the_indicator(self):
        self.login(self.alice)
        r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/", {"value": "12"}, follow=True)
        self.assertContains(r, "Đã lưu “Tổng số cán bộ”.")
        self.assertNotContains(r, "Đã lưu total_staff")

    def test_a_person_is_named_with_the_agency_once(self):
        self.alice.first_name, self.alice.last_name = "Cán bộ nhập liệu", "Sở Nội vụ (minh họa)"
        self.alice.save()
        self.assertEqual(person_label(self.alice), "Cán bộ nhập liệu Sở Nội vụ (minh họa)")
        self.bob.first_name, self.bob.last_name = "Trần Văn", "Bình"
        self.bob.save()
        self.assertEqual(person_label(self.bob), "Trần Văn Bình (Sở Tư pháp)")


class SelfAssessmentNamesTests(AssessmentCase):
    def test_sending_with_empty_indicators_names_them(self):
        with self.assertRaises(Refused) as caught:
            services_assessment.submit(self.pa.pk, self.actor(self.anna))
        message = str(caught.exception)
        self.assertIn("Chưa gửi được: còn", message)
        for ind in services_assessment.round_pfw(self.round).indicators("huyen"):
            self.assertNotIn(ind.code, message)
        self.assertIn("“", message)

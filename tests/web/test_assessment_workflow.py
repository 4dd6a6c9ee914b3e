"""The internal-ranking cycle end to end: self-assessment scored by the engine, Vietnamese errors,
appraisal with reasons, one answer per indicator within the window, council's final scores,
approval, decision, publication, frozen scores and audited revisions, frameworks copied and edited
without touching earlier rounds."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import timezone

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import Entry, InternalFramework, Participant, Revision, Round
from chiso.orgs.models import Agency, AuditEntry, Notice, Unit

from .test_assessment_base import FW_YAML, GOOD, AssessmentCase


def entry(p, code):
    return Entry.objects.get(participant=p, code=code)


class SelfAssessmentTests(AssessmentCase):
    def test_self_scores_come_from_the_rules(self):
        self.fill(self.pa, self.alice, submit=False)
        self.pa.refresh_from_db()
        got = {c: entry(self.pa, c).self_points for c in GOOD}
        self.assertEqual(got, {"meetings": 15.0, "chaired": 5.0, "portal": 10.0, "plan": 5.0, "online": 10.0})
        self.assertEqual(self.pa.self_total, 45.0)
        self.assertEqual(self.pa.max_points, 70.0)  # "econ" applies only to units tagged kinh_te_so
        self.assertEqual(entry(self.pa, "chaired").raw, {"a": 2.0, "b": 4.0})

    def test_no_evidence_means_zero_and_adding_evidence_rescores(self):
        self.fill(self.pa, self.alice, submit=False, evidence=False)
        self.assertEqual(entry(self.pa, "meetings").self_points, 0.0)
        services.add_document(
            entry(self.pa, "meetings").pk,
            self.actor(self.alice),
            number="5/TB",
            date="02/02/2024",
            summary="Thông báo",
        )
        self.assertEqual(entry(self.pa, "meetings").self_points, 15.0)
        self.pa.refresh_from_db()
        self.assertEqual(self.pa.self_total, 45.0)

    def test_bad_values_give_vietnamese_errors_and_save_nothing(self):
        self.login(self.alice)
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/luu/",
            {
                "v_meetings": "ba",
                "v_chaired_a": "5",
                "v_chaired_b": "4",
                "v_portal": "1",
                "v_plan": "7",
                "v_online": "120",
            },
        )
        self.assertEqual(r.status_code, 400)
        html = r.content.decode()
        self.assertIn("Giá trị không phải là số.", html)
        self.assertIn("Tử số (a) không được lớn hơn mẫu số (b).", html)
        self.assertIn("Tỷ lệ phần trăm phải từ 0 đến 100.", html)
        self.assertIn("Mức không có trong danh sách.", html)
        self.assertIn('value="120"', html)  # what was typed is kept
        self.assertFalse(Entry.objects.filter(participant=self.pa, raw__isnull=False).exists())
        self.assertEqual(Entry.objects.get(participant=self.pa, code="portal").raw, None)

    def test_form_save_and_submit_by_the_head(self):
        self.login(self.alice)
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/luu/",
            {
                "v_meetings": "4",
                "v_chaired_a": "1,5",
                "v_chaired_b": "3",
                "v_portal": "0",
                "v_plan": "2",
                "v_online": "75,5",
                "note_online": "Theo Cổng dịch vụ công",
            },
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(entry(self.pa, "online").value, 75.5)
        self.assertEqual(entry(self.pa, "online").note, "Theo Cổng dịch vụ công")
        self.assertEqual(entry(self.pa, "chaired").self_points, 5.0)
        self.assertEqual(
            self.client.post(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/gui/").status_code, 403
        )  # officer
        self.login(self.anna)
        r = self.client.post(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/gui/", follow=True)
        self.assertContains(r, "Đã gửi bản tự đánh giá")
        self.pa.refresh_from_db()
        self.assertEqual(self.pa.status, "submitted")
        self.login(self.alice)
        r = self.client.post(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/luu/", {"v_meetings": "1"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(entry(self.pa, "meetings").value, 4.0)

    def test_live_self_score_before_saving(self):
        self.login(self.alice)
        url = f"/xep-hang-noi-bo/phieu/{self.pa.pk}/chi-so/chaired/tinh-diem/"
        r = self.client.post(url, {"v_chaired_a": "3", "v_chaired_b": "4"})
        self.assertContains(r, "7,50")
        self.assertContains(r, "chưa lưu")
        r = self.client.post(url, {"v_chaired_a": "5", "v_chaired_b": "4"})
        self.assertContains(r, "Tử số (a) không được lớn hơn mẫu số (b).")
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/chi-so/meetings/tinh-diem/", {"v_meetings": "4"}
        )
        self.assertContains(r, "0,00")  # no evidence yet
        self.assertIsNone(entry(self.pa, "chaired").raw)  # nothing saved
        self.login(self.bella)
        self.assertEqual(self.client.post(url, {"v_chaired_a": "3", "v_chaired_b": "4"}).status_code, 404)
        self.login(self.officer)
        self.assertEqual(self.client.post(url, {"v_chaired_a": "3", "v_chaired_b": "4"}).status_code, 403)

    def test_submit_refused_while_indicators_are_empty(self):
        services.save_self(self.pa.pk, {"meetings": ("2", "")}, self.actor(self.alice))
        with self.assertRaises(services.Refused) as cm:
            services.submit(self.pa.pk, self.actor(self.anna))
        self.assertIn("còn 4 chỉ số chưa nhập", cm.exception.message)

    def test_tags_change_what_applies_and_exclusion_needs_a_reason(self):
        services.set_unit(self.pb.pk, self.actor(self.admin), tags="kinh_te_so", excluded=False, reason="")
        self.pb.refresh_from_db()
        self.assertEqual(self.pb.max_points, 100.0)
        self.assertTrue(Entry.objects.filter(participant=self.pb, code="econ").exists())
        with self.assertRaises(services.Refused) as cm:
            services.set_unit(self.pb.pk, self.actor(self.admin), tags="du_lich", excluded=False, reason="")
        self.assertIn("Nhãn không dùng trong bộ chỉ số: du_lich", cm.exception.message)
        with self.assertRaises(services.Refused) as cm:
            services.set_unit(self.pb.pk, self.actor(self.admin), tags="", excluded=True, reason=" ")
        self.assertIn("Phải nêu lý do không xếp hạng", cm.exception.message)
        services.set_unit(
            self.pc.pk, self.actor(self.admin), tags="", excluded=True, reason="Chưa có dịch vụ công"
        )
        self.fill(self.pa, self.alice)
        self.fill(self.pb, self.bella, {**GOOD, "econ": "50"})  # tagged: 45 + 15 of 100
        self.fill(self.pc, self.admin)
        self.assertEqual(Participant.objects.get(pk=self.pb.pk).self_total, 60.0)
        self.pc.refresh_from_db()
        self.assertIsNone(self.pc.rank)
        self.assertEqual(self.pc.self_total, 45.0)  # assessed, not ranked
        self.login(self.admin)
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/ket-qua/")
        self.assertContains(r, "Được đánh giá, không xếp hạng")
        self.assertContains(r, "Chưa có dịch vụ công")


class AppraisalTests(AssessmentCase):
    def setUp(self):
        super().setUp()
        self.fill(self.pa, self.alice)
        self.fill(self.pb, self.bella)
        self.fill(self.pc, self.admin, {**GOOD, "online": "20"})
        self.step("close_self")

    def test_a_changed_score_needs_a_reason_and_stays_within_max(self):
        acc = get_access(self.fresh(self.officer))
        with self.assertRaises(services.Refused) as cm:
            services.appraise(
                self.pa.pk,
                {"meetings": ("10", ""), "portal": ("11", "x"), "plan": ("a", "")},
                self.actor(self.officer),
                acc,
            )
        errs = cm.exception.errors
        self.assertIn("phải nêu lý do", errs["meetings"])
        self.assertEqual(errs["portal"], "Điểm phải từ 0 đến 10.")
        self.assertEqual(errs["plan"], "Điểm phải là một số.")
        self.assertIsNone(entry(self.pa, "meetings").appraised_points)  # nothing saved
        services.appraise(
            self.pa.pk,
            {"meetings": ("10", "Thiếu thông báo kết luận"), "portal": ("10", "")},
            self.actor(self.officer),
            acc,
        )
        e = entry(self.pa, "meetings")
        self.assertEqual(
            (e.self_points, e.appraised_points, e.appraisal_reason), (15.0, 10.0, "Thiếu thông báo kết luận")
        )
        self.pa.refresh_from_db()
        self.assertEqual((self.pa.self_total, self.pa.appraised_total, self.pa.n_changed), (45.0, 40.0, 1))

    def test_council_member_appraises_only_the_seat(self):
        self.login(self.member)
        self.assertEqual(self.client.get(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/").status_code, 404)
        r = self.client.get(f"/xep-hang-noi-bo/phieu/{self.pb.pk}/")
        self.assertContains(r, 'name="ap_plan"')
        self.assertNotContains(r, "row-meetings")  # not an indicator of the seat
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pb.pk}/tham-dinh/", {"ap_meetings": "0", "ar_meetings": "x"}
        )
        self.assertContains(r, "không thuộc phạm vi thẩm định", status_code=400)
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pb.pk}/tham-dinh/",
            {"ap_plan": "0", "ar_plan": "Kế hoạch ban hành ngoài năm"},
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(entry(self.pb, "plan").appraised_points, 0.0)

    def test_unit_does_not_see_the_appraisal_before_it_is_sent(self):
        services.appraise(
            self.pa.pk,
            {"meetings": ("10", "Lý do bí mật")},
            self.actor(self.officer),
            get_access(self.fresh(self.officer)),
        )
        self.login(self.alice)
        for url in (
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/",
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/bang-diem/",
        ):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200)
            self.assertNotContains(r, "Lý do bí mật")
        self.step("send_appraisal")
        self.assertContains(self.client.get(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/"), "Lý do bí mật")

    def test_answer_once_within_the_window(self):
        services.appraise(
            self.pa.pk,
            {"meetings": ("10", "Thiếu văn bản")},
            self.actor(self.officer),
            get_access(self.fresh(self.officer)),
        )
        self.step("send_appraisal")
        self.round.refresh_from_db()
        self.assertEqual(self.round.answer_due_on, timezone.localdate() + dt.timedelta(days=5))
        with self.assertRaises(services.Refused) as cm:
            services.answer(self.pa.pk, {"portal": "không đổi mà vẫn giải trình"}, self.actor(self.anna))
        self.assertIn("Chỉ giải trình các chỉ số bị thay đổi điểm", cm.exception.errors["portal"])
        self.login(self.alice)
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/giai-trinh/", {"ans_meetings": "Đã có văn bản số 12"}
        )
        self.assertEqual(r.status_code, 302)
        r = self.client.post(f"/xep-hang-noi-bo/phieu/{self.pa.pk}/giai-trinh/", {"ans_meetings": "Lần hai"})
        self.assertContains(r, "chỉ được giải trình một lần", status_code=400)
        self.assertEqual(entry(self.pa, "meetings").answer, "Đã có văn bản số 12")
        # closing early is refused while the window is open and an answer is missing
        services.appraise  # noqa: B018 (documentation: B has no changed score)
        late = timezone.localdate() + dt.timedelta(days=6)
        with self.assertRaises(services.Forbidden):
            services.answer(self.pa.pk, {"meetings": "x"}, self.actor(self.anna), today=late)

    def test_closing_the_window_early_needs_every_answer(self):
        services.appraise(
            self.pb.pk,
            {"online": ("5", "Số liệu không khớp")},
            self.actor(self.officer),
            get_access(self.fresh(self.officer)),
        )
        self.step("send_appraisal")
        with self.assertRaises(services.Refused) as cm:
            self.step("close_answers")
        self.assertIn("chưa được giải trình", cm.exception.message)
        self.step("close_answers", today=timezone.localdate() + dt.timedelta(days=6))
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, "council")
        self.assertEqual(entry(self.pb, "online").final_points, 5.0)  # final starts at the appraised score


class CouncilToPublicationTests(AssessmentCase):
    def test_final_scores_approval_decision_and_publication(self):
        self.to_council()
        with self.assertRaises(services.Refused) as cm:
            services.decide_final(
                self.pa.pk,
                {"meetings": ("15", "")},
                self.actor(self.chair),
                get_access(self.fresh(self.chair)),
            )
        self.assertIn("phải nêu lý do", cm.exception.errors["meetings"])
        with self.assertRaises(services.Refused) as cm:  # a member is not the chair
            services.decide_final(
                self.pb.pk, {"plan": ("0", "x")}, self.actor(self.member), get_access(self.fresh(self.member))
            )
        self.assertIn("Chỉ chủ tịch hội đồng", cm.exception.errors["plan"])
        services.decide_final(
            self.pa.pk,
            {"meetings": ("15", "Chấp nhận giải trình")},
            self.actor(self.chair),
            get_access(self.fresh(self.chair)),
        )
        e = entry(self.pa, "meetings")
        self.assertEqual((e.self_points, e.appraised_points, e.final_points), (15.0, 10.0, 15.0))
        with self.assertRaises(services.Forbidden):
            self.step("approve", self.admin)  # the department does not approve
        self.step("to_approval", self.chair)
        r = self.step("return", self.leader, reason="Xem lại chỉ số họp")
        self.assertEqual(r.status, "council")
        self.step("to_approval", self.chair)
        self.step("approve", self.leader)
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, "decision")
        with self.assertRaises(services.Refused) as cm:
            self.step("publish")
        self.assertEqual(set(cm.exception.errors), {"decision_number", "decision_date"})
        services.set_decision(
            self.round.pk,
            self.actor(self.admin),
            number="86/QĐ-UBND",
            date=dt.date(2025, 3, 20),
            signer_name="Nguyễn Văn A",
            signer_title="PHÓ CHỦ TỊCH",
        )
        self.step("publish")
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, "published")
        ranks = dict(Participant.objects.filter(round=self.round).values_list("agency__code", "rank"))
        self.assertEqual(ranks, {"A": 1.0, "B": 1.0, "C": 1.0})  # all at 45/70: ties share the rank
        notes = {(n.user.username, n.url) for n in Notice.objects.select_related("user")}
        sheet_a = f"/xep-hang-noi-bo/phieu/{self.pa.pk}/"
        self.assertIn(("anna", sheet_a), notes)  # appraisal sent, results published
        self.assertIn(("leader", f"/xep-hang-noi-bo/dot/{self.round.pk}/"), notes)  # awaiting approval
        self.assertFalse(any(u == "bella" and url == sheet_a for u, url in notes))
        self.assertTrue(Notice.objects.filter(user=self.anna, text__contains="đã được công bố").exists())
        actions = set(
            AuditEntry.objects.filter(target_type="assessment.round").values_list("action", flat=True)
        )
        self.assertTrue(
            {"assessment_round.approve", "assessment_round.publish", "assessment_round.return"} <= actions
        )

    def test_ranks_share_ties_and_skip(self):
        self.fill(self.pa, self.alice)  # 45
        self.fill(self.pb, self.bella, {**GOOD, "online": "20"})  # 15 + 5 + 10 + 5 + 4 = 39
        self.fill(self.pc, self.admin, {**GOOD, "online": "20"})
        ranks = dict(Participant.objects.filter(round=self.round).values_list("agency__code", "rank"))
        self.assertEqual(ranks, {"A": 1.0, "B": 2.0, "C": 2.0})

    def test_scores_are_frozen_after_the_decision_and_revisions_keep_the_old_score(self):
        self.to_published()
        self.assertEqual(Round.objects.get(pk=self.round.pk).status, "published")
        acc = get_access(self.fresh(self.admin))
        for call in (
            lambda: services.save_self(self.pa.pk, {"meetings": ("1", "")}, self.actor(self.alice)),
            lambda: services.appraise(self.pa.pk, {"meetings": ("1", "x")}, self.actor(self.admin), acc),
            lambda: services.decide_final(self.pa.pk, {"meetings": ("1", "x")}, self.actor(self.admin), acc),
        ):
            with self.assertRaises(services.Forbidden) as cm:
                call()
            self.assertIn("sửa đổi có kiểm soát", cm.exception.message)
        self.login(self.admin)
        url = f"/xep-hang-noi-bo/phieu/{self.pa.pk}/chi-so/meetings/sua-doi/"
        r = self.client.post(url, {"points": "25", "reason": ""})
        self.assertContains(r, "Điểm phải từ 0 đến 20.", status_code=400)
        self.assertContains(r, "Phải nêu lý do sửa đổi.", status_code=400)
        r = self.client.post(
            url,
            {
                "points": "20",
                "reason": "Phát hiện thêm 1 cuộc họp có văn bản",
                "document": "Công văn 99/STTTT",
            },
        )
        self.assertEqual(r.status_code, 302)
        rev = Revision.objects.get()
        self.assertEqual(
            (rev.number, rev.old_points, rev.new_points, rev.old_total, rev.new_total),
            (1, 15.0, 20.0, 45.0, 50.0),
        )
        self.assertEqual(rev.user_name, "admin")
        self.pa.refresh_from_db()
        self.assertEqual((self.pa.final_total, self.pa.rank), (50.0, 1.0))
        self.assertEqual(Participant.objects.get(pk=self.pb.pk).rank, 2.0)
        # shown on the results page and on the public page, with the old score
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/ket-qua/")
        self.assertContains(r, "Phát hiện thêm 1 cuộc họp có văn bản")
        html = Template("{% load assessment_public %}{% internal_rankings %}").render(Context({}))
        self.assertIn("Bản sửa đổi số 1", html)
        self.assertIn("15,00 → 20,00", html)
        self.assertIn("86/QĐ-UBND", html)
        # the unit, another unit, the leadership cannot revise
        for user in (self.alice, self.leader):
            self.login(user)
            self.assertEqual(self.client.post(url, {"points": "5", "reason": "x"}).status_code, 403)

    def test_year_over_year_change_against_the_previous_round(self):
        prev = Round.objects.create(
            year=2023,
            tier="huyen",
            title="Đợt 2023",
            framework=self.fw,
            framework_yaml=FW_YAML,
            framework_sha256=self.round.framework_sha256,
            opens_on=dt.date(2024, 1, 1),
            self_due_on=dt.date(2024, 1, 20),
            appraisal_due_on=dt.date(2024, 2, 20),
            status="published",
        )
        Participant.objects.create(
            round=prev, agency=self.a, ratio=0.5, rank=3, final_total=35, max_points=70
        )
        Participant.objects.create(
            round=prev, agency=self.b, ratio=0.7, rank=1, final_total=49, max_points=70
        )
        self.fill(self.pa, self.alice)  # 45/70
        self.fill(self.pb, self.bella, {**GOOD, "online": "20"})  # 39/70
        rows = {r.p.agency.code: r for r in services.results(self.round)}
        self.assertAlmostEqual(rows["A"].delta_ratio, 45 / 70 - 0.5)
        self.assertEqual(rows["A"].delta_rank, 2)  # 3 -> 1
        self.assertEqual(rows["B"].delta_rank, -1)  # 1 -> 2
        self.assertIsNone(rows["C"].delta_ratio)  # not assessed the year before
        self.login(self.admin)
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/ket-qua/")
        self.assertContains(r, "▲2")
        self.assertContains(r, '<span class="blight amber"></span>Khá')  # traffic light of the band


class FrameworkTests(AssessmentCase):
    def test_copy_for_a_new_year_and_edit_without_touching_earlier_rounds(self):
        self.fill(self.pa, self.alice)
        before = (self.round.framework_yaml, Participant.objects.get(pk=self.pa.pk).self_total)
        self.login(self.admin)
        r = self.client.post(
            f"/xep-hang-noi-bo/bo-chi-so/{self.fw.pk}/sao-chep/",
            {"code": "test-noibo-2025", "edition": "2025"},
        )
        self.assertEqual(r.status_code, 302, r.content.decode()[-3000:])
        new = InternalFramework.objects.get(code="test-noibo-2025")
        self.assertEqual((new.edition, new.derived_from_id), (2025, self.fw.pk))
        self.assertIn("derived_from", new.yaml_text)
        # bad YAML, then an invalid framework: Vietnamese errors, nothing saved
        url = f"/xep-hang-noi-bo/bo-chi-so/{new.pk}/sua/"
        r = self.client.post(url, {"yaml_text": "id: test-noibo-2025\nroot: [a\n"})
        self.assertContains(r, "Nội dung YAML sai cú pháp (dòng")
        bad = new.yaml_text.replace("max_points: 20", "max_points: 0", 1)
        r = self.client.post(url, {"yaml_text": bad})
        self.assertContains(r, "cần điểm tối đa (max_points) lớn hơn 0")
        bad = new.yaml_text.replace("min: 0.0", "min: 0.1")
        r = self.client.post(url, {"yaml_text": bad})
        self.assertContains(r, "Mức xếp loại thấp nhất phải bắt đầu từ 0.")
        self.assertEqual(InternalFramework.objects.get(pk=new.pk).yaml_text, new.yaml_text)
        # a valid edit: meetings worth 40 points
        good = new.yaml_text.replace("max_points: 20\n", "max_points: 40\n", 1).replace(
            "[[4, 20], [3, 15], [2, 10], [1, 5]], points: 20",
            "[[4, 40], [3, 30], [2, 20], [1, 10]], points: 40",
        )
        self.assertNotEqual(good, new.yaml_text)
        r = self.client.post(url, {"yaml_text": good})
        self.assertEqual(r.status_code, 302, r.content.decode()[-2000:])
        self.assertEqual(
            services.pfw_for_text(InternalFramework.objects.get(pk=new.pk).yaml_text)
            .indicator("meetings")
            .max_points,
            40.0,
        )
        # the original's id cannot be hijacked by an edit
        r = self.client.post(url, {"yaml_text": good.replace("id: test-noibo-2025", "id: test-noibo")})
        self.assertContains(r, "id phải là “test-noibo-2025”")
        # the running round keeps its snapshot and its scores
        self.round.refresh_from_db()
        self.assertEqual(
            (self.round.framework_yaml, Participant.objects.get(pk=self.pa.pk).self_total), before
        )
        self.assertEqual(services.round_pfw(self.round).indicator("meetings").max_points, 20.0)

    def test_import_the_shipped_template(self):
        self.login(self.admin)
        r = self.client.get("/xep-hang-noi-bo/bo-chi-so/")
        self.assertContains(r, "hanam-cds-noibo-2022")
        r = self.client.post("/xep-hang-noi-bo/bo-chi-so/nhap/", {"id": "hanam-cds-noibo-2022"})
        fw = InternalFramework.objects.get(code="hanam-cds-noibo-2022")
        self.assertRedirects(r, f"/xep-hang-noi-bo/bo-chi-so/{fw.pk}/")
        r = self.client.get(f"/xep-hang-noi-bo/bo-chi-so/{fw.pk}/")
        self.assertContains(r, "bộ chỉ số MẪU")
        r = self.client.post("/xep-hang-noi-bo/bo-chi-so/nhap/", {"id": "vn-dti-2022-province"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(InternalFramework.objects.filter(code="vn-dti-2022-province").exists())

    def test_new_round_form_errors_in_vietnamese(self):
        self.login(self.admin)
        r = self.client.post(
            "/xep-hang-noi-bo/dot/moi/",
            {
                "framework": self.fw.pk,
                "year": "2024",
                "tier": "huyen",
                "title": "Trùng",
                "opens_on": "01/02/2025",
                "self_due_on": "31/01/2025",
                "appraisal_due_on": "32/02/2025",
                "answer_days": "5",
            },
        )
        self.assertContains(r, "Ngày không hợp lệ (dd/mm/yyyy).")
        r = self.client.post(
            "/xep-hang-noi-bo/dot/moi/",
            {
                "framework": self.fw.pk,
                "year": "2024",
                "tier": "huyen",
                "title": "Trùng",
                "opens_on": "01/01/2025",
                "self_due_on": "31/01/2025",
                "appraisal_due_on": "28/02/2025",
                "answer_days": "5",
            },
        )
        self.assertContains(r, "Đã có đợt đánh giá năm 2024 cho khối này.")
        r = self.client.post(
            "/xep-hang-noi-bo/dot/moi/",
            {
                "framework": self.fw.pk,
                "year": "2025",
                "tier": "huyen",
                "title": "Đợt 2025",
                "opens_on": "01/01/2026",
                "self_due_on": "31/01/2026",
                "appraisal_due_on": "28/02/2026",
                "answer_days": "7",
            },
        )
        rnd = Round.objects.get(year=2025)
        self.assertRedirects(r, f"/xep-hang-noi-bo/dot/{rnd.pk}/")
        self.assertEqual(rnd.participants.count(), 3)
        self.assertEqual(Entry.objects.filter(participant__round=rnd).count(), 3 * 5)
        self.assertEqual(rnd.framework_sha256, self.fw.sha256)


class EnglishTests(AssessmentCase):
    def test_pages_and_errors_in_english(self):
        self.client.cookies["chiso_language"] = "en"
        self.login(self.alice)
        r = self.client.post(
            f"/xep-hang-noi-bo/phieu/{self.pa.pk}/luu/", {"v_meetings": "ba", "v_online": "120"}
        )
        self.assertContains(r, "The value is not a number.", status_code=400)
        self.assertContains(r, "A percentage must be between 0 and 100.", status_code=400)
        self.assertContains(r, "Save and score", status_code=400)
        self.login(self.admin)
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/")
        self.assertContains(r, "Appraisal board")
        self.assertContains(r, "Close the self-assessment, start the appraisal")
        self.assertNotContains(r, "Bảng thẩm định")


class FrameworkMessagesTests(AssessmentCase):
    def test_engine_problems_in_vietnamese(self):
        cases = {
            FW_YAML.replace("code: chaired", "code: meetings"): "Mã “meetings” bị trùng.",
            FW_YAML.replace(
                "rule: threshold", "rule: thresh"
            ): "Chỉ số “meetings”: không có quy tắc chấm điểm “thresh”",
            FW_YAML.replace("method: points_sum", "method: pts", 1): "Nhóm “cds”: không có phương pháp “pts”",
            FW_YAML.replace(
                "[[4, 20], [3, 15], [2, 10], [1, 5]]", "[[4, 20], [3, 25]]"
            ): "Chỉ số “meetings”: điểm của một bậc (25) nằm ngoài khoảng [0, 20].",
            FW_YAML.replace("id: test-noibo\n", ""): "Thiếu khóa “id” ở cấp cao nhất.",
            FW_YAML.replace("max_points: 20", "max_points: hai mươi", 1): "Bộ chỉ số không hợp lệ:",
            FW_YAML.replace(
                "light: amber", "light: blue"
            ): "Mức xếp loại “kha”: màu đèn phải là green, amber, red hoặc grey.",
            FW_YAML.replace(
                "kind: internal", "kind: national"
            ): "nhóm cha cộng điểm nên chỉ số cần điểm tối đa",
        }
        for text, expected in cases.items():
            with self.assertRaises(services.Refused) as cm:
                services.parse_yaml(text)
            self.assertIn(expected, cm.exception.message)
            self.assertTrue(cm.exception.message.startswith("Bộ chỉ số không hợp lệ:"), cm.exception.message)


class CommuneTierTests(AssessmentCase):
    def test_communes_get_agencies_and_a_round(self):
        prov = Unit.objects.get(ref_id="P99")
        district = Unit.objects.create(
            ref_id="D991", code="991", name="Huyện An", kind="district", parent=prov
        )
        for i, name in enumerate(["Xã Một", "Phường Hai", "Thị trấn Ba"]):
            Unit.objects.create(
                ref_id=f"C99{i}",
                code=f"99{i}",
                name=name,
                kind="commune",
                parent=district,
                valid_to=dt.date(2025, 7, 1) if i == 2 else None,
            )
        self.login(self.admin)
        r = self.client.post(
            "/xep-hang-noi-bo/dot/moi/",
            {
                "framework": self.fw.pk,
                "year": "2025",
                "tier": "xa",
                "title": "Xã 2025",
                "opens_on": "01/01/2026",
                "self_due_on": "31/01/2026",
                "appraisal_due_on": "28/02/2026",
                "answer_days": "5",
            },
        )
        rnd = Round.objects.get(tier="xa")
        self.assertRedirects(r, f"/xep-hang-noi-bo/dot/{rnd.pk}/")
        names = sorted(rnd.participants.values_list("agency__name", flat=True))
        # the round lists the communes in force on its date (it opens 01/01/2026): the commune that
        # ended on 01/07/2025 is not asked to self-assess (issue 11)
        self.assertEqual(names, ["Ủy ban nhân dân Phường Hai", "Ủy ban nhân dân Xã Một"])
        self.assertEqual(services.ensure_commune_agencies("P99", dt.date(2026, 1, 1)), 0)  # idempotent
        self.assertEqual(Agency.objects.filter(kind="commune").count(), 2)

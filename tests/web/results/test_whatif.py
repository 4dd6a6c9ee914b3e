"""What-if in the browser (issue 13, item 2): the province's values changed on a stored run, the new
score and rank, what moved them, nothing written.

Expected numbers are derived by hand from QĐ 922 Phụ lục 1 (vn-dti-2022-province.yaml): DTI = Σ max
points × main index ÷ 1000, with max points 100 (five indices), 0 (Đô thị thông minh, not scored),
200 (Hoạt động chính quyền số), 150 (kinh tế số), 150 (xã hội số).  The cast's table (base.py) gives
province p the values base_p + 0.01 k on the k-th main index, so its DTI is

    (100 × (5 base + 0.10) + 200 × (base + 0.06) + 150 × (base + 0.07) + 150 × (base + 0.08)) / 1000
    = base + 0.0445:

Đà Nẵng 0.8445 (1), Hà Nội 0.7445 (2), Ninh Bình 0.6445 (3), Hà Nam 0.5445 (4), Nam Định 0.4445 (5).
"""

from __future__ import annotations

import re

from django.test import Client

from chiso.collection.models import Submission
from chiso.orgs import audit
from chiso.orgs.models import AuditEntry
from chiso.results import services
from chiso.results.models import Goalpost, IndexRun, Plan, Target

from .base import MAINS, ResultsTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}
NAMES = {"nhan_thuc_so": "Nhận thức số", "do_thi_thong_minh": "Đô thị thông minh",
         "hoat_dong_chinh_quyen_so": "Hoạt động chính quyền số", "hoat_dong_kinh_te_so": "Hoạt động kinh tế số"}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class WhatIfTestCase(ResultsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Target.objects.create(framework_id="vn-dti-2022-province", rank=3, basis="Thử: hạng 3")

    def setUp(self):
        super().setUp()
        self.login(self.admin)
        self.url = f"/ket-qua/lan-tinh/{self.dti_run.pk}/neu-thi/"
        page = self.client.get(self.url).content.decode()
        # the form's field for each main index, found by its printed name (the page never shows a code)
        self.field = {code: re.search(rf'<label for="id_(v\d+)">{name}</label>', page).group(1)
                      for code, name in NAMES.items()}

    def post(self, changes: dict[str, str], **extra):
        data = {self.field[c]: v for c, v in changes.items()}
        data.update(extra)
        return self.client.post(self.url, data, **HTMX)

    def test_the_page_lists_the_values_by_name_never_by_code(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        for code in MAINS:
            self.assertNotIn(code, html)
        # the run's values, in Vietnamese format: Hà Nam's Hoạt động chính quyền số is 0.56
        self.assertIn(f'name="{self.field["hoat_dong_chinh_quyen_so"]}" value="0,56"', html)
        self.assertIn('hx-trigger="input changed delay:250ms, submit"', html)
        self.assertIn("csrfmiddlewaretoken", html)  # the form works without JavaScript
        self.assertIn('id="whatif-submit"', html)

    def test_a_change_gives_the_score_derived_from_the_weights(self):
        # Hoạt động chính quyền số (200 points) from 0,56 to 1: + 0.44 × 200 / 1000 = + 0.088
        r = self.post({"hoat_dong_chinh_quyen_so": "1"})
        self.assertEqual(r.status_code, 200)
        page = text(r.content.decode())
        self.assertIn("Điểm mới 0,6325", page)
        self.assertIn("hiện tại 0,5445 · +0,0880", page)
        self.assertIn("Hạng mới 4/5", page)
        self.assertIn("không đổi", page)
        # what moved it: the index's score and its contribution (score × 200/1000) before and after
        self.assertIn("Hoạt động chính quyền số 0,5600 1,0000 0,1120 0,2000 +0,0880", page)
        self.assertIn("Nhận thức số 0,5000 0,5000 0,0500 0,0500 0,0000", page)

    def test_a_rank_that_changes_names_the_province_overtaken_and_the_target(self):
        # + 0.088 (chính quyền số to 1) + 0.43 × 150 / 1000 = 0.0645 (kinh tế số 0,57 → 1): 0.697 > 0.6445
        r = self.post({"hoat_dong_chinh_quyen_so": "1", "hoat_dong_kinh_te_so": "1,0"})
        page = text(r.content.decode())
        self.assertIn("Điểm mới 0,6970", page)
        self.assertIn("Hạng mới 3/5", page)
        self.assertIn("lên 1 bậc", page)
        self.assertIn("Vượt lên trên: Ninh Bình (hạng 4, 0,6445)", page)
        # target rank 3 needs the 3rd best score of the others (Đà Nẵng, Hà Nội, Ninh Bình, Nam Định)
        self.assertIn("Mục tiêu hạng 3/5: cần điểm từ 0,6445 trở lên (điểm của Ninh Bình", page)
        self.assertIn("Đạt mục tiêu.", page)

    def test_falling_behind_and_the_shortfall_to_the_target(self):
        # chính quyền số 0,56 → 0: − 0.112, 0.4325 < Nam Định 0.4445
        page = text(self.post({"hoat_dong_chinh_quyen_so": "0"}).content.decode())
        self.assertIn("Điểm mới 0,4325", page)
        self.assertIn("Hạng mới 5/5", page)
        self.assertIn("xuống 1 bậc", page)
        self.assertIn("Bị vượt bởi: Nam Định (hạng 4, 0,4445)", page)
        self.assertIn("Còn thiếu 0,2120 điểm.", page)  # 0.6445 − 0.4325

    def test_an_index_without_points_moves_nothing(self):
        page = text(self.post({"do_thi_thong_minh": "1"}).content.decode())
        self.assertIn("Điểm mới 0,5445", page)
        self.assertIn("hiện tại 0,5445 · 0,0000", page)

    def test_peers_improving_by_a_trend(self):
        # every other province's main indices × 1.3 (all stay below 1 except Đà Nẵng's, which is ahead
        # anyway): Nam Định 0.4445 × 1.3 = 0.57785 > 0.5445
        page = text(self.post({}, xu_huong="30").content.decode())
        self.assertIn("các tỉnh khác cải thiện 30 %/năm", page)
        self.assertIn("Điểm mới 0,5445", page)
        self.assertIn("Hạng mới 5/5", page)
        # 0.57785 at 4 decimals: 0,5778 or 0,5779 depending on the float's last bit
        self.assertRegex(page, r"Bị vượt bởi: Nam Định \(hạng 4, 0,577[89]\)")
        # the target moves with the peers: Ninh Bình 0.6445 × 1.3 = 0.83785
        self.assertRegex(page, r"cần điểm từ 0,83(78|79) trở lên \(điểm của Ninh Bình")
        # 10 %: Nam Định 0.48895 stays behind
        page = text(self.post({}, xu_huong="10").content.decode())
        self.assertIn("Hạng mới 4/5", page)

    def test_bad_input_is_said_next_to_the_field_never_a_500(self):
        f = self.field["nhan_thuc_so"]
        for value, sentence in (("abc", "“abc” không phải là một số."), ("nan", "“nan” không phải là một số."),
                                ("inf", "“inf” không phải là một số."), ("1e999", "“1e999” không phải là một số."),
                                ("", "Chưa nhập giá trị."), ("1,5", "Ngoài khoảng cho phép: từ 0 đến 1."),
                                ("-0,1", "Ngoài khoảng cho phép: từ 0 đến 1."), ("9" * 60, "quá dài")):
            with self.subTest(value=value):
                r = self.post({"nhan_thuc_so": value})
                self.assertEqual(r.status_code, 200)
                html = r.content.decode()
                err = re.search(rf'<span id="err-{f[1:]}" class="field-error" hx-swap-oob="true">([^<]*)</span>',
                                html)
                self.assertIsNotNone(err, html)
                self.assertIn(sentence, err.group(1))
                self.assertIn("1 giá trị chưa hợp lệ", text(html))
                self.assertNotIn("Điểm mới", text(html))
        r = self.post({}, xu_huong="-5")
        self.assertIn("Tỷ lệ phải từ 0 đến 100 %/năm.", r.content.decode())

    def test_without_javascript_the_whole_page_comes_back_with_the_typed_values(self):
        f = self.field["hoat_dong_chinh_quyen_so"]
        r = self.client.post(self.url, {f: "1", self.field["nhan_thuc_so"]: "abc"})
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn("<html", html)
        self.assertIn(f'name="{f}" value="1"', html)
        self.assertIn("“abc” không phải là một số.", html)
        r = self.client.post(self.url, {f: "1"})
        self.assertIn("Điểm mới 0,6325", text(r.content.decode()))

    def test_nothing_is_written(self):
        counts = (IndexRun.objects.count(), Plan.objects.count(), AuditEntry.objects.count())
        self.post({"hoat_dong_chinh_quyen_so": "1"}, xu_huong="5")
        self.post({"hoat_dong_chinh_quyen_so": "abc"})
        self.client.post(self.url, {self.field["hoat_dong_chinh_quyen_so"]: "0,9"})
        self.assertEqual((IndexRun.objects.count(), Plan.objects.count(), AuditEntry.objects.count()), counts)
        self.dti_run.refresh_from_db()
        self.assertAlmostEqual(self.dti_run.score, 0.5445, places=10)

    def test_access(self):
        self.client.logout()
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertIn("/dang-nhap/", r["Location"])
        self.assertEqual(self.client.post(self.url, {})["Location"].split("?")[0], r["Location"].split("?")[0])
        self.login(self.bob)  # any signed-in reader of the run
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get("/ket-qua/lan-tinh/999999/neu-thi/").status_code, 404)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_post_needs_the_csrf_token_htmx_sends_it(self):
        c = Client(enforce_csrf_checks=True)
        c.force_login(self.admin)
        page = c.get(self.url).content.decode()
        data = {self.field["hoat_dong_chinh_quyen_so"]: "1"}
        self.assertEqual(c.post(self.url, data, **HTMX).status_code, 403)
        token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
        r = c.post(self.url, data, HTTP_X_CSRFTOKEN=token, **HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertIn("Điểm mới 0,6325", text(r.content.decode()))


class ProjectionWhatIfTestCase(ResultsTestCase):
    """A run on collected values (peers' raw values unknown): the score only, no new rank."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from chiso.collection import services as collection

        collection.save_values(cls.sub_a.pk, [collection.Change("total_staff", "17"),
                                              collection.Change("it_staff", "3")], audit.Actor(user=cls.alice))
        Submission.objects.filter(pk=cls.sub_a.pk).update(status="approved")
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=20, source="x")
        Goalpost.objects.create(framework_id="test-fw", code="it_staff", lo=0, hi=4, source="x")
        cls.collected = services.run_from_round(cls.round, audit.Actor(user=cls.admin))

    def test_score_only_and_the_rank_is_not_placed(self):
        self.login(self.admin)
        url = f"/ket-qua/lan-tinh/{self.collected.pk}/neu-thi/"
        page = self.client.get(url).content.decode()
        self.assertNotIn("xu_huong", page)  # no peers to move
        field = re.search(r'<label for="id_(v\d+)">Tổng số cán bộ</label>', page).group(1)
        # test-fw: total = mean(staff, online); online has no value (reweighted away), staff = mean of
        # total_staff ÷ 20 and it_staff ÷ 4 (ratio to the goalpost): (17/20 + 3/4) / 2 = 0.8 now;
        # total_staff 20: (1 + 0.75) / 2 = 0.875
        r = self.client.post(url, {field: "20"}, **HTMX)
        out = text(r.content.decode())
        self.assertIn("Điểm mới 0,8750", out)
        self.assertIn("hiện tại 0,8000 · +0,0750", out)
        self.assertIn("không xếp được hạng mới", out)
        self.assertNotIn("Hạng mới", out)

    def test_another_agencys_values_are_neither_shown_nor_read(self):
        self.login(self.bob)  # agency B: total_staff and it_staff came from agency A's form
        url = f"/ket-qua/lan-tinh/{self.collected.pk}/neu-thi/"
        page = self.client.get(url).content.decode()
        self.assertNotIn("Tổng số cán bộ", page)
        self.assertIn("2 chỉ tiêu do cơ quan khác báo cáo không hiển thị", text(page))
        self.login(self.admin)
        field = re.search(r'<label for="id_(v\d+)">Tổng số cán bộ</label>',
                          self.client.get(url).content.decode()).group(1)
        self.login(self.bob)
        out = text(self.client.post(url, {field: "20"}, **HTMX).content.decode())
        self.assertIn("Chưa thay đổi số liệu nào", out)

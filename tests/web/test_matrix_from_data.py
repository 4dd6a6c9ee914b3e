"""The responsibility matrix filled from a component-level framework's data (``setup_province``):
lead and support at the node that sets them, the basis or the proposal in the note, kept lean and
never overwritten; forms, the matrix page and the annual report read it."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.test import TestCase

from chiso.collection import matrix, services
from chiso.engine import Framework
from chiso.lib import frameworks
from chiso.orgs import audit, provinces
from chiso.orgs.models import Agency, Responsibility
from chiso.reports import services as reports
from chiso.results import services as results
from chiso.results.models import IndexRun, PublishedTable, PublishedValue

from .reports import files

AS_OF = dt.date(2026, 12, 6)
NB = "tỉnh Ninh Bình"


def component_framework(fw_id: str = "test-dti-components") -> Framework:
    """Three main indices: one published assignment with support and a component that names its own
    (proposed) lead, one repeated on a component (lean: no rows there), one proposal, one unassigned."""
    same = {"lead": ["so_tttt"], "support": ["so_noi_vu"], "basis": "QĐ thử §2"}
    return Framework.from_dict({
        "id": fw_id, "name": {"vi": "DTI thử cấp thành phần"}, "edition": 2024, "status": "provisional",
        "legal_basis": [{"number": "405/QĐ-BKHCN", "date": "2025-04-03"}],
        "root": {"code": "dti", "method": "weighted_mean", "children": [
            {"code": "cq", "name": {"vi": "Chính quyền số"}, "method": "weighted_mean", "responsibility": same,
             "children": [
                 {"code": "cq_1", "name": {"vi": "Dịch vụ công trực tuyến"}, "range": [0, 1]},
                 {"code": "cq_2", "name": {"vi": "Văn bản điện tử"}, "range": [0, 1],
                  "responsibility": {"lead": ["so_tu_phap"], "proposal": True}},
                 {"code": "cq_3", "name": {"vi": "Hệ thống thông tin"}, "range": [0, 1], "responsibility": same},
             ]},
            {"code": "ns", "name": {"vi": "Nhân lực số"}, "method": "weighted_mean",
             "responsibility": {"lead": ["so_noi_vu"], "proposal": True},
             "children": [{"code": "ns_1", "name": {"vi": "Cán bộ chuyên trách"}, "range": [0, 1]},
                          {"code": "ns_2", "name": {"vi": "Đào tạo"}, "range": [0, 1]}]},
            {"code": "kt", "name": {"vi": "Kinh tế số"}, "method": "weighted_mean",
             "children": [{"code": "kt_1", "name": {"vi": "Doanh nghiệp số"}, "range": [0, 1]}]},
        ]},
    })


FW = component_framework()


def agency(short: str) -> Agency:
    return Agency.objects.valid_on(AS_OF).get(name=f"{short} {NB}")


def rows(**filters) -> set[tuple[str, str, str]]:
    qs = Responsibility.objects.filter(framework_id=FW.id, **filters)
    return set(qs.values_list("code", "agency__name", "role"))


class MatrixFromDataTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        frameworks.register(FW)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        frameworks.unregister(FW.id)

    @classmethod
    def setUpTestData(cls):
        cls.result = provinces.setup_province("Ninh Bình", AS_OF, demo=True)

    def test_lead_and_support_are_written_where_the_framework_sets_them(self):
        khcn, snv, stp = f"Sở Khoa học và Công nghệ {NB}", f"Sở Nội vụ {NB}", f"Sở Tư pháp {NB}"
        self.assertEqual(rows(), {
            ("cq", khcn, "lead"), ("cq", snv, "support"),  # the main index: published, with support
            ("cq_2", stp, "lead"),  # a component naming its own lead
            ("ns", snv, "lead"),  # a proposal
        })  # cq_3 repeats cq: no rows of its own (it inherits); kt has no assignment: nothing invented
        self.assertIn(FW.id, self.result.frameworks_with_matrix)
        note = Responsibility.objects.get(framework_id=FW.id, code="cq", role="lead").note
        self.assertTrue(note.startswith("Căn cứ: QĐ thử §2"), note)
        self.assertEqual(matrix.note_kind(note), "published")
        for code in ("cq_2", "ns"):
            note = Responsibility.objects.get(framework_id=FW.id, code=code).note
            self.assertTrue(note.startswith("Đề xuất (chưa có văn bản phân công)"), note)

    def test_each_agency_form_holds_exactly_the_components_it_leads(self):
        def form(short):
            return set(services.indicator_codes(FW, agency(short).pk))

        self.assertEqual(form("Sở Khoa học và Công nghệ"), {"cq_1", "cq_3"})  # not cq_2: Sở Tư pháp leads it
        self.assertEqual(form("Sở Tư pháp"), {"cq_2"})
        self.assertEqual(form("Sở Nội vụ"), {"ns_1", "ns_2"})  # supporting cq is not leading it
        found = matrix.holders(FW, AS_OF)
        self.assertEqual((found["cq_1"].names("support"), found["cq_1"].lead_at), (["Sở Nội vụ tỉnh Ninh Bình"], "cq"))
        self.assertEqual(found["cq_2"].names("support"), [])  # its own lead, no support: as the framework says
        self.assertTrue(found["ns_1"].proposal)
        self.assertEqual(found["kt_1"].names("lead"), [])

    def test_running_again_changes_nothing_and_keeps_the_department_edits(self):
        Responsibility.objects.filter(framework_id=FW.id, code="ns").update(
            agency=agency("Sở Giáo dục và Đào tạo"), note="Sửa trong ứng dụng: giao Sở GD&ĐT")
        before = sorted(Responsibility.objects.filter(framework_id=FW.id).values_list(
            "code", "agency_id", "role", "note"))
        again = provinces.setup_province("Ninh Bình", AS_OF, demo=True)
        self.assertEqual(again.written["responsibilities"], 0)
        after = sorted(Responsibility.objects.filter(framework_id=FW.id).values_list(
            "code", "agency_id", "role", "note"))
        self.assertEqual(before, after)

    def test_the_matrix_page_says_what_is_published_proposed_and_inherited(self):
        self.client.login(username="ninhbinh.quantri", password=provinces.DEMO_PASSWORD)
        r = self.client.get(f"/ma-tran/{FW.id}/")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn("cấu trúc tạm, điểm từng chỉ số chưa công bố", html)
        self.assertIn("405/QĐ-BKHCN", html)
        self.assertIn("Đã công bố", html)
        self.assertIn("kế thừa từ cq", html)  # cq_1 and cq_3
        self.assertIn("Còn 2 phân công là đề xuất", html)

    def test_the_department_sets_a_lead_for_a_component_in_the_app(self):
        self.client.login(username="ninhbinh.quantri", password=provinces.DEMO_PASSWORD)
        r = self.client.get(f"/ma-tran/{FW.id}/cq_1/")
        self.assertContains(r, "kế thừa")
        offered = set(r.context["form"].fields["lead"].queryset.values_list("name", flat=True))
        self.assertIn(f"Sở Nội vụ {NB}", offered)
        self.assertNotIn("Sở Nội vụ tỉnh Hà Nam", offered)  # ended on 01/07/2025: not offered any more
        self.assertTrue(Agency.objects.filter(name="Sở Nội vụ tỉnh Hà Nam").exists())
        gd = agency("Sở Giáo dục và Đào tạo")
        r = self.client.post(f"/ma-tran/{FW.id}/cq_1/", {"lead": [gd.pk], "reason": "Giao riêng"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(set(services.indicator_codes(FW, gd.pk)), {"cq_1"})
        self.assertEqual(set(services.indicator_codes(FW, agency("Sở Khoa học và Công nghệ").pk)), {"cq_3"})
        row = Responsibility.objects.get(framework_id=FW.id, code="cq_1")
        self.assertEqual(row.note, "Sửa trong ứng dụng: Giao riêng")
        # an edit of a node keeps the notes of the rows it keeps
        r = self.client.post(f"/ma-tran/{FW.id}/cq/", {"lead": [agency("Sở Khoa học và Công nghệ").pk],
                                                         "support": [agency("Sở Nội vụ").pk, gd.pk]})
        self.assertEqual(r.status_code, 302)
        notes = dict(Responsibility.objects.filter(framework_id=FW.id, code="cq").values_list(
            "agency__name", "note"))
        self.assertTrue(notes[f"Sở Khoa học và Công nghệ {NB}"].startswith("Căn cứ:"))
        self.assertEqual(notes[f"Sở Giáo dục và Đào tạo {NB}"], "Sửa trong ứng dụng")

    @staticmethod
    def index_run() -> IndexRun:
        def node(code, name, depth, score, threshold):
            return {"code": code, "name": name, "name_en": name, "depth": depth, "score": score, "rank": 40,
                    "best": 0.9, "best_unit": "Tỉnh A", "threshold": threshold, "scored": True}

        return IndexRun.objects.create(
            framework_id=FW.id, year=2024, unit_ref="P37", unit_name="Ninh Bình", basis="published",
            title="DTI thử 2024", score=0.5, rank=40, n_units=34,
            summary={"target_rank": 20, "nodes": [
                node("dti", "DTI", 0, 0.5, 0.6), node("cq", "Chính quyền số", 1, 0.4, 0.6),
                node("ns", "Nhân lực số", 1, 0.45, 0.6), node("kt", "Kinh tế số", 1, 0.5, 0.6)]})

    def test_a_run_of_a_provisional_framework_says_so(self):
        table = PublishedTable.objects.create(framework_id=FW.id, year=2024, title="DTI thử 2024", kind="import",
                                              source="https://example.org/dti")
        for k, (ref, name) in enumerate((("P35", "Hà Nam"), ("P36", "Nam Định"), ("P37", "Ninh Bình"))):
            for code in ("cq_1", "cq_2", "cq_3", "ns_1", "ns_2", "kt_1"):
                PublishedValue.objects.create(table=table, unit_ref=ref, unit_name=name, code=code,
                                              value=0.3 + 0.1 * k, source="https://example.org/dti")
        run = results.run_from_table(table, audit.Actor(), unit_ref="P37")
        r = self.client.get(f"/ket-qua/lan-tinh/{run.pk}/")
        self.assertContains(r, "(405/QĐ-BKHCN) — cấu trúc tạm, điểm từng chỉ số chưa công bố")

    def test_the_gap_table_names_who_leads_each_main_index(self):
        self.index_run()
        r = self.client.get(f"/ket-qua/?bo={FW.id}")
        self.assertContains(r, "cấu trúc tạm, điểm từng chỉ số chưa công bố")
        self.assertNotContains(r, "Sở Khoa học và Công nghệ tỉnh Ninh Bình")  # the public page does not list agencies
        self.client.login(username="ninhbinh.thamdinh", password=provinces.DEMO_PASSWORD)
        r = self.client.get(f"/ket-qua/?bo={FW.id}")
        html = r.content.decode()
        row = html[html.index('data-code="cq"'):]
        row = row[:row.index("</tr>")]
        self.assertIn("Sở Khoa học và Công nghệ tỉnh Ninh Bình; Sở Tư pháp tỉnh Ninh Bình", row)
        self.assertIn("Phối hợp: Sở Nội vụ tỉnh Ninh Bình", row)
        row = html[html.index('data-code="ns"'):]
        self.assertIn("(đề xuất)", row[:row.index("</tr>")])
        row = html[html.index('data-code="kt"'):]
        self.assertIn("Chưa phân công", row[:row.index("</tr>")])
        # an edit of the matrix shows at once (the cached body's stamp reads the matrix)
        Responsibility.objects.filter(framework_id=FW.id, code="ns").delete()
        Responsibility.objects.create(framework_id=FW.id, code="ns", agency=agency("Sở Giáo dục và Đào tạo"),
                                      role="lead", note="Sửa trong ứng dụng")
        html = self.client.get(f"/ket-qua/?bo={FW.id}").content.decode()
        row = html[html.index('data-code="ns"'):]
        self.assertIn("Sở Giáo dục và Đào tạo tỉnh Ninh Bình", row[:row.index("</tr>")])

    def test_the_annual_report_names_the_leads_of_the_weak_components(self):
        self.index_run()
        job = reports.create_job("annual", {"framework_id": FW.id, "date": AS_OF.isoformat()}, audit.Actor())
        job = reports.run_job(job.pk)
        self.assertEqual(job.status, "done", job.error)
        table = {r[0]: r for r in files.table_rows(job, "Bảng 3.")[1:]}
        # agencies by their short names; the main index's lead first, then the component's below
        self.assertEqual(table["Chính quyền số"][2], "Sở Khoa học và Công nghệ tỉnh Ninh Bình, Sở Tư pháp tỉnh Ninh Bình")
        self.assertEqual(table["Chính quyền số"][3], "Sở Nội vụ tỉnh Ninh Bình")
        self.assertEqual(table["Nhân lực số"][2], "Sở Nội vụ tỉnh Ninh Bình (đề xuất, chưa có văn bản phân công)")
        self.assertEqual(table["Kinh tế số"][2], "Chưa phân công")
        text = files.docx_text(job)
        self.assertIn("Bộ chỉ số DTI thử cấp thành phần (405/QĐ-BKHCN) — cấu trúc tạm, điểm từng chỉ số chưa "
                      "công bố", text)


def test_setup_province_command_prints_unmapped_roles(db):
    bad = Framework.from_dict({
        "id": "test-dti-unmapped", "name": "x", "edition": 2024,
        "root": {"code": "r", "method": "weighted_mean", "children": [
            {"code": "a", "responsibility": {"lead": ["so_khong_co"], "proposal": True}}]}})
    frameworks.register(bad)
    try:
        out = io.StringIO()
        call_command("setup_province", "Ninh Bình", "--as-of", "2026-12-06", stdout=out)
        assert "so_khong_co" in out.getvalue()
        assert not Responsibility.objects.filter(framework_id="test-dti-unmapped").exists()
    finally:
        frameworks.unregister("test-dti-unmapped")

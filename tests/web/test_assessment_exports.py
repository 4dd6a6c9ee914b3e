"""Exports of the internal ranking, opened and read back: the results workbook (openpyxl), the decision
and the scorecards as DOCX (python-docx) and PDF (LibreOffice, read with pdftotext); the reference
cycle loaded by ``load_internal_demo --demo``."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from docx import Document
from openpyxl import load_workbook

from chiso.assessment import services
from chiso.assessment.models import Entry, Participant, Round

from .test_assessment_base import AssessmentCase
from .test_assessment_documents import ask, job_file

P = "/xep-hang-noi-bo"


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    for s in doc.sections:
        parts += [p.text for p in s.footer.paragraphs] + [p.text for p in s.first_page_footer.paragraphs]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.pdf"
        p.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()


class ExportTests(AssessmentCase):
    def test_results_workbook(self):
        self.to_published()
        self.login(self.admin)
        services.revise(
            Entry.objects.get(participant=self.pa, code="portal").pk,
            self.actor(self.admin),
            points="0",
            reason="Chuyên mục không còn hoạt động",
        )
        r = self.client.get(f"{P}/dot/{self.round.pk}/ket-qua.xlsx")
        self.assertEqual(r.status_code, 200)
        self.assertIn("ket-qua-xep-hang-2024-huyen.xlsx", r["Content-Disposition"])
        wb = load_workbook(io.BytesIO(r.content))
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(
            rows[0][:6],
            ("Hạng", "Đơn vị", "Điểm cuối cùng", "Điểm tối đa", "Tỷ lệ điểm đạt (%)", "Xếp loại"),
        )  # units by name: no internal code
        body = {row[1]: row for row in rows[1:]}
        self.assertEqual(set(body), {"UBND huyện An", "UBND huyện Bình", "UBND huyện Châu"})
        a = body["UBND huyện An"]
        self.assertEqual(a[0], 3)  # 35 after the revision, below B and C (45)
        self.assertEqual(body["UBND huyện Bình"][0], 1)
        self.assertEqual(a[2:5], (35.0, 70.0, 50.0))  # 35 of 70 points: 50 %
        self.assertEqual(a[6:9], (45.0, 40.0, 5.0))  # self, appraised, gap
        notes = "\n".join(str(c[0]) for c in wb["Ghi chú"].iter_rows(values_only=True))
        self.assertIn("Quyết định số 86/QĐ-UBND ngày 20/03/2025", notes)
        self.assertIn("Sửa đổi số 1", notes)
        self.assertIn("Chuyên mục không còn hoạt động", notes)
        # the framework and the revised indicator by name, never a code or a hash
        self.assertIn("Bộ chỉ số: Bộ chỉ số nội bộ thử nghiệm", notes)
        self.assertIn("UBND huyện An, Có chuyên mục chuyển đổi số: 10,00 → 0,00 điểm", notes)
        for internal in ("test-noibo", "sha256", "portal"):
            self.assertNotIn(internal, notes)
        # every unit's scorecard in one document, in rank order, in Vietnamese whatever the reader's language
        self.client.cookies["chiso_language"] = "en"
        text = docx_text(job_file(ask(self, f"{P}/dot/{self.round.pk}/bang-diem.docx")))
        self.assertLess(text.index("2. UBND HUYỆN CHÂU"), text.index("3. UBND HUYỆN AN"))
        self.assertIn("1. UBND HUYỆN BÌNH", text)
        self.assertIn("Thẩm định: 15,00 → 10,00 điểm. Lý do: Chỉ 2 cuộc họp có thông báo kết luận.", text)
        self.assertIn("Giải thích điểm bị mất", text)
        self.login(self.anna)
        self.assertEqual(self.client.post(f"{P}/dot/{self.round.pk}/bang-diem.docx").status_code, 404)

    def test_decision_and_scorecard_documents(self):
        self.to_council()
        services.decide_final(
            self.pa.pk,
            {"meetings": ("15", "Chấp nhận giải trình")},
            self.actor(self.chair),
            services_access(self.fresh(self.chair)),
        )
        self.step("to_approval", self.chair)
        self.login(self.leader)
        data = job_file(ask(self, f"{P}/dot/{self.round.pk}/quyet-dinh.docx"))
        text = docx_text(data)
        self.assertIn("DỰ THẢO", text)
        self.assertIn("QUYẾT ĐỊNH", text)
        self.assertIn("Công bố kết quả đánh giá, xếp hạng mức độ chuyển đổi số", text)
        self.assertIn("Điều 1.", text)
        self.assertIn("Điều 3.", text)
        self.assertIn("UBND huyện An | 45,00 | 70 | 0,6429 | Khá", text)
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        authority = [p for p in Document(io.BytesIO(data)).paragraphs if p.text.startswith("CHỦ TỊCH ỦY BAN")]
        self.assertEqual([p.alignment for p in authority], [WD_ALIGN_PARAGRAPH.CENTER])
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
        self.assertIn("/QĐ-UBND", text)
        self.step("approve", self.leader)
        services.set_decision(
            self.round.pk,
            self.actor(self.admin),
            number="86/QĐ-UBND",
            date=None,
            signer_name="Nguyễn Văn A",
            signer_title="PHÓ CHỦ TỊCH",
        )
        self.login(self.admin)
        pdf = pdf_text(job_file(ask(self, f"{P}/dot/{self.round.pk}/quyet-dinh.pdf", pdf=True), "pdf"))
        self.assertIn("QUYẾT ĐỊNH", pdf)
        self.assertIn("Số: 86/QĐ-UBND", pdf)
        self.assertIn("UBND huyện An", pdf)
        self.assertIn("Nguyễn Văn A", pdf)
        # scorecard of unit A: every point lost explained, with the appraisal reason and the answer
        self.login(self.anna)
        text = docx_text(job_file(ask(self, f"{P}/phieu/{self.pa.pk}/bang-diem.docx")))
        self.assertIn("THÔNG BÁO", text)
        self.assertIn("Bảng điểm đánh giá chuyển đổi số năm 2024 của UBND huyện An", text)
        self.assertIn("Giải thích điểm bị mất", text)
        self.assertIn("Chỉ 2 cuộc họp có thông báo kết luận.", text)
        self.assertIn("Đã bổ sung thông báo kết luận cuộc họp thứ ba.", text)
        self.assertIn("2.2 — Tỷ lệ hồ sơ trực tuyến: mất 10,00 điểm", text)
        self.assertIn("12/TB-UBND ngày 15/03/2024", text)
        pdf = pdf_text(job_file(ask(self, f"{P}/phieu/{self.pa.pk}/bang-diem.pdf", pdf=True), "pdf"))
        self.assertIn("THÔNG BÁO", pdf)
        self.assertIn("Giải thích điểm bị mất", pdf)
        # the HTML scorecard links the evidence and explains the loss
        r = self.client.get(f"{P}/phieu/{self.pa.pk}/bang-diem/")
        self.assertContains(r, "Theo quy tắc chấm điểm, kết quả “50%” được 10,00/20 điểm.")
        self.assertContains(r, "Hội đồng: 15,00 điểm. Lý do: Chấp nhận giải trình")


def services_access(user):
    from chiso.assessment.access import get_access

    return get_access(user)


class DemoLoaderTests(TestCase):
    def test_reference_cycle_for_ha_nam(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        call_command("load_internal_demo", "--demo", verbosity=0)
        r22 = Round.objects.get(year=2022, tier="huyen")
        self.assertTrue(r22.is_demo)
        self.assertEqual(r22.status, "published")
        self.assertEqual(r22.decision_number, "86/QĐ-UBND")
        self.assertEqual(r22.participants.count(), 6)
        phu_ly = Participant.objects.get(round=r22, agency__code="A347.UBND_HUYEN")
        e = Entry.objects.get(participant=phu_ly, code="nts_hop_bcd")
        self.assertEqual((e.self_points, e.appraised_points, e.final_points), (20.0, 15.0, 20.0))
        self.assertIn("3/4 cuộc họp", e.appraisal_reason)
        self.assertIn("215/TB-UBND", e.answer)
        self.assertIn("chấp nhận giải trình", e.final_reason)
        ranks = sorted(r22.participants.values_list("rank", flat=True))
        self.assertEqual(ranks, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        r21 = Round.objects.get(year=2021, tier="huyen")
        self.assertEqual(r21.participants.filter(excluded=True).count(), 1)
        self.assertEqual(services.previous_round(r22), r21)
        # idempotent
        call_command("load_internal_demo", "--demo", verbosity=0)
        self.assertEqual(Round.objects.count(), 2)
        # the published table is on the public page, labelled as demonstration data
        r = self.client.get(f"{P}/dot/{r22.pk}/ket-qua/")
        self.assertEqual(r.status_code, 302)  # login first
        from django.template import Context, Template

        html = Template("{% load assessment_public %}{% internal_rankings %}").render(Context({}))
        titles = re.findall(r"<h3>(.*?)</h3>", html)
        self.assertEqual(len(titles), 2)
        for title in titles:  # each published table is labelled, once
            self.assertEqual(title.count("minh họa") + title.count("MINH HỌA"), 1, title)
        self.assertIn("Ủy ban nhân dân thành phố Phủ Lý", html)
        self.assertIn("86/QĐ-UBND", html)

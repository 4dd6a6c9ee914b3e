"""The internal ranking's documents through the one report job: the decision with its annex (Phụ lục)
of each unit's points per group, every unit's scorecards, one unit's scorecard. Each is asked for by a
POST on its old address, written by ``reports.services.run_job`` and read back from the real files
(python-docx; one PDF read with pdftotext). Who may ask for and read which job; what is printed and
what never is (codes, hashes, a number's symbol twice, a double full stop)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.shared import Cm

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import Entry, Round, sha256_text
from chiso.docgen import check
from chiso.reports.models import ReportJob
from chiso.reports.services import run_job

from .test_assessment_base import FW_YAML, AssessmentCase

P = "/xep-hang-noi-bo"
# the framework's groups as the test's YAML writes them (independent of the engine's reading)
GROUPS = {"Nhận thức số": ["meetings", "chaired", "portal"], "Nhân lực số": ["plan", "online", "econ"]}
CODES = [c for codes in GROUPS.values() for c in codes]
TEXT_WIDTH = Cm(21.0 - 3.0 - 1.5)


def body_text(doc) -> list[str]:
    """The document's text in reading order: paragraphs and table rows (cells joined by " | ")."""
    out = []
    for el in doc.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for tr in el.iter():
                if tr.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t"))
                        for tc in tr
                        if tc.tag.endswith("}tc")
                    ]
                    out.append(" | ".join(cells))
    return out


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.pdf"
        p.write_bytes(data)
        return subprocess.run(["pdftotext", str(p), "-"], capture_output=True, check=True, timeout=60).stdout.decode()


def number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def grid_width(table) -> int:
    """The table's width as LibreOffice lays it out: the sum of its grid columns (EMU)."""
    return sum(Cm(int(c.get(c.tag.replace("gridCol", "w"))) * 2.54 / 1440) for c in table._tbl.tblGrid)


def ask(case, url, data=None, *, pdf=False) -> ReportJob:
    """POST on a document's address as ``case``'s client, then run the job the way the worker does."""
    r = case.client.post(url, data or {})
    case.assertEqual(r.status_code, 302, r.content[:500])
    m = re.fullmatch(r"/bao-cao/(\d+)/", r["Location"])
    case.assertIsNotNone(m, r["Location"])
    job = run_job(int(m.group(1)), pdf=pdf)
    case.assertEqual(job.status, ReportJob.Status.DONE, job.error)
    return job


def job_file(job: ReportJob, fmt: str = "docx") -> bytes:
    with job.file_for(fmt).open("rb") as fh:
        return fh.read()


class DocumentJobCase(AssessmentCase):
    def make(self, url, data=None, *, pdf=False) -> ReportJob:
        return ask(self, url, data, pdf=pdf)

    def docx(self, job: ReportJob):
        return Document(io.BytesIO(job_file(job)))

    def assert_nothing_internal(self, text: str, rnd: Round):
        self.assertNotIn(rnd.framework_sha256[:8], text)
        self.assertNotIn(rnd.framework.code, text)
        self.assertNotIn("bản chụp", text)
        self.assertNotRegex(text, r"\bMã\b")
        for code in CODES:
            self.assertNotRegex(text, rf"\b{code}\b")
        for leftover in ("None", "nan", "..", "/TB-STTTT/"):
            self.assertNotIn(leftover, text)

    def current_points(self, participant) -> dict[str, float]:
        """Each indicator's points as the unit's total counts them: final, else appraised, else self."""
        out = {}
        for e in Entry.objects.filter(participant=participant):
            for v in (e.final_points, e.appraised_points, e.self_points):
                if v is not None:
                    out[e.code] = v
                    break
            else:
                out[e.code] = 0.0
        return out


class DecisionTests(DocumentJobCase):
    def to_approval(self):
        """A's meetings appraised 15 → 10 (total 40), B and C 45; the council sends it for approval."""
        self.to_council()
        self.step("to_approval", self.chair)

    def test_the_decision_its_grounds_its_articles_and_its_annex(self):
        self.to_approval()
        self.login(self.leader)
        url = f"{P}/dot/{self.round.pk}/quyet-dinh.docx"
        r = self.client.get(url)  # nothing is written on a GET: the page with the button
        self.assertRedirects(r, f"{P}/dot/{self.round.pk}/quyet-dinh/")
        self.assertFalse(ReportJob.objects.exists())
        job = self.make(url)
        self.assertEqual(job.kind, "decision")
        doc = self.docx(job)
        lines = body_text(doc)
        text = "\n".join(lines)
        self.assert_nothing_internal(text, self.round)
        self.assertIn("DỰ THẢO", text)
        # the framework is cited by its name (the test framework names no adopting decision)
        self.assertIn("Căn cứ Bộ chỉ số nội bộ thử nghiệm áp dụng cho đợt đánh giá năm 2024;", text)
        # the articles' numbers are bold, their text is not
        for n in (1, 2, 3):
            p = next(p for p in doc.paragraphs if p.text.startswith(f"Điều {n}."))
            self.assertEqual((p.runs[0].text.strip(), p.runs[0].bold), (f"Điều {n}.", True))
            self.assertFalse(p.runs[1].bold)
        self.assertIn("3 | UBND huyện An | 40,00 | 70 | 0,5714 | Khá", text)
        # the annex follows the signature, from a new page, headed as NĐ 30 heads an annex
        closing = next(i for i, t in enumerate(lines) if t.startswith("Nơi nhận:"))
        annex = lines.index("Phụ lục")
        self.assertGreater(annex, closing)
        breaks = doc.element.body.xpath(".//w:br[@w:type='page']")
        self.assertEqual(len(breaks), 1)
        self.assertIn("ĐIỂM CỦA CÁC ĐƠN VỊ THEO TỪNG NHÓM CHỈ SỐ NĂM 2024", lines[annex + 1])
        self.assertRegex(lines[annex + 2], r"^\(Kèm theo Quyết định số +/QĐ-UBND ngày \d\d tháng \d+ năm \d{4} của Chủ tịch Ủy ban nhân dân tỉnh Thử\)$")
        # one row per unit: each group's points are its indicators' points, and they add up to the total
        header = lines[annex + 3].split(" | ")
        self.assertEqual(header, ["STT", "Đơn vị", *GROUPS, "Tổng điểm"])
        rows = {cells[1]: cells for cells in (t.split(" | ") for t in lines[annex + 4 : annex + 7])}
        self.assertEqual(set(rows), {"UBND huyện An", "UBND huyện Bình", "UBND huyện Châu"})
        for part in (self.pa, self.pb, self.pc):
            points = self.current_points(part)
            cells = rows[part.agency.name]
            for j, codes in enumerate(GROUPS.values()):
                self.assertAlmostEqual(number(cells[2 + j]), sum(points.get(c, 0.0) for c in codes), places=2)
            self.assertAlmostEqual(number(cells[-1]), sum(points.values()), places=2)
            self.assertAlmostEqual(number(cells[2]) + number(cells[3]), number(cells[-1]), places=2)
        self.assertEqual(number(rows["UBND huyện An"][-1]), 40.0)  # 10 + 5 + 10 (meetings, chaired, portal) + 5 + 10
        for table in doc.tables:
            self.assertLessEqual(grid_width(table), TEXT_WIDTH + Cm(0.01))
        # the workbook holds the ranking and the annex
        self.assertTrue(job.xlsx)
        # the NĐ 30 check: a draft has no signer's name until the department saves it with the number
        self.assertEqual([f.rule for f in check.check_docx(job_file(job))], ["nd30.signature"])

    def test_the_number_date_and_signer_saved_on_the_decision_page_and_the_pdf(self):
        self.to_published()  # decision 86/QĐ-UBND of 20/03/2025, signed by Nguyễn Văn A
        self.login(self.admin)
        job = self.make(f"{P}/dot/{self.round.pk}/quyet-dinh.pdf", pdf=True)
        pdf = pdf_text(job_file(job, "pdf"))
        self.assertEqual([str(f) for f in check.check_all(job_file(job), job_file(job, "pdf"))], [])  # NĐ 30
        self.assertIn("Số: 86/QĐ-UBND", pdf)
        self.assertNotIn("86/QĐ-UBND/QĐ-UBND", pdf)
        self.assertIn("Nguyễn Văn A", pdf)
        pages = pdf.split("\f")
        annex = next(i for i, page in enumerate(pages) if "(Kèm theo Quyết định" in page)
        self.assertIn("(Kèm theo Quyết định số 86/QĐ-UBND ngày 20 tháng 3 năm 2025", pages[annex])
        self.assertNotIn("Nơi nhận", pages[annex])
        self.assertTrue(any("Nơi nhận" in page and "Nguyễn Văn A" in page for page in pages[:annex]))
        r = self.client.get(f"/bao-cao/{job.pk}/tai/docx/")
        self.assertEqual(r.status_code, 200)
        self.assertIn("quyet-dinh-cong-bo-ket-qua-xep-hang-2024-cap-huyen-ngay-20-03-2025.docx", r["Content-Disposition"])
        # the decision page lists the drafts written
        self.assertContains(self.client.get(f"{P}/dot/{self.round.pk}/quyet-dinh/"), f"/bao-cao/{job.pk}/")

    def test_a_framework_adopted_by_a_decision_is_cited_by_it(self):
        text = FW_YAML + (
            "legal_basis:\n"
            "  - number: 12/QĐ-UBND\n"
            "    date: 2024-01-05\n"
            "    issuer: Ủy ban nhân dân tỉnh Thử\n"
            "    title: Ban hành Bộ chỉ số đánh giá chuyển đổi số các cơ quan, đơn vị\n"
            "    adopts: true\n"
        )
        Round.objects.filter(pk=self.round.pk).update(framework_yaml=text, framework_sha256=sha256_text(text))
        self.to_approval()
        self.login(self.admin)
        lines = body_text(self.docx(self.make(f"{P}/dot/{self.round.pk}/quyet-dinh.docx")))
        grounds = [t for t in lines if t.startswith("Căn cứ")]
        self.assertEqual(
            grounds,
            [
                "Căn cứ Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh Thử về ban "
                "hành Bộ chỉ số đánh giá chuyển đổi số các cơ quan, đơn vị;"
            ],
        )

    def test_who_asks_for_the_decision_and_who_reads_it(self):
        url = f"{P}/dot/{self.round.pk}/quyet-dinh.docx"
        self.login(self.admin)
        self.assertEqual(self.client.post(url).status_code, 404)  # no decision before the approval step
        self.to_approval()
        for user in (self.anna, self.chair, self.nobody):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 404, user.username)
        self.login(self.admin)
        self.assertEqual(self.client.post(f"{P}/dot/{self.round.pk}/quyet-dinh.exe").status_code, 404)
        job = self.make(url)
        for user, status in ((self.leader, 200), (self.officer, 200), (self.anna, 404), (self.chair, 404)):
            self.login(user)
            self.assertEqual(self.client.get(f"/bao-cao/{job.pk}/").status_code, status, user.username)
            self.assertEqual(self.client.get(f"/bao-cao/{job.pk}/tai/docx/").status_code, status, user.username)


class ScorecardTests(DocumentJobCase):
    def test_every_unit_s_scorecard_numbered_and_signed(self):
        self.to_published()
        self.login(self.admin)
        url = f"{P}/dot/{self.round.pk}/bang-diem.docx"
        page = self.client.get(url)  # the page with the number, the date and the signer
        self.assertContains(page, 'id="document-form"')
        self.assertFalse(ReportJob.objects.exists())
        job = self.make(url, {"number": "12", "sign_title": "PHÓ GIÁM ĐỐC", "sign_name": "Trần Thị Bình"})
        self.assertFalse(job.xlsx)
        doc = self.docx(job)
        lines = body_text(doc)
        text = "\n".join(lines)
        self.assert_nothing_internal(text, self.round)
        self.assertIn("Số: 12/TB-STTTT", text)
        self.assertIn("THÔNG BÁO", text)  # a kind of document of NĐ 30, Điều 7, with its symbol TB
        self.assertIn(
            "Sở Thông tin và Truyền thông thông báo bảng điểm đánh giá chuyển đổi số năm 2024 của 3 đơn vị thuộc "
            "khối Ủy ban nhân dân các huyện, thị xã, thành phố theo kết quả đã công bố tại Quyết định số "
            "86/QĐ-UBND ngày 20/03/2025, như sau:",
            text,
        )
        self.assertIn("Trần Thị Bình", text)
        # in rank order (all three tie at 45 points: by name)
        self.assertLess(text.index("1. UBND HUYỆN AN"), text.index("2. UBND HUYỆN BÌNH"))
        self.assertLess(text.index("2. UBND HUYỆN BÌNH"), text.index("3. UBND HUYỆN CHÂU"))
        # indicators numbered in their group, no column of internal codes
        self.assertIn("STT | Chỉ số | Tối đa | Tự chấm | Thẩm định | Cuối cùng | Mất", text)
        self.assertIn("1.1 | Số cuộc họp Ban chỉ đạo | 20 |", text)
        self.assertIn("2.2 | Tỷ lệ hồ sơ trực tuyến | 20 |", text)
        self.assertIn("2.2 — Tỷ lệ hồ sơ trực tuyến: mất 10,00 điểm.", text)
        self.assertIn("Thẩm định: 15,00 → 10,00 điểm. Lý do: Chỉ 2 cuộc họp có thông báo kết luận.", text)
        for table in doc.tables:
            self.assertLessEqual(grid_width(table), TEXT_WIDTH + Cm(0.01))
        # a number typed whole is printed once; the button (no fields) signs as last time
        job = self.make(url, {"number": "13/TB-STTTT", "sign_name": "Trần Thị Bình"})
        text = "\n".join(body_text(self.docx(job)))
        self.assertIn("Số: 13/TB-STTTT", text)
        job = self.make(url)
        text = "\n".join(body_text(self.docx(job)))
        self.assertIn("Trần Thị Bình", text)
        self.assertRegex(text, r"Số: +/TB-STTTT")
        r = self.client.get(f"/bao-cao/{job.pk}/tai/docx/")
        self.assertRegex(r["Content-Disposition"], r"bang-diem-2024-cap-huyen-ngay-\d\d-\d\d-\d{4}\.docx")

    def test_a_unit_excluded_from_the_ranking_reads_one_full_stop(self):
        self.to_council()
        services.set_unit(
            self.pc.pk, self.actor(self.admin), tags="", excluded=True, reason="Sáp nhập trong năm, không xếp hạng."
        )
        self.login(self.admin)
        job = self.make(f"{P}/phieu/{self.pc.pk}/bang-diem.docx", {"sign_name": "Trần Thị Bình"})
        text = "\n".join(body_text(self.docx(job)))
        self.assertIn("không xếp hạng (Sáp nhập trong năm, không xếp hạng). Điểm tự đánh giá", text)
        self.assertNotIn("..", text)

    def test_an_indicator_s_official_number_where_the_framework_gives_one(self):
        text = FW_YAML.replace("        - code: online\n", "        - code: online\n          official_code: \"II.5\"\n")
        self.assertIn("official_code", text)
        Round.objects.filter(pk=self.round.pk).update(framework_yaml=text, framework_sha256=sha256_text(text))
        self.to_published()
        self.login(self.admin)
        text = "\n".join(body_text(self.docx(self.make(f"{P}/phieu/{self.pa.pk}/bang-diem.docx"))))
        self.assertIn("II.5 | Tỷ lệ hồ sơ trực tuyến | 20 |", text)
        self.assertIn("2.1 | Kế hoạch chuyển đổi số | 10 |", text)  # the others numbered in their group

    def test_bad_entries_are_refused_in_vietnamese(self):
        self.to_published()
        self.login(self.admin)
        url = f"{P}/dot/{self.round.pk}/bang-diem.docx"
        r = self.client.post(url, {"date": "31/02/2025", "sign_name": "A"})
        self.assertContains(r, "Ngày không hợp lệ", status_code=400)
        future = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
        r = self.client.post(url, {"date": future, "sign_name": "A"})
        self.assertContains(r, "Ngày văn bản không được ở tương lai.", status_code=400)
        r = self.client.post(url, {"number": "1" * 41, "sign_name": "A"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(ReportJob.objects.exists())
        # a unit withdrawn after the request: the job fails with a sentence, not a 500
        job = ReportJob.objects.create(kind="scorecard", params={"participant_id": 987654}, title="x")
        job = run_job(job.pk, pdf=False)
        self.assertEqual(job.status, ReportJob.Status.FAILED)
        self.assertIn("Không tìm thấy đơn vị được đánh giá", job.error)

    def test_a_unit_reads_its_own_scorecard_and_no_other(self):
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
        url = f"{P}/phieu/{self.pa.pk}/bang-diem.docx"
        # the unit, before the appraisal is sent to it: its self-assessment only
        self.login(self.anna)
        own = self.make(url, {"sign_name": "Trần Thị Bình"})
        self.assertEqual(own.agency_id, self.a.pk)
        text = "\n".join(body_text(self.docx(own)))
        self.assertIn("STT | Chỉ số | Tối đa | Tự chấm | Mất", text)
        self.assertNotIn("Thẩm định", text)
        self.assertNotIn("Chỉ 2 cuộc họp", text)
        self.assertIn("Số:", text)
        self.assertIn("Trần Thị Bình", text)
        self.assertEqual([str(f) for f in check.check_docx(job_file(own))], [])  # the NĐ 30 check
        # the department's card shows the appraisal: not the unit's to read yet
        self.login(self.admin)
        dept = self.make(url)
        self.assertIn("Chỉ 2 cuộc họp có thông báo kết luận.", "\n".join(body_text(self.docx(dept))))
        self.assertIsNone(dept.agency_id)
        # B's scorecard, asked for by B
        self.login(self.bella)
        other = self.make(f"{P}/phieu/{self.pb.pk}/bang-diem.docx")
        expect = {
            own: {"anna": 200, "alice": 200, "admin": 200, "leader": 200, "bella": 404, "chair": 404, "nobody": 404},
            dept: {"anna": 404, "alice": 404, "admin": 200, "leader": 200, "bella": 404},
            other: {"bella": 200, "anna": 404, "alice": 404, "admin": 200},
        }
        for job, table in expect.items():
            for name, status in table.items():
                self.login(getattr(self, name))
                for path in (f"/bao-cao/{job.pk}/", f"/bao-cao/{job.pk}/tai/docx/"):
                    self.assertEqual(self.client.get(path).status_code, status, f"{job.title} {path} {name}")
        # asking for another unit's card: not found; a council member reads the page but does not ask
        self.login(self.anna)
        self.assertEqual(self.client.post(f"{P}/phieu/{self.pb.pk}/bang-diem.docx").status_code, 404)
        self.login(self.chair)
        self.assertEqual(self.client.get(url).status_code, 200)
        r = self.client.post(url)
        self.assertContains(r, "Chỉ cơ quan thường trực, lãnh đạo hoặc chính đơn vị", status_code=403)
        # once the appraisal is sent, the department's card is the unit's to read too
        self.step("send_appraisal")
        self.login(self.admin)
        later = self.make(url)
        self.assertEqual(later.agency_id, self.a.pk)
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/bao-cao/{later.pk}/").status_code, 200)

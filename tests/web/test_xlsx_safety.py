"""Issue 10 item 1: user text in every .xlsx export is text, never a formula (OWASP: a leading
apostrophe), and numbers stay numbers. Each hostile text is typed through the real page, the file is
downloaded, and read back with openpyxl and as raw sheet XML (``corpus.checks``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import SimpleTestCase

from chiso.collection.models import Value
from chiso.lib.xlsx import WorkbookWriter, cell_value, read_rows, workbook_bytes
from chiso.orgs.models import Agency
from chiso.program.models import Recommendation
from chiso.reports import services as reports
from corpus.checks import HOSTILE, cells, escaped, texts

from .base import BaseTestCase
from .program.base import ProgramTestCase
from .reports.base import ReportsTestCase
from .test_assessment_base import AssessmentCase


class CellValueTestCase(SimpleTestCase):
    def test_it_escapes_every_formula_start(self):
        for text in HOSTILE:
            self.assertEqual(cell_value(text), ("'" + text, "s"))

    def test_it_keeps_plain_text_and_numbers(self):
        self.assertEqual(cell_value("Sở Nội vụ"), ("Sở Nội vụ", "s"))
        self.assertEqual(cell_value(-3), (-3, None))
        self.assertEqual(cell_value(-0.25), (-0.25, None))
        self.assertEqual(cell_value(Decimal("-1.5")), (Decimal("-1.5"), None))
        self.assertEqual(cell_value(True), (True, None))
        self.assertEqual(cell_value(dt.date(2025, 7, 1)), (dt.date(2025, 7, 1), None))
        self.assertEqual(cell_value(float("nan")), (None, None))
        self.assertEqual(cell_value(np.int64(-4)), (-4, None))
        self.assertEqual(cell_value(np.float64(0.5)), (0.5, None))
        self.assertEqual(cell_value(Decimal("NaN")), (None, None))

    def test_it_drops_characters_xml_cannot_hold(self):
        self.assertEqual(cell_value("a\x0bb\x00"), ("ab", "s"))
        self.assertEqual(cell_value("\x01=1+1"), ("'=1+1", "s"))
        self.assertEqual(texts(workbook_bytes("T", ["a"], [["x\x0by"], [np.int64(2)]])), {"a", "xy"})

    def test_it_writes_types_a_spreadsheet_reads_back(self):
        data = workbook_bytes("T", ["a", "b", "c", "d", "e"],
                              [["=1+1", -2, Decimal("2.5"), dt.date(2025, 1, 2), "-"]])
        by_ref = {c.coordinate: c for c in cells(data)}
        self.assertEqual((by_ref["A2"].value, by_ref["A2"].data_type), ("'=1+1", "s"))
        self.assertEqual((by_ref["B2"].value, by_ref["B2"].data_type), (-2, "n"))
        self.assertEqual((by_ref["C2"].value, by_ref["C2"].data_type), (2.5, "n"))
        self.assertEqual(by_ref["D2"].value, dt.datetime(2025, 1, 2))
        self.assertEqual(by_ref["E2"].value, "'-")

    def test_it_reads_its_own_escape_back_as_typed(self):
        wb = WorkbookWriter()
        ws = wb.sheet("T")
        ws.append(["mã", "ghi chú"])
        ws.append(["x", "=SUM(A1)"])
        self.assertEqual(read_rows(wb.to_bytes())[:2], (["mã", "ghi chú"], [(2, ["x", "=SUM(A1)"])]))


class RecommendationsExportTestCase(ProgramTestCase):
    def test_it_writes_titles_and_answers_as_text(self):
        self.login(self.alice)
        for text in HOSTILE:
            r = self.client.post("/kien-nghi/moi/", {"kind": "difficulty", "title": text.strip() or text,
                                                     "body": "Chi tiết", "agency": self.a.pk})
            self.assertEqual(r.status_code, 302, r.content[:500])
        stored = set(Recommendation.objects.values_list("title", flat=True))
        r = self.client.get("/kien-nghi/xuat.xlsx")
        self.assertEqual(r.status_code, 200)
        got = texts(r.content)
        for title in stored:
            self.assertIn(escaped(title) if title[0] in "=+-@\t\r" else title, got)
        # the first column numbers the rows (STT, typed numbers), not the database's ids
        numbers = [c.value for c in cells(r.content) if c.column == 1 and isinstance(c.value, int)]
        self.assertEqual(sorted(numbers), list(range(1, Recommendation.objects.count() + 1)))


class FormTemplateTestCase(BaseTestCase):
    def test_it_writes_comments_as_text_and_values_as_numbers(self):
        self.login(self.alice)
        for code, value, comment in (("total_staff", "12", HOSTILE[0]), ("it_staff", "2", HOSTILE[3])):
            r = self.client.post(f"/bieu-mau/{self.sub_a.pk}/chi-so/{code}/", {"value": value, "comment": comment})
            self.assertEqual(r.status_code, 302)
        self.assertEqual(Value.objects.get(submission=self.sub_a, code="total_staff").comment, HOSTILE[0])
        r = self.client.get(f"/bieu-mau/{self.sub_a.pk}/mau.xlsx")
        rows = {}
        for c in cells(r.content):
            rows.setdefault((c.parent.title, c.row), {})[c.column] = c
        by_code = {row[1].value: row for row in rows.values() if 1 in row}
        self.assertEqual(by_code["total_staff"][7].value, escaped(HOSTILE[0]))
        self.assertEqual(by_code["it_staff"][7].value, escaped(HOSTILE[3]))
        self.assertEqual((by_code["it_staff"][6].value, by_code["it_staff"][6].data_type), (2, "n"))


class ReportWorkbookTestCase(ReportsTestCase):
    def test_it_writes_agency_names_as_text(self):
        # An agency's name is typed by the department (admin); the quarterly report lists it by name.
        Agency.objects.filter(pk=self.b.pk).update(name=HOSTILE[0])
        self.login(self.admin)
        r = self.client.post("/bao-cao/tao/", {"kind": "quarterly", "year": 2024, "quarter": 2})
        self.assertEqual(r.status_code, 302)
        job = reports.run_job(int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
        r = self.client.get(f"/bao-cao/{job.pk}/tai/xlsx/")
        self.assertEqual(r.status_code, 200)
        data = b"".join(r.streaming_content)
        all_cells = cells(data)
        self.assertIn(escaped(HOSTILE[0]), {c.value for c in all_cells})
        row = [c for c in all_cells if c.value == escaped(HOSTILE[0]) and c.parent.title.startswith("Bảng 1")]
        self.assertTrue(row)
        numbers = [c for c in all_cells if c.parent is row[0].parent and c.row == row[0].row and c.column > 1]
        self.assertEqual(numbers[0].value, 210)  # Q2 files received by agency B, a number cell
        self.assertEqual(numbers[0].data_type, "n")


class AssessmentWorkbookTestCase(AssessmentCase):
    def test_it_writes_the_exclusion_reason_as_text(self):
        self.login(self.admin)
        r = self.client.post(f"/xep-hang-noi-bo/phieu/{self.pc.pk}/cai-dat/",
                             {"tags": "", "excluded": "1", "exclusion_reason": HOSTILE[1]})
        self.assertEqual(r.status_code, 302)
        self.to_published()
        r = self.client.get(f"/xep-hang-noi-bo/dot/{self.round.pk}/ket-qua.xlsx")
        self.assertEqual(r.status_code, 200)
        rows = {}
        for c in cells(r.content):
            rows.setdefault((c.parent.title, c.row), []).append(c)
        c_row = [row for row in rows.values() if len(row) > 2 and row[1].value == self.pc.agency.name][0]
        self.assertEqual(c_row[-1].value, escaped(HOSTILE[1]))
        a_row = [row for row in rows.values() if len(row) > 2 and row[1].value == self.pa.agency.name][0]
        self.assertEqual((a_row[3].value, a_row[3].data_type), (70, "n"))  # the maximum points

"""Program pages print a framework's and an indicator's name, never their codes or a file path."""

from __future__ import annotations

import re

from .base import ProgramTestCase


class PrintedNamesTestCase(ProgramTestCase):
    def test_board_duties_and_task_pages_print_names_not_codes(self):
        self.client.force_login(self.officer)
        p = self.program.pk
        pages = {
            "board": self.client.get(f"/chuong-trinh/{p}/").content.decode(),
            "duties": self.client.get(f"/chuong-trinh/{p}/phan-cong/").content.decode(),
            "task": self.client.get(f"/chuong-trinh/{p}/nhiem-vu/1/").content.decode(),
        }
        self.assertIn("(bộ chỉ số Bộ chỉ số thử nghiệm)", pages["board"])  # the objective's measured target
        self.assertIn(">Bộ chỉ số thử nghiệm</a>", pages["duties"])
        self.assertIn("Bộ chỉ số thử nghiệm · Tổng số cán bộ", pages["task"])  # the KPI's indicator
        for name, html in pages.items():
            text = html.split("<main", 1)[1]  # links may carry the code; printed text may not
            printed = re.sub(r"<[^>]+>", " ", text)
            with self.subTest(name):
                self.assertNotIn("test-fw", printed)
                self.assertNotIn("total_staff", printed)
                self.assertNotIn("docs/", printed)

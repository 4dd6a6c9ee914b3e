from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase

from chiso.program.management.commands.load_program_936 import Command
from chiso.program.models import (
    Duty,
    Kpi,
    Objective,
    Occurrence,
    Program,
    ProgressReport,
    Recommendation,
    Task,
)


class LoadProgram936TestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference_case", "--demo", verbosity=0)

    def setUp(self):
        cache.clear()  # the program's page cache (see tests/web/program/base.py)

    def test_it_loads_the_decision_as_data(self):
        out = Command().handle(demo=False)
        self.assertIn("tasks: 13", out)
        p = Program.objects.get()
        self.assertEqual((p.decision_number, p.header_number), ("936/QĐ-UBND", "436/QĐ-UBND"))
        self.assertEqual(
            (p.decision_date, p.signer, p.issuer),
            (dt.date(2017, 6, 23), "Vũ Đại Thắng", "Ủy ban nhân dân tỉnh Hà Nam"),
        )
        o = p.objectives.get(kind="specific")
        self.assertEqual(
            (o.framework_id, o.target_rank, o.target_year), ("vn-ict-index-2016-province", 20, 2020)
        )
        self.assertIn("nhóm 20 tỉnh", o.text)
        self.assertEqual(p.objectives.filter(kind="general").count(), 4)
        t7 = Task.objects.get(number=7)
        self.assertIn("Năm 2017 đảm bảo 100% các xã, phường, thị trấn", t7.text)
        self.assertEqual(t7.lead_agency.code, "A35.STTTT")
        self.assertEqual(t7.deadline, dt.date(2017, 12, 31))
        k = t7.kpis.get()
        self.assertEqual(
            (k.indicator_code, k.target, k.source), ("xa_dung_mot_cua_dien_tu", 100.0, "indicator")
        )
        codes = set(Kpi.objects.exclude(indicator_code="").values_list("indicator_code", flat=True))
        self.assertTrue(
            {"may_tinh_tren_cbcc", "truong_th_day_tin_hoc", "dvc_muc_3", "dvc_muc_4", "xa_ket_noi_wan"}
            <= codes
        )
        self.assertEqual(Task.objects.get(number=12).lead_agency.code, "A35.SGDDT")
        self.assertEqual(Duty.objects.filter(section="a").count(), 8)
        self.assertIn("phát sóng định kỳ 01 lần/tháng", Duty.objects.get(section="i", order=2).text)
        self.assertFalse(ProgressReport.objects.exists())
        # schedule: 42 monthly TV segments (07/2017–12/2020) and 14 quarterly reports
        self.assertEqual(Occurrence.objects.filter(obligation__section="4i").count(), 42)
        self.assertEqual(Occurrence.objects.filter(obligation__section="4a").count(), 14)

    def test_it_loads_labelled_demo_data_without_mail(self):
        Command().handle(demo=True)
        self.assertEqual(len(mail.outbox), 0)
        reports = ProgressReport.objects.all()
        self.assertEqual(reports.count(), 6)
        self.assertTrue(all(r.is_demo and "DỮ LIỆU MINH HỌA" in r.narrative for r in reports))
        self.assertEqual({r.year * 10 + r.quarter for r in reports}, {20173})
        public = Recommendation.objects.public().get()
        self.assertTrue(public.is_demo)
        self.assertIn("DỮ LIỆU MINH HỌA", public.answer)

    def test_it_is_idempotent(self):
        Command().handle(demo=True)
        counts = [
            m.objects.count() for m in (Program, Task, Kpi, Duty, Occurrence, ProgressReport, Recommendation)
        ]
        Command().handle(demo=True)
        self.assertEqual(
            counts,
            [
                m.objects.count()
                for m in (Program, Task, Kpi, Duty, Occurrence, ProgressReport, Recommendation)
            ],
        )

    def test_loading_again_keeps_the_departments_targets(self):
        from chiso.orgs import audit
        from chiso.program import services

        Command().handle(demo=False)
        kpi = Kpi.objects.get(task__number=8, order=1)  # level 3 online services: no target in QĐ 936
        self.assertIsNone(kpi.target)
        services.update_kpi(
            kpi.pk,
            audit.Actor(),
            changes={"target": 30.0, "unit": "%"},
            expected_version=kpi.version,
            reason="Sở đặt chỉ tiêu",
        )
        objective = Objective.objects.get(kind="specific")
        services.update_objective(
            objective.pk,
            audit.Actor(),
            changes={"target_rank": 15},
            expected_version=objective.version,
            reason="Sở nâng mục tiêu",
        )
        Command().handle(demo=False)
        kpi.refresh_from_db()
        objective.refresh_from_db()
        self.assertEqual((kpi.target, kpi.unit), (30.0, "%"))
        self.assertEqual(objective.target_rank, 15)

    def test_the_board_shows_the_demo_label(self):
        from django.contrib.auth.models import User

        Command().handle(demo=True)
        self.client.force_login(User.objects.get(username="sotttt.thamdinh"))
        page = self.client.get(f"/chuong-trinh/{Program.objects.get().pk}/").content.decode()
        self.assertIn("DỮ LIỆU MINH HỌA", page)
        self.assertIn("436/QĐ-UBND", page)
        public = self.client.get("/cong-khai/").content.decode()
        self.assertIn("DỮ LIỆU MINH HỌA", public)

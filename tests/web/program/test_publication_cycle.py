"""Publication drives the cycle for whichever index a program targets (issue 12 item 6): a DTI table
imported, or a DTI publication recorded, schedules a DTI program's review conference (QĐ 936 §5b's
pattern); editions of one index are one family; only programs running on the publication date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chiso.engine import Framework
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.program import services
from chiso.program.models import IndexPublication, Obligation, Program

from .base import ProgramTestCase
from .tables import import_table

DTI = "vn-dti-2024-province"


class FamilyTestCase(ProgramTestCase):
    def test_editions_of_one_index_are_one_family(self):
        f = services.framework_family
        self.assertEqual(f("vn-dti-2022-province"), "vn-dti-province")
        self.assertEqual(f("vn-dti-2024-province"), f("vn-dti-2022-province"))
        self.assertEqual(f("vn-ict-index-2015-province"), f("vn-ict-index-2016-province"))
        self.assertNotEqual(f("vn-ict-index-2016-province"), f(DTI))
        self.assertEqual(f("test-fw"), "test-fw")
        self.assertEqual(f("vn-dti-2030-province"), "vn-dti-province")  # an edition chiso does not ship yet

    def test_a_framework_may_name_its_family_or_its_base(self):
        def fw(fw_id, **extra):
            return Framework.from_dict(
                {
                    "id": fw_id,
                    "name": {"vi": fw_id},
                    "edition": 2025,
                    "status": "provisional",
                    **extra,
                    "root": {
                        "code": "t",
                        "name": {"vi": "T"},
                        "method": "weighted_mean",
                        "children": [{"code": "x", "name": {"vi": "X"}, "scoring": "given", "range": [0, 1]}],
                    },
                }
            )

        # a province's copy made in the app says where it came from (derived_from), a copy of a copy too
        copies = (fw("tinh-dti-2026", derived_from={"id": DTI, "edition": 2024}),
                  fw("tinh-dti-2027", derived_from={"id": "tinh-dti-2026", "edition": 2025}))  # fmt: skip
        for item in (fw("ninhbinh-dti-2025", base=DTI), fw("other-2025", family="vn-dti-province"), *copies):
            frameworks.register(item)
            self.addCleanup(frameworks.unregister, item.id)
        self.assertEqual(services.framework_family("ninhbinh-dti-2025"), "vn-dti-province")
        self.assertEqual(services.framework_family("other-2025"), "vn-dti-province")
        self.assertEqual(services.framework_family("tinh-dti-2026"), "vn-dti-province")
        self.assertEqual(services.framework_family("tinh-dti-2027"), "vn-dti-province")


class DtiProgramTestCase(ProgramTestCase):
    """A DTI program 2026–2030 with its annual review conference, 60 days after each published DTI;
    beside it the test program (2017–2020, on another index)."""

    def setUp(self):
        super().setUp()
        self.today = timezone.localdate()
        self.dti = self.make(DTI, dt.date(2026, 1, 1), dt.date(2030, 12, 31))

    def make(self, framework_id, start, end, code="dti"):
        p = Program.objects.create(
            code=code,
            title="Kế hoạch nâng cao Chỉ số DTI",
            decision_number="1/KH-UBND",
            decision_date=start,
            issuer="UBND tỉnh Thử",
            signer="",
            signer_title="",
            starts_on=start,
            ends_on=end,
            framework_id=framework_id,
            standing_body=self.dept,
        )
        Obligation.objects.create(
            program=p,
            title="Hội nghị đánh giá kết quả DTI",
            section="5b",
            agency=self.dept,
            recurrence="after_publication",
            due_offset_days=60,
        )
        return p

    def conference(self, program):
        ob = program.obligations.get(recurrence="after_publication")
        return list(ob.occurrences.values_list("period", "due_on"))

    def table(self, framework_id, year, **kw):
        with self.captureOnCommitCallbacks(execute=True):
            return import_table(framework_id, year, title=f"{framework_id} {year}", **kw)

    def test_importing_a_dti_table_schedules_the_dti_program(self):
        self.assertGreaterEqual(self.today, self.dti.starts_on)
        self.table(DTI, 2025)
        self.assertEqual(self.conference(self.dti), [("pub-2025", self.today + dt.timedelta(days=60))])
        # an ICT Index table schedules nothing for the DTI program, a demonstration table neither
        self.table("vn-ict-index-2016-province", 2025)
        self.table(DTI, 2026, is_demo=True)
        self.assertEqual(len(self.conference(self.dti)), 1)

    def test_another_edition_of_the_dti_schedules_it_too(self):
        # the ministry assesses 2026 with a new edition: still the DTI this program targets
        self.table("vn-dti-2026-province", 2026)
        self.assertEqual(self.conference(self.dti), [("pub-2026", self.today + dt.timedelta(days=60))])

    def test_the_program_s_own_edition_wins_for_a_year(self):
        IndexPublication.objects.create(
            framework_id="vn-dti-2022-province", year=2025, published_on=dt.date(2026, 3, 1)
        )
        IndexPublication.objects.create(framework_id=DTI, year=2025, published_on=dt.date(2026, 4, 10))
        (p,) = services.publications(self.dti)
        self.assertEqual(
            (p.year, p.date, p.framework_id, p.source, p.running),
            (2025, dt.date(2026, 4, 10), DTI, "entered", True),
        )
        services.sync_occurrences(self.dti)
        self.assertEqual(self.conference(self.dti), [("pub-2025", dt.date(2026, 6, 9))])

    def test_only_programs_running_on_the_publication_date(self):
        ended = self.make(DTI, dt.date(2021, 1, 1), dt.date(2025, 12, 31), code="dti-old")
        later = self.make(DTI, self.today + dt.timedelta(days=30), dt.date(2031, 12, 31), code="dti-next")
        self.table(DTI, 2025)
        self.assertEqual(len(self.conference(self.dti)), 1)
        self.assertEqual(self.conference(ended), [])
        self.assertEqual(self.conference(later), [])

    def test_recording_a_publication_schedules_every_program_of_the_index(self):
        other = self.make("vn-dti-2022-province", dt.date(2026, 1, 1), dt.date(2027, 12, 31), code="dti-22")
        pub, n = services.record_publication(
            self.dti,
            audit.Actor(user=self.admin),
            year=2025,
            published_on=dt.date(2026, 5, 4),
            reference="BC DTI 2025",
        )
        self.assertEqual(n, 2)
        self.assertEqual(self.conference(self.dti), [("pub-2025", dt.date(2026, 7, 3))])
        self.assertEqual(self.conference(other), [("pub-2025", dt.date(2026, 7, 3))])
        # the ICT program of 2017–2020 is another index: nothing
        self.assertFalse(
            Obligation.objects.filter(program=self.program, occurrences__period="pub-2025").exists()
        )

    def test_a_publication_before_the_program_began_is_shown_not_scheduled(self):
        self.login(self.officer)
        r = self.client.post(
            f"/chuong-trinh/{self.dti.pk}/cong-bo-chi-so/",
            {"year": "2025", "published_on": "15/11/2025", "reference": "DTI 2025"},
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.conference(self.dti), [])
        (p,) = services.publications(self.dti)
        self.assertEqual((p.year, p.running), (2025, False))
        page = self.client.get(f"/chuong-trinh/{self.dti.pk}/cong-bo-chi-so/").content.decode()
        self.assertIn("15/11/2025", page)
        self.assertIn("Ngoài thời gian của chương trình: không lên lịch", page)

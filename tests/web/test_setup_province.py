"""setup_province: any province on any date from the reference data, with no code change.

Expected counts come from the GSO lists in the source wheel (vietnamadminunits 1.0.4), read there
with SQL, not from chiso: Quảng Ninh had 13 district-level units and 171 communes before
01/07/2025 and has 54 communes, wards and special zones after (30 phường, 22 xã, 2 đặc khu);
Ninh Bình has 129 after (32 phường, 97 xã) and had 7 districts and 125 communes before; its
predecessors Hà Nam and Nam Định had 98 and 175 communes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections import Counter

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from chiso.orgs.models import Agency, AuditEntry, Membership, Responsibility, Unit

NB_AFTER = {"province": 1, "district": 0, "commune": 129}
QN_BEFORE = {"province": 1, "district": 13, "commune": 171}
QN_AFTER = {"province": 1, "district": 0, "commune": 54}


def setup(name: str, as_of: str, *extra: str) -> dict:
    out = io.StringIO()
    call_command("setup_province", name, "--as-of", as_of, "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def standing(result: dict) -> list[str]:
    return [a["name"] for a in result["agencies"] if a["standing_body"]]


def names(result: dict, kind: str = "department") -> set[str]:
    return {a["name"] for a in result["agencies"] if a["kind"] == kind}


def table_sizes() -> dict[str, int]:
    models = (Unit, Agency, Responsibility, Membership, get_user_model())
    return {m.__name__: m.objects.count() for m in models}


class QuangNinhTestCase(TestCase):
    def test_it_sets_up_quang_ninh_after_the_reforms(self):
        got = setup("Quảng Ninh", "2026-01-01")
        self.assertEqual(
            (got["province"], got["as_of"], got["units"]), ("Quảng Ninh", "2026-01-01", QN_AFTER)
        )
        self.assertEqual(standing(got), ["Sở Khoa học và Công nghệ tỉnh Quảng Ninh"])
        depts = names(got)
        self.assertIn("Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh", depts)
        for gone in ("Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư", "Sở Tài nguyên và Môi trường",
                     "Sở Giao thông vận tải", "Sở Lao động - Thương binh và Xã hội"):  # fmt: skip
            self.assertNotIn(f"{gone} tỉnh Quảng Ninh", depts)
        self.assertEqual(names(got, "province"), {"Ủy ban nhân dân tỉnh Quảng Ninh"})
        self.assertEqual(len(names(got, "commune")), 54)
        self.assertEqual(names(got, "district"), set())
        communes = Unit.objects.valid_on(dt.date(2026, 1, 1)).filter(kind="commune", parent__ref_id="P22")
        kinds = Counter(name.split(" ")[0] for name in communes.values_list("name", flat=True))
        self.assertEqual(kinds, {"Phường": 30, "Xã": 22, "Đặc": 2})
        self.assertIn("Ủy ban nhân dân đặc khu Vân Đồn", names(got, "commune"))
        self.assertEqual(
            got["frameworks_with_matrix"],
            ["vn-dti-2020-province", "vn-dti-2022-province", "vn-dti-2023-province", "vn-dti-2024-province",
             "vn-ict-index-2016-province"],
        )

    def test_it_follows_quang_ninh_through_each_reform(self):
        before = setup("Quảng Ninh", "2024-12-31")
        self.assertEqual(before["units"], QN_BEFORE)
        self.assertEqual(standing(before), ["Sở Thông tin và Truyền thông tỉnh Quảng Ninh"])
        self.assertIn("Sở Kế hoạch và Đầu tư tỉnh Quảng Ninh", names(before))
        self.assertEqual(len(names(before, "district")), 13)
        self.assertEqual(names(before, "commune"), set())

        march = setup("Quảng Ninh", "2025-03-01")
        self.assertEqual(march["units"], QN_BEFORE)  # the district level lasts until 01/07/2025
        self.assertEqual(standing(march), ["Sở Khoa học và Công nghệ tỉnh Quảng Ninh"])
        self.assertNotIn("Sở Thông tin và Truyền thông tỉnh Quảng Ninh", names(march))
        self.assertNotIn("Sở Kế hoạch và Đầu tư tỉnh Quảng Ninh", names(march))
        self.assertIn("Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh", names(march))

        july = setup("Quảng Ninh", "2025-07-01")
        self.assertEqual(july["units"], QN_AFTER)
        self.assertEqual(standing(july), ["Sở Khoa học và Công nghệ tỉnh Quảng Ninh"])

        # history kept and linked: the old bodies end and name their successors
        sttt = Agency.objects.get(name="Sở Thông tin và Truyền thông tỉnh Quảng Ninh")
        self.assertEqual(
            (sttt.valid_to, sttt.successor.name),
            (dt.date(2025, 3, 1), "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"),
        )
        self.assertTrue(sttt.is_standing_body)
        tnmt = Agency.objects.get(name="Sở Tài nguyên và Môi trường tỉnh Quảng Ninh")
        self.assertEqual(tnmt.successor.name, "Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh")
        old = Unit.objects.filter(kind="commune", valid_to=dt.date(2025, 7, 1), parent__parent__ref_id="P22")
        self.assertEqual(old.count(), 171)
        self.assertFalse(old.filter(successor__isnull=True).exists())
        self.assertEqual(Unit.objects.filter(kind="district", parent__ref_id="P22").count(), 13)

    def test_it_gives_the_framework_roles_to_the_bodies_of_the_day(self):
        setup("Quảng Ninh", "2024-12-31")
        lead = dict(
            Responsibility.objects.filter(
                framework_id="vn-dti-2022-province", role=Responsibility.Role.LEAD
            ).values_list("code", "agency__name")
        )
        self.assertEqual(
            lead["nhan_thuc_so"], "Sở Thông tin và Truyền thông tỉnh Quảng Ninh"
        )  # agency_role: so_tttt
        self.assertEqual(lead["hoat_dong_kinh_te_so"], "Sở Kế hoạch và Đầu tư tỉnh Quảng Ninh")  # so_khdt
        self.assertEqual(lead["nhan_luc_so"], "Sở Nội vụ tỉnh Quảng Ninh")  # so_noi_vu
        setup("Quảng Ninh", "2026-01-01")
        now = Responsibility.objects.filter(
            framework_id="vn-dti-2022-province", agency__valid_to__isnull=True, role=Responsibility.Role.LEAD
        )
        lead = dict(now.values_list("code", "agency__name"))
        self.assertEqual(lead["nhan_thuc_so"], "Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
        self.assertEqual(lead["hoat_dong_kinh_te_so"], "Sở Tài chính tỉnh Quảng Ninh")
        # agency_role: ubnd_huyen is set on the group htkt_xa_hoi and repeated on its indicators: the
        # rows go on the group only (lean matrix), the indicators inherit them
        ubnd = Responsibility.objects.filter(framework_id="vn-ict-index-2016-province", code="htkt_xa_hoi")
        self.assertEqual(ubnd.filter(agency__kind="district").count(), 13)  # before 01/07/2025
        self.assertEqual(ubnd.filter(agency__kind="commune").count(), 54)  # the communes since 01/07/2025
        self.assertFalse(Responsibility.objects.filter(
            framework_id="vn-ict-index-2016-province", code="ho_gd_co_internet").exists())
        from chiso.collection import services
        from chiso.lib import frameworks

        fw = frameworks.get_framework("vn-ict-index-2016-province")
        commune = ubnd.filter(agency__kind="commune").first().agency
        self.assertIn("ho_gd_co_internet", services.indicator_codes(fw, commune.pk))

    def test_a_demo_user_signs_in_and_opens_the_home_page(self):
        out = io.StringIO()
        call_command("setup_province", "Quảng Ninh", "--as-of", "2026-01-01", "--demo", stdout=out)
        self.assertIn("quangninh.quantri", out.getvalue())
        user = authenticate(username="quangninh.quantri", password="chiso-demo-2017")
        self.assertIsNotNone(user)
        self.assertTrue(user.last_name.endswith("(minh họa)"))
        roles = set(Membership.objects.filter(user=user).values_list("agency__name", "role"))
        self.assertEqual(roles, {("Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "dept_admin")})
        self.assertEqual(
            Membership.objects.get(user__username="quangninh.ubndtinh.lanhdao").agency.name,
            "Ủy ban nhân dân tỉnh Quảng Ninh",
        )
        self.assertEqual(
            Membership.objects.get(user__username="quangninh.xa.nhaplieu").agency.kind, "commune"
        )
        self.assertTrue(self.client.login(username="quangninh.xa.lanhdao", password="chiso-demo-2017"))
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertTrue(self.client.login(username="quangninh.quantri", password="chiso-demo-2017"))
        self.assertEqual(self.client.get("/").status_code, 200)


class NinhBinhTestCase(TestCase):
    def test_it_sets_up_ninh_binh_with_its_predecessors(self):
        got = setup("Ninh Bình", "2026-01-01")
        self.assertEqual(got["units"], NB_AFTER)
        self.assertEqual(standing(got), ["Sở Khoa học và Công nghệ tỉnh Ninh Bình"])
        self.assertEqual(len(names(got, "commune")), 129)
        new = Unit.objects.get(ref_id="P37@2025-07-01")
        olds = Unit.objects.filter(successor=new).order_by("code")
        self.assertEqual([(u.name, u.valid_to) for u in olds],
                         [("Tỉnh Hà Nam", dt.date(2025, 7, 1)), ("Tỉnh Nam Định", dt.date(2025, 7, 1)),
                          ("Tỉnh Ninh Bình", dt.date(2025, 7, 1))])  # fmt: skip
        old_communes = Unit.objects.filter(kind="commune", parent__parent__in=olds)
        self.assertEqual(old_communes.count(), 98 + 175 + 125)
        self.assertFalse(old_communes.filter(successor__isnull=True).exists())
        self.assertEqual(
            Unit.objects.get(ref_id="C13285").successor.name, "Phường Hà Nam"
        )  # as hanam_units.csv
        # each former province's sở end with successors, down to today's body
        for code in ("35", "36", "37"):
            sttt = Agency.objects.get(code=f"A{code}.STTTT")
            self.assertEqual(sttt.successor.successor.name, "Sở Khoa học và Công nghệ tỉnh Ninh Bình")
            tnmt = Agency.objects.get(code=f"A{code}.STNMT")
            self.assertEqual(tnmt.successor.successor.name, "Sở Nông nghiệp và Môi trường tỉnh Ninh Bình")
            self.assertEqual(
                Agency.objects.get(code=f"A{code}.UBND_TINH").successor.name, "Ủy ban nhân dân tỉnh Ninh Bình"
            )
        self.assertEqual(
            list(
                Agency.objects.valid_on(dt.date(2026, 1, 1))
                .filter(is_standing_body=True)
                .values_list("code", flat=True)
            ),
            ["A37.SKHCN@2025-07-01"],
        )

    def test_it_sets_up_the_former_ninh_binh_before_the_merger(self):
        got = setup("Ninh Bình", "2024-12-31")
        self.assertEqual(got["units"], {"province": 1, "district": 7, "commune": 125})
        self.assertEqual(standing(got), ["Sở Thông tin và Truyền thông tỉnh Ninh Bình"])
        self.assertFalse(Unit.objects.filter(ref_id__in=["P35", "P36", "P37@2025-07-01"]).exists())

    def test_it_is_idempotent(self):
        first = setup("Ninh Bình", "2026-01-01", "--demo")
        sizes = table_sizes()
        second = setup("Ninh Bình", "2026-01-01", "--demo")
        self.assertEqual(first, second)
        self.assertEqual(table_sizes(), sizes)
        self.assertEqual(AuditEntry.objects.filter(action="province.setup").count(), 2)

    def test_a_later_date_applies_the_successions_and_keeps_history(self):
        setup("Ninh Bình", "2024-12-31")
        before = dict(Unit.objects.values_list("ref_id", "pk"))
        old_agencies = dict(Agency.objects.values_list("code", "pk"))
        self.assertIsNone(Unit.objects.get(ref_id="P37").successor)
        setup("Ninh Bình", "2025-03-01")
        self.assertEqual(Agency.objects.get(code="A37.STTTT").successor.code, "A37.SKHCN@2025-03-01")
        got = setup("Ninh Bình", "2026-01-01")
        self.assertEqual(got["units"], NB_AFTER)
        after = dict(Unit.objects.values_list("ref_id", "pk"))
        self.assertEqual({k: after[k] for k in before}, before)  # every earlier row kept, same keys
        self.assertTrue(set(old_agencies) <= set(Agency.objects.values_list("code", flat=True)))
        p37 = Unit.objects.get(ref_id="P37")
        self.assertEqual((p37.valid_to, p37.successor.ref_id), (dt.date(2025, 7, 1), "P37@2025-07-01"))
        self.assertFalse(
            Unit.objects.filter(kind="commune", parent__parent=p37, successor__isnull=True).exists()
        )

    def test_what_the_department_edited_is_kept(self):
        setup("Ninh Bình", "2026-01-01")
        tc = Agency.objects.get(code="A37.STC@2025-07-01")
        tc.name, tc.valid_to = "Sở Tài chính (đổi tên thử)", dt.date(2026, 6, 1)
        tc.save()
        Agency.objects.filter(code="A37.SKHCN@2025-07-01").update(is_standing_body=False)
        Agency.objects.filter(code="A37.SNV@2025-07-01").update(is_standing_body=True)
        setup("Ninh Bình", "2026-01-01")
        tc.refresh_from_db()
        self.assertEqual((tc.name, tc.valid_to), ("Sở Tài chính (đổi tên thử)", dt.date(2026, 6, 1)))
        standing_now = Agency.objects.valid_on(dt.date(2026, 1, 1)).filter(is_standing_body=True)
        self.assertEqual(list(standing_now.values_list("code", flat=True)), ["A37.SNV@2025-07-01"])

    def test_demo_users_do_not_clash_with_the_reference_case(self):
        call_command("load_reference_case", "--demo", verbosity=0)
        users = set(get_user_model().objects.values_list("username", flat=True))
        setup("Ninh Bình", "2026-01-01", "--demo")
        added = set(get_user_model().objects.values_list("username", flat=True)) - users
        self.assertEqual(len(added), 11)
        self.assertTrue(all(u.startswith("ninhbinh.") for u in added))
        self.assertTrue(Agency.objects.get(code="A35.STTTT").is_standing_body)  # Hà Nam's history kept
        self.assertEqual(Agency.objects.get(code="A35.STTTT").successor.code, "A35.SKHCN@2025-03-01")
        self.assertEqual(
            Responsibility.objects.get(role="lead", agency__code="A35.STP").code, "dvctt"
        )  # QĐ 936


class RefusalTestCase(TestCase):
    def refused(self, name: str, as_of: str) -> str:
        with self.assertRaises(CommandError) as cm:
            setup(name, as_of)
        self.assertEqual(cm.exception.returncode, 2)
        self.assertEqual(Unit.objects.count() + Agency.objects.count(), 0)  # nothing written
        return str(cm.exception)

    def test_an_unknown_name_gets_suggestions(self):
        msg = self.refused("Quang Nimh", "2026-01-01")
        self.assertIn("Không tìm thấy", msg)
        self.assertIn("Quảng Ninh", msg)

    def test_an_ambiguous_name_lists_the_provinces(self):
        msg = self.refused("Quảng", "2026-01-01")
        self.assertIn("Quảng Ngãi, Quảng Ninh, Quảng Trị", msg)
        msg = self.refused("quang", "2024-12-31")
        self.assertIn("Quảng Bình, Quảng Nam, Quảng Ngãi, Quảng Ninh, Quảng Trị", msg)

    def test_a_province_that_no_longer_exists_names_its_successor(self):
        msg = self.refused("Hà Nam", "2026-01-01")
        self.assertIn("nay thuộc Ninh Bình", msg)

    def test_dates_out_of_range_are_refused(self):
        self.assertIn("01/01/2004", self.refused("Quảng Ninh", "2003-12-31"))
        far = dt.date.today().replace(day=1).replace(year=dt.date.today().year + 6)
        self.refused("Quảng Ninh", far.isoformat())
        self.assertIn("YYYY-MM-DD", self.refused("Quảng Ninh", "2026-13-01"))

    def test_the_command_exits_2_with_a_vietnamese_message(self):
        env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent-dir/never.sqlite3"}
        proc = subprocess.run(
            [sys.executable, "-m", "chiso.manage", "setup_province", "Quảng", "--as-of", "2026-01-01"],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("khớp với nhiều tỉnh", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        self.assertEqual(proc.stdout, "")

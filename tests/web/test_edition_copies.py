"""A province's own copy of a shipped index edition ("bản của tỉnh"): copied, completed in the app
(components added, renamed, lead agencies set) with the engine's validation, versioned, audited,
compared with its base, and found by ``chiso.lib.frameworks`` by its code as a shipped edition."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from django.utils import timezone

from chiso.assessment import editions, services
from chiso.assessment.models import InternalFramework
from chiso.collection.models import Round as CollectionRound
from chiso.engine import Framework
from chiso.lib import frameworks
from chiso.orgs import audit
from chiso.orgs.models import AuditEntry

from .test_assessment_base import AssessmentCase

P = "/xep-hang-noi-bo"
BASE = "vn-dti-2024-province"
CODE = "ninhbinh-dti-2024"


def node_of(data: dict, ref):
    """A child as a mapping (inline, or by reference to the ``nodes:`` table)."""
    if isinstance(ref, dict):
        return ref
    return next(n for n in data["nodes"] if n["code"] == ref)


def component(code: str, name: str, lead: list[str], **extra) -> dict:
    out = {"code": code, "name": {"vi": name, "en": name}, "max_points": 10, "scoring": "given", "range": [0, 1]}
    out["responsibility"] = {"lead": lead, "basis": "Hướng dẫn 1234/BKHCN-CĐSQG năm 2026 (thử)"}
    out.update(extra)
    return out


def completed(text: str) -> tuple[str, dict]:
    """The copy with three components added under its first main index (one with a supporting agency)
    and its second main index renamed: what a department does with the ministry's guidance."""
    data = yaml.safe_load(text)
    root = data["root"]
    main = node_of(data, root["children"][0])
    if not main.get("children"):  # a main index given as a value becomes the sum of its components
        for k in ("scoring", "range"):
            main.pop(k, None)
        main["method"] = "points_ratio"
        main["children"] = []
    new = [
        component("tinh_tp1", "Thành phần một của tỉnh", ["so_tttt"]),
        component("tinh_tp2", "Thành phần hai của tỉnh", ["so_noi_vu"]),
        component("tinh_tp3", "Thành phần ba của tỉnh", ["so_tttt"]),
    ]
    new[1]["responsibility"]["support"] = ["so_tu_phap"]
    main["children"] = list(main["children"]) + new
    second = node_of(data, root["children"][1])
    second["name"] = {"vi": "Thể chế số (tên theo hướng dẫn 2026)", "en": "Digital institutions (2026 name)"}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), data


class EditionCopyCase(AssessmentCase):
    def copy(self, code=CODE, base=BASE):
        self.login(self.admin)
        r = self.client.post(f"{P}/bo-chi-so/sao-ban-cua-tinh/", {"base": base, "code": code, "edition": ""})
        self.assertEqual(r.status_code, 302, r.content.decode()[-3000:])
        return InternalFramework.objects.get(code=code)

    def edit(self, fw, text, version=None, expect=302):
        url = f"{P}/bo-chi-so/{fw.pk}/sua/"
        r = self.client.post(url, {"yaml_text": text, "version": fw.version if version is None else version})
        self.assertEqual(r.status_code, expect, r.content.decode()[-3000:])
        return r


class CopyTests(EditionCopyCase):
    def test_copy_a_shipped_edition(self):
        self.login(self.admin)
        r = self.client.get(f"{P}/bo-chi-so/")
        self.assertContains(r, "Sao một bộ chỉ số thành bản của tỉnh")
        r = self.client.get(f"{P}/bo-chi-so/sao-ban-cua-tinh/?base={BASE}")
        self.assertContains(r, BASE)
        fw = self.copy()
        base = frameworks.get_framework(BASE)
        self.assertEqual((fw.kind, fw.base_id, fw.edition, fw.version), ("index", BASE, base.edition, 0))
        self.assertIn(f"derived_from: {{id: {BASE}, edition: {base.edition}}}", fw.yaml_text)
        self.assertIn("# Bản của tỉnh, sao từ vn-dti-2024-province", fw.yaml_text)
        self.assertIn("legal_basis:", fw.yaml_text)  # sources and comments of the shipped file kept
        copy = frameworks.get_framework(CODE)
        self.assertEqual((copy.id, copy.kind, copy.status), (CODE, "index", base.status))
        self.assertEqual(copy.codes, base.codes)
        self.assertIn("bản của tỉnh", copy.label("vi"))
        self.assertIn(CODE, [c for c, _l in frameworks.framework_choices("index")])
        self.assertNotIn(CODE, [c for c, _l in frameworks.framework_choices("internal")])
        self.assertTrue(AuditEntry.objects.filter(action="internal_framework.copy_edition").exists())
        # the page says what it is, honestly
        r = self.client.get(f"{P}/bo-chi-so/{fw.pk}/")
        self.assertContains(r, f"Bản của tỉnh, sao từ {BASE}")
        self.assertContains(r, "Chưa khác bộ chỉ số gốc.")
        if base.status != "official":
            self.assertContains(r, 'id="edition-provisional"')
            self.assertContains(r, "tạm tính")
        # an internal-ranking round cannot be opened on it
        with self.assertRaises(services.Refused):
            services.create_round(
                audit.Actor(user=self.admin), framework=fw, year=2030, tier="huyen", title="x",
                opens_on=dt.date(2030, 1, 1), self_due_on=dt.date(2030, 2, 1), appraisal_due_on=dt.date(2030, 3, 1),
            )  # fmt: skip

    def test_copy_refuses_a_taken_or_bad_code(self):
        self.login(self.admin)
        url = f"{P}/bo-chi-so/sao-ban-cua-tinh/"
        for code, sentence in [
            ("vn-dti-2022-province", "Đã có bộ chỉ số mã"),
            ("test-noibo", "Đã có bộ chỉ số mã"),
            ("Ninh Bình", "Mã chỉ gồm chữ thường"),
        ]:
            with self.subTest(code):
                r = self.client.post(url, {"base": BASE, "code": code})
                self.assertContains(r, sentence, status_code=400)
        r = self.client.post(url, {"base": "hanam-cds-noibo-2022", "code": "abc-2024"})
        self.assertEqual(r.status_code, 400)  # an internal template is not an index edition
        self.assertFalse(InternalFramework.objects.filter(kind="index").exists())

    def test_a_copy_of_the_copy_for_the_next_year_keeps_its_base(self):
        fw = self.copy()
        r = self.client.post(f"{P}/bo-chi-so/{fw.pk}/sao-chep/", {"code": "ninhbinh-dti-2025", "edition": "2025"})
        self.assertEqual(r.status_code, 302, r.content.decode()[-2000:])
        new = InternalFramework.objects.get(code="ninhbinh-dti-2025")
        self.assertEqual((new.kind, new.base_id, new.derived_from_id), ("index", BASE, fw.pk))
        self.assertEqual(frameworks.get_framework("ninhbinh-dti-2025").edition, 2025)
        text, _d = completed(new.yaml_text)
        self.edit(new, text)  # derived_from is the 2024 copy: accepted


class EditTests(EditionCopyCase):
    def test_add_rename_and_set_leads(self):
        fw = self.copy()
        text, data = completed(fw.yaml_text)
        self.client.get(f"{P}/bo-chi-so/{fw.pk}/sua/")
        self.edit(fw, text)
        fw.refresh_from_db()
        self.assertEqual((fw.version, fw.yaml_text), (1, text.strip()))
        # a fresh request in another worker: nothing of this process's parsed copies is reused
        frameworks._BY_SHA.clear()
        got = frameworks.get_framework(CODE)
        self.assertEqual(got.node("tinh_tp2").responsibility.lead, ("so_noi_vu",))
        self.assertEqual(got.node("tinh_tp2").responsibility.support, ("so_tu_phap",))
        main = node_of(data, data["root"]["children"][0])["code"]
        self.assertEqual(got.parents()["tinh_tp1"], main)
        self.assertIn("2026", got.node(node_of(data, data["root"]["children"][1])["code"]).label("vi"))
        # audited with the text before and the changes
        entry = AuditEntry.objects.filter(action="internal_framework.edit", target_id=str(fw.pk)).first()
        self.assertEqual(entry.after["version"], 1)
        self.assertIn("thêm 3 chỉ số thành phần", entry.after["changes"])
        # the page: the diff against the base, the tree with the leads
        r = self.client.get(f"{P}/bo-chi-so/{fw.pk}/")
        html = r.content.decode()
        summary = re.search(r'id="edition-summary">(.*?)</p>', html).group(1)
        self.assertIn("Thêm 3 chỉ số thành phần", summary)
        self.assertIn("đổi tên 1", summary)
        self.assertContains(r, "Thành phần hai của tỉnh")
        self.assertContains(r, "so_tu_phap")
        # the same copy, read by its code where a shipped edition is: a collection round's form, the matrix
        from chiso.collection.forms import RoundForm

        self.assertIn(CODE, dict(RoundForm().fields["framework_id"].choices))
        r = self.client.get(f"/ma-tran/{CODE}/")
        self.assertContains(r, "Thành phần ba của tỉnh")
        # an edit is seen at once: a second save, read by the next call
        text2 = text.replace("Thành phần ba của tỉnh", "Thành phần ba (đổi tên)")
        self.edit(InternalFramework.objects.get(pk=fw.pk), text2)
        self.assertEqual(frameworks.get_framework(CODE).node("tinh_tp3").label("vi"), "Thành phần ba (đổi tên)")

    def test_the_page_shows_weights_that_do_not_sum_to_one_as_a_warning_with_its_line(self):
        fw = self.copy()
        data = yaml.safe_load(fw.yaml_text)
        main = node_of(data, data["root"]["children"][0])
        for k in ("scoring", "range"):
            main.pop(k, None)
        main["method"] = "weighted_mean"
        main["children"] = [component("tinh_tp1", "Thành phần một", ["so_tttt"], weight=0.6),
                            component("tinh_tp2", "Thành phần hai", ["so_tttt"], weight=0.6)]
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
        self.edit(fw, text)  # a warning never refuses the framework
        r = self.client.get(f"{P}/bo-chi-so/{fw.pk}/")
        box = re.search(r'id="edition-warnings".*?</div>', r.content.decode(), re.S).group(0)
        self.assertIn("Lưu ý về bộ chỉ số", box)
        self.assertIn(f"Nhóm “{main['code']}”: tổng trọng số của các chỉ số con là 1,2, không bằng 1", box)
        self.assertRegex(box, r"Dòng \d+:")
        fresh = self.copy(code="ninhbinh-dti-2024b")
        self.assertNotContains(self.client.get(f"{P}/bo-chi-so/{fresh.pk}/"), 'id="edition-warnings"')

    def test_a_collection_round_on_the_copy_asks_for_the_added_components(self):
        from chiso.collection import services as collection
        from chiso.orgs.models import Responsibility

        fw = self.copy()
        text, _d = completed(fw.yaml_text)
        self.edit(fw, text)
        Responsibility.objects.create(framework_id=CODE, code="tinh_tp2", agency=self.a, role="lead")
        today = timezone.localdate()
        rnd = collection.create_round(
            audit.Actor(user=self.admin), framework_id=CODE, year=today.year, title="DTI của tỉnh",
            opens_on=today, due_on=today + dt.timedelta(days=5), locks_on=today + dt.timedelta(days=10),
        )  # fmt: skip
        sub = rnd.submissions.get()
        self.assertEqual(sub.agency, self.a)
        self.assertEqual(collection.indicator_codes(frameworks.get_framework(CODE), self.a.pk), ["tinh_tp2"])
        # and while that round is open the copy is not edited under the agency's form
        self.edit(InternalFramework.objects.get(pk=fw.pk), text.replace("hai của tỉnh", "hai (mới)"), expect=409)

    def test_refused_edits_list_every_problem_with_its_line_and_save_nothing(self):
        fw = self.copy()
        good, data = completed(fw.yaml_text)
        other_code = node_of(data, data["root"]["children"][1])["code"]
        main_code = node_of(data, data["root"]["children"][0])["code"]

        def variant(change):
            d = yaml.safe_load(good)
            change(d)
            return yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=110)

        def unknown_child(d):
            node_of(d, d["root"]["children"][0])["children"].append("khong_co")

        def no_max_points(d):
            d["root"]["children"].append({"code": "tinh_moi", "name": "Mới", "scoring": "given"})

        def duplicate(d):
            node_of(d, d["root"]["children"][0])["children"].append(component(other_code, "Trùng", ["so_tttt"]))

        def bad_role(d):
            node_of(d, d["root"]["children"][0])["children"][-1]["responsibility"]["lead"] = ["Sở KH&CN"]

        def no_basis(d):
            node_of(d, d["root"]["children"][0])["children"][-1]["responsibility"].pop("basis")

        def internal(d):
            d["kind"] = "internal"

        def official(d):
            d["status"] = "official"

        cases = [
            (unknown_child, f"Nhóm “{main_code}”: không có chỉ số con “khong_co”"),
            (no_max_points, "Chỉ số “tinh_moi”: nhóm cha cộng điểm nên chỉ số cần điểm tối đa (max_points)."),
            (duplicate, f"Mã “{other_code}” bị trùng."),
            (bad_role, "Chỉ số “tinh_tp3”: mã vai trò ở lead chỉ gồm chữ thường không dấu"),
            (no_basis, "Chỉ số “tinh_tp3”: phân công cần căn cứ"),
            (internal, "bỏ dòng “kind: internal”"),
        ]
        if frameworks.get_framework(BASE).status != "official":
            cases.append((official, "không thể ghi là chính thức"))
        for change, sentence in cases:
            with self.subTest(change.__name__):
                r = self.edit(fw, variant(change), expect=200)
                self.assertContains(r, sentence)
                fresh = InternalFramework.objects.get(pk=fw.pk)
                self.assertEqual((fresh.yaml_text, fresh.version), (fw.yaml_text, 0))
        # each problem names its line: two at once, both listed
        text = variant(lambda d: (bad_role(d), no_max_points(d)))
        r = self.edit(fw, text, expect=200)
        line = next(i for i, s in enumerate(text.splitlines(), 1) if "tinh_tp3" in s)
        self.assertContains(r, f"Dòng {line}: Chỉ số “tinh_tp3”")
        self.assertContains(r, "Chỉ số “tinh_moi”")
        # the id and derived_from stay
        r = self.edit(fw, good.replace(f"id: {CODE}", "id: khac-2024"), expect=200)
        self.assertContains(r, f"id phải là “{CODE}”")
        r = self.edit(fw, good.replace(f"id: {BASE}", "id: vn-dti-2022-province"), expect=200)
        self.assertContains(r, f"derived_from phải giữ là “{BASE}”")
        self.assertEqual(InternalFramework.objects.get(pk=fw.pk).version, 0)

    def test_a_stale_save_is_refused_with_409_and_nothing_overwritten(self):
        fw = self.copy()
        text, _d = completed(fw.yaml_text)
        self.edit(fw, text, version=0)  # window 1 saves
        other = text.replace("Thành phần một của tỉnh", "Sửa từ cửa sổ cũ")
        r = self.edit(fw, other, version=0, expect=409)  # window 2, opened before
        self.assertContains(r, "đã lưu bộ chỉ số này lúc", status_code=409)
        self.assertContains(r, "Sửa từ cửa sổ cũ", status_code=409)  # what was typed is still there
        self.assertContains(r, 'name="version" value="1"', status_code=409)  # now told: the newer version
        self.assertEqual(InternalFramework.objects.get(pk=fw.pk).yaml_text, text.strip())
        self.edit(fw, other, version=1)  # saving again replaces the newer one knowingly
        self.assertEqual(InternalFramework.objects.get(pk=fw.pk).version, 2)

    def test_no_edit_once_a_collection_round_uses_it_open_or_locked(self):
        fw = self.copy()
        today = timezone.localdate()
        rnd = CollectionRound.objects.create(
            framework_id=CODE, year=today.year, title="Thu thập DTI thử", opens_on=today - dt.timedelta(days=3),
            due_on=today + dt.timedelta(days=5), locks_on=today + dt.timedelta(days=10),
        )  # fmt: skip
        text, _d = completed(fw.yaml_text)
        r = self.edit(fw, text, expect=409)
        self.assertContains(r, "Đợt thu thập “Thu thập DTI thử” đã dùng bộ chỉ số", status_code=409)
        self.assertEqual(InternalFramework.objects.get(pk=fw.pk).version, 0)
        r = self.client.get(f"{P}/bo-chi-so/{fw.pk}/")
        self.assertContains(r, 'id="edition-locked"')
        CollectionRound.objects.filter(pk=rnd.pk).update(
            opens_on=today - dt.timedelta(days=30), due_on=today - dt.timedelta(days=20),
            locks_on=today - dt.timedelta(days=1),
        )  # fmt: skip
        # locked: its approved values and results still read the framework by its code, so still refused
        self.edit(fw, text, expect=409)
        self.assertEqual(InternalFramework.objects.get(pk=fw.pk).version, 0)
        CollectionRound.objects.filter(pk=rnd.pk).delete()
        self.edit(fw, text)


class AccessTests(EditionCopyCase):
    def test_only_the_department_admin_copies_and_edits_others_read(self):
        fw = self.copy()
        text, _d = completed(fw.yaml_text)
        edit, page, new = f"{P}/bo-chi-so/{fw.pk}/sua/", f"{P}/bo-chi-so/{fw.pk}/", f"{P}/bo-chi-so/sao-ban-cua-tinh/"
        for user, read, copy_page in [
            (self.officer, 200, 403), (self.leader, 200, 403), (self.alice, 200, 404), (self.anna, 200, 404),
        ]:  # fmt: skip
            with self.subTest(user.username):
                self.client.logout()
                self.login(user)
                self.assertEqual(self.client.get(page).status_code, read)
                self.assertEqual(self.client.get(edit).status_code, 403)
                self.assertEqual(self.client.post(edit, {"yaml_text": text, "version": 0}).status_code, 403)
                self.assertEqual(self.client.get(f"{P}/bo-chi-so/{fw.pk}/sao-chep/").status_code, 403)
                self.assertEqual(self.client.get(new).status_code, copy_page)
                self.assertEqual(self.client.post(new, {"base": BASE, "code": "x-2024"}).status_code, copy_page)
        self.assertEqual(InternalFramework.objects.get(pk=fw.pk).version, 0)
        self.assertFalse(InternalFramework.objects.filter(code="x-2024").exists())
        self.client.logout()
        self.assertEqual(self.client.get(page).status_code, 302)  # anonymous: the login page

    def test_english(self):
        fw = self.copy()
        text, _d = completed(fw.yaml_text)
        self.edit(fw, text)
        self.client.cookies["chiso_language"] = "en"
        r = self.client.get(f"{P}/bo-chi-so/{fw.pk}/")
        self.assertContains(r, f"Province copy, copied from {BASE}")
        self.assertContains(r, "Add 3 component indicators")
        self.assertContains(r, f'href="/ma-tran/{CODE}/"')
        r = self.client.get(f"{P}/bo-chi-so/sao-ban-cua-tinh/")
        self.assertContains(r, "Copy an edition as the province")


class DiffTests(AssessmentCase):
    def test_the_structured_diff(self):
        def fw(children, fid="x"):
            return Framework.from_dict({"id": fid, "name": "X", "edition": 2024, "root": {
                "code": "t", "name": "T", "method": "points_ratio", "children": children}})  # fmt: skip

        base = fw([
            {"code": "a", "name": "A", "max_points": 10, "scoring": "given"},
            {"code": "b", "name": "B", "max_points": 10, "scoring": "given"},
            {"code": "c", "name": "C", "max_points": 10, "scoring": "given"},
        ])  # fmt: skip
        copy = fw([
            {"code": "a", "name": "A", "max_points": 10, "method": "points_ratio", "children": [
                {"code": "a1", "name": "A1", "max_points": 5, "scoring": "given",
                 "responsibility": {"lead": ["so_khcn"], "proposal": True}}]},
            {"code": "b", "name": "B mới", "max_points": 20, "scoring": "given",
             "responsibility": {"lead": ["so_noi_vu"], "basis": "QĐ 1"}},
        ], fid="y")  # fmt: skip
        d = frameworks.diff(base, copy)
        self.assertEqual(
            [(c.kind, c.code) for c in d.changes],
            [("method", "a"), ("added", "a1"), ("renamed", "b"), ("points", "b"), ("responsibility", "b"),
             ("removed", "c")],
        )  # fmt: skip
        self.assertEqual(d.of("added")[0].parent, "a")
        self.assertEqual(d.of("responsibility")[0].after, "lead: so_noi_vu")
        self.assertEqual(
            editions.summary(d),
            "thêm 1 chỉ số thành phần, đổi tên 1, đổi điểm tối đa hoặc trọng số của 1, đổi cách tính của 1, "
            "đổi phân công cơ quan của 1, bỏ 1",
        )
        self.assertEqual(editions.summary(frameworks.diff(base, base)), "chưa khác bộ chỉ số gốc")

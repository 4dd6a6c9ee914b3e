"""The self-assessment sheet never overwrites a newer answer silently and never drops what was
typed (issue 10, items 7 and 8): every entry has a version, the sheet carries it (one hidden input
per indicator), the autosave of one indicator and the save of the whole sheet refuse an answer
from an older copy and say which indicator, the newer value, who saved it and when; refused saves
keep every typed value and note; evidence is added and removed in place under htmx."""

from __future__ import annotations

import re

from django.utils import timezone

from chiso.assessment import services
from chiso.assessment.models import Entry
from chiso.orgs.models import AuditEntry

from .test_assessment_base import AssessmentCase

P = "/xep-hang-noi-bo/phieu"


def entry(p, code):
    return Entry.objects.get(participant=p, code=code)


def hidden_version(html: str, code: str) -> int:
    m = re.search(rf'name="ver_{code}" value="(\d+)"', html)
    assert m is not None, f"no version input for {code}"
    return int(m.group(1))


class EntryAutosaveTests(AssessmentCase):
    def autosave(self, code, data, **extra):
        return self.client.post(f"{P}/{self.pa.pk}/chi-so/{code}/luu/", data, HTTP_HX_REQUEST="true", **extra)

    def test_it_saves_one_indicator_with_its_note_and_new_version(self):
        self.login(self.alice)
        page = self.client.get(f"{P}/{self.pa.pk}/").content.decode()
        self.assertEqual(hidden_version(page, "online"), 0)
        self.assertIn(f'hx-post="{P}/{self.pa.pk}/chi-so/online/luu/"', page)
        r = self.autosave("online", {"v_online": "75,5", "note_online": "Theo Cổng dịch vụ công", "ver_online": "0"})
        self.assertEqual((r.status_code, r["X-Chiso-Status"]), (200, "200"))
        e = entry(self.pa, "online")
        self.assertEqual((e.value, e.note, e.version, e.updated_by), (75.5, "Theo Cổng dịch vụ công", 1, self.alice))
        html = r.content.decode()
        self.assertEqual(hidden_version(html, "online"), 1)
        self.assertIn("Đã lưu", html)
        # the self-score, out of band: 75.5 % of the 100 % target × 20 points
        self.assertIn('<span id="pts-online" hx-swap-oob="true">15,10</span>', html)
        # saving the same again changes nothing, and is no conflict
        r = self.autosave("online", {"v_online": "75,5", "note_online": "Theo Cổng dịch vụ công", "ver_online": "1"})
        self.assertEqual(r["X-Chiso-Status"], "200")
        self.assertEqual(entry(self.pa, "online").version, 1)
        self.assertEqual(AuditEntry.objects.filter(action="assessment_self.save").count(), 1)

    def test_it_refuses_an_answer_from_an_older_copy_and_names_the_newer_one(self):
        self.login(self.anna)  # window 1
        self.assertEqual(self.autosave("online", {"v_online": "60", "ver_online": "0"})["X-Chiso-Status"], "200")
        saved_at = timezone.localtime(entry(self.pa, "online").updated_at)
        self.login(self.alice)  # window 2, opened before that save
        r = self.autosave("online", {"v_online": "40", "ver_online": "0"})
        self.assertEqual(r["X-Chiso-Status"], "409")
        html = r.content.decode()
        self.assertIn(
            f"anna đã lưu giá trị mới lúc {saved_at:%H:%M:%S %d/%m/%Y}: “60%” (bạn nhập “40%”). Giá trị của bạn "
            "chưa được lưu; lưu lại nếu vẫn muốn thay giá trị mới bằng giá trị của bạn.",
            html,
        )
        e = entry(self.pa, "online")
        self.assertEqual((e.value, e.version, e.updated_by), (60.0, 1, self.anna))
        # told, the row now carries the newer version: saving again is a choice made knowingly
        self.assertEqual(hidden_version(html, "online"), 1)
        self.assertEqual(self.autosave("online", {"v_online": "40", "ver_online": "1"})["X-Chiso-Status"], "200")
        self.assertEqual(entry(self.pa, "online").value, 40.0)

    def test_a_bad_value_saves_nothing_and_keeps_the_version(self):
        self.login(self.alice)
        r = self.autosave("meetings", {"v_meetings": "ba", "ver_meetings": "0"})
        self.assertEqual(r["X-Chiso-Status"], "400")
        self.assertIn("Giá trị không phải là số.", r.content.decode())
        self.assertEqual(hidden_version(r.content.decode(), "meetings"), 0)
        self.assertIsNone(entry(self.pa, "meetings").raw)

    def test_it_is_refused_to_others_and_after_submission(self):
        self.login(self.bella)
        self.assertEqual(self.autosave("online", {"v_online": "60"}).status_code, 404)
        self.login(self.officer)
        self.assertEqual(self.autosave("online", {"v_online": "60"}).status_code, 403)
        self.fill(self.pa, self.alice)  # and the head submits
        self.login(self.alice)
        self.assertEqual(self.autosave("online", {"v_online": "60", "ver_online": "1"}).status_code, 403)
        self.assertEqual(entry(self.pa, "online").value, 50.0)


class SheetSaveTests(AssessmentCase):
    def sheet_post(self, versions, **values):
        data = {"v_meetings": "3", "v_chaired_a": "2", "v_chaired_b": "4", "v_portal": "1", "v_plan": "1",
                "v_online": "50", **values}
        data.update({f"ver_{c}": str(v) for c, v in versions.items()})
        return self.client.post(f"{P}/{self.pa.pk}/luu/", data)

    def test_the_second_window_is_told_and_nothing_of_its_save_is_written(self):
        self.fill(self.pa, self.alice, submit=False)  # every answer at version 1
        self.login(self.alice)
        page = self.client.get(f"{P}/{self.pa.pk}/").content.decode()
        loaded = {c: hidden_version(page, c) for c in ("meetings", "chaired", "portal", "plan", "online")}
        self.assertEqual(set(loaded.values()), {1})
        self.login(self.anna)  # the other window changes the meetings and saves first
        self.assertEqual(self.sheet_post(loaded, v_meetings="4").status_code, 302)
        when = timezone.localtime(entry(self.pa, "meetings").updated_at)
        self.assertEqual((entry(self.pa, "meetings").version, entry(self.pa, "online").version), (2, 1))
        self.login(self.alice)
        r = self.sheet_post(loaded, v_meetings="2", v_online="65", note_online="Số liệu quý IV")
        self.assertEqual(r.status_code, 409)
        html = r.content.decode()
        self.assertIn("Chưa lưu gì: 1 chỉ số vừa được người khác lưu sau khi bạn mở phiếu (meetings).", html)
        self.assertIn(
            f"anna đã lưu giá trị mới lúc {when:%H:%M:%S %d/%m/%Y}: “4 cuộc họp” (bạn nhập “2 cuộc họp”).", html
        )
        # nothing of alice's save was written, not even the indicator nobody else touched
        self.assertEqual((entry(self.pa, "meetings").value, entry(self.pa, "online").value), (4.0, 50.0))
        self.assertEqual(entry(self.pa, "online").note, "")
        # what she typed is kept, notes included; the conflicting row carries the newer version
        self.assertIn('name="v_meetings" value="2"', html)
        self.assertIn('name="v_online" value="65"', html)
        self.assertIn(">Số liệu quý IV</textarea>", html)
        self.assertEqual((hidden_version(html, "meetings"), hidden_version(html, "online")), (2, 1))
        r = self.sheet_post({**loaded, "meetings": 2}, v_meetings="2", v_online="65")
        self.assertEqual(r.status_code, 302)
        self.assertEqual((entry(self.pa, "meetings").value, entry(self.pa, "online").value), (2.0, 65.0))

    def test_a_validation_error_keeps_the_notes_and_the_versions_as_loaded(self):
        services.save_self(self.pa.pk, {"online": ("40", "")}, self.actor(self.anna))  # version 1
        self.login(self.alice)
        r = self.sheet_post({"online": 1, "meetings": 0}, v_meetings="ba", note_meetings="Họp quý I, II, III",
                            note_online="Theo Cổng dịch vụ công")
        self.assertEqual(r.status_code, 400)
        html = r.content.decode()
        self.assertIn(">Họp quý I, II, III</textarea>", html)
        self.assertIn(">Theo Cổng dịch vụ công</textarea>", html)
        self.assertIn('name="v_meetings" value="ba"', html)
        self.assertEqual(hidden_version(html, "meetings"), 0)
        self.assertEqual(entry(self.pa, "online").note, "")

    def test_a_sheet_without_versions_saves_as_before(self):
        self.login(self.alice)
        self.assertEqual(self.sheet_post({}).status_code, 302)
        self.assertEqual({e.code: e.version for e in self.pa.entries.exclude(raw=None)},
                         {"meetings": 1, "chaired": 1, "portal": 1, "plan": 1, "online": 1})


class EvidenceInPlaceTests(AssessmentCase):
    def test_a_document_is_added_and_removed_without_leaving_the_page(self):
        services.save_self(self.pa.pk, {"meetings": ("3", "")}, self.actor(self.alice))
        self.assertEqual(entry(self.pa, "meetings").self_points, 0.0)  # no evidence yet
        self.login(self.alice)
        url = f"{P}/{self.pa.pk}/chi-so/meetings/van-ban/"
        r = self.client.post(url, {"number": "12/TB-UBND", "date": "15/03/2024", "summary": "Thông báo kết luận"},
                             HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)  # the cell, not a redirect
        html = r.content.decode()
        self.assertIn("12/TB-UBND ngày 15/03/2024: Thông báo kết luận", html)
        self.assertIn("Đã thêm văn bản.", html)
        self.assertIn('<span id="pts-meetings" hx-swap-oob="true">15,00</span>', html)
        self.assertEqual(entry(self.pa, "meetings").self_points, 15.0)
        doc = entry(self.pa, "meetings").docs.get()
        r = self.client.post(f"/xep-hang-noi-bo/van-ban/{doc.pk}/xoa/", HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertIn('<span id="pts-meetings" hx-swap-oob="true">0,00</span>', r.content.decode())
        self.assertFalse(entry(self.pa, "meetings").docs.exists())

    def test_a_refused_document_keeps_what_was_typed(self):
        self.login(self.alice)
        r = self.client.post(f"{P}/{self.pa.pk}/chi-so/meetings/van-ban/",
                             {"number": "12/TB-UBND", "date": "31/02/2024", "summary": "Thông báo kết luận"},
                             HTTP_HX_REQUEST="true")
        html = r.content.decode()
        self.assertIn("Ngày không hợp lệ (dd/mm/yyyy).", html)
        self.assertIn('name="number" value="12/TB-UBND"', html)
        self.assertIn('name="summary" value="Thông báo kết luận"', html)
        self.assertFalse(entry(self.pa, "meetings").docs.exists())

    def test_without_htmx_it_goes_back_to_the_sheet(self):
        self.login(self.alice)
        r = self.client.post(f"{P}/{self.pa.pk}/chi-so/meetings/van-ban/",
                             {"number": "12/TB-UBND", "date": "15/03/2024", "summary": "Thông báo kết luận"})
        self.assertRedirects(r, f"{P}/{self.pa.pk}/", fetch_redirect_response=False)

"""Every URL of the internal ranking × every role: not yours -> 404, yours but not allowed -> 403,
anonymous -> the login page, never 500. A unit sees only its own sheet until publication; a council
member sees the units of the seat; the department everything; the leadership reads and approves."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.assessment import services
from chiso.assessment.access import get_access
from chiso.assessment.models import Entry, EvidenceFile, Round

from .test_assessment_base import AssessmentCase

OK, RO, NF, LOGIN = 200, 403, 404, 302
P = "/xep-hang-noi-bo"
ROLES = ["anonymous", "nobody", "admin", "officer", "leader", "chair", "member", "bella", "alice", "anna"]


class AccessMatrixTests(AssessmentCase):
    def expect(self, method, url, table, data=None, **extra):
        for name in ROLES:
            self.client.logout()
            user = None if name == "anonymous" else getattr(self, name)
            if user is not None:
                self.login(user)
            r = getattr(self.client, method)(url, data or {}, **extra)
            expected = table.get(name, LOGIN if user is None else table.get("*"))
            got = r.status_code
            if expected == OK:
                self.assertIn(got, (200, 302), f"{method} {url} as {name}: {got}")
                if got == 302:
                    self.assertNotIn("/dang-nhap/", r["Location"], f"{method} {url} as {name}")
            else:
                self.assertEqual(got, expected, f"{method} {url} as {name}")
                if expected == LOGIN:
                    self.assertIn("/dang-nhap/", r["Location"])

    def add_file(self, p):
        e = Entry.objects.get(participant=p, code="meetings")
        ev = EvidenceFile(
            entry=e, original_name="bien-ban.pdf", content_type="application/pdf", size=9, sha256="x"
        )
        ev.file.save("upload", SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n"), save=False)
        ev.save()
        return ev

    def test_pages_during_the_appraisal(self):
        ev = self.add_file(self.pa)
        self.fill(self.pa, self.alice)
        self.fill(self.pb, self.bella)
        self.fill(self.pc, self.admin)
        self.step("close_self")
        a, b, r, fw = self.pa.pk, self.pb.pk, self.round.pk, self.fw.pk
        everyone = {"*": OK}
        self.expect("get", f"{P}/", everyone)
        reads_all = {"admin": OK, "officer": OK, "leader": OK, "*": NF}
        self.expect("get", f"{P}/bo-chi-so/", reads_all)
        self.expect("get", f"{P}/bo-chi-so/{fw}/", reads_all)
        dept_edit = {"admin": OK, "officer": OK, "leader": RO, "*": NF}
        self.expect("get", f"{P}/bo-chi-so/{fw}/sao-chep/", dept_edit)
        self.expect("get", f"{P}/bo-chi-so/{fw}/sua/", dept_edit)
        self.expect("get", f"{P}/dot/moi/", {"admin": OK, "officer": OK, "*": RO})
        in_round = {"nobody": NF, "*": OK}
        self.expect("get", f"{P}/dot/{r}/", in_round)
        council = {"admin": OK, "officer": OK, "leader": OK, "chair": OK, "member": OK, "*": NF}
        self.expect("get", f"{P}/dot/{r}/hoi-dong/", council)
        self.expect("get", f"{P}/dot/{r}/ket-qua/", council)  # units: not before publication
        self.expect("get", f"{P}/dot/{r}/ket-qua.xlsx", reads_all)
        self.expect("get", f"{P}/dot/{r}/quyet-dinh/", {"*": NF})  # no decision before the approval step
        self.expect("get", f"{P}/dot/{r}/quyet-dinh.docx", {"*": NF})
        sheet_a = {"admin": OK, "officer": OK, "leader": OK, "chair": OK, "alice": OK, "anna": OK, "*": NF}
        for url in (
            f"{P}/phieu/{a}/",
            f"{P}/phieu/{a}/bang-diem/",
            f"{P}/phieu/{a}/bang-diem.docx",
            f"{P}/minh-chung/{ev.pk}/",
        ):
            self.expect("get", url, sheet_a)
        self.expect(
            "get",
            f"{P}/phieu/{b}/",
            {"admin": OK, "officer": OK, "leader": OK, "chair": OK, "member": OK, "bella": OK, "*": NF},
        )
        self.expect("get", f"{P}/phieu/{a}/bang-diem.exe", {"admin": NF, "*": NF, "anonymous": LOGIN})
        self.expect(
            "get",
            f"{P}/phieu/{a}/cai-dat/",
            {"admin": OK, "officer": OK, "leader": RO, "chair": RO, "alice": RO, "anna": RO, "*": NF},
        )
        self.expect(
            "get",
            f"{P}/don-vi/{self.a.pk}/",
            {"admin": OK, "officer": OK, "leader": OK, "alice": OK, "anna": OK, "*": NF},
        )
        self.expect("get", f"{P}/phieu/{a}/chi-so/meetings/sua-doi/", {**{k: RO for k in sheet_a}, "*": NF})
        # appraisal: department and council (the member only on unit B's seat indicators)
        self.expect(
            "post",
            f"{P}/phieu/{a}/tham-dinh/",
            {"admin": OK, "officer": OK, "chair": OK, "leader": RO, "alice": RO, "anna": RO, "*": NF},
            {"ap_portal": "10"},
        )
        self.expect(
            "post",
            f"{P}/phieu/{b}/tham-dinh/",
            {"admin": OK, "officer": OK, "chair": OK, "member": OK, "leader": RO, "bella": RO, "*": NF},
            {"ap_plan": "5"},
        )
        # the unit cannot write during the appraisal
        self.expect(
            "post",
            f"{P}/phieu/{a}/luu/",
            {"alice": RO, "anna": RO, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
            {"v_meetings": "1"},
        )
        self.expect(
            "post",
            f"{P}/phieu/{a}/chi-so/meetings/van-ban/",
            {"alice": RO, "anna": RO, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
            {"number": "1", "date": "01/01/2024", "summary": "x"},
        )
        self.expect(
            "post",
            f"{P}/minh-chung/{ev.pk}/xoa/",
            {"alice": RO, "anna": RO, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
        )
        # round steps: only who may take them
        # the leadership may approve, but not now: the page says why (redirect with the message)
        self.expect("post", f"{P}/dot/{r}/buoc/approve/", {"nobody": NF, "leader": OK, "*": RO})
        self.assertEqual(Round.objects.get(pk=r).status, "appraisal")
        self.expect("post", f"{P}/dot/{r}/buoc/nonsense/", {"nobody": NF, "*": NF})

    def test_writes_during_the_self_assessment(self):
        a, r = self.pa.pk, self.round.pk
        self.expect(
            "post",
            f"{P}/phieu/{a}/luu/",
            {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
            {"v_meetings": "2"},
        )
        self.expect(
            "post",
            f"{P}/phieu/{a}/chi-so/meetings/van-ban/",
            {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
            {"number": "7/TB", "date": "01/02/2024", "summary": "Thông báo"},
        )
        self.expect(
            "post",
            f"{P}/phieu/{a}/chi-so/meetings/minh-chung/",
            {"alice": OK, "anna": OK, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
            {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
        self.expect(
            "post",
            f"{P}/phieu/{a}/cai-dat/",
            {"admin": OK, "officer": OK, "leader": RO, "chair": RO, "alice": RO, "anna": RO, "*": NF},
            {"tags": ""},
        )
        self.expect(
            "post",
            f"{P}/dot/{r}/hoi-dong/",
            {"leader": RO, "chair": RO, "member": RO, "*": NF, "admin": OK, "officer": OK},
            {"user": User.objects.create_user("extra").pk, "position": "Thành viên", "codes": ""},
        )
        # every unit has filled in: the head submits (last, after everyone else was refused)
        self.fill(self.pa, self.alice, submit=False)
        self.expect(
            "post",
            f"{P}/phieu/{a}/gui/",
            {"anna": OK, "alice": RO, "admin": RO, "officer": RO, "leader": RO, "chair": RO, "*": NF},
        )
        self.assertEqual(Round.objects.get(pk=r).participants.get(pk=a).status, "submitted")

    def test_leadership_approves_and_units_see_the_table_only_after_publication(self):
        self.to_council()
        r = self.round.pk
        # the department or the council's chair (the admin does it; the others then find it done)
        self.expect(
            "post",
            f"{P}/dot/{r}/buoc/to_approval/",
            {"nobody": NF, "admin": OK, "officer": OK, "chair": OK, "*": RO},
        )
        self.assertEqual(Round.objects.get(pk=r).status, "approval")
        self.expect("get", f"{P}/dot/{r}/quyet-dinh/", {"admin": OK, "officer": OK, "leader": OK, "*": NF})
        self.expect("post", f"{P}/dot/{r}/buoc/approve/", {"nobody": NF, "*": RO, "leader": OK})
        self.assertEqual(Round.objects.get(pk=r).status, "decision")
        self.expect(
            "post",
            f"{P}/dot/{r}/quyet-dinh/",
            {"admin": OK, "officer": OK, "leader": RO, "*": NF},
            {"number": "86/QĐ-UBND", "date": "20/03/2025", "signer_name": "A", "signer_title": "B"},
        )
        self.expect(
            "get",
            f"{P}/dot/{r}/ket-qua/",
            {"admin": OK, "officer": OK, "leader": OK, "chair": OK, "member": OK, "*": NF},
        )
        self.expect("post", f"{P}/dot/{r}/buoc/publish/", {"nobody": NF, "*": RO, "admin": OK, "officer": OK})
        self.assertEqual(Round.objects.get(pk=r).status, "published")
        self.expect("get", f"{P}/dot/{r}/ket-qua/", {"*": OK})
        self.expect("get", f"{P}/dot/{r}/ket-qua.xlsx", {"*": OK})
        # still only their own sheet
        self.expect(
            "get",
            f"{P}/phieu/{self.pb.pk}/",
            {"admin": OK, "officer": OK, "leader": OK, "chair": OK, "member": OK, "bella": OK, "*": NF},
        )

    def test_guessed_ids_and_unknown_codes_are_404(self):
        self.login(self.alice)
        for url in (
            f"{P}/phieu/999999/",
            f"{P}/dot/999999/",
            f"{P}/minh-chung/999999/",
            f"{P}/phieu/{self.pa.pk}/chi-so/nope/sua-doi/",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(f"{P}/phieu/{self.pa.pk}/chi-so/nope/van-ban/").status_code, 404)

    def test_upload_checks_type_and_content(self):
        self.login(self.alice)
        url = f"{P}/phieu/{self.pa.pk}/chi-so/meetings/minh-chung/"
        r = self.client.post(url, {"file": SimpleUploadedFile("x.html", b"<html>")}, follow=True)
        self.assertContains(r, "Loại tệp “.html” không được nhận")
        r = self.client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, follow=True)
        self.assertContains(r, "Nội dung tệp không khớp với đuôi “.pdf”")
        self.assertFalse(EvidenceFile.objects.exists())
        self.client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n")})
        ev = EvidenceFile.objects.get()
        self.assertNotIn("bien-ban", ev.file.name)  # stored under a random name, outside the web root
        r = self.client.get(f"{P}/minh-chung/{ev.pk}/")
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(r.streaming_content), b"%PDF-1.4\n")
        # the meetings score needs evidence: with the file it counts
        services.save_self(self.pa.pk, {"meetings": ("4", "")}, self.actor(self.alice))
        self.assertEqual(Entry.objects.get(participant=self.pa, code="meetings").self_points, 20.0)
        self.login(self.alice)
        self.client.post(f"{P}/minh-chung/{ev.pk}/xoa/")
        self.assertFalse(EvidenceFile.objects.exists())
        self.assertEqual(Entry.objects.get(participant=self.pa, code="meetings").self_points, 0.0)

    def test_council_seat_limits_the_sheet_and_the_files(self):
        ev = self.add_file(self.pb)
        self.login(self.member)
        self.assertEqual(
            self.client.get(f"{P}/minh-chung/{ev.pk}/").status_code, 404
        )  # "meetings" not in seat
        self.assertEqual(
            get_access(self.fresh(self.member)).seat(self.round.pk).codes, frozenset({"plan", "online"})
        )

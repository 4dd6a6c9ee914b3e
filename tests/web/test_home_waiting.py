"""The signed-in home page lists each role's waiting work (issue 17, item 1), on the demonstration data
``make run`` loads. The expected items are read from the loaders' own data (the reference case's
rounds and states, ``setup_province``'s states, the program file's demonstration part, the internal
ranking's changes), never from the home page's code; an agency user never sees another agency's."""

from __future__ import annotations

import datetime as dt
import html
import re
import tempfile
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chiso import cases
from chiso.assessment.management.commands import load_internal_demo as internal
from chiso.assessment.models import Participant
from chiso.assessment.models import Round as InternalRound
from chiso.collection.models import Round, Submission
from chiso.lib.waiting import waiting_for
from chiso.orgs import provinces
from chiso.orgs import reference_case as rc
from chiso.orgs.models import Agency

CURRENT = rc.DEMO_ROUNDS["current"]


def load_demo_as_make_run() -> None:
    """What ``make run`` loads (Makefile ``run``), in its order."""
    call_command("load_reference_case", "--demo", verbosity=0)
    call_command("load_demo_results", verbosity=0)
    call_command("load_program_936", "--demo", verbosity=0)
    call_command("load_quarterly_demo", "--demo", verbosity=0)
    call_command("load_internal_demo", "--demo", verbosity=0)
    call_command("setup_province", "Ninh Bình", "--as-of", timezone.localdate().isoformat(), "--demo", verbosity=0)
    call_command("load_province_ranking_demo", "Ninh Bình", "--as-of", timezone.localdate().isoformat(), "--demo",
                 verbosity=0)


def program_demo() -> dict:
    return yaml.safe_load((cases.case_dir() / "program.yaml").read_text(encoding="utf-8"))["demo"]


def items_of(page: str) -> list[tuple[str, str, str]]:
    """(what to do, what about, deadline) of each waiting item, as the reader sees them."""
    block = re.search(r'<ol class="waiting">(.*?)</ol>', page, re.S)
    if block is None:
        return []
    out = []
    for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S):
        action = re.search(r"<a [^>]*>(.*?)</a>", li, re.S).group(1)
        title = re.sub(r"<[^>]+>", "", re.search(r"<br>\s*<span>(.*?)</span> ·", li, re.S).group(1))
        deadline = re.search(r'<span class="deadline[^"]*">(.*?)</span>', li, re.S).group(1)
        out.append(tuple(" ".join(html.unescape(x).split()) for x in (action, title, deadline)))
    return out


def due(day: dt.date, today: dt.date) -> str:
    left = (day - today).days
    words = f"còn {left} ngày" if left > 0 else "hôm nay" if left == 0 else f"trễ {-left} ngày"
    return f"Hạn {day:%d/%m/%Y} — {words}"


class HomeWaitingTestCase(TestCase):
    @classmethod
    def setUpClass(cls):  # the demo's evidence files go to a temporary folder, removed at the end
        media = cls.enterClassContext(tempfile.TemporaryDirectory(prefix="chiso-test-home-"))
        cls.enterClassContext(override_settings(PRIVATE_MEDIA_ROOT=Path(media)))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        load_demo_as_make_run()
        cls.today = timezone.localdate()
        cls.hn = Round.objects.get(title=CURRENT["title"])
        cls.nb = Round.objects.get(framework_id=provinces.DEMO_ROUND_FRAMEWORK, year=provinces.DEMO_ROUND_YEAR)
        # today's province's internal ranking in progress (load_province_ranking_demo)
        cls.so = InternalRound.objects.get(tier="so", status=InternalRound.Status.COUNCIL)
        cls.xa = InternalRound.objects.get(tier="xa", status=InternalRound.Status.APPROVAL)

    def home(self, username: str) -> str:
        self.client.force_login(get_user_model().objects.get(username=username))
        r = self.client.get("/")
        self.assertEqual(r.status_code, 200)
        return r.content.decode()

    def department_items(self) -> list[tuple[str, str, str]]:
        """The standing body's: the forms sent in each open round (deadline: the round's lock), nearest
        first; then the program's report sent and its recommendations not answered (no deadline)."""
        hn_sent = sum(1 for s in CURRENT["states"].values() if s == "submitted")
        nb_sent = sum(1 for s in provinces.DEMO_STATES.values() if s == "submitted")
        demo = program_demo()
        reports = [p for p in demo["progress"] if p["final"] == "submitted"]
        unanswered = [r for r in demo["recommendations"]
                      if not any(s["action"] in ("answer", "close") for s in r.get("steps", []))]
        program = yaml.safe_load((cases.case_dir() / "program.yaml").read_text(encoding="utf-8"))["program"]
        title = " ".join(program["title"].split())
        rounds = sorted([(self.nb, nb_sent), (self.hn, hn_sent)], key=lambda x: x[0].locks_on)
        return [
            *((f"{n} biểu mẫu chờ phê duyệt", r.title, due(r.locks_on, self.today)) for r, n in rounds),
            (f"{len(reports)} báo cáo tiến độ Quý {demo['quarter']}/{demo['year']} chờ phê duyệt",
             f"{title} (minh họa)", "Không có hạn"),
            (f"{len(unanswered)} kiến nghị chờ trả lời", f"{title} (minh họa)", "Không có hạn"),
            # today's province's departments round waits at the council's step: the department may take it too
            ("Quyết định điểm cuối cùng và trình lãnh đạo phê duyệt", self.so.title, "Không có hạn"),
        ]  # fmt: skip

    def test_the_department_sees_the_forms_reports_and_recommendations_waiting_for_it(self):
        expected = self.department_items()
        self.assertEqual([e[0] for e in expected][:2], ["1 biểu mẫu chờ phê duyệt"] * 2)  # the demo as documented
        for username in ("sotttt.quantri", "sotttt.thamdinh", "ninhbinh.quantri", "ninhbinh.thamdinh"):
            with self.subTest(username):
                items = items_of(self.home(username))
                self.assertEqual(items, expected)
                # demonstration data are labelled, once
                self.assertTrue(all(i[1].count("minh họa") == 1 for i in items), items)

    def test_an_agency_sees_its_own_form_to_send_and_nothing_of_another_agency(self):
        code_of = {"returned": "A35.SGDDT", "partial": "A35.STTTT"}
        states = {v: k for k, v in CURRENT["states"].items()}
        self.assertEqual(states["returned"], code_of["returned"])
        sgddt = Agency.objects.get(code=states["returned"]).name
        stttt = Agency.objects.get(code="A35.STTTT").name
        hn_due = due(self.today + dt.timedelta(days=CURRENT["due_in_days"]), self.today)
        title = CURRENT['title']
        cases_ = {
            "sogddt.nhaplieu": [(f"Sửa biểu mẫu bị trả lại — {sgddt}", title, hn_due)],
            "sogddt.lanhdao": [(f"Sửa biểu mẫu bị trả lại và gửi lại — {sgddt}", title, hn_due)],
            "sotttt.nhaplieu": [(f"Nhập số liệu biểu mẫu — {stttt}", title, hn_due)],
            "sotttt.lanhdao": [(f"Hoàn thành và ký gửi biểu mẫu — {stttt}", title, hn_due)],
            "sonoivu.nhaplieu": [],  # approved: waits for nobody
            "sotuphap.lanhdao": [],  # submitted: waits for the department, not for the agency
        }
        for username, expected in cases_.items():
            with self.subTest(username):
                page = self.home(username)
                self.assertEqual(items_of(page), expected)
                others = Agency.objects.filter(submissions__round=self.hn).exclude(
                    memberships__user__username=username).distinct()
                for name in others.values_list("name", flat=True):
                    self.assertNotIn(name, page.split('id="waiting"')[1].split("</section>")[0])

    def test_today_s_province_agencies_see_theirs(self):
        stc = Agency.objects.get(memberships__user__username="ninhbinh.stc.nhaplieu")
        self.assertEqual(provinces.DEMO_STATES["STC"], "partial")
        self.assertEqual(items_of(self.home("ninhbinh.stc.nhaplieu")), [
            (f"Nhập số liệu biểu mẫu — {stc.name}", self.nb.title, due(self.nb.due_on, self.today))
        ])  # fmt: skip
        self.assertEqual(items_of(self.home("ninhbinh.snv.lanhdao")), [])  # submitted

    def test_leadership_and_council_chair_see_today_s_province_s_ranking_waiting_for_them(self):
        approve = ("Phê duyệt kết quả xếp hạng (hoặc trả lại hội đồng)", self.xa.title, "Không có hạn")
        decide = ("Quyết định điểm cuối cùng và trình lãnh đạo phê duyệt", self.so.title, "Không có hạn")
        cases_ = {
            "ubndtinh.lanhdao": [approve],  # the leadership reads every round of the installation
            "ninhbinh.ubndtinh.lanhdao": [approve],
            "ninhbinh.hoidong.chutich": [decide],  # the chair of the departments round's council only
        }
        for username, expected in cases_.items():
            with self.subTest(username):
                items = items_of(self.home(username))
                self.assertEqual(items, expected)
                self.assertTrue(all(i[1].endswith("(minh họa)") for i in items), items)
        # one item: no "most urgent first" about a list of one
        page = self.home("ninhbinh.hoidong.chutich")
        self.assertIn("1 việc.", page)
        self.assertNotIn("gấp nhất", page)
        self.assertIn("việc gấp nhất ở trên cùng.", self.home("ninhbinh.quantri"))
        # the reference case's chair sits on the published rounds' councils only: told so
        page = self.home("hoidong.chutich")
        self.assertEqual(items_of(page), [])
        self.assertIn("Không có việc nào đang chờ bạn.", page)

    def test_a_ranking_waiting_for_approval_is_the_leadership_s_and_the_council_s_step_the_chair_s(self):
        rnd = InternalRound.objects.get(year=2022)
        title = rnd.title
        InternalRound.objects.filter(pk=rnd.pk).update(status=InternalRound.Status.APPROVAL)
        self.assertEqual(self.of("ubndtinh.lanhdao", title),
                         [("Phê duyệt kết quả xếp hạng (hoặc trả lại hội đồng)", title, "Không có hạn")])
        self.assertEqual(self.of("hoidong.chutich", title), [])
        InternalRound.objects.filter(pk=rnd.pk).update(status=InternalRound.Status.COUNCIL)
        self.assertEqual(self.of("hoidong.chutich", title),
                         [("Quyết định điểm cuối cùng và trình lãnh đạo phê duyệt", title, "Không có hạn")])
        self.assertEqual(self.of("hoidong.thanhvien", title), [])  # a member, not the chair
        self.assertEqual(self.of("ubndtinh.lanhdao", title), [])

    def of(self, username: str, title: str) -> list[tuple[str, str, str]]:
        """The user's waiting items about the round called ``title``."""
        return [i for i in items_of(self.home(username)) if i[1] == title]

    def test_a_unit_answers_only_its_changed_scores_not_yet_answered(self):
        rnd = InternalRound.objects.get(year=2022)
        answer_due = self.today + dt.timedelta(days=3)
        InternalRound.objects.filter(pk=rnd.pk).update(status=InternalRound.Status.ANSWER, answer_due_on=answer_due)
        # 2022: Duy Tiên's changed score was not answered; Phủ Lý answered its one
        changed = {(a, c) for a, c, _p, _r in internal.CHANGES_2022}
        self.assertIn((internal.DUY_TIEN, "cqs_dvctt_muc_34"), changed)
        self.assertEqual(internal.ANSWER_2022[0], internal.PHU_LY)
        duy_tien = Agency.objects.get(code=internal.DUY_TIEN).name
        n = sum(1 for a, _c in changed if a == internal.DUY_TIEN)
        items = items_of(self.home("duytien.lanhdao"))
        self.assertIn((f"Giải trình {n} chỉ số bị thay đổi điểm — {duy_tien}", rnd.title,
                       due(answer_due, self.today)), items)  # fmt: skip
        self.assertFalse([i for i in items_of(self.home("phuly.lanhdao")) if i[0].startswith("Giải trình")])
        # the window closed: nothing to answer any more
        InternalRound.objects.filter(pk=rnd.pk).update(answer_due_on=self.today - dt.timedelta(days=1))
        self.assertFalse([i for i in items_of(self.home("duytien.lanhdao")) if i[0].startswith("Giải trình")])

    def test_a_self_assessment_still_a_draft_waits_for_its_unit_overdue_first(self):
        rnd = InternalRound.objects.get(year=2022)
        late = self.today - dt.timedelta(days=4)
        InternalRound.objects.filter(pk=rnd.pk).update(status=InternalRound.Status.SELF, opens_on=late,
                                                       self_due_on=late, appraisal_due_on=self.today)
        Participant.objects.filter(round=rnd, agency__code=internal.PHU_LY).update(status=Participant.Status.DRAFT)
        phu_ly = Agency.objects.get(code=internal.PHU_LY).name
        items = items_of(self.home("phuly.lanhdao"))
        self.assertEqual(items[0], (f"Tự đánh giá và ký gửi — {phu_ly}", rnd.title,
                                    f"Hạn {late:%d/%m/%Y} — trễ 4 ngày"))  # fmt: skip
        # the department's step comes first too: it is as late
        self.assertEqual(items_of(self.home("sotttt.thamdinh"))[0],
                         ("Theo dõi tự đánh giá, chuyển sang bước thẩm định", rnd.title,
                          f"Hạn {late:%d/%m/%Y} — trễ 4 ngày"))  # fmt: skip

    def test_a_late_round_asks_the_department_to_remind_and_approved_forms_never_wait(self):
        Round.objects.filter(pk=self.hn.pk).update(due_on=self.today - dt.timedelta(days=2))
        not_sent = sum(1 for s in Submission.objects.filter(round=self.hn).values_list("status", flat=True)
                       if s in ("draft", "returned"))  # fmt: skip
        expected_n = len([a for a in self.hn.submissions.all()]) - sum(
            1 for s in CURRENT["states"].values() if s in ("approved", "submitted"))
        self.assertEqual(not_sent, expected_n)
        items = items_of(self.home("sotttt.thamdinh"))
        self.assertEqual(items[0], (f"{expected_n} cơ quan quá hạn chưa gửi biểu mẫu: nhắc nhở",
                                    self.hn.title, due(self.today - dt.timedelta(days=2), self.today)))
        # the 2016 round: every form approved, nothing listed
        past = Round.objects.get(title=rc.DEMO_ROUNDS["past"]["title"])
        self.assertFalse([i for i in items if past.title in i[1]])

    def test_the_queries_do_not_grow_with_the_rows(self):
        def count(username):
            self.client.force_login(get_user_model().objects.get(username=username))
            self.client.get("/")
            with CaptureQueriesContext(connection) as ctx:
                self.client.get("/")
            return len(ctx.captured_queries)

        before = {u: count(u) for u in ("sotttt.thamdinh", "sogddt.lanhdao", "ubndtinh.lanhdao")}
        # more waiting work everywhere: every form of both open rounds sent, one more returned
        Submission.objects.filter(round__in=[self.hn, self.nb]).exclude(status="approved").update(status="submitted")
        Submission.objects.filter(round=self.hn, agency__code="A35.SGDDT").update(status="returned")
        for rnd in InternalRound.objects.all():
            InternalRound.objects.filter(pk=rnd.pk).update(status=InternalRound.Status.APPROVAL)
        after = {u: count(u) for u in before}
        self.assertEqual(after, before)
        # the waiting list's own share: a few queries per app, whatever the rows
        for username in before:
            user = get_user_model().objects.get(username=username)
            with CaptureQueriesContext(connection) as ctx:
                items = waiting_for(user, self.today)
            self.assertTrue(items)
            self.assertLessEqual(len(ctx.captured_queries), 9, username)

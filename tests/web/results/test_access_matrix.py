"""Every results page and API route × every role: not yours -> 404, read-only -> 403."""

from __future__ import annotations

import json

from chiso.api.models import Token
from chiso.collection.models import Submission
from chiso.orgs import audit
from chiso.results import services
from chiso.results.models import Goalpost

from .base import ResultsTestCase

ROLES = ["anon", "admin", "officer", "alice", "anna", "bob", "bella", "leader", "nobody"]


class AccessMatrixTestCase(ResultsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = {n: Token.issue(getattr(cls, n), "t")[1] for n in ROLES if n != "anon"}
        services_actor = audit.Actor(user=cls.admin)
        collection_actor = audit.Actor(user=cls.alice)
        from chiso.collection import services as collection

        collection.save_values(cls.sub_a.pk, [collection.Change("total_staff", "17"),
                                              collection.Change("it_staff", "3")], collection_actor)
        Submission.objects.filter(pk=cls.sub_a.pk).update(status="approved")
        Goalpost.objects.create(framework_id="test-fw", code="total_staff", lo=0, hi=20, source="x")
        Goalpost.objects.create(framework_id="test-fw", code="it_staff", lo=0, hi=4, source="x")
        cls.collected = services.run_from_round(cls.round, services_actor)

    def _as(self, who):
        self.client.logout()
        if who != "anon":
            self.client.force_login(getattr(self, who))

    def check(self, method, url, expected: dict[str, int], data=None):
        for who in ROLES:
            self._as(who)
            r = getattr(self.client, method)(url, data or {})
            want = expected.get(who, expected.get("*"))
            self.assertEqual(r.status_code, want, f"{method.upper()} {url} as {who}: {r.status_code} != {want}")

    def check_api(self, method, url, expected: dict[str, int], body=None):
        self.client.logout()
        for who in ROLES:
            headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"} if who != "anon" else {}
            kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
            r = getattr(self.client, method)(url, **kwargs, **headers)
            want = expected.get(who, expected.get("*"))
            self.assertEqual(r.status_code, want, f"API {method.upper()} {url} as {who}: {r.status_code} != {want}")
            if r.status_code >= 400:
                self.assertIn("error", r.json())

    # --- pages ---------------------------------------------------------------------------------
    def test_dashboard(self):
        self.check("get", "/ket-qua/", {"*": 200})

    def test_tables(self):
        self.check("get", "/ket-qua/bang/", {"*": 200})
        self.check("get", f"/ket-qua/bang/{self.table.pk}/", {"*": 200})
        self.check("get", "/ket-qua/bang/99999/", {"*": 404})

    def test_published_run(self):
        self.check("get", f"/ket-qua/lan-tinh/{self.dti_run.pk}/", {"*": 200})

    def test_collected_run(self):
        self.check("get", f"/ket-qua/lan-tinh/{self.collected.pk}/", {"anon": 404, "*": 200})

    def test_import(self):
        self.check("get", "/ket-qua/nhap/", {"anon": 302, "admin": 200, "officer": 200, "*": 403})
        self.check("post", "/ket-qua/nhap/xac-nhan/", {"anon": 302, "admin": 302, "officer": 302, "*": 403})

    def test_whatif(self):
        self.check("get", f"/ket-qua/lan-tinh/{self.dti_run.pk}/neu-thi/", {"anon": 302, "*": 200})
        self.check("get", "/ket-qua/lan-tinh/99999/neu-thi/", {"anon": 302, "*": 404})

    def test_plan_pages(self):
        from chiso.results.models import Plan

        self.check("get", f"/ket-qua/lan-tinh/{self.dti_run.pk}/ke-hoach/",
                   {"anon": 302, "admin": 200, "officer": 200, "*": 403})
        # a projection holds the province alone: a plan is refused with the reason, never a 500
        self.check("get", f"/ket-qua/lan-tinh/{self.collected.pk}/ke-hoach/",
                   {"anon": 302, "admin": 400, "officer": 400, "*": 403})
        self.check("get", "/ket-qua/lan-tinh/99999/ke-hoach/", {"anon": 302, "*": 404})
        plan = Plan.objects.create(run=self.dti_run, framework_id=self.dti_run.framework_id, unit_ref="P35",
                                   unit_name="Hà Nam", target_rank=3, result={"changes": []})
        self.check("get", f"/ket-qua/ke-hoach/{plan.pk}/", {"anon": 302, "*": 200})
        self.check("get", "/ket-qua/ke-hoach/99999/", {"anon": 302, "*": 404})
        self.check("get", f"/ket-qua/ke-hoach/{plan.pk}/giao-viec/", {"anon": 302, "*": 405})
        self.check("post", f"/ket-qua/ke-hoach/{plan.pk}/giao-viec/",
                   {"anon": 302, "admin": 302, "officer": 302, "*": 403})

    def test_compute(self):
        self.check("post", "/ket-qua/tinh/", {"anon": 302, "admin": 302, "officer": 302, "*": 403},
                   data={"table": self.table.pk})

    def test_goals(self):
        self.check("get", "/ket-qua/muc-tieu/test-fw/", {"anon": 302, "*": 200})
        self.check("get", "/ket-qua/muc-tieu/no-such-fw/", {"anon": 302, "*": 404})
        dept = {"anon": 302, "admin": 200, "officer": 200, "*": 403}
        for url in ["/ket-qua/muc-tieu/test-fw/hang/", "/ket-qua/muc-tieu/test-fw/moc/"]:
            self.check("get", url, dept)
            self.check("get", url.replace("test-fw", "no-such-fw"), {"anon": 302, "*": 404})
        # invalid posts re-show the form (200); others are refused before anything is read
        self.check("post", "/ket-qua/muc-tieu/test-fw/hang/", dept, data={"rank": "0"})
        self.check("post", "/ket-qua/muc-tieu/test-fw/moc/", dept,
                   data={"mode_total_staff": "entered", "hi_total_staff": "x"})

    def test_tokens_page(self):
        self.check("get", "/khoa-api/", {"anon": 302, "*": 200})
        mine = Token.objects.get(user=self.alice)
        self.check("post", f"/khoa-api/{mine.pk}/thu-hoi/", {"anon": 302, "alice": 302, "*": 404})

    def test_agency_b_never_sees_a_values_on_the_explain_page(self):
        for who, sees in [("alice", True), ("anna", True), ("admin", True), ("leader", True),
                          ("bob", False), ("bella", False), ("nobody", False)]:
            self._as(who)
            r = self.client.get(f"/ket-qua/lan-tinh/{self.collected.pk}/")
            body = r.content.decode()
            self.assertEqual(f"/bieu-mau/{self.sub_a.pk}/chi-so/total_staff/lich-su/" in body, sees, who)
            self.assertEqual("Sở Nội vụ</a>: 17" in body, sees, who)
            self.assertEqual("•••" not in body, sees, who)
            self.assertEqual("0,85" in body, sees, who)  # 17 ÷ 20: the score would reveal the value

    # --- API -----------------------------------------------------------------------------------
    def test_api_frameworks(self):
        self.check_api("get", "/api/frameworks", {"*": 200})

    def test_api_rounds(self):
        self.check_api("get", "/api/rounds", {"anon": 401, "*": 200})
        self.check_api("get", f"/api/rounds/{self.round.pk}", {"anon": 401, "nobody": 404, "*": 200})

    def test_api_forms(self):
        self.check_api("get", "/api/forms", {"anon": 401, "*": 200})
        a = {"anon": 401, "bob": 404, "bella": 404, "nobody": 404, "*": 200}
        self.check_api("get", f"/api/forms/{self.sub_a.pk}", a)
        self.check_api("get", f"/api/forms/{self.sub_a.pk}/values", a)
        self.check_api("get", "/api/forms/99999", {"anon": 401, "*": 404})

    def test_api_write_values(self):
        # sub_a is approved (locked): its editors get 403, read-only roles 403, others 404
        body = {"values": [{"code": "total_staff", "value": "18"}]}
        self.check_api("put", f"/api/forms/{self.sub_a.pk}/values",
                       {"anon": 401, "bob": 404, "bella": 404, "nobody": 404, "*": 403}, body)
        # sub_b is a draft: only B's officer and head may write
        body = {"values": [{"code": "pct_online", "value": "50"}]}
        self.check_api("put", f"/api/forms/{self.sub_b.pk}/values",
                       {"anon": 401, "alice": 404, "anna": 404, "nobody": 404, "bob": 200, "bella": 200, "*": 403},
                       body)

    def test_api_submit(self):
        self.check_api("post", f"/api/forms/{self.sub_b.pk}/submit",
                       {"anon": 401, "alice": 404, "anna": 404, "nobody": 404, "bella": 400, "*": 403})

    def test_api_results(self):
        self.check_api("get", "/api/results/runs", {"anon": 401, "*": 200})
        self.check_api("get", f"/api/results/runs/{self.collected.pk}", {"anon": 401, "*": 200})
        self.check_api("get", "/api/results/tables", {"anon": 401, "*": 200})
        self.check_api("get", f"/api/results/tables/{self.table.pk}", {"anon": 401, "*": 200})

    def test_api_guessed_ids(self):
        for pk in range(1, self.sub_b.pk + 5):
            r = self.client.get(f"/api/forms/{pk}/values", HTTP_AUTHORIZATION=f"Bearer {self.tokens['bob']}")
            if r.status_code == 200:
                self.assertEqual(Submission.objects.get(pk=pk).agency_id, self.b.pk)

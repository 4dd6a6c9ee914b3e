from __future__ import annotations

import json

from chiso.api.models import Token, digest
from chiso.collection.models import Value

from ..results.base import ResultsTestCase


class ApiTestCase(ResultsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = {}
        for name in ("admin", "officer", "alice", "anna", "bob", "bella", "leader", "nobody"):
            _t, clear = Token.issue(getattr(cls, name), "test")
            cls.tokens[name] = clear

    def api(self, method, url, who=None, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"} if who else {}
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        return getattr(self.client, method)(url, **kwargs, **headers)


class TokenAuthTestCase(ApiTestCase):
    def test_it_stores_only_the_hash(self):
        t = Token.objects.get(user=self.alice)
        self.assertEqual(t.digest, digest(self.tokens["alice"]))
        self.assertNotIn(self.tokens["alice"], {t.digest, t.prefix, t.name})

    def test_it_requires_a_token(self):
        r = self.api("get", "/api/rounds")
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.json(), {"error": "Cần khóa API hợp lệ (tiêu đề Authorization: Bearer <khóa>)."})

    def test_it_rejects_a_wrong_token(self):
        r = self.client.get("/api/rounds", HTTP_AUTHORIZATION="Bearer chiso_wrong")
        self.assertEqual(r.status_code, 401)

    def test_it_rejects_a_session_without_token(self):
        self.login(self.admin)
        self.assertEqual(self.client.get("/api/rounds").status_code, 401)

    def test_it_serves_openapi(self):
        r = self.client.get("/api/openapi.json")
        self.assertEqual(r.status_code, 200)
        self.assertIn("/api/forms/{form_id}/values", r.json()["paths"])


class ValuesApiTestCase(ApiTestCase):
    def test_it_saves_values_all_or_nothing(self):
        url = f"/api/forms/{self.sub_a.pk}/values"
        r = self.api("put", url, "alice", {"values": [{"code": "total_staff", "value": "12"},
                                                      {"code": "it_staff", "value": "abc"}]})
        self.assertEqual(r.status_code, 400)
        self.assertTrue(r.json()["error"].startswith("Dữ liệu không hợp lệ: it_staff:"))
        self.assertFalse(Value.objects.filter(submission=self.sub_a, code="total_staff").exists())
        r = self.api("put", url, "alice", {"values": [{"code": "total_staff", "value": "12"}]})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Value.objects.get(submission=self.sub_a, code="total_staff").number, 12)

    def test_it_detects_conflicts(self):
        self.fill_a()
        url = f"/api/forms/{self.sub_a.pk}/values"
        r = self.api("put", url, "alice", {"values": [{"code": "total_staff", "value": "13", "version": 0}]})
        self.assertEqual(r.status_code, 409)

    def test_it_submits(self):
        self.fill_a()
        r = self.api("post", f"/api/forms/{self.sub_a.pk}/submit", "anna")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["status"], "submitted")

    def test_it_validates_payload_in_vietnamese(self):
        r = self.api("put", f"/api/forms/{self.sub_a.pk}/values", "alice", {"nope": 1})
        self.assertEqual(r.status_code, 422)
        self.assertTrue(r.json()["error"].startswith("Dữ liệu gửi lên không hợp lệ"))

    def test_it_never_lists_other_agencies_values(self):
        self.fill_a()
        r = self.api("get", "/api/forms", "bob")
        self.assertEqual({f["agency_code"] for f in r.json()}, {"B"})
        r = self.api("get", f"/api/forms/{self.sub_a.pk}/values", "bob")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.json(), {"error": "Không tìm thấy."})


class ResultsApiTestCase(ApiTestCase):
    def test_it_reads_runs_equal_to_engine(self):
        r = self.api("get", f"/api/results/runs/{self.dti_run.pk}", "leader")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["rank"], self.dti_run.rank)
        self.assertAlmostEqual(r.json()["score"], self.dti_run.score)

    def test_it_reads_tables(self):
        r = self.api("get", f"/api/results/tables/{self.table.pk}", "bob")
        self.assertEqual(len(r.json()["values"]), 45)

    def test_it_reads_framework_nodes(self):
        r = self.api("get", "/api/frameworks/test-fw")
        self.assertEqual(r.json()[0]["code"], "total")
        self.assertEqual(self.api("get", "/api/frameworks/nope").status_code, 404)

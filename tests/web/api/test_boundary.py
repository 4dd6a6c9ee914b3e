"""Hostile values at the API's boundary: refused with a 422 that names the field, nothing written
(issue 10, item 9), and the API's own 500 is JSON."""

from __future__ import annotations

from unittest import mock

from chiso.collection.models import Value
from chiso.orgs.models import AuditEntry

from .test_api import ApiTestCase


class BoundaryTestCase(ApiTestCase):
    def put_raw(self, text: str, who="alice"):
        # Raw JSON text: json.dumps cannot write 1e999 or a 400-digit number the way a client might.
        return self.client.put(f"/api/forms/{self.sub_a.pk}/values", data=text, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}")

    def assert_refused(self, r, field: str):
        self.assertEqual(r.status_code, 422, r.content)
        body = r.json()
        self.assertEqual(list(body), ["error"])
        self.assertTrue(body["error"].startswith("Dữ liệu gửi lên không hợp lệ: "), body)
        self.assertIn(field, body["error"])

    def test_it_refuses_non_finite_and_oversized_numbers(self):
        before = (Value.objects.count(), AuditEntry.objects.count())
        for literal in ("NaN", "Infinity", "-Infinity", "1e999", "-1e999", "9" * 400, "1e16"):
            with self.subTest(literal=literal):
                r = self.put_raw('{"values": [{"code": "total_staff", "value": ' + literal + "}]}")
                self.assert_refused(r, "values.0.value")
                self.assertIn("số hữu hạn", r.json()["error"])
        self.assertEqual((Value.objects.count(), AuditEntry.objects.count()), before)

    def test_it_still_takes_ordinary_numbers(self):
        r = self.put_raw('{"values": [{"code": "total_staff", "value": 12}, {"code": "it_staff", "value": 2.5e0}]}')
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(Value.objects.get(submission=self.sub_a, code="total_staff").number, 12.0)

    def test_it_refuses_nul_bytes_in_text(self):
        before = AuditEntry.objects.count()
        cases = {
            '{"values": [{"code": "total_staff", "value": "1\\u0000"}]}': "values.0.value",
            '{"values": [{"code": "total_staff", "value": 1, "comment": "a\\u0000b"}]}': "values.0.comment",
            '{"values": [{"code": "total\\u0000", "value": 1}]}': "values.0.code",
            '{"values": [], "reason": "\\u0000"}': "reason",
        }
        for body, field in cases.items():
            with self.subTest(field=field):
                self.assert_refused(self.put_raw(body), field)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_it_refuses_ids_no_database_can_hold(self):
        for url, field in [
            ("/api/forms?round_id=16460216836056856576", "round_id"),
            ("/api/forms/16460216836056856576", "form_id"),
            ("/api/rounds/0", "round_id"),
            ("/api/results/runs/-1", "run_id"),
        ]:
            with self.subTest(url=url):
                self.assert_refused(self.api("get", url, "alice"), field)
        # The largest id a bigint holds is a well-formed id that does not exist.
        self.assertEqual(self.api("get", "/api/forms/9223372036854775807", "alice").status_code, 404)

    def test_it_refuses_malformed_json_and_wrong_types(self):
        r = self.put_raw('{"values": [')
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json(), {"error": "Nội dung gửi lên không phải JSON hợp lệ (dòng 1, cột 13: Expecting value)."})
        self.assert_refused(self.put_raw('{"values": [{"code": "total_staff", "value": [1]}]}'), "values.0.value")
        self.assert_refused(self.put_raw('{"values": {"code": 1}}'), "values")
        self.assert_refused(self.put_raw('{"values": [{"code": "total_staff", "version": "x"}]}'), "values.0.version")

    def test_it_answers_a_bug_with_json(self):
        self.client.raise_request_exception = False
        with mock.patch("chiso.api.views.frameworks.framework_choices", side_effect=RuntimeError("bug")), \
                self.assertLogs("django.request", "ERROR"):
            r = self.api("get", "/api/frameworks")
        self.assertEqual(r.status_code, 500)
        self.assertEqual(r["Content-Type"], "application/json; charset=utf-8")
        self.assertTrue(r.json()["error"].startswith("Lỗi hệ thống"))
        self.assertNotIn("Traceback", r.content.decode())

    def test_it_declares_every_status_it_returns(self):
        paths = self.client.get("/api/openapi.json").json()["paths"]
        put = paths["/api/forms/{form_id}/values"]["put"]["responses"]
        self.assertEqual(sorted(put), ["200", "400", "401", "403", "404", "409", "422", "503"])
        self.assertEqual(put["409"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorOut")
        for path, ops in paths.items():
            for method, op in ops.items():
                if op.get("security"):
                    self.assertIn("401", op["responses"], f"{method} {path}")
                    self.assertIn("422", op["responses"], f"{method} {path}")

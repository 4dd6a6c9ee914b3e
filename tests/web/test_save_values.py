"""services.save_values: the one write path of values (form page, whole form, Excel import, API)."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.collection import services
from chiso.collection.models import Value
from chiso.orgs import audit
from chiso.orgs.models import AuditEntry

from .base import BaseTestCase

Change = services.Change


class SaveValuesTestCase(BaseTestCase):
    def save(self, *changes, user=None, reason=""):
        return services.save_values(self.sub_a.pk, list(changes), audit.Actor(user=user or self.alice, request_id="r1"),
                                    reason=reason)

    def value_audit(self):
        return AuditEntry.objects.filter(action="value.change").order_by("id")

    def test_it_writes_one_audit_row_per_changed_value(self):
        self.save(Change("total_staff", "10"), Change("it_staff", "2"), Change("has_portal", "1"))
        self.save(Change("total_staff", "12", comment=" sửa "), Change("it_staff", "2"), Change("has_portal", "Có"),
                  user=self.anna, reason="Nhập từ Excel")
        entries = list(self.value_audit())
        self.assertEqual(len(entries), 4)  # 3 new values, then only total_staff changed
        last = entries[-1]
        v = Value.objects.get(submission=self.sub_a, code="total_staff")
        self.assertEqual((last.target_type, last.target_id), ("collection.value", str(v.pk)))
        self.assertEqual((last.parent_type, last.parent_id), ("collection.submission", str(self.sub_a.pk)))
        self.assertEqual((last.user, last.user_name, last.request_id), (self.anna, "anna", "r1"))
        self.assertEqual(last.before, {"number": 10.0, "choice": "", "comment": ""})
        self.assertEqual(last.after, {"number": 12.0, "choice": "", "comment": "sửa"})
        self.assertEqual(last.reason, "Nhập từ Excel")
        self.assertEqual(last.object_repr, str(v))
        self.assertEqual(last.time, v.updated_at)
        self.assertEqual((v.version, v.updated_by, v.comment), (2, self.anna, "sửa"))
        self.assertEqual(Value.objects.get(submission=self.sub_a, code="it_staff").version, 1)

    def test_it_writes_nothing_when_one_value_is_bad(self):
        self.save(Change("total_staff", "10"))
        with self.assertRaises(ValueError) as cm:
            self.save(Change("total_staff", "11"), Change("it_staff", "-1"), Change("has_portal", "1"))
        self.assertEqual(list(cm.exception.errors), ["it_staff"])
        self.assertEqual(dict(Value.objects.values_list("code", "number")), {"total_staff": 10.0})
        self.assertEqual(self.value_audit().count(), 1)

    def test_it_refuses_a_stale_version_and_writes_nothing(self):
        self.save(Change("total_staff", "10"), Change("it_staff", "2"))
        with self.assertRaises(services.Conflict) as cm:
            self.save(Change("has_portal", "1", expected_version=0), Change("total_staff", "11", expected_version=1),
                      Change("it_staff", "3", expected_version=0), user=self.anna)
        self.assertIn("“Cán bộ chuyên trách CNTT”", str(cm.exception))  # the indicator by name, not its code
        self.assertNotIn("it_staff", str(cm.exception))
        self.assertIn("alice", str(cm.exception))
        self.assertEqual(cm.exception.current.code, "it_staff")
        got = {v.code: (v.number, v.version) for v in Value.objects.all()}
        self.assertEqual(got, {"total_staff": (10.0, 1), "it_staff": (2.0, 1)})
        self.assertEqual(self.value_audit().count(), 2)

    def test_it_refuses_after_approval(self):
        self.fill_a()
        self.set_status(self.sub_a, "approved")
        with self.assertRaises(services.NotEditable):
            self.save(Change("total_staff", "99"))
        self.assertEqual(Value.objects.get(code="total_staff").number, 10.0)

    def test_it_applies_a_repeated_code_in_order(self):
        saved = self.save(Change("total_staff", "10"), Change("total_staff", "11", expected_version=1))
        v = Value.objects.get(code="total_staff")
        self.assertEqual((v.number, v.version), (11.0, 2))
        self.assertEqual([e.after["number"] for e in self.value_audit()], [10.0, 11.0])
        self.assertEqual(len(saved), 2)

    def test_it_keeps_an_unchanged_value_without_audit(self):
        self.fill_a()
        saved = self.save(Change("total_staff", "10,0"))
        self.assertEqual(saved[0].version, 1)
        self.assertEqual(self.value_audit().count(), 3)

    def test_it_locks_every_value_of_a_large_save(self):
        # Beyond LOCK_BY_CODE_MAX codes the whole submission's values are read (no long IN list).
        self.fill_a()
        with mock.patch.object(services, "LOCK_BY_CODE_MAX", 1):
            self.save(Change("total_staff", "20"), Change("it_staff", "2"), Change("has_portal", "0"))
        got = {v.code: (v.number, v.version) for v in Value.objects.all()}
        self.assertEqual(got, {"total_staff": (20.0, 2), "it_staff": (2.0, 1), "has_portal": (0.0, 2)})
        self.assertEqual(self.value_audit().count(), 5)

    def test_it_writes_in_bulk(self):
        # The number of statements does not grow with the number of values.
        with CaptureQueriesContext(connection) as one:
            self.save(Change("total_staff", "10"))
        with CaptureQueriesContext(connection) as three:
            self.save(Change("total_staff", "11"), Change("it_staff", "2"), Change("has_portal", "1"))
        self.assertEqual(len(three), len(one) + 1)  # + the UPDATE of the existing value
        with CaptureQueriesContext(connection) as update:
            self.save(Change("total_staff", "12"), Change("it_staff", "3"), Change("has_portal", "0"))
        self.assertLessEqual(len(update), len(one) + 1)

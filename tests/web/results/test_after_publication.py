"""The extension point after a publication (``chiso.results.services.published.after_publication``):
the import service and ``load_demo_results`` announce a real published table to the registered
callbacks once their transaction commits; a demonstration table or a rolled-back import announces
nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from chiso.results.models import PublishedTable
from chiso.results.services import published

from ..program.tables import import_table


class AfterPublicationTestCase(TestCase):
    def setUp(self):
        self.seen = []
        self.callback = published.after_publication(lambda table: self.seen.append((table.framework_id, table.year)))
        self.addCleanup(published._after_publication.remove, self.callback)

    def test_it_calls_back_on_commit(self):
        with self.captureOnCommitCallbacks(execute=True) as pending:
            import_table("test-fw", 2019, title="Bảng 2019")
            self.assertEqual(self.seen, [])  # not before the import commits
        self.assertEqual(len(pending), 1)
        self.assertEqual(self.seen, [("test-fw", 2019)])

    def test_it_keeps_one_registration_of_a_callback(self):
        published.after_publication(self.callback)
        with self.captureOnCommitCallbacks(execute=True):
            import_table("test-fw", 2019, title="Bảng 2019")
        self.assertEqual(self.seen, [("test-fw", 2019)])

    def test_it_skips_a_demonstration_table(self):
        with self.captureOnCommitCallbacks(execute=True) as pending:
            import_table("test-fw", 2020, title="Minh họa", is_demo=True)
        self.assertEqual((pending, self.seen), ([], []))

    def test_it_skips_a_rolled_back_import(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    import_table("test-fw", 2021, title="Bảng 2021")
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertEqual(self.seen, [])

    def test_the_demo_loader_announces_its_published_tables(self):
        with self.captureOnCommitCallbacks(execute=True):
            call_command("load_demo_results", verbosity=0)
        real = sorted(PublishedTable.objects.filter(is_demo=False).values_list("framework_id", "year"))
        self.assertTrue(real)
        self.assertTrue(PublishedTable.objects.filter(is_demo=True).exists())  # and that one is not announced
        self.assertEqual(sorted(self.seen), real)
        n = len(self.seen)
        with self.captureOnCommitCallbacks(execute=True):  # idempotent: nothing new, nothing announced
            call_command("load_demo_results", verbosity=0)
        self.assertEqual(len(self.seen), n)

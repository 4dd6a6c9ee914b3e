"""The header's navigation is rendered once per (language, signed in, reads everything): whoever
visits first, the others get their own links, never someone else's."""

from __future__ import annotations

from django.urls import reverse

from .base import BaseTestCase


class HeaderNavTestCase(BaseTestCase):
    def nav(self, lang="vi"):
        r = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=lang)
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        return html[html.index("<nav>"):html.index("</nav>")]

    def test_each_reader_gets_the_links_of_their_own_kind_whoever_came_first(self):
        for order in ([self.admin, self.alice, None, self.leader], [None, self.alice, self.leader, self.admin]):
            for who in order:
                self.client.logout()
                if who is not None:
                    self.login(who)
                nav = self.nav()
                if who is None:
                    self.assertIn("Công khai", nav)
                    self.assertNotIn("Đợt thu thập", nav)
                    self.assertNotIn("notices-link", nav)
                else:
                    self.assertIn("Đợt thu thập", nav)
                    self.assertIn("notices-link", nav)
                    self.assertNotIn(">Công khai<", nav)
                    # the reports link only for the department and the leadership
                    self.assertEqual("reports-link" in nav, who in (self.admin, self.leader), who)

    def test_languages_never_mix_and_the_unread_count_stays_live(self):
        self.login(self.alice)
        self.assertIn("Đợt thu thập", self.nav("vi"))
        self.client.cookies.load({"chiso_language": "en"})
        en = self.nav("en")
        self.assertIn("Collection rounds", en)
        self.assertNotIn("Đợt thu thập", en)
        self.client.cookies.load({"chiso_language": "vi"})
        self.assertNotIn('class="badge"', self.nav())
        from chiso.orgs.models import Notice

        Notice.objects.create(user=self.alice, text="Nhắc nộp số liệu")
        self.assertIn('<span class="badge">1</span>', self.nav())

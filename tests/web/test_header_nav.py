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

    def test_the_readers_own_values_are_put_in_escaped(self):
        self.alice.first_name, self.alice.last_name = "<b>Alice", "&Co"
        self.alice.save()
        self.login(self.alice)
        r = self.client.get(reverse("home") + '?x="><script>alert(1)</script>')
        html = r.content.decode()
        header = html[html.index('<header class="top">'):html.index("</header>")]
        self.assertNotIn("<script>", header)
        self.assertIn('<input name="next" type="hidden" value="/?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E">', header)
        self.assertIn('title="Cài đặt thông báo">&lt;b&gt;Alice &amp;Co</a>', header)
        self.assertNotIn("\x00", html)

    def test_the_header_forms_carry_the_readers_own_csrf_token(self):
        from django.test import Client

        self.login(self.alice)
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        html = client.get(reverse("home")).content.decode()
        header = html[html.index('<header class="top">'):html.index("</header>")]
        token = header.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        self.assertEqual(len(token), 64)
        # signing out with the header's form works; with another token it is refused
        self.assertEqual(client.post(reverse("logout"), {"csrfmiddlewaretoken": "x" * 64}).status_code, 403)
        r = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
        self.assertEqual(r.status_code, 302)
        self.assertNotIn("_auth_user_id", client.session)

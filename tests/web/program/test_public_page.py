"""The public page, and every route reachable without login: no draft, unapproved value,
evidence file or private comment leaks."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from chiso.collection.models import Evidence, Value
from chiso.orgs import audit
from chiso.program import services
from chiso.program.models import AgencyPlan, ProgressEvidence

from .base import ProgramTestCase

SECRET = [
    "NHÁP-BÍ-MẬT",
    "LÝ-DO-TRẢ-LẠI-RIÊNG",
    "bi-mat-minh-chung.pdf",
    "Ý-KIẾN-NỘI-BỘ",
    "KIẾN-NGHỊ-CHƯA-TRẢ-LỜI",
    "ke-hoach-rieng.pdf",
    "123456,5",
    "123456.5",
    "123.456,5",
]


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


class PublicPageTestCase(ProgramTestCase):
    def setUp(self):
        super().setUp()
        actor = audit.Actor(user=self.alice)
        # an approved report on task 1 (public) ...
        self.approved_a(percent=55, reported=3.0)
        # ... a draft report with a secret narrative and evidence, a returned one with a private reason
        draft = services.open_report(self.task1, self.a, 2017, 4, actor)
        services.save_report(
            draft.pk,
            actor,
            task_status="delayed",
            percent=5,
            narrative="NHÁP-BÍ-MẬT",
            kpi_values={self.kpi_rep.pk: 123456.5},
        )
        ev = ProgressEvidence(
            report=draft,
            original_name="bi-mat-minh-chung.pdf",
            content_type="application/pdf",
            size=9,
            sha256="x",
        )
        ev.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        ev.save()
        ret = services.open_report(self.task1, self.b, 2017, 3, audit.Actor(user=self.bob))
        services.save_report(
            ret.pk, audit.Actor(user=self.bob), task_status="on_track", percent=1, narrative="r"
        )
        services.submit_report(ret.pk, audit.Actor(user=self.bella))
        services.return_report(ret.pk, audit.Actor(user=self.officer), "LÝ-DO-TRẢ-LẠI-RIÊNG")
        # an unapproved collected value and its evidence
        self.fill_a(total="123456,5")
        value = Value.objects.get(submission=self.sub_a, code="total_staff")
        cev = Evidence(
            value=value,
            original_name="bi-mat-minh-chung.pdf",
            content_type="application/pdf",
            size=9,
            sha256="x",
        )
        cev.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        cev.save()
        plan = AgencyPlan(
            program=self.program,
            agency=self.a,
            title="x",
            original_name="ke-hoach-rieng.pdf",
            content_type="application/pdf",
            size=9,
            sha256="x",
        )
        plan.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        plan.save()
        # recommendations: one answered and public (with an internal comment), one unanswered
        rec = services.submit_recommendation(
            actor, program=self.program, agency=self.a, title="Kiến nghị công khai", body="Nội dung công khai"
        )
        services.act_on_recommendation(
            rec.pk, audit.Actor(user=self.officer), "comment", text="Ý-KIẾN-NỘI-BỘ"
        )
        services.act_on_recommendation(
            rec.pk, audit.Actor(user=self.officer), "answer", text="Câu trả lời công khai"
        )
        services.act_on_recommendation(rec.pk, audit.Actor(user=self.officer), "publish")
        services.submit_recommendation(
            actor, program=self.program, agency=self.a, title="KIẾN-NGHỊ-CHƯA-TRẢ-LỜI", body="x"
        )
        self.ids = {
            "pk": [
                self.program.pk,
                draft.pk,
                ret.pk,
                ev.pk,
                cev.pk,
                plan.pk,
                rec.pk,
                self.round.pk,
                self.sub_a.pk,
                1,
            ]
        }

    def test_it_shows_the_program_and_public_answers(self):
        page = self.client.get("/cong-khai/").content.decode()
        self.assertIn("Chương trình thử", page)
        self.assertIn("Mục tiêu chung thử", page)
        self.assertIn("Câu trả lời công khai", page)
        self.assertIn("Quý 3/2017", page)  # the approved report's period
        self.assertIn("55%", page)

    def test_it_leaks_nothing_on_the_public_page(self):
        page = self.client.get("/cong-khai/").content.decode()
        for s in SECRET:
            self.assertNotIn(s, page)

    def test_no_route_reachable_without_login_leaks(self):
        checked = 0
        for route in _routes():
            if route.startswith(("quan-tri/", "static", "^static")) or "i18n" in route:
                continue
            names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
            candidates = [route]
            if names:
                candidates = []
                for pk in self.ids["pk"]:
                    url = route
                    for conv, name in names:
                        url = re.sub(
                            r"<(?:\w+:)?" + name + ">", "total_staff" if conv == "str" else str(pk), url
                        )
                    candidates.append(url)
            for url in candidates:
                url = "/" + url.lstrip("^").rstrip("$")
                for method in ("get", "post"):
                    r = getattr(self.client, method)(url)
                    self.assertLess(r.status_code, 500, f"{method} {url}")
                    body = b"".join(r.streaming_content) if r.streaming else r.content
                    text = body.decode("utf-8", "replace")
                    for s in SECRET:
                        self.assertNotIn(s, text, f"{method} {url} leaks {s}")
                    self.assertNotIn(b"%PDF-1.4", body, f"{method} {url} serves a private file")
                    checked += 1
        self.assertGreater(checked, 100)

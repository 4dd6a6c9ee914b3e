"""In English, the internal ranking's pages show no Vietnamese of their own: every page of a published
round is rendered with the language switch set to English; from the visible text of the main content
the data is cut out (unit, user and round names, the framework's texts, the reasons, answers and
documents typed by the test), and what remains must hold no Vietnamese letter."""

from __future__ import annotations

import re

from chiso.assessment import services
from chiso.assessment.models import Entry
from chiso.orgs.models import Agency

from .test_assessment_base import AssessmentCase
from .test_english import DOCUMENT_NUMBER, VIETNAMESE, VisibleText

P = "/xep-hang-noi-bo"


class EnglishPagesTests(AssessmentCase):
    def data_strings(self) -> list[str]:
        pfw = services.round_pfw(self.round)
        out = [
            self.round.title,
            self.fw.name,
            "Thông báo kết luận cuộc họp",
            "Nguyễn Văn A",
            "PHÓ CHỦ TỊCH",
            "cuộc họp",
            "Chủ tịch",
            "Thành viên",
            "Hà Nam",  # a proper name
        ]
        for p in self.round.participants.select_related("agency"):
            out += [p.agency.name, str(p.agency)]
        # the council picker names each user with his or her agencies (data, as entered)
        out += list(Agency.objects.values_list("name", flat=True))
        for e in Entry.objects.filter(participant__round=self.round):
            out += [e.appraisal_reason, e.answer, e.final_reason, e.note]
        for i in pfw.indicators():
            out += list(i.name.values()) + list(i.evidence.values())
            for part in i.inputs.values():
                out += list(part.values())
            for lv in i.levels.values():
                out += list(lv.values())
        for g in pfw.groups:
            out += list(g.name.values())
        for b in pfw.bands:
            out += list(b.name.values())
        for t in pfw.tiers:
            out += list(t.name.values())
        return sorted({s for s in out if s}, key=len, reverse=True)

    def test_no_vietnamese_chrome(self):
        self.to_published()
        data = self.data_strings()
        a, r = self.pa.pk, self.round.pk
        urls = [
            f"{P}/",
            f"{P}/bo-chi-so/",
            f"{P}/bo-chi-so/{self.fw.pk}/",
            f"{P}/bo-chi-so/{self.fw.pk}/sao-chep/",
            f"{P}/bo-chi-so/{self.fw.pk}/sua/",
            f"{P}/dot/moi/",
            f"{P}/dot/{r}/",
            f"{P}/dot/{r}/hoi-dong/",
            f"{P}/dot/{r}/quyet-dinh/",
            f"{P}/dot/{r}/ket-qua/",
            f"{P}/don-vi/{self.a.pk}/",
            f"{P}/phieu/{a}/",
            f"{P}/phieu/{a}/cai-dat/",
            f"{P}/phieu/{a}/bang-diem/",
            f"{P}/phieu/{a}/chi-so/meetings/sua-doi/",
        ]
        self.client.cookies["chiso_language"] = "en"
        self.login(self.admin)
        problems = []
        for url in urls:
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, url)
            html = r.content.decode()
            main = re.search(r"<main[^>]*>(.*)</main>", html, re.S).group(1)
            main = re.sub(r"<textarea[^>]*>.*?</textarea>", "", main, flags=re.S)  # the YAML being edited
            v = VisibleText()
            v.feed(main)
            for text in v.parts:
                rest = DOCUMENT_NUMBER.sub("", text)
                for d in data:
                    rest = rest.replace(d, "")
                if VIETNAMESE.search(rest):
                    problems.append(f"{url}: {text.strip()!r}")
        self.assertEqual(problems, [])

"""Load the shipped published results (facts, with their sources) and the labelled demonstration
results (DỮ LIỆU MINH HỌA). Idempotent: running it twice changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from chiso import demo, reference
from chiso.engine.errors import UnitError
from chiso.orgs import audit
from chiso.results import services
from chiso.results.models import Goalpost, IndexRun, PublishedTable, PublishedValue, Target
from chiso.results.services.published import announce_publication

DTI = "vn-dti-2022-province"
ICT = "vn-ict-index-2016-province"
ACTOR = audit.Actor(user=None, request_id="load_demo_results")

# Demonstration goalposts for the ICT Index indicators (the best province's value is not
# published in our sources): plausible peers' maxima, labelled as demonstration data.
DEMO_GOALPOSTS = {
    "thue_bao_di_dong_100_dan": 160.0, "bang_rong_co_dinh_100_dan": 25.0, "ho_gd_co_may_tinh": 60.0,
    "ho_gd_co_internet": 75.0, "may_tinh_tren_cbcc": 1.1, "may_tinh_ket_noi_bang_rong": 100.0,
    "xa_ket_noi_wan": 100.0, "co_quan_diet_virus": 100.0, "truong_th_day_tin_hoc": 100.0,
    "truong_thcs_day_tin_hoc": 100.0, "truong_thpt_day_tin_hoc": 100.0, "cb_chuyen_trach_cntt": 100.0,
    "cb_chuyen_trach_attt": 100.0, "cbcc_dao_tao_cntt": 100.0, "van_ban_dien_tu": 100.0,
    "cbcc_dung_thu_dien_tu": 100.0, "xa_dung_mot_cua_dien_tu": 100.0, "dvc_muc_3": 100.0,
    "dvc_muc_4": 60.0, "ho_so_truc_tuyen": 80.0,
}


def _num(s: str) -> float | None:
    s = (s or "").strip().replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


class Command(BaseCommand):
    help = "Load published results (with sources) and labelled demonstration results; idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            out = [
                f"DTI 2022 ranks: {self.handle_one_dti_ranks()}",
                f"DTI selected values: {self.handle_one_dti_selected()}",
                f"ICT Index totals: {self.handle_one_ict_totals()}",
                f"targets: {self.handle_one_targets()}",
                f"demo DTI 2022: {self.handle_one_demo_dti()}",
                f"demo goalposts: {self.handle_one_demo_goalposts()}",
                f"runs from rounds: {self.handle_one_round_runs()}",
            ]
        return ", ".join(out)

    def _table(self, **fields) -> tuple[PublishedTable, bool]:
        existing = PublishedTable.objects.filter(framework_id=fields["framework_id"], title=fields["title"]).first()
        if existing is not None:
            return existing, False
        table = PublishedTable.objects.create(**fields)
        announce_publication(table)  # the programs of its index schedule their obligations (on commit)
        return table, True

    def handle_one_dti_ranks(self) -> int:
        rows = reference.published_dti_2022_ranks()
        table, created = self._table(
            framework_id=DTI, year=2022, title="DTI 2022 — xếp hạng 63 tỉnh (công bố)",
            kind=PublishedTable.Kind.PUBLISHED, source=rows[0]["source"],
            file_name="reference/published/dti_2022_province_ranks.csv")
        if not created:
            return 0
        PublishedValue.objects.bulk_create([
            PublishedValue(table=table, unit_ref=r["unit_id"], unit_name=r["province_as_published"], code="dti",
                           rank=r["rank"], row=i, source=r["source"])
            for i, r in enumerate(rows, start=2)
        ])
        audit.record(ACTOR, "results.table.import", table, after={"rows": len(rows)})
        return len(rows)

    def _published(self, framework_id, year, title, file_name, items) -> int:
        """items: (row, name, code, value, rank, source); unresolvable names are skipped."""
        reg = reference.load_registry()
        table, created = self._table(framework_id=framework_id, year=year, title=title,
                                     kind=PublishedTable.Kind.PUBLISHED, file_name=file_name,
                                     source=f"reference/published/{file_name} (nguồn ghi theo từng dòng)")
        if not created:
            return 0
        objs, seen = [], set()
        for row, name, code, value, rank, source in items:
            if value is None and rank is None:
                continue
            try:
                unit = reg.resolve(name, as_of=f"{year}-12-31")
            except UnitError:
                continue
            if (unit.id, code) in seen:
                continue
            seen.add((unit.id, code))
            objs.append(PublishedValue(table=table, unit_ref=unit.id, unit_name=name, code=code, value=value,
                                       rank=rank, row=row, source=source))
        PublishedValue.objects.bulk_create(objs)
        audit.record(ACTOR, "results.table.import", table, after={"rows": len(objs)})
        return len(objs)

    def handle_one_dti_selected(self) -> int:
        rows = reference.published_rows("dti_2020-2024_selected_province_values")
        n = 0
        for year in sorted({r["dti_year"] for r in rows}):
            items = [
                (i, r["province"], "dti", _num(r["dti_value"]), int(r["rank"]) if r["rank"].isdigit() else None,
                 r["source"])
                for i, r in enumerate(rows, start=2)
                if r["dti_year"] == year and r["basis"].startswith("63 provinces")
            ]
            if items and int(year) != 2022:
                n += self._published(DTI, int(year), f"DTI {year} — một số tỉnh (công bố)",
                                     "dti_2020-2024_selected_province_values.csv", items)
        return n

    def handle_one_ict_totals(self) -> int:
        rows = reference.published_rows("ictindex_province_results_partial")
        n = 0
        for year in sorted({r["report_year"] for r in rows if r["report_year"].isdigit()}):
            if int(year) < 2016:
                continue
            items = [
                (i, r["province"], "ict_index", _num(r["ict_index"]),
                 int(r["rank"]) if r["rank"].isdigit() else None, r["source_url"])
                for i, r in enumerate(rows, start=2) if r["report_year"] == year
            ]
            n += self._published(ICT, int(year), f"ICT Index {year} — một số tỉnh (công bố)",
                                 "ictindex_province_results_partial.csv", items)
        return n

    def handle_one_targets(self) -> int:
        from chiso.orgs import reference_case as rc  # the reference case's target (its data file)

        for fw in (DTI, ICT):
            Target.objects.get_or_create(framework_id=fw, defaults={"rank": rc.TARGET_RANK, "basis": rc.TARGET_BASIS})
        return 2

    def handle_one_demo_dti(self) -> int:
        if PublishedTable.objects.filter(framework_id=DTI, is_demo=True).exists():
            return 0
        units, codes, values = demo.demo_table()
        reg = reference.load_registry()
        table = PublishedTable.objects.create(
            framework_id=DTI, year=2022, title=f"DTI 2022 — chỉ số chính 63 tỉnh ({services.DEMO_LABEL})",
            kind=PublishedTable.Kind.DEMO, is_demo=True, source=demo.DEMO_LABEL_VI,
            file_name="chiso.demo.demo_table()")
        objs = []
        for i, name in enumerate(units):
            unit = reg.resolve(name, as_of="2022-12-31")
            for k, code in enumerate(codes):
                objs.append(PublishedValue(table=table, unit_ref=unit.id, unit_name=unit.short_name or name,
                                           code=code, value=float(values[i, k]), row=i + 2,
                                           source=demo.DEMO_LABEL_VI))
        PublishedValue.objects.bulk_create(objs)
        audit.record(ACTOR, "results.table.import", table, after={"rows": len(units), "demo": True})
        services.run_from_table(table, ACTOR, unit_ref="P35")
        return len(objs)

    def handle_one_demo_goalposts(self) -> int:
        n = 0
        for code, hi in DEMO_GOALPOSTS.items():
            _g, created = Goalpost.objects.get_or_create(framework_id=ICT, code=code, defaults={
                "lo": 0.0, "hi": hi, "is_demo": True,
                "source": "Mốc minh họa (chưa có giá trị tỉnh dẫn đầu được công bố)"})
            n += created
        return n

    def handle_one_round_runs(self) -> int:
        from chiso.collection.models import Round, Submission

        n = 0
        for rnd in Round.objects.filter(framework_id=ICT, submissions__status=Submission.Status.APPROVED).distinct():
            if IndexRun.objects.filter(round=rnd).exists():
                continue
            try:
                services.run_from_round(rnd, ACTOR)
                n += 1
            except ValueError as e:
                self.stderr.write(f"{rnd}: {e}")
        return n

"""KPI actuals from collected data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from chiso.collection.models import Value
from chiso.lib.periods import period_end, period_label

from ..models import (
    Kpi,
    KpiValue,
    ProgressReport,
)


@dataclass
class Actual:
    value: float | None
    period: str = ""
    source: str = ""
    is_demo: bool = False


def _lang() -> str:
    from django.utils.translation import get_language

    return (get_language() or "vi")[:2]


def kpi_actuals(kpis: list[Kpi], *, as_of: dt.date | None = None) -> dict[int, Actual]:
    """The actual of each KPI, from APPROVED data only.

    ``indicator`` KPIs: the value of the indicator in approved submissions of the latest round
    (year, then quarter) of the KPI's framework that has one; the source agency's value when the
    KPI names one, otherwise the agencies' values combined as everywhere else
    (``results.services.combine``: counts summed, rates and scores averaged). ``reported`` KPIs: the value in the latest
    approved progress report of the task. With ``as_of``, only periods that ended by that date
    count (a report on an earlier date). Two queries in all.
    """
    from chiso.lib.frameworks import find_framework
    from chiso.results.services import combine, combine_rule

    out: dict[int, Actual] = {k.pk: Actual(None) for k in kpis}
    ind = [k for k in kpis if k.source == Kpi.Source.INDICATOR]
    if ind:
        cond = Q()
        for k in ind:
            cond |= Q(submission__round__framework_id=k.framework_id, code=k.indicator_code)
        rows = Value.objects.filter(cond, submission__status="approved", number__isnull=False).values_list(
            "code",
            "number",
            "submission__agency_id",
            "submission__round__framework_id",
            "submission__round__year",
            "submission__round__quarter",
            "submission__round__is_demo",
        )
        by_key: dict[tuple[str, str], list] = defaultdict(list)
        for code, number, agency_id, fw_id, year, quarter, demo in rows:
            if as_of is not None and period_end(year, quarter) > as_of:
                continue
            by_key[(fw_id, code)].append((year, quarter or 0, agency_id, number, demo, quarter))
        for k in ind:
            cands = by_key.get((k.framework_id, k.indicator_code), [])
            if k.source_agency_id:
                cands = [c for c in cands if c[2] == k.source_agency_id]
            if not cands:
                continue
            latest = max((c[0], c[1]) for c in cands)
            chosen = [c for c in cands if (c[0], c[1]) == latest]
            # the agencies' values make the province's as everywhere else: counts summed, rates averaged
            fw = find_framework(k.framework_id)
            value = combine(fw, k.indicator_code, [c[3] for c in chosen])
            many = "" if k.source_agency_id else (
                _(" (tổng {n} cơ quan)") if combine_rule(fw, k.indicator_code) == "sum"
                else _(" (trung bình {n} cơ quan)")).format(n=len(chosen))
            name = fw.node(k.indicator_code).label(_lang()) if fw is not None and k.indicator_code in fw.codes \
                else k.indicator_code
            out[k.pk] = Actual(
                value,
                period_label(latest[0], chosen[0][5]),
                _("Số liệu đã phê duyệt, chỉ số “{name}”").format(name=name) + many,
                any(c[4] for c in chosen),
            )
    rep = [k for k in kpis if k.source == Kpi.Source.REPORTED]
    if rep:
        reported = (
            KpiValue.objects.filter(kpi__in=rep, report__status=ProgressReport.Status.APPROVED)
            .values_list("kpi_id", "value", "report__year", "report__quarter", "report__is_demo")
            .order_by("kpi_id", "-report__year", "-report__quarter")
        )
        for kpi_id, value, year, quarter, demo in reported:
            if as_of is not None and period_end(year, quarter) > as_of:
                continue
            if out[kpi_id].value is None:
                out[kpi_id] = Actual(
                    value, period_label(year, quarter), _("Báo cáo tiến độ đã phê duyệt"), demo
                )
    return out

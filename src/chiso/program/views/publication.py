"""Publication of the index."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.lib import frameworks
from chiso.lib.vn_format import format_date
from chiso.orgs import audit
from chiso.orgs.access import get_scope

from .. import services
from ..forms import (
    PublicationForm,
)
from ..models import (
    IndexPublication,
    Occurrence,
)
from .base import _forbidden, _get_program_for_user


@login_required
def publications(request, pk):
    """ "The index for year Y was published on date D": the department records it; the obligations
    after each publication (the §5b conference) are scheduled from it."""
    program = _get_program_for_user(request, pk)
    scope = get_scope(request.user)
    form = PublicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not scope.is_department:
            return _forbidden(_("Chỉ cơ quan thường trực (Sở) được ghi nhận ngày công bố chỉ số."))
        if form.is_valid():
            d = form.cleaned_data
            pub, n = services.record_publication(
                program,
                audit.Actor.from_request(request),
                year=d["year"],
                published_on=d["published_on"],
                reference=d["reference"],
            )
            messages.success(
                request,
                _(
                    "Đã ghi nhận: kết quả năm {y} công bố ngày {d}; {n} lịch nhiệm vụ định kỳ được "
                    "tạo hoặc cập nhật."
                ).format(y=pub.year, d=format_date(pub.published_on), n=n),
            )
            return redirect("program_publications", pk=program.pk)
        status = 400
    pubs = services.publications(program)
    entered = {
        p.year: p
        for p in IndexPublication.objects.filter(framework_id=program.framework_id).select_related(
            "recorded_by"
        )
    }
    rows = [
        {
            "year": p.year,
            "date": p.date,
            "source": p.source,
            "entry": entered.get(p.year) if p.framework_id == program.framework_id else None,
            "framework_id": p.framework_id,
            "running": p.running,
        }
        for p in pubs
    ]
    after = (
        Occurrence.objects.filter(obligation__program=program, obligation__recurrence="after_publication")
        .select_related("obligation__agency")
        .order_by("due_on")
    )
    try:
        fw_label = frameworks.get_framework(program.framework_id).label((get_language() or "vi")[:2])
    except Exception:  # a program may name a framework chiso does not ship
        fw_label = program.framework_id
    return render(
        request,
        "program/publications.html",
        {
            "program": program,
            "rows": rows,
            "form": form,
            "can_record": scope.is_department,
            "occurrences": after,
            "fw_label": fw_label,
        },
        status=status,
    )

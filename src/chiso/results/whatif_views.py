"""What-if on a computed run, in the browser (htmx): change the province's values, see score and rank.

GET shows the form with the run's values; POST reads it and answers the result (under htmx the result
partial, with each field's error swapped out of band next to its field; without JavaScript the whole
page again).  Nothing is written.  Errors in what was typed are answered 200 with the sentence next
to the field (htmx swaps only 2xx), never a 500.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from chiso.engine.errors import EngineError

from . import services
from . import whatif as service
from .models import IndexRun


@login_required
@require_http_methods(["GET", "POST"])
def whatif(request, pk):
    run = get_object_or_404(IndexRun.objects.visible_to(request.user).defer(*service.HEAVY_FIELDS), pk=pk)
    try:
        base = service.base_for(run)
    except (EngineError, LookupError, ValueError):  # its framework edition is gone, or its inputs unreadable
        raise Http404 from None
    lang = (get_language() or "vi")[:2]
    hidden = service.hidden_codes(base, request.user)
    target_rank, target_basis = services.target_for(run.framework_id)
    out = None
    if request.method == "POST":
        sub = service.read_form(base, request.POST, hidden=hidden, lang=lang)
        out = service.evaluate(base, sub, target_rank=target_rank)
    else:
        sub = service.initial(base, hidden, lang)
    shown = [f for f in base.fields if f.code not in hidden]
    ctx = {"run": run, "base": base, "sub": sub, "out": out, "hidden_count": len(hidden),
           "target_rank": target_rank, "target_basis": target_basis, "is_demo": run.is_demo,
           "rate_percent": None if sub.rate is None else sub.rate * 100,
           "n_errors": len(sub.errors) + bool(sub.rate_error)}
    if request.headers.get("HX-Request"):
        # every field's error, swapped next to its field (an empty one clears what an earlier change said)
        ctx["oob"], ctx["oob_errors"] = True, format_html_join(
            "", '<span id="err-{}" class="field-error" hx-swap-oob="true">{}</span>',
            ((f.index, sub.errors.get(f.index, "")) for f in shown))
        return render(request, "results/_whatif_result.html", ctx)
    ctx["rows"] = [{"field": f, "text": sub.texts.get(f.index, ""), "error": sub.errors.get(f.index, ""),
                    "hint": service.hint(f)} for f in shown]
    return render(request, "results/whatif.html", ctx)

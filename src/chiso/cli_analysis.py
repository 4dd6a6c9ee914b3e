"""The analysis commands of ``chiso``: whatif, rankmove, target, uncertainty, sensitivity, audit.

Registered by :func:`add_commands` (called from :mod:`chiso.cli`).  Each
command reads a framework and a CSV/.xlsx table exactly as ``chiso compute``
does (unit names resolved, bad cells reported with file, row and column),
runs one function of :mod:`chiso.engine.analysis` and prints a table, CSV or
JSON.  Bad requests raise :class:`~chiso.engine.errors.EngineError`
subclasses, which ``chiso`` reports on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import time
from typing import Any

# Only the standard library at module level: ``chiso`` builds its parser from add_commands, and
# ``chiso compute`` must not pay for numpy or the analysis engine.  Each command imports them.


def AnalysisError(message: str, **kw: Any) -> Exception:  # noqa: N802 - stands for the engine's class
    """The engine's :class:`~chiso.engine.errors.AnalysisError`, imported when an error is raised."""
    from chiso.engine.errors import AnalysisError as error

    return error(message, **kw)


__all__ = ["ProgressBar", "add_commands", "render"]


# --- output -----------------------------------------------------------------------------------------
def _cell(v: Any, lang: str, decimals: int) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return ("có" if v else "không") if lang == "vi" else ("yes" if v else "no")
    if isinstance(v, float):
        if math.isnan(v):
            return "–"
        s = f"{v:.{decimals}f}"
        return s.replace(".", ",") if lang == "vi" else s
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    return str(v)


def render(rows: list[dict[str, Any]], fmt: str, *, lang: str = "vi", decimals: int = 4, title: str = "",
           extra: dict[str, Any] | None = None) -> str:
    """Render records as an aligned ``table``, ``csv`` (dot decimals) or ``json`` (with ``extra`` keys)."""
    if fmt == "json":
        payload: Any = rows if extra is None else {**extra, "rows": rows}
        return json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default)
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else ("; ".join(map(str, r[c])) if isinstance(r.get(c), list)
                                                     else r.get(c)) for c in cols])
        return buf.getvalue()
    cells = [[_cell(r.get(c), lang, decimals) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    lines = [title] if title else []
    lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for row, r in zip(cells, rows):
        lines.append("  ".join(x.rjust(w) if isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool)
                               else x.ljust(w) for x, w, c in zip(row, widths, cols)).rstrip())
    return "\n".join(lines)


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def _emit(args: argparse.Namespace, text: str) -> None:
    from chiso.cli import _write_output

    _write_output(text, getattr(args, "output", None))


class ProgressBar:
    """A one-line progress bar on stderr: ``[#####.....] 52% 5200/10000 1.2 s``.

    Drawn only when stderr is a terminal or ``force`` is set; at most ten
    redraws per second.
    """

    def __init__(self, label: str, *, force: bool = False, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = force or (hasattr(self.stream, "isatty") and self.stream.isatty())
        self.label = label
        self.width = width
        self.start = time.perf_counter()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        frac = done / total if total else 1.0
        fill = int(round(frac * self.width))
        self.stream.write(f"\r{self.label} [{'#' * fill}{'.' * (self.width - fill)}] {frac:4.0%} "
                          f"{done}/{total} {now - self.start:.1f} s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.enabled and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


# --- inputs -------------------------------------------------------------------------------------------
def _load(args: argparse.Namespace, path: str | None = None) -> tuple[Any, Any]:
    """Framework and validated table (unit names resolved as ``chiso compute`` does)."""
    from chiso.cli import run_compute

    result, table = run_compute(args.framework, path or args.input, missing=getattr(args, "missing", None),
                                data_date=getattr(args, "data_date", None))
    return result.framework, table


def _csv_list(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip()) if text else ()


def _int_list(text: str | None, what: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in _csv_list(text))
    except ValueError:
        raise AnalysisError(f"{what}: expected integers separated by commas (e.g. 1,2); got {text!r}",
                            code="invalid_assumption") from None


def _assumptions(args: argparse.Namespace) -> Any:
    from chiso.engine.analysis import Assumptions
    from chiso.engine.analysis.model import split_specs

    levels = _int_list(args.levels, "--levels")
    if args.weights and not levels:
        levels = (1,)
    return Assumptions(
        weights=float(args.weights or 0.0),
        weight_levels=levels,
        joint_weights=args.joint_weights,
        aggregation=_csv_list(args.aggregation),
        aggregation_levels=_int_list(args.agg_levels, "--agg-levels") or None,
        normalisation=split_specs(args.normalisation or ""),
        treatment=_csv_list(args.treatment),
        imputation=_csv_list(args.imputation),
    )


# --- commands -----------------------------------------------------------------------------------------
def cmd_whatif(args: argparse.Namespace) -> int:
    from chiso.engine.analysis import parse_change, whatif

    fw, table = _load(args)
    triples = [parse_change(s) for s in args.set]
    w = whatif(fw, table.values, triples, units=table.units, codes=table.codes, missing=args.missing)
    changed = list(w.changes)
    explain_units = [args.unit] if args.unit else changed
    summary = [r for r in w.summary() if r["changed"] or r["rank_before"] != r["rank_after"]]
    explain = {u: [r for r in w.explain(u) if r["moved"] or args.all_nodes] for u in explain_units}
    if args.format == "json":
        _emit(args, json.dumps({"summary": summary, "explain": explain}, ensure_ascii=False, indent=2,
                               default=_json_default))
        return 0
    if args.format == "csv":
        rows = [{"unit": u, **r} for u, rs in explain.items() for r in rs]
        _emit(args, render(rows, "csv"))
        return 0
    keep = ("code", "score_before", "score_after", "contribution_delta", "rank_before", "rank_after", "why")
    parts = [render(summary, "table", lang=args.lang, title="Đơn vị thay đổi / units that moved")]
    for u, rs in explain.items():
        parts.append(render([{k: r[k] for k in keep} for r in rs], "table", lang=args.lang,
                            title=f"\n{u}: đóng góp vào chỉ số chung / contributions to the root"))
    _emit(args, "\n".join(parts))
    return 0


def cmd_rankmove(args: argparse.Namespace) -> int:
    from chiso.engine.analysis import rank_move

    fw, after = _load(args)
    _, before = _load(args, args.before)
    m = rank_move(fw, before.values, after.values, unit=args.unit, units_before=before.units,
                  codes_before=before.codes, units_after=after.units, codes_after=after.codes,
                  missing=args.missing)
    if args.format == "json":
        _emit(args, json.dumps(m.as_dict(), ensure_ascii=False, indent=2, default=_json_default))
        return 0
    if args.format == "csv":
        _emit(args, render(m.nodes, "csv"))
        return 0
    head = [{"": "score", "before": m.score_before, "after": m.score_after, "own": m.own_score,
             "peers": m.peers_score},
            {"": "rank", "before": m.rank_before, "after": m.rank_after, "own": m.own_rank, "peers": m.peers_rank}]
    text = render(head, "table", lang=args.lang, title=f"{m.unit}: thay đổi / change (own = tự thân, peers = "
                                                            "các đơn vị khác)")
    text += "\n" + render(m.nodes, "table", lang=args.lang, title="\nTheo chỉ số / by node")
    if m.overtook or m.overtaken_by:
        text += f"\n\nvượt / overtook: {', '.join(m.overtook) or '–'}\nbị vượt / overtaken by: " \
                f"{', '.join(m.overtaken_by) or '–'}"
    _emit(args, text)
    return 0


def _role_names(day: Any) -> dict[str, list[tuple[str, str]]]:
    """Role -> [(agency type code, its Vietnamese name)] of the types holding the role on ``day``
    (``chiso.reference`` ``agency_roles.csv`` and ``agency_types.csv``)."""
    from chiso import reference

    names = {t["code"]: t["name_vi"] for t in reference.agency_types()}
    out: dict[str, list[tuple[str, str]]] = {}
    for row in reference.agency_roles():
        start, end = row["valid_from"], row["valid_to"]
        if (not start or start <= day.isoformat()) and (not end or day.isoformat() < end):
            out.setdefault(row["role"], []).append((row["agency_type"], names.get(row["agency_type"], row["agency_type"])))
    return out


def lever_responsibility(fw: Any, code: str, day: Any, roles: dict[str, list[tuple[str, str]]] | None = None
                         ) -> dict[str, Any]:
    """Who answers for ``code`` on ``day``, from the framework's assignment (its own or its nearest
    ancestor's): the lead and supporting agency *types* in force (the CLI has no database of a
    province's agencies), the role codes, whether it is a proposal, its basis and the node that sets it.
    A role no type holds on ``day`` is named by its code in brackets."""
    roles = _role_names(day) if roles is None else roles
    a, at = fw.assignment(code)
    if a is None:
        return {"lead": None, "support": None, "lead_roles": [], "support_roles": [], "proposal": None,
                "basis": None, "assigned_at": None}

    def named(rs: tuple[str, ...]) -> str | None:
        out = [n for r in rs for _t, n in roles.get(r, [])] + [f"[{r}]" for r in rs if not roles.get(r)]
        return ", ".join(dict.fromkeys(out)) or None

    return {"lead": named(a.lead), "support": named(a.support), "lead_roles": list(a.lead),
            "support_roles": list(a.support), "proposal": a.proposal, "basis": a.basis or None, "assigned_at": at}


def _as_of(args: argparse.Namespace) -> Any:
    import datetime as dt

    if not getattr(args, "as_of", None):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(args.as_of.strip())
    except ValueError:
        raise AnalysisError(f"--as-of: {args.as_of!r} is not a date (expected YYYY-MM-DD)",
                            code="bad_date") from None


DEFAULT_MAX_GAIN = 0.10  # raw gain per lever per year when the province's history shows none (web: the same)
NOT_ASSIGNED = "chưa phân công"
# Why a lever stops where it does (bound_reason), Vietnamese / English.
BOUND_REASONS = {
    "best_peer": "tỉnh tốt nhất / best peer",
    "max_gain": "mức tăng tối đa / gain cap",
    "range": "giới hạn thang đo / range",
    "saturation": "điểm tối đa / score saturates",
    "given": "giới hạn đã cho / given",
}


def _optional_number(text: str | None, option: str, *, integer: bool = False) -> float | int | None:
    """``none`` (any case) -> None; else a number >= 0 (an integer when asked)."""
    if text is None or str(text).strip().casefold() in ("none", "không"):
        return None
    try:
        v = int(text) if integer else float(str(text).replace(",", "."))
    except ValueError:
        v = -1
    if not (v >= 0 and v == v and v != float("inf")):
        raise AnalysisError(f"{option}: expected {'an integer' if integer else 'a number'} >= 0 or 'none'; "
                            f"got {text!r}", code="invalid_bounds")
    return v


def _costs(specs: list[str] | None, vary: list[str] | None) -> dict[str, float]:
    """``--cost CODE=COST`` (repeatable) -> {code: cost}; refuses a code also given a cost in ``--vary``."""
    out: dict[str, float] = {}
    for spec in specs or []:
        code, eq, val = spec.partition("=")
        try:
            cost = float(val.replace(",", "."))
        except ValueError:
            cost = float("nan")
        if not eq or not code.strip() or not (cost > 0 and cost != float("inf")):
            raise AnalysisError(f"--cost {spec!r}: expected CODE=COST with a cost > 0 (e.g. ha_tang_so=2)",
                                code="invalid_bounds")
        out[code.strip()] = cost
    priced = {v.split(":")[0] for v in vary or [] if len(v.split(":")) > 2 and v.split(":")[2] != ""}
    both = sorted(priced & set(out))
    if both:
        raise AnalysisError(f"cost of {', '.join(both)} given both in --vary and in --cost; give it once",
                            code="invalid_bounds")
    return out


def _history(args: argparse.Namespace, fw: Any, unit: str) -> dict[int, dict[str, float]]:
    """{year: {code: the unit's value}} from the ``--history`` tables paired with ``--history-year``."""
    from chiso.engine.analysis._data import unit_index
    from chiso.engine.errors import AnalysisError as EngineAnalysisError

    files, years = args.history or [], args.history_year or []
    if len(files) != len(years):
        raise AnalysisError(f"give one --history-year per --history file ({len(files)} files, {len(years)} years)",
                            code="invalid_bounds")
    out: dict[int, dict[str, float]] = {}
    for path, year in zip(files, years):
        if year >= fw.edition or year in out:
            raise AnalysisError(f"--history {path}: year {year} must be an earlier edition than the input's "
                                f"({fw.edition}), each year once", code="invalid_bounds")
        from chiso.cli import run_compute

        _, table = run_compute(args.framework, path, missing=args.missing or "reweight",
                               data_date=f"{year}-12-31")
        try:
            i = unit_index(table.units, unit)
        except EngineAnalysisError as e:
            raise AnalysisError(f"--history {path}: {e.message}", code=e.code, **e.params) from None
        out[year] = {c: float(v) for c, v in zip(table.codes, table.values[i]) if v == v}
    return out


def cmd_target(args: argparse.Namespace) -> int:
    from chiso.engine.analysis import gain_caps, improving_directions, optimal_note, seek_target

    day = _as_of(args)
    fw, table = _load(args)
    vary = args.vary or None
    costs = _costs(args.cost, args.vary)
    per_year = _optional_number(args.max_gain, "--max-gain")
    decimals = _optional_number(args.decimals, "--decimals", integer=True)
    if not (args.years > 0):
        raise AnalysisError(f"--years must be > 0; got {args.years:g}", code="invalid_bounds")
    caps: dict[str, tuple[float, str]] = {}
    history: dict[int, dict[str, float]] = {}
    if per_year is not None:
        from chiso.engine.analysis._data import unit_index

        history = _history(args, fw, args.unit)
        if history:
            history[fw.edition] = dict(zip(table.codes, (float(v) for v in
                                                          table.values[unit_index(table.units, args.unit)])))
        caps = gain_caps(history, table.codes, default=per_year, years=args.years,
                         directions=improving_directions(fw))
    elif args.history:
        raise AnalysisError("--history gives yearly gain caps: it needs --max-gain (not 'none')",
                            code="invalid_bounds")
    p = seek_target(fw, table.values, units=table.units, codes=table.codes, missing=args.missing, unit=args.unit,
                    rank=args.rank, vary=vary, peers=args.peers, cap_at_best_peer=not args.no_peer_cap,
                    max_gain={c: g for c, (g, _) in caps.items()} if per_year is not None else None,
                    costs=costs or None, decimals=decimals)
    roles = _role_names(day)
    for c in p.changes:  # who answers for each lever, by agency type in force on --as-of
        c["name"] = fw.node(c["code"]).label(args.lang)
        c.update(lever_responsibility(fw, c["code"], day, roles))
        c["lead_note"] = None if c["lead"] else NOT_ASSIGNED
        cap = caps.get(c["code"])
        c["gain_cap"], c["gain_source"] = (cap if cap else (None, None))
    settings = {"max_gain_per_year": per_year, "years": args.years, "peer_cap": not args.no_peer_cap,
                "decimals": decimals, "history_years": sorted(y for y in history if y != fw.edition),
                "costs": costs, "caps": {c: {"gain": g, "source": src} for c, (g, src) in caps.items()}}
    if args.format == "json":
        _emit(args, json.dumps({**p.as_dict(), "as_of": day.isoformat(), "settings": settings,
                                "optimal_note_vi": optimal_note(p.as_dict(), "vi")},
                               ensure_ascii=False, indent=2, default=_json_default))
        return 0
    if args.format == "csv":
        _emit(args, render(p.changes, "csv"))
        return 0
    if per_year is None:
        gain_text = "không giới hạn / none"
    else:
        hist = sum(1 for g, src in caps.values() if src == "history")
        gain_text = (f"{_cell(per_year, args.lang, 2)}/năm / per year × {args.years:g} "
                     + (f"(theo lịch sử của tỉnh / from the province's history: {hist} chỉ số / indices)" if hist
                        else "(cài đặt / setting)"))
    lines = [
        f"{p.unit}: hạng / rank {p.rank_before} -> {p.rank_after} (mục tiêu / target <= {p.target_rank}), "
        f"điểm / score {_cell(p.score_before, args.lang, 4)} -> {_cell(p.score_after, args.lang, 4)}",
        f"chi phí / cost {_cell(p.cost, args.lang, 4)} (cận dưới / lower bound {_cell(p.lower_bound, args.lang, 4)}), "
        f"biên / margin over rank {p.target_rank}: {_cell(p.margin, args.lang, 4)}; peers: {p.peers}; "
        f"{'exact' if p.exact else 'NOT proven optimal'}",
        f"giới hạn / bounds: không vượt tỉnh tốt nhất / at most the best peer: "
        f"{_cell(not args.no_peer_cap, args.lang, 0)}; mức tăng tối đa / gain cap: {gain_text}; "
        + (f"làm tròn / rounded to {decimals} chữ số thập phân / decimals, hạng tính lại / verified rank "
           f"{p.verified_rank}" if decimals is not None else "không làm tròn / not rounded"),
        optimal_note(p.as_dict(), "vi"),
        p.optimal_note,
    ]
    lines += [f"note: {n}" for n in p.notes]
    text = "\n".join(lines)
    if p.changes:
        shown = [{"name": c["name"], "from": c["from"], "to": c["to"], "change": c["change"], "cost": c["cost"],
                  "bound": c["bound"], "bound_reason": BOUND_REASONS.get(c["bound_reason"], c["bound_reason"]),
                  "best_peer": c["best_peer"], "score_from": c["score_from"], "score_to": c["score_to"],
                  "contribution": c["contribution"], "lead": c["lead"] or c["lead_note"], "support": c["support"],
                  "proposal": c["proposal"]} for c in p.changes]
        text += "\n" + render(shown, "table", lang=args.lang, title="\nKế hoạch / plan")
        text += f"\nChủ trì, phối hợp / lead, support: loại cơ quan ngày / agency types on {day:%d/%m/%Y}"
        if any(c.get("proposal") for c in p.changes):
            text += "; proposal = đề xuất của chiso, chưa có văn bản phân công / chiso's proposal, no published text"
    _emit(args, text)
    return 0


def _check_n(args: argparse.Namespace) -> None:
    if args.n <= 0:
        raise AnalysisError(f"-N must be a positive integer; got {args.n}", code="n_nonpositive", n=args.n)


def cmd_uncertainty(args: argparse.Namespace) -> int:
    from chiso.engine.analysis import uncertainty

    _check_n(args)
    fw, table = _load(args)
    bar = ProgressBar("uncertainty", force=args.progress)
    try:
        r = uncertainty(fw, table.values, units=table.units, codes=table.codes, missing=args.missing,
                        assumptions=_assumptions(args), n=args.n, top=args.top, seed=args.seed,
                        sampler=args.sampler, memory_budget=args.memory << 20, progress=bar)
    finally:
        bar.close()
    rows = r.to_records()
    extra = {"n": r.n, "seed": r.seed, "sampler": r.sampler, "factors": r.factors, "assumptions": r.assumptions,
             "mean_abs_rank_shift": r.mean_abs_shift}
    title = (f"Monte Carlo: N = {r.n}, {r.sampler} seed {r.seed}, factors: {', '.join(r.factors)}; "
             f"mean |rank shift| = {_cell(r.mean_abs_shift, args.lang, 2)}")
    _emit(args, render(rows, args.format, lang=args.lang, title=title, extra=extra, decimals=3))
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from chiso.engine.analysis import sensitivity

    _check_n(args)
    fw, table = _load(args)
    bar = ProgressBar("sensitivity", force=args.progress)
    try:
        r = sensitivity(fw, table.values, units=table.units, codes=table.codes, missing=args.missing,
                        assumptions=_assumptions(args), n=args.n, seed=args.seed, bootstrap=args.bootstrap,
                        memory_budget=args.memory << 20, progress=bar)
    finally:
        bar.close()
    rows = r.to_records()
    conv = r.convergence_records()
    if args.format == "json":
        payload = {"n": r.n, "runs": r.n_runs, "seed": r.seed, "assumptions": r.assumptions,
                   "output": "mean absolute rank shift", "indices": rows, "convergence": conv,
                   "max_change_last_doubling": r.shift.max_change}
        if args.per_unit:
            payload["units"] = r.unit_records()
        _emit(args, json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default))
        return 0
    if args.format == "csv":
        _emit(args, render(r.unit_records() if args.per_unit else rows, "csv"))
        return 0
    text = render(rows, "table", lang=args.lang, title=(
        f"Sobol (Saltelli/Jansen), N = {r.n}, {r.n_runs} runs, output: mean |rank shift|, "
        f"{int(r.shift.level * 100)}% bootstrap CI"))
    text += "\n" + render(conv, "table", lang=args.lang, title="\nHội tụ / convergence")
    text += f"\nmax change N/2 -> N: {_cell(r.shift.max_change, args.lang, 4)}"
    if args.per_unit:
        text += "\n" + render(r.unit_records(), "table", lang=args.lang, title="\nTheo đơn vị / per unit rank")
    _emit(args, text)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from chiso.engine.analysis import audit

    fw, table = _load(args)
    rep = audit(fw, table.values, units=table.units, codes=table.codes, missing=args.missing or "reweight")
    if args.format == "json":
        _emit(args, json.dumps({"units": rep.units, "indicators": rep.indicators, "components": rep.components,
                                "flags": rep.flags}, ensure_ascii=False, indent=2, default=_json_default))
        return 0
    if args.format == "csv":
        _emit(args, render(rep.indicators, "csv"))
        return 0
    text = render(rep.indicators, "table", lang=args.lang, title="Chỉ số thành phần / indicators")
    text += "\n" + render(rep.components, "table", lang=args.lang, title="\nNhóm / components (Cronbach alpha)")
    low = [r for r in rep.units if r["coverage"] < 1]
    text += "\n" + (render(low, "table", lang=args.lang, title="\nĐơn vị thiếu dữ liệu / units with gaps")
                    if low else "\nĐủ dữ liệu / full coverage")
    text += "\n\nCảnh báo / flags:\n" + ("\n".join(f"- {f}" for f in rep.flags) if rep.flags else "- (none)")
    _emit(args, text)
    return 0


# --- registration -------------------------------------------------------------------------------------
def _common(s: argparse.ArgumentParser) -> None:
    s.add_argument("--framework", required=True, help="framework id or PATH.yaml")
    s.add_argument("--input", required=True, help="CSV or .xlsx: a 'unit' column and one column per code")
    s.add_argument("--missing", help="error | reweight | impute:mean|median|min|max|zero (default: the framework's)")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.add_argument("--output", "-o", help="write to this file (atomically) instead of standard output")
    s.add_argument("--data-date", dest="data_date", help="YYYY-MM-DD: the date the unit names refer to "
                                                        "(default: 31/12 of the edition year)")


def _assumption_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("-N", "--n", type=int, default=1000, help="replicates (uncertainty) or base sample (sensitivity)")
    s.add_argument("--seed", type=int, default=1, help="scrambling seed (same seed, same result)")
    s.add_argument("--weights", type=float, default=0.0, help="perturb weights by ±this fraction (e.g. 0.25)")
    s.add_argument("--levels", help="depths whose weights are perturbed, e.g. 1,2 (1 = the root's children)")
    s.add_argument("--aggregation", help="alternatives, e.g. arithmetic,geometric (also nominal, harmonic)")
    s.add_argument("--agg-levels", dest="agg_levels", help="depths of the aggregating nodes (default: all)")
    s.add_argument("--joint-weights", dest="joint_weights", action="store_true",
                   help="one factor for the weights of all --levels (COINr's Weights factor)")
    s.add_argument("--normalisation", metavar="ALT,ALT",
                   help="alternatives: nominal, minmax, ratio_to_max, zscore, percentile; with parameters "
                        "minmax[1,100] (also ratio_to_max, percentile: scale [low,high]) or zscore[10,2] "
                        "(mean, standard deviation), e.g. minmax[1,100],zscore[10,2]")
    s.add_argument("--treatment", metavar="ALT,ALT",
                   help="outlier treatment alternatives, before normalisation: nominal, none, log, "
                        "winsorise[:WINMAX] (at most WINMAX points, default 5), e.g. winsorise:0,winsorise:5")
    s.add_argument("--imputation", help="alternatives: nominal,mean,median,min,max,zero,reweight")
    s.add_argument("--memory", type=int, default=64, help="memory budget per block, MiB (default 64)")
    s.add_argument("--progress", action="store_true", help="draw the progress bar even if stderr is not a terminal")


def add_commands(subparsers: Any) -> None:
    """Register the analysis commands on the ``chiso`` sub-parsers."""
    s = subparsers.add_parser("whatif", help="nếu... thì / what-if: change values, see scores, ranks, contributions")
    _common(s)
    s.add_argument("--set", action="append", required=True, metavar="UNIT:CODE=VALUE",
                   help="a change (repeatable), e.g. \"Bắc Ninh:htkt=0.7\"")
    s.add_argument("--unit", help="explain this unit (default: every changed unit)")
    s.add_argument("--all-nodes", action="store_true", help="list unchanged nodes too")
    s.set_defaults(func=cmd_whatif)

    s = subparsers.add_parser("rankmove", help="vì sao thứ hạng thay đổi / why did the rank move (own vs peers)")
    _common(s)
    s.add_argument("--before", required=True, help="the earlier edition or scenario (same layout as --input)")
    s.add_argument("--unit", required=True)
    s.set_defaults(func=cmd_rankmove)

    s = subparsers.add_parser("target", help="kế hoạch chi phí thấp nhất / least-cost plan to reach a rank")
    _common(s)
    s.add_argument("--unit", required=True)
    s.add_argument("--rank", type=int, required=True, help="target rank k (reach rank <= k)")
    s.add_argument("--vary", action="append", metavar="CODE[:UPPER[:COST]]",
                   help="an indicator the unit may change (repeatable); default: all, each bounded by the best "
                        "peer's value and the gain cap, cost 1 per unit")
    s.add_argument("--max-gain", dest="max_gain", default=str(DEFAULT_MAX_GAIN), metavar="X",
                   help="largest raw gain per lever per year when the province's history shows none "
                        f"(default {DEFAULT_MAX_GAIN:g}, as on the web; 'none': no cap)")
    s.add_argument("--years", type=float, default=1, help="the plan's horizon in years (default 1)")
    s.add_argument("--history", action="append", metavar="FILE",
                   help="an earlier edition's table, same format as --input (repeatable, each with --history-year): "
                        "a lever's yearly cap is the largest yearly gain the province made")
    s.add_argument("--history-year", dest="history_year", action="append", type=int, metavar="YEAR",
                   help="the year of each --history file, in the same order")
    s.add_argument("--no-peer-cap", dest="no_peer_cap", action="store_true",
                   help="let levers go past the best peer's value (up to the framework's maximum)")
    s.add_argument("--cost", action="append", metavar="CODE=COST",
                   help="cost per unit of raw improvement of a lever (repeatable; default 1)")
    s.add_argument("--decimals", default="4", help="the plan's values are rounded to this many decimals and still "
                                                   "reach the rank (default 4; 'none': not rounded)")
    s.add_argument("--peers", default="frozen", help="frozen | trend:RATE (e.g. trend:0.02)")
    s.add_argument("--as-of", dest="as_of",
                   help="YYYY-MM-DD: name each lever's lead and supporting agency types in force that day "
                        "(default: today)")
    s.set_defaults(func=cmd_target)

    s = subparsers.add_parser("uncertainty", help="phân tích bất định / Monte Carlo rank uncertainty")
    _common(s)
    _assumption_options(s)
    s.add_argument("--top", type=int, default=20, help="report P(rank <= top) (default 20)")
    s.add_argument("--sampler", choices=["sobol", "halton"], default="sobol")
    s.set_defaults(func=cmd_uncertainty)

    s = subparsers.add_parser("sensitivity", help="phân tích độ nhạy / Sobol sensitivity of ranks")
    _common(s)
    _assumption_options(s)
    s.add_argument("--bootstrap", type=int, default=200, help="bootstrap resamples for the intervals")
    s.add_argument("--per-unit", action="store_true", help="also report each unit's rank indices")
    s.set_defaults(func=cmd_sensitivity)

    s = subparsers.add_parser("audit", help="kiểm định thống kê / statistical audit of the data")
    _common(s)
    s.set_defaults(func=cmd_audit)



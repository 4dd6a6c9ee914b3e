"""Charts drawn on the server into PNG bytes (matplotlib, Agg backend, no display, no network).

matplotlib ships the DejaVu Sans font, which has every Vietnamese glyph, so charts look the same on
any server whatever fonts the system has.

A chart of one series may be drawn bar by bar (:class:`~.spec.Chart` ``colors``, ``legend``,
``bar_labels``): a task's bar in the colour of its light, each agency's rate written beside its bar.
"""

from __future__ import annotations

import io
import math

from .spec import Chart

DPI = 150
COLORS = ["#1f4e79", "#c55a11", "#7f7f7f", "#548235", "#bf9000"]
# The traffic lights in the colours the web shows them (program/static/program/program.css, ``.light.*``).
LIGHT_COLORS = {"green": "#2e8540", "amber": "#f0ad00", "red": "#c62828", "grey": "#c8c8c8"}
MINUS = "\u2212"


def _vn(x: float, places: int = 2) -> str:
    """A tick or a label: decimal comma, dot thousands, the minus sign "−"."""
    text = f"{abs(x):,.{places}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return MINUS + text if x < 0 and text.strip("0,.") else text


def height_for(chart: Chart) -> float:
    """The picture's height (cm): 7,5 cm, more for a horizontal chart of many bars (one bar ~0,5 cm)."""
    if chart.kind == "hbar":
        return max(7.5, 2.5 + 0.5 * len(chart.categories) * max(1, len(chart.series)))
    return 7.5


def _label_bars(ax, chart: Chart, bars, values: list[float]) -> None:
    """Each bar's text at its end: inside a long bar (in white), after a short one; a missing value has
    no bar: its text stands at the axis, after a square in the bar's colour (a task without a report
    still shows its light)."""
    top = chart.value_range[1] if chart.value_range else max([v for v in values if not math.isnan(v)] or [0])
    for i, (bar, text, v) in enumerate(zip(bars, chart.bar_labels, values)):
        missing = math.isnan(v)
        at = 0 if missing else v
        inside = not missing and top > 0 and v > 0.6 * top
        color = "white" if inside else "black"
        if chart.kind == "bar":
            xy = (bar.get_x() + bar.get_width() / 2, at)
            offset, align = ((0, -3), {"ha": "center", "va": "top"}) if inside else ((0, 3), {"ha": "center", "va": "bottom"})
        else:
            xy = (at, bar.get_y() + bar.get_height() / 2)
            offset, align = ((-3, 0), {"ha": "right", "va": "center"}) if inside else ((3, 0), {"ha": "left", "va": "center"})
        if missing and chart.colors:
            ax.plot(*xy, marker="s", markersize=6, color=chart.colors[i], clip_on=False, zorder=3)
            offset = (offset[0] + 6, offset[1]) if chart.kind == "hbar" else (offset[0], offset[1] + 6)
        ax.annotate(text, xy, textcoords="offset points", xytext=offset, fontsize=7, color=color,
                    annotation_clip=False, **align)


def _legend_below(fig, handles) -> bool:
    """The legend in a row under the chart (bars fill the plot's width); whether there is one."""
    if handles:
        fig.legend(handles=handles, fontsize=7, frameon=False, loc="lower center", ncol=min(4, len(handles)))
    return bool(handles)


def render_png(chart: Chart, *, width_cm: float = 16.0, height_cm: float | None = None) -> bytes:
    """Draw ``chart`` and return PNG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9})
    height_cm = height_cm or height_for(chart)
    fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    try:
        n = len(chart.categories)
        k = max(1, len(chart.series))
        counts = all(float(v).is_integer() for _n, vs in chart.series for v in vs if v is not None)
        places = (lambda v: 0) if counts else (lambda v: 2 if abs(v) < 10 else 0)
        if chart.kind in ("bar", "hbar"):
            width = 0.8 / k
            for s, (name, values) in enumerate(chart.series):
                pos = [i - 0.4 + width * (s + 0.5) for i in range(n)]
                vals = [math.nan if v is None else v for v in values]
                color = chart.colors if (chart.colors and k == 1) else COLORS[s % len(COLORS)]
                draw = ax.bar if chart.kind == "bar" else ax.barh
                bars = draw(pos, vals, width, label=name, color=color)
                if chart.bar_labels and k == 1:
                    _label_bars(ax, chart, bars, vals)
            value_axis = ax.yaxis if chart.kind == "bar" else ax.xaxis
            value_axis.set_major_formatter(FuncFormatter(lambda v, _p: _vn(v, 0 if float(v).is_integer() else places(v))))
            if counts:
                value_axis.set_major_locator(MaxNLocator(integer=True))
            if chart.kind == "bar":
                ax.set_xticks(
                    range(n), chart.categories, rotation=20 if n > 4 else 0, ha="right" if n > 4 else "center"
                )
            else:
                ax.set_yticks(range(n), chart.categories)
                ax.set_ylim(n - 0.5, -0.5)  # the first category at the top
            if chart.value_range is not None:
                (ax.set_ylim if chart.kind == "bar" else ax.set_xlim)(*chart.value_range)
        elif chart.kind == "line":
            for s, (name, values) in enumerate(chart.series):
                xs = [i for i, v in enumerate(values) if v is not None]
                ys = [v for v in values if v is not None]
                ax.plot(xs, ys, marker="o", label=name, color=COLORS[s % len(COLORS)])
                for x, y in zip(xs, ys):
                    ax.annotate(
                        _vn(y, 0 if float(y).is_integer() else 2),
                        (x, y),
                        textcoords="offset points",
                        xytext=(0, 6),
                        ha="center",
                        fontsize=7,
                    )
            ax.set_xticks(range(n), chart.categories)
            ax.yaxis.set_major_locator(MaxNLocator(integer=chart.invert_y))
            if chart.invert_y:
                ax.invert_yaxis()
        else:
            raise ValueError(f"chart {chart.key!r}: unknown kind {chart.kind!r}; expected bar, hbar or line")
        if chart.hline is not None:
            value, label = chart.hline
            if chart.kind == "hbar":
                ax.axvline(value, color="#c00000", linestyle="--", linewidth=1, label=label)
            else:
                ax.axhline(value, color="#c00000", linestyle="--", linewidth=1, label=label)
        ax.set_title(chart.title)
        if chart.y_label:
            (ax.set_xlabel if chart.kind == "hbar" else ax.set_ylabel)(chart.y_label)
        ax.grid(axis="x" if chart.kind == "hbar" else "y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        below = False
        if chart.legend or chart.colors or chart.bar_labels:
            # one series drawn bar by bar: its name is the axis's label; the legend says the colours
            line = [h for h in ax.get_legend_handles_labels()[0] if chart.hline and h.get_label() == chart.hline[1]]
            patches = [Patch(facecolor=color, label=label) for label, color in chart.legend or []]
            below = _legend_below(fig, patches + line)
        elif len(chart.series) > 1 or chart.hline is not None:
            ax.legend(fontsize=7, frameon=False)
        fig.tight_layout(rect=(0, 0.7 / height_cm, 1, 1) if below else None)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    finally:
        plt.close(fig)

"""Charts drawn on the server into PNG bytes (matplotlib, Agg backend, no display, no network).

matplotlib ships the DejaVu Sans font, which has every Vietnamese glyph, so charts look the same on
any server whatever fonts the system has.
"""

from __future__ import annotations

import io
import math

from .spec import Chart

DPI = 150
COLORS = ["#1f4e79", "#c55a11", "#7f7f7f", "#548235", "#bf9000"]


def _vn(x: float, places: int = 2) -> str:
    return f"{x:,.{places}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def render_png(chart: Chart, *, width_cm: float = 16.0, height_cm: float = 7.5) -> bytes:
    """Draw ``chart`` and return PNG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9})
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
                if chart.kind == "bar":
                    ax.bar(pos, vals, width, label=name, color=COLORS[s % len(COLORS)])
                else:
                    ax.barh(pos, vals, width, label=name, color=COLORS[s % len(COLORS)])
            if chart.kind == "bar":
                ax.set_xticks(
                    range(n), chart.categories, rotation=20 if n > 4 else 0, ha="right" if n > 4 else "center"
                )
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _vn(v, places(v))))
                if counts:
                    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            else:
                ax.set_yticks(range(n), chart.categories)
                ax.invert_yaxis()
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _vn(v, places(v))))
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
        if len(chart.series) > 1 or chart.hline is not None:
            ax.legend(fontsize=7, frameon=False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    finally:
        plt.close(fig)

"""Charts as PNG images, drawn with matplotlib's Agg renderer on a figure of their own (no pyplot, no global
state: safe from any task or thread). DejaVu Sans, matplotlib's own font, has every Vietnamese mark."""

from __future__ import annotations

import io
from collections.abc import Sequence

PNG_MIME = "image/png"
_COLOURS = ("#4472C4", "#ED7D31", "#A5A5A5", "#70AD47")
_LABEL_CHARS = 42


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    axis_label: str = "",
) -> bytes:
    """Horizontal grouped bars: one group per label (top to bottom in the given order), one bar per series,
    each bar with its value written at its end; a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    count = max(len(labels), 1)
    bars = max(len(series), 1)
    figure = Figure(figsize=(10, max(3.2, 1.6 + 0.32 * count * max(bars, 2) / 2 + 0.2 * bars)), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    height = 0.8 / bars
    positions = list(range(len(labels)))
    peak = max((v for _, values in series for v in values), default=0)
    for index, (name, values) in enumerate(series):
        offsets = [p - 0.4 + height * (index + 0.5) for p in positions]
        drawn = axes.barh(offsets, list(values), height=height, label=name, color=_COLOURS[index % len(_COLOURS)])
        axes.bar_label(drawn, padding=2, fontsize=8)
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=9)
    axes.invert_yaxis()  # the first label on top
    axes.set_xlim(0, max(peak * 1.12, 1))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if axis_label:
        axes.set_xlabel(axis_label)
    axes.set_title(title, fontsize=12, fontweight="bold")
    axes.grid(axis="x", linestyle=":", alpha=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    if series:
        axes.legend(loc="lower right", fontsize=9)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()

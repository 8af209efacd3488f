"""Charts as PNG images (matplotlib, Agg backend) with a CJK font found at run time (Noto Sans CJK)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from devzone.reports.content import Chart

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype",
             "/usr/share/fonts/truetype", "/usr/share/fonts", "/usr/local/share/fonts")
CJK_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc",
             "wqy-microhei.ttc", "wqy-zenhei.ttc")
RED = "#c00000"


def font_dirs() -> list[str]:
    """Directories holding a CJK font (for the PDF typesetter too)."""
    found = []
    for directory in FONT_DIRS:
        path = Path(directory)
        if path.is_dir() and any(path.rglob(name) for name in CJK_FILES[:3]):
            found.append(directory)
            break
    return found


@cache
def cjk_font() -> font_manager.FontProperties | None:
    for directory in FONT_DIRS:
        for name in CJK_FILES:
            hits = sorted(Path(directory).rglob(name)) if Path(directory).is_dir() else []
            if hits:
                return font_manager.FontProperties(fname=str(hits[0]))
    return None


def chart_png(chart: Chart, *, width: float = 6.4, height: float = 3.2) -> bytes:
    """A bar chart of `chart` as PNG bytes (no timestamp in the file: same data, same bytes)."""
    figure = Figure(figsize=(width, height), dpi=150)
    axes = figure.subplots()
    font = cjk_font()
    positions = list(range(len(chart.labels)))
    bars = axes.bar(positions, chart.values, color=RED, width=0.6)
    axes.set_xticks(positions, chart.labels, fontproperties=font, fontsize=8,
                    rotation=30 if len(chart.labels) > 6 else 0)
    axes.set_title(chart.title, fontproperties=font, fontsize=11)
    if chart.unit:
        axes.set_ylabel(chart.unit, fontproperties=font, fontsize=8)
    axes.bar_label(bars, labels=[f"{v:g}" for v in chart.values], fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.15)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

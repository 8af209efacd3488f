"""Render the first pages of a monthly bulletin (as the city user sees it) to PNG, from the same Typst source as
the PDF, for docs/screenshots.

    DEVZONE_DATA_DIR=<a directory holding a loaded demo> .venv/bin/python scripts/bulletin-screenshot.py \
        docs/screenshots [--period 2026-10] [--pages 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path


def render_pages(period: str, ppi: int = 110) -> list[bytes]:
    import typst

    from devzone.core.models import User
    from devzone.reports.content import build_bulletin
    from devzone.reports.pdf_writer import font_dirs, typst_source
    from devzone.reports.periods import parse_period

    user = User.objects.get(username="city")
    bulletin = build_bulletin(user=user, period=parse_period(period, "monthly"), with_appendix=False)
    source, images = typst_source(bulletin)
    with tempfile.TemporaryDirectory() as root:
        for name, content in images:
            (Path(root) / name).write_bytes(content)
        main = Path(root) / "bulletin.typ"
        main.write_text(source, encoding="utf-8")
        pages = typst.compile(str(main), root=root, font_paths=font_dirs(), format="png", ppi=ppi)
    return pages if isinstance(pages, list) else [pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--pages", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devzone.settings")
    import django

    django.setup()
    for number, page in enumerate(render_pages(args.period)[: args.pages], start=1):
        (args.out / f"bulletin-page{number}.png").write_bytes(page)


if __name__ == "__main__":
    main()

"""The first page and a table page of every kind of document, as PNG, for docs/screenshots/.

Run on a database with the demonstration data (`make run` loads it), e.g.:

    .venv/bin/python scripts/document_pages.py            # var/chiso.sqlite3
    DATABASE_URL=sqlite:////tmp/dev.sqlite3 .venv/bin/python scripts/document_pages.py

Each document is made by the one report job (`make_document KIND`), converted by LibreOffice, and its
pages drawn by pdftoppm. The table page is the annex (a decision's "Phụ lục"), else the first page
after the first that holds a table heading ("Bảng …"), else the second page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
KINDS = ("annual", "quarterly", "progress", "decision", "scorecards")
DPI = "60"


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def draw(pdf: Path, page: int, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", DPI, "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), f"{tmp}/p"],
            check=True,
        )
        Path(f"{tmp}/p.png").replace(target)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as out:
        for kind in KINDS:
            proc = subprocess.run(
                [sys.executable, "-m", "chiso.manage", "make_document", kind, "--out", out,
                 "--sign-name", "Nguyễn Văn A"],
                capture_output=True, text=True, env=os.environ,
            )
            if proc.returncode != 0:
                print(f"{kind}: {proc.stderr.strip()}", file=sys.stderr)
                continue
            pdf = next(Path(p) for p in proc.stdout.split() if p.endswith(".pdf"))
            pages = [p for p in pages_text(pdf) if p.strip()]
            table = next((i + 1 for i, t in enumerate(pages) if i > 0 and re.search(r"^\s*Phụ lục", t, re.M)), None)
            table = table or next((i + 1 for i, t in enumerate(pages) if i > 0 and re.search(r"^\s*Bảng \d", t, re.M)), 2)
            draw(pdf, 1, OUT / f"document-{kind}-1.png")
            if len(pages) > 1:
                draw(pdf, table, OUT / f"document-{kind}-bang.png")
            print(f"{kind}: {len(pages)} trang; trang 1 và trang {table} -> docs/screenshots/document-{kind}-*.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Open a job's generated files: DOCX (python-docx), PDF (pdftotext, pdftoppm), XLSX (openpyxl)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def read(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def docx(job):
    return Document(io.BytesIO(read(job.docx)))


def docx_text(job) -> str:
    doc = docx(job)
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def table_rows(job, title_start: str) -> list[list[str]]:
    """Rows (text) of the document table that follows the paragraph starting with ``title_start``."""
    doc = docx(job)
    body = doc.element.body
    found = False
    for el in body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p" and "".join(el.itertext()).startswith(title_start):
            found = True
        elif tag == "tbl" and found:
            from docx.table import Table

            return [[c.text for c in row.cells] for row in Table(el, doc).rows]
    raise AssertionError(f"no table after {title_start!r}")


def xlsx(job):
    return load_workbook(io.BytesIO(read(job.xlsx)))


def pdf_text(job) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "r.pdf"
        p.write_bytes(read(job.pdf))
        return subprocess.run(
            ["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()


def first_page_png(job, name: str) -> Path:
    """Render page 1 of the job's PDF to docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "r.pdf"
        p.write_bytes(read(job.pdf))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(p),
                str(Path(tmp) / "page"),
            ],
            check=True,
            timeout=60,
        )
        out = SCREENSHOTS / f"{name}.png"
        shutil.copyfile(Path(tmp) / "page.png", out)
    return out

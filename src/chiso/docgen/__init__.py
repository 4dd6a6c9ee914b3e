"""The document builder: Vietnamese administrative documents per Nghị định 30/2020/NĐ-CP.

Build a :class:`DocumentSpec` (header, body blocks, recipients, signature) once, then write it as
.docx (:func:`render_docx`), .pdf (:func:`docx_to_pdf`, LibreOffice) and .xlsx (:func:`render_xlsx`).
Knows nothing of Django.
"""

from __future__ import annotations

from .charts import render_png
from .docx import render_docx
from .pdf import ConversionError, docx_to_pdf, soffice_path
from .spec import Chart, DocumentSpec, Header, Heading, Paragraph, Part, Signature, Table, fmt, vn_long_date
from .xlsx import render_xlsx

__all__ = [
    "Chart",
    "ConversionError",
    "DocumentSpec",
    "Header",
    "Heading",
    "Paragraph",
    "Part",
    "Signature",
    "Table",
    "docx_to_pdf",
    "fmt",
    "render_docx",
    "render_png",
    "render_xlsx",
    "soffice_path",
    "vn_long_date",
]

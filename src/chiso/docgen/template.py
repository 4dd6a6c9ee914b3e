"""The wording of a document, as a template the department can change (docs/reports.md: Mẫu văn bản).

Layout is law (Nghị định 30/2020) and stays in code (:mod:`.docx`); wording is the department's. A
builder writes the passages that carry figures, each after a :class:`~.spec.Part` marker, and a
:attr:`~.spec.DocumentSpec.context` of ready-to-print values; a template places those passages, adds
or rewrites everything around them and sets the header's wording. The template is Jinja2, run in
its sandbox (no attribute of Python objects, no file, no import: a template is data a user typed)
with every unknown name an error, then read one instruction per line:

``@loại văn bản: …``, ``@trích yếu: …``, ``@nơi nhận: …`` (repeatable), ``@quyền hạn: …``,
``@chức vụ: …``, ``@họ tên: …`` — the header and signature (keys matched without accents);
``# …`` a numbered section heading; ``## …`` a sub-heading; ``[[name]]`` the builder's passage;
``**lead** text`` a paragraph whose lead is bold; ``> text`` an italic paragraph; ``^ text`` a
centred bold line; any other line a justified paragraph.

:func:`apply` returns a new spec and the warnings a preview shows (passages the template leaves out).
Problems are :class:`TemplateError` with the line and a Vietnamese sentence.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from typing import Any

from chiso.lib.filenames import ascii_words

from .spec import DocumentSpec, Heading, Paragraph, Part

MAX_TEMPLATE_CHARS = 50_000
MAX_OUTPUT_CHARS = 500_000

DIRECTIVES = {
    "loai van ban": "doc_type",
    "trich yeu": "subject",
    "noi nhan": "recipients",
    "quyen han": "authority",
    "chuc vu": "title",
    "ho ten": "name",
}
_PART = re.compile(r"^\[\[\s*([A-Za-z0-9_]+)\s*\]\]$")
_LEAD = re.compile(r"^\*\*(.+?)\*\*\s*(.*)$")


class TemplateError(ValueError):
    """A template that cannot be used: ``line`` (1-based, of the template text) when known."""

    def __init__(self, message: str, line: int | None = None):
        self.message, self.line = message, line
        super().__init__(f"Dòng {line}: {message}" if line else message)


def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )


def _template_line(tb) -> int | None:
    """The template's line an exception was raised at (Jinja keeps it in the traceback's frames)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_text(text: str, context: dict[str, Any]) -> str:
    """Run the Jinja part of a template. Raises :class:`TemplateError`."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"Mẫu dài quá {MAX_TEMPLATE_CHARS:,} ký tự.".replace(",", "."))
    env = _environment()
    try:
        tpl = env.from_string(text)
    except TemplateSyntaxError as e:
        # Jinja's own message is English: say what to look at instead
        raise TemplateError(
            "Sai cú pháp mẫu: kiểm tra các cặp {{ … }}, {% … %} và {% if %}…{% endif %} trên dòng này.", e.lineno
        ) from None
    try:
        out = tpl.render(**context)
    except UndefinedError as e:
        name = re.search(r"'([^']+)' is undefined", str(e))
        what = f"biến “{name.group(1)}”" if name else "một giá trị"
        raise TemplateError(
            f"Mẫu dùng {what} không có trong số liệu của văn bản này (xem danh sách biến).",
            _template_line(sys.exc_info()[2]),
        ) from None
    except SecurityError:
        raise TemplateError("Mẫu dùng một thao tác không được phép.", _template_line(sys.exc_info()[2])) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as e:
        raise TemplateError(
            f"Mẫu không chạy được: {type(e).__name__}.", _template_line(sys.exc_info()[2])
        ) from None
    if len(out) > MAX_OUTPUT_CHARS:
        raise TemplateError("Văn bản từ mẫu dài bất thường (vòng lặp quá lớn?).")
    return out


def _directive(line: str) -> tuple[str, str] | None:
    if not line.startswith("@") or ":" not in line:
        return None
    key, value = line[1:].split(":", 1)
    return " ".join(ascii_words(key)), value.strip()


def apply(spec: DocumentSpec, text: str, *, keep_signature: dict | None = None) -> tuple[DocumentSpec, list[str]]:
    """``spec`` worded by ``text``: a new spec, and the warnings to show with a preview.

    ``keep_signature``: the request's own signature entries (``sign_authority``, ``sign_title``,
    ``sign_name``): a value typed for this document wins over the template's default."""
    rendered = render_text(text, spec.context)
    parts = spec.parts
    header = dataclasses.replace(spec.header)
    signature = dataclasses.replace(spec.signature)
    recipients: list[str] = []
    blocks: list = list(parts.get("", []))
    used: set[str] = set()
    typed = {k: v for k, v in (keep_signature or {}).items() if v}
    source = [ln.strip() for ln in text.splitlines()]

    def at(line: str) -> int | None:
        """The template's line that printed ``line`` (Jinja blocks shift the lines of its output)."""
        hits = [i for i, src in enumerate(source, start=1) if src == line]
        return hits[0] if len(hits) == 1 else None

    for raw in rendered.splitlines():
        line = raw.strip()
        if not line:
            continue
        d = _directive(line)
        if d is not None:
            key, value = d
            field = DIRECTIVES.get(key)
            if field is None:
                raise TemplateError(
                    f"Không biết mục “@{line[1:].split(':', 1)[0].strip()}”; các mục có: "
                    "@loại văn bản, @trích yếu, @nơi nhận, @quyền hạn, @chức vụ, @họ tên.",
                    at(line),
                )
            if field == "recipients":
                recipients.append(value)
            elif field in ("doc_type", "subject"):
                if not value:
                    raise TemplateError("Loại văn bản và trích yếu không được để trống.", at(line))
                setattr(header, field, value)
            elif f"sign_{field}" not in typed:
                setattr(signature, field, value)
            continue
        m = _PART.match(line)
        if m:
            name = m.group(1)
            if name not in parts:
                known = ", ".join(f"[[{n}]]" for n in parts if n)
                raise TemplateError(f"Không có phần “[[{name}]]” trong văn bản này; các phần có: {known}.", at(line))
            used.add(name)
            blocks.extend(parts[name])
        elif line.startswith("## "):
            blocks.append(Heading(line[3:].strip(), level=1))
        elif line.startswith("# "):
            blocks.append(Heading(line[2:].strip(), level=1, numbered=True))
        elif line.startswith("> "):
            blocks.append(Paragraph(line[2:].strip(), italic=True))
        elif line.startswith("^ "):
            blocks.append(Paragraph(line[2:].strip(), bold=True, indent=False, align="center"))
        elif (lead := _LEAD.match(line)) is not None:
            blocks.append(Paragraph(lead.group(2), lead=lead.group(1).strip()))
        else:
            blocks.append(Paragraph(line))
    warnings = []
    labels = {b.name: b.label for b in spec.blocks if isinstance(b, Part)}
    for name, content in parts.items():
        if name and name not in used and content:
            warnings.append(f"Phần “{labels.get(name) or name}” không có trong mẫu nên không được in.")
    out = dataclasses.replace(
        spec,
        header=header,
        signature=signature,
        blocks=blocks,
        recipients=recipients or list(spec.recipients),
    )
    return out, warnings


def outline(spec: DocumentSpec) -> str:
    """A template that prints ``spec`` as its builder wrote it (each passage in order): the start
    of a new kind's wording."""
    lines = [f"@loại văn bản: {spec.header.doc_type}", f"@trích yếu: {spec.header.subject}"]
    lines += [f"[[{b.name}]]" for b in spec.blocks if isinstance(b, Part)]
    lines += [f"@nơi nhận: {r}" for r in spec.recipients]
    return "\n".join(lines) + "\n"

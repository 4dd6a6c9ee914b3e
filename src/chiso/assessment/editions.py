"""A province's own copy of a shipped index edition ("bộ chỉ số của tỉnh"), held in the database
with the internal frameworks (:class:`InternalFramework`, ``kind = index``) and edited with the same
editor: the department copies ``vn-dti-2024-province`` as ``ninhbinh-dti-2024``, adds the components
the ministry's guidance lists, renames some, sets their lead and supporting agency roles.

- every save is validated by the engine (:meth:`chiso.engine.Framework.from_dict`); each problem is
  listed in Vietnamese with the line of its node in the YAML text;
- the copy keeps its id, stays an index (``kind``), keeps ``derived_from`` and cannot claim to be
  more verified than its base (a copy of a provisional edition stays provisional);
- a copy used by a collection round that is not locked yet is not edited: collection reads a
  framework by its code, so a form would change under the agencies filling it;
- :func:`register_source` (called from the app's ``ready()``) lets
  :func:`chiso.lib.frameworks.get_framework` find a copy by its code, as a shipped edition.
"""

from __future__ import annotations

import re

import yaml
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.engine import Framework
from chiso.engine.errors import FrameworkError
from chiso.lib import frameworks
from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Refused, Stale
from chiso.orgs import audit

from .models import InternalFramework
from .services import invalid, parse_text

SOURCE = "assessment.edition_copies"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
STATUS_ORDER = {"official": 2, "provisional": 1, "template": 0}


# --- the shipped editions one can copy ------------------------------------------------------------------------


def shipped_editions() -> list[Framework]:
    """The shipped index editions (not the internal templates), newest first."""
    out = []
    for fw_id in frameworks.shipped_ids():
        try:
            fw = frameworks.get_framework(fw_id)
        except (FrameworkError, LookupError, OSError):
            continue
        if fw.kind == "index":
            out.append(fw)
    return sorted(out, key=lambda f: (-f.edition, f.id))


def _shipped_text(base_id: str) -> str:
    from chiso.frameworks import framework_paths

    path = framework_paths().get(base_id)
    if path is None:
        raise Refused(_("Không có bộ chỉ số “{id}” trong các bộ chỉ số kèm theo.").format(id=base_id),
                      {"base": _("Chọn một bộ chỉ số kèm theo.")})  # fmt: skip
    return path.read_text(encoding="utf-8")


def status_label(status: str) -> str:
    return {
        "official": _("chính thức"),
        "provisional": _("tạm tính"),
        "template": _("mẫu"),
    }.get(status, status)


# --- validation -------------------------------------------------------------------------------------------------


def parse_index_yaml(text: str) -> tuple[dict, Framework]:
    """Parse and validate an index framework's YAML text with the engine (:meth:`Framework.from_dict`).
    Raises :class:`Refused` listing every problem with its line, in the reader's language."""
    return parse_text(text, Framework.from_dict)


def check_copy(row: InternalFramework, data: dict, fw: Framework) -> None:
    """What a province's copy must keep: an index (not ``kind: internal``), ``derived_from`` its base,
    and a status no more verified than its base's."""
    msgs = []
    if fw.kind != "index":
        msgs.append(_("Bản của tỉnh là bộ chỉ số xếp hạng cấp tỉnh: bỏ dòng “kind: {kind}”.").format(kind=fw.kind))
    src = data.get("derived_from")
    origin = row.derived_from.code if row.derived_from_id else row.base_id
    if not isinstance(src, dict) or str(src.get("id")) != origin:
        msgs.append(_("derived_from phải giữ là “{base}” (bản gốc của bản này).").format(base=origin))
    try:
        base = frameworks.get_framework(row.base_id)
    except (FrameworkError, LookupError, OSError):
        base = None
    if base is not None and STATUS_ORDER.get(fw.status, 0) > STATUS_ORDER.get(base.status, 0):
        msgs.append(
            _("Bộ chỉ số gốc “{base}” có trạng thái {status}: bản của tỉnh không thể ghi là {mine}.").format(
                base=row.base_id, status=status_label(base.status), mine=status_label(fw.status)
            )
        )
    if msgs:
        raise invalid(msgs)


def open_collection_rounds(code: str):
    """Collection rounds that use this framework, open, to open or locked: every one of them reads the
    framework by its code (forms, approved values, compilation, results), so any of them freezes it."""
    from chiso.collection.models import Round as CollectionRound

    return CollectionRound.objects.filter(framework_id=code)


def check_not_in_open_round(row: InternalFramework) -> None:
    """Refuse an edit of a copy that a collection round uses (open or locked): its forms, approved values
    and results would change under it. The department copies it under a new code instead."""
    rnd = open_collection_rounds(row.code).order_by("-opens_on").first()
    if rnd is not None:
        raise Refused(
            _(
                "Đợt thu thập “{round}” đã dùng bộ chỉ số “{code}”: không sửa được nữa, để biểu mẫu, số liệu "
                "đã duyệt và kết quả của đợt không đổi. Muốn dùng hướng dẫn mới, hãy sao một bản mới với mã khác."
            ).format(round=rnd.title, code=row.code),
            status=409,
        )


def refuse_stale(row: InternalFramework) -> None:
    from chiso.orgs.models import AuditEntry

    last = AuditEntry.objects.filter(target_type=row._meta.label_lower, target_id=str(row.pk)).first()
    if last is not None:
        when = timezone.localtime(last.time).strftime("%H:%M %d/%m/%Y")
        raise Stale(
            _("{who} đã lưu bộ chỉ số này lúc {when}, sau khi trang được mở. Chưa lưu gì: hãy tải lại trang, "
              "xem bản mới rồi sửa lại.").format(who=last.user_name or "?", when=when)  # fmt: skip
        )
    raise Stale(_("Bộ chỉ số đã được lưu sau khi trang được mở. Chưa lưu gì: hãy tải lại trang và sửa lại."))


# --- copying ----------------------------------------------------------------------------------------------------


def _top_level(text: str, replacements: dict[str, str], after_id: list[str]) -> str:
    """``text`` with the top-level keys in ``replacements`` replaced by the given lines (their indented
    continuation lines dropped) and ``after_id`` inserted after the ``id`` line; comments kept."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        key = line.split(":", 1)[0]
        if not line.startswith((" ", "#", "\t", "-")) and key in replacements:
            out.append(replacements[key])
            if key == "id":
                out.extend(after_id)
            skipping = True
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def _q(v: str) -> str:
    return yaml.safe_dump(v, allow_unicode=True, default_style='"', width=10_000).strip()


@atomic_retry
def copy_edition(base_id: str, *, code: str, edition: int | None, actor: audit.Actor) -> InternalFramework:
    """The province's own copy of the shipped edition ``base_id``: its YAML text (comments and sources
    kept) with the new ``id``, ``derived_from`` the base, the name marked "bản của tỉnh"; the status
    stays the base's."""
    code = (code or "").strip()
    errors = {}
    base = next((f for f in shipped_editions() if f.id == base_id), None)
    if base is None:
        errors["base"] = _("Chọn một bộ chỉ số kèm theo.")
    if not _SLUG.match(code):
        errors["code"] = _("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (2–79 ký tự).")
    elif InternalFramework.objects.filter(code=code).exists() or frameworks.is_known(code):
        errors["code"] = _("Đã có bộ chỉ số mã “{code}”.").format(code=code)
    edition = base.edition if edition is None and base is not None else edition
    if not isinstance(edition, int) or not 2000 <= edition <= 2100:
        errors["edition"] = _("Năm áp dụng phải từ 2000 đến 2100.")
    if errors:
        raise Refused(_("Chưa sao được bộ chỉ số."), errors)
    original = _shipped_text(base_id)
    data, _fw = parse_index_yaml(original)
    names = data.get("name")
    names = {"vi": names} if isinstance(names, str) else dict(names)
    names = {k: f"{v} — {'bản của tỉnh' if k == 'vi' else 'province copy'}" for k, v in names.items()}
    name_line = "name: {" + ", ".join(f"{k}: {_q(v)}" for k, v in names.items()) + "}"
    header = (
        f"# Bản của tỉnh, sao từ {base_id} ({base.edition}) ngày {timezone.localdate():%d/%m/%Y}; "
        "bổ sung theo hướng dẫn của Bộ (thêm, đổi tên chỉ số thành phần, giao cơ quan chủ trì)."
    )
    text = header + "\n" + _top_level(
        original,
        {"id": f"id: {code}", "edition": f"edition: {edition}", "name": name_line, "derived_from": ""},
        [f"derived_from: {{id: {base_id}, edition: {base.edition}}}"],
    )
    text = re.sub(r"\n{3,}", "\n\n", text)
    expected = {**data, "id": code, "edition": edition, "name": names,
                "derived_from": {"id": base_id, "edition": base.edition}}  # fmt: skip
    new_data, new_fw = parse_index_yaml(text)
    if new_data != expected:  # the text rewrite missed something: the engine's mapping, dumped
        text = header + "\n" + yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=110)
        new_data, new_fw = parse_index_yaml(text)
    with transaction.atomic():
        fw = InternalFramework.objects.create(
            code=code,
            kind=InternalFramework.Kind.INDEX,
            edition=edition,
            name=new_fw.label("vi")[:300],
            yaml_text=text,
            base_id=base_id,
            source_note=_("Sao từ bộ chỉ số kèm theo chiso: {id}").format(id=base_id)[:300],
            created_by=actor.user,
        )
        audit.record(
            actor,
            "internal_framework.copy_edition",
            fw,
            before={"base_id": base_id, "status": base.status},
            after={"code": code, "edition": edition, "sha256": fw.sha256},
        )
    return fw


# --- against the base -------------------------------------------------------------------------------------------


def base_of(row: InternalFramework) -> Framework | None:
    try:
        return frameworks.get_framework(row.base_id)
    except (FrameworkError, LookupError, OSError):
        return None


def edition_diff(row: InternalFramework) -> frameworks.EditionDiff | None:
    base = base_of(row)
    if base is None:
        return None
    return frameworks.diff(base, frameworks.parse_text(row.yaml_text, row.sha256))


def summary(d: frameworks.EditionDiff | None) -> str:
    """"thêm 3 chỉ số thành phần, đổi tên 1, ..." (or that nothing changed)."""
    if d is None:
        return _("không so được với bộ chỉ số gốc (không còn trong các bộ chỉ số kèm theo)")
    parts = []
    n = d.count("added", indicators=True)
    if n:
        parts.append(ngettext("thêm %(n)d chỉ số thành phần", "thêm %(n)d chỉ số thành phần", n) % {"n": n})
    n = d.count("added", indicators=False)
    if n:
        parts.append(ngettext("thêm %(n)d nhóm chỉ số", "thêm %(n)d nhóm chỉ số", n) % {"n": n})
    counts = {kind: d.count(kind) for kind in ("renamed", "moved", "points", "method", "responsibility", "removed")}
    phrases = {
        "renamed": lambda n: ngettext("đổi tên %(n)d", "đổi tên %(n)d", n),
        "moved": lambda n: ngettext("chuyển %(n)d sang nhóm khác", "chuyển %(n)d sang nhóm khác", n),
        "points": lambda n: ngettext(
            "đổi điểm tối đa hoặc trọng số của %(n)d", "đổi điểm tối đa hoặc trọng số của %(n)d", n
        ),
        "method": lambda n: ngettext("đổi cách tính của %(n)d", "đổi cách tính của %(n)d", n),
        "responsibility": lambda n: ngettext(
            "đổi phân công cơ quan của %(n)d", "đổi phân công cơ quan của %(n)d", n
        ),
        "removed": lambda n: ngettext("bỏ %(n)d", "bỏ %(n)d", n),
    }
    for kind, n in counts.items():
        if n:
            parts.append(phrases[kind](n) % {"n": n})
    if not parts:
        return _("chưa khác bộ chỉ số gốc")
    return ", ".join(parts)


def change_label(kind: str) -> str:
    return {
        "added": _("Thêm"),
        "removed": _("Bỏ"),
        "renamed": _("Đổi tên"),
        "moved": _("Chuyển nhóm"),
        "points": _("Điểm tối đa / trọng số"),
        "method": _("Cách tính"),
        "responsibility": _("Phân công cơ quan"),
    }[kind]


def tree_lines(fw: Framework, lang: str) -> list[dict]:
    """The copy's tree for its page: depth, node, the responsibility it sets or inherits (and where)."""
    out = []
    for node in fw.nodes:
        a, at = fw.assignment(node.code)
        out.append({
            "node": node, "depth": fw.depth(node.code), "label": node.label(lang), "assignment": a,
            "inherited": at not in (None, node.code), "at": at,
        })  # fmt: skip
    return out


def unknown_roles(fw: Framework) -> list[str]:
    """Role codes named in the copy that the reference data does not know (no agency type holds them):
    the matrix cannot be filled from them until the department assigns agencies by hand."""
    from chiso import reference

    known = {r["role"] for r in reference.agency_roles()}
    named = set()
    for node in fw.nodes:
        if node.responsibility is not None:
            named.update(node.responsibility.lead)
            named.update(node.responsibility.support)
    return sorted(named - known)


# --- the lookup source of chiso.lib.frameworks -----------------------------------------------------------------


def _sha256(code: str) -> str | None:
    """The current hash of the copy with this code: one indexed query per lookup, in plain SQL (building
    the ORM query costs several times running it, and every page on a copy asks)."""
    if not _SLUG.match(code or ""):
        return None
    meta = InternalFramework._meta
    q = connection.ops.quote_name
    col = {f: q(meta.get_field(f).column) for f in ("sha256", "code", "kind")}
    try:
        with connection.cursor() as c:
            c.execute(
                f"SELECT {col['sha256']} FROM {q(meta.db_table)} WHERE {col['code']} = %s AND {col['kind']} = %s",
                [code, InternalFramework.Kind.INDEX.value],
            )
            row = c.fetchone()
    except DatabaseError:  # no table yet (before migrations): no copies
        return None
    return row[0] if row else None


def _text(code: str, sha256: str) -> str | None:
    try:
        return InternalFramework.objects.filter(code=code, sha256=sha256).values_list("yaml_text", flat=True).first()
    except DatabaseError:
        return None


def _codes(kind: str) -> list[str]:
    if kind not in ("", "index"):
        return []
    try:
        return list(
            InternalFramework.objects.filter(kind=InternalFramework.Kind.INDEX)
            .order_by("-edition", "code")
            .values_list("code", flat=True)
        )
    except DatabaseError:
        return []


def register_source() -> None:
    frameworks.register_source(frameworks.Source(SOURCE, sha256=_sha256, text=_text, codes=_codes))

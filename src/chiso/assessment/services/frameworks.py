"""Internal frameworks: parse, import, copy and edit."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.engine import Framework
from chiso.engine.errors import FrameworkError, InputError
from chiso.engine.points import PointsFramework, copy_framework
from chiso.lib import frameworks
from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Refused
from chiso.orgs import audit

from ..models import (
    InternalFramework,
    Round,
    sha256_text,
)
from .problems import problems_vi, problems_with_lines

_PFW_CACHE: OrderedDict[str, PointsFramework] = OrderedDict()


def parse_text(text: str, build=None) -> tuple[dict, Any]:
    """Parse a framework YAML text and validate it with the engine's ``build`` (a points framework by
    default; ``Framework.from_dict`` for an index). Raises :class:`Refused` listing every problem, each
    with the line of its node, in the reader's language."""
    from chiso.frameworks import load_yaml  # the one safe YAML reader (depth cap, line and column)
    from chiso.lib.imports import FILE_CODES, file_error_message

    try:
        data = load_yaml(text)
    except FrameworkError as e:
        msg = file_error_message(e)
        raise Refused(msg, {"yaml_text": msg}) from None
    if not isinstance(data, dict):
        raise Refused(_("Nội dung YAML phải là một bảng khóa–giá trị (id, name, root, ...)."))
    try:
        built = (build or PointsFramework.from_dict)(data)
    except (FrameworkError, InputError) as e:
        if e.code in FILE_CODES:
            msgs = [file_error_message(e)]
        else:
            msgs = problems_with_lines(e.problems, text)
        raise invalid(msgs) from None
    except (ValueError, TypeError, KeyError, AttributeError) as e:  # the engine should raise FrameworkError
        raise invalid([_("Chi tiết: {detail}").format(detail=e)]) from None
    return data, built


def invalid(msgs: list[str]) -> Refused:
    return Refused(_("Bộ chỉ số không hợp lệ:") + " " + " ".join(msgs), {"yaml_text": "\n".join(msgs)})


def parse_yaml(text: str) -> tuple[dict, PointsFramework]:
    """Parse and validate a points framework's YAML text (:func:`parse_text`)."""
    return parse_text(text)


def pfw_for_text(text: str, digest: str | None = None) -> PointsFramework:
    """The engine's framework for a YAML text, parsed once per process (keyed on its hash)."""
    digest = digest or sha256_text(text)
    pfw = _PFW_CACHE.get(digest)
    if pfw is None:
        pfw = parse_yaml(text)[1]
        _PFW_CACHE[digest] = pfw
        while len(_PFW_CACHE) > 32:
            _PFW_CACHE.popitem(last=False)
    return pfw


def round_pfw(rnd: Round) -> PointsFramework:
    return pfw_for_text(rnd.framework_yaml, rnd.framework_sha256)


def shipped_internal() -> list[tuple[str, str]]:
    """(id, label) of the shipped frameworks with ``kind: internal``."""
    from chiso.frameworks import framework_paths

    out = []
    for fid, path in framework_paths().items():
        try:
            head = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if re.search(r"^kind:\s*internal\s*$", head, re.M):
            data = yaml.safe_load(head)
            names = data.get("name") or {}
            lang = (get_language() or "vi")[:2]
            out.append((fid, names.get(lang) or names.get("vi") or fid))
    return out


@atomic_retry
def import_shipped(fw_id: str, actor: audit.Actor, *, is_demo: bool = False) -> InternalFramework:
    from chiso.frameworks import framework_paths

    path = framework_paths().get(fw_id)
    if path is None or fw_id not in dict(shipped_internal()):
        raise Refused(_("Không có bộ chỉ số nội bộ “{id}” trong các bộ chỉ số kèm theo.").format(id=fw_id))
    existing = InternalFramework.objects.filter(code=fw_id).first()
    if existing:
        return existing
    text = path.read_text(encoding="utf-8")
    data, pfw = parse_yaml(text)
    with transaction.atomic():
        fw = InternalFramework.objects.create(
            code=fw_id,
            edition=pfw.edition,
            name=pfw.label("vi"),
            yaml_text=text,
            is_demo=is_demo,
            source_note=_("Bộ chỉ số kèm theo chiso: {file}").format(file=path.name),
            created_by=actor.user,
        )
        audit.record(actor, "internal_framework.import", fw, after={"code": fw.code, "sha256": fw.sha256})
    return fw


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")


@atomic_retry
def copy(src: InternalFramework, *, code: str, edition: int, actor: audit.Actor) -> InternalFramework:
    """A copy of ``src`` for a new year (engine :func:`copy_framework`), the original untouched."""
    code = (code or "").strip()
    errors = {}
    if not _SLUG.match(code):
        errors["code"] = _("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (2–79 ký tự).")
    elif InternalFramework.objects.filter(code=code).exists():
        errors["code"] = _("Đã có bộ chỉ số mã “{code}”.").format(code=code)
    if not isinstance(edition, int) or not 2000 <= edition <= 2100:
        errors["edition"] = _("Năm áp dụng phải từ 2000 đến 2100.")
    elif src.is_index_copy and frameworks.is_known(code):
        errors["code"] = _("Đã có bộ chỉ số mã “{code}”.").format(code=code)
    if errors:
        raise Refused(_("Chưa sao chép được bộ chỉ số."), errors)
    parse: Callable[[str], tuple[dict, Framework | PointsFramework]]  # an index's or a points framework's
    if src.is_index_copy:
        from ..editions import parse_index_yaml as parse
    else:
        parse = parse_yaml
    data, _pfw = parse(src.yaml_text)
    try:
        new = copy_framework(data, new_id=code, edition=edition)
    except FrameworkError as e:
        raise Refused(" ".join(problems_vi(e))) from None
    header = (
        f"# Sao chép từ {src.code} ({src.edition}) ngày {timezone.localdate():%d/%m/%Y}; "
        f"điều chỉnh cho năm {edition}.\n"
    )
    text = header + _copy_text(src.yaml_text, new)
    _d, pfw = parse(text)
    with transaction.atomic():
        fw = InternalFramework.objects.create(
            code=code,
            kind=src.kind,
            base_id=src.base_id,
            edition=edition,
            name=pfw.label("vi"),
            yaml_text=text,
            derived_from=src,
            is_demo=src.is_demo,
            created_by=actor.user,
        )
        audit.record(
            actor,
            "internal_framework.copy",
            fw,
            before={"code": src.code, "sha256": src.sha256},
            after={"code": code, "sha256": fw.sha256},
        )
    return fw


def _copy_text(original: str, new: dict) -> str:
    """The copy as text: the original's text with its top-level ``id``/``edition`` lines replaced and
    ``derived_from`` added, so that comments and layout survive; checked to parse to exactly the
    engine's copy, else the engine's copy dumped as YAML."""
    lines = original.splitlines()
    done = set()
    out = []
    for line in lines:
        key = line.split(":", 1)[0]
        if key in ("id", "edition", "derived_from") and not line.startswith((" ", "#")):
            if key == "id":
                out.append(f"id: {new['id']}")
                src = new["derived_from"]
                out.append(f"derived_from: {{id: {src['id']}, edition: {src['edition']}}}")
            elif key == "edition":
                out.append(f"edition: {new['edition']}")
            done.add(key)
            continue
        out.append(line)
    text = "\n".join(out) + "\n"
    try:
        if {"id", "edition"} <= done and yaml.safe_load(text) == new:
            return text
    except yaml.YAMLError:
        pass
    return yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=110)


@atomic_retry
def update_yaml(
    fw: InternalFramework, text: str, actor: audit.Actor, *, version: int | None = None
) -> InternalFramework:
    """Replace the YAML of ``fw`` after validating it with the engine (a points framework, or for a
    province's copy of an edition the index framework, :mod:`chiso.assessment.editions`).

    ``version`` is the row's version the editor was loaded with: a save from an older copy is refused
    (:class:`Stale`, 409) and nothing is written. Rounds of the internal ranking keep their own
    snapshot, so earlier results never change; a copy of an edition used by a collection round that
    is not locked yet is not edited (its forms read the framework by its code)."""
    from .. import editions

    text = text.replace("\r\n", "\n")
    if fw.is_index_copy:
        data, parsed = editions.parse_index_yaml(text)
        name, edition = parsed.label("vi"), parsed.edition
    else:
        data, pfw = parse_yaml(text)
        name, edition = pfw.label("vi"), pfw.edition
    if str(data.get("id")) != fw.code:
        raise Refused(
            _("Mã bộ chỉ số (id) trong YAML phải giữ là “{code}”; muốn mã mới thì sao chép.").format(
                code=fw.code
            ),
            {"yaml_text": _("id phải là “{code}”.").format(code=fw.code)},
        )
    if fw.is_index_copy:
        editions.check_copy(fw, data, parsed)
    with transaction.atomic():
        row = InternalFramework.objects.select_for_update().get(pk=fw.pk)
        if version is not None and row.version != version:
            editions.refuse_stale(row)
        if row.is_index_copy:
            editions.check_not_in_open_round(row)
        before = {"sha256": row.sha256, "version": row.version}
        if row.is_index_copy:
            before["yaml_text"] = row.yaml_text
        row.yaml_text = text
        row.name = name[:300]
        row.edition = edition
        row.updated = timezone.now()
        row.version += 1
        row.save()
        after = {"sha256": row.sha256, "version": row.version}
        if row.is_index_copy:
            after["changes"] = editions.summary(editions.edition_diff(row))
        audit.record(actor, "internal_framework.edit", row, before=before, after=after)
    fw.__dict__.update({k: getattr(row, k) for k in ("yaml_text", "sha256", "name", "edition", "updated",
                                                    "version")})  # fmt: skip
    return row

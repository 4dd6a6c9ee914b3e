"""The internal-ranking cycle: frameworks, rounds, self-assessment, appraisal, answers, final
scores, approval, decision, publication and revisions. Every score and rank comes from the engine
(:class:`chiso.engine.points.PointsFramework`); this module stores and moves things.

Every function that changes data runs in one transaction, writes its audit rows and either does
all of it or nothing (a :class:`Refused` carries the Vietnamese reason, per field where it has one).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from chiso.engine.errors import FrameworkError, InputError
from chiso.engine.points import PointsFramework, copy_framework
from chiso.lib import frameworks
from chiso.lib.db import atomic_retry
from chiso.lib.refusal import Forbidden, Refused
from chiso.lib.vn_format import format_number, parse_date, parse_number
from chiso.orgs import audit
from chiso.orgs.models import Agency, Unit

from .models import (
    TIER_AGENCY_KIND,
    CouncilMember,
    DocumentRef,
    Entry,
    InternalFramework,
    Participant,
    Revision,
    Round,
    sha256_text,
)

S = Round.Status


# --- frameworks --------------------------------------------------------------------------------------------

_PFW_CACHE: OrderedDict[str, PointsFramework] = OrderedDict()

# English engine problems -> Vietnamese (the engine lists problems as English sentences).
_PROBLEMS_VI = [
    (r"missing top-level key '([^']+)'", gettext_noop("Thiếu khóa “{0}” ở cấp cao nhất.")),
    (r"node '([^']+)': duplicate code", gettext_noop("Mã “{0}” bị trùng.")),
    (
        r"node '([^']+)': unknown scoring rule '([^']*)'; expected one of (.*)",
        gettext_noop("Chỉ số “{0}”: không có quy tắc chấm điểm “{1}” (dùng một trong: {2})."),
    ),
    (
        r"node '([^']+)': method must be one of (.*), got '([^']*)'",
        gettext_noop("Nhóm “{0}”: không có phương pháp “{2}” (dùng một trong: {1})."),
    ),
    (
        r"node '([^']+)': threshold score (\S+) outside \[0, (\S+)\]",
        gettext_noop("Chỉ số “{0}”: điểm của một bậc ({1}) nằm ngoài khoảng [0, {2}]."),
    ),
    (
        r"node '([^']+)': threshold needs steps .*",
        gettext_noop("Chỉ số “{0}”: bảng bậc cần dạng steps: [[ngưỡng, điểm], ...]."),
    ),
    (
        r"node '([^']+)': (.+) must be a number, got (.*)",
        gettext_noop("Chỉ số “{0}”: {1} phải là một số (đang là {2})."),
    ),
    (
        r"node '([^']+)': (.+) must be >= 0, got (.*)",
        gettext_noop("Chỉ số “{0}”: {1} không được âm (đang là {2})."),
    ),
    (
        r"node '([^']+)': its parent adds points, so it needs max_points",
        gettext_noop("Chỉ số “{0}”: nhóm cha cộng điểm nên chỉ số cần điểm tối đa (max_points)."),
    ),
    (
        r"node '([^']+)': an indicator needs a scoring rule",
        gettext_noop("Chỉ số “{0}”: cần quy tắc chấm điểm (scoring)."),
    ),
    (
        r"node '([^']+)': aggregate node \(method '[^']*'\) has no children",
        gettext_noop("Nhóm “{0}”: chưa có chỉ số con nào."),
    ),
    (
        r"node '([^']+)': partial credit for level (.+) must be in \[0, 1\].*",
        gettext_noop("Chỉ số “{0}”: mức {1} phải được từ 0 đến 1 phần điểm."),
    ),
    (
        r"node '([^']+)': ratio_capped target must be > 0.*",
        gettext_noop("Chỉ số “{0}”: mục tiêu (target) của ratio_capped phải lớn hơn 0."),
    ),
    (
        r"indicator '([^']+)': needs max_points > 0",
        gettext_noop("Chỉ số “{0}”: cần điểm tối đa (max_points) lớn hơn 0."),
    ),
    (
        r"indicator '([^']+)': scoring rule '([^']*)' cannot score a unit on its own.*",
        gettext_noop(
            "Chỉ số “{0}”: quy tắc chấm điểm “{1}” không dùng được; dùng threshold, ratio_capped, yes_no, partial hoặc given."
        ),
    ),
    (
        r"indicator '([^']+)': value kind must be one of .*, got '([^']*)'",
        gettext_noop(
            "Chỉ số “{0}”: loại giá trị “{1}” không hợp lệ (count, number, percent, ratio, yes_no, level)."
        ),
    ),
    (
        r"indicator '([^']+)': a ratio value needs inputs a and b.*",
        gettext_noop("Chỉ số “{0}”: tỷ lệ cần hai đầu vào a và b."),
    ),
    (
        r"indicator '([^']+)': partial credit needs a value of kind 'level'.*",
        gettext_noop("Chỉ số “{0}”: chấm điểm từng phần cần giá trị loại “level”."),
    ),
    (
        r"indicator '([^']+)': levels (.*) are scored but not named",
        gettext_noop("Chỉ số “{0}”: các mức {1} có điểm nhưng chưa có tên."),
    ),
    (
        r"indicator '([^']+)': a yes/no rule needs a value of kind 'yes_no'.*",
        gettext_noop("Chỉ số “{0}”: quy tắc có/không cần giá trị loại “yes_no”."),
    ),
    (
        r"indicator '([^']+)': threshold points (\S+) differ from max_points (\S+)",
        gettext_noop("Chỉ số “{0}”: điểm của bảng bậc ({1}) khác điểm tối đa ({2})."),
    ),
    (
        r"indicator '([^']+)': unknown tier\(s\) ([^;]+);.*",
        gettext_noop("Chỉ số “{0}”: khối không có trong bộ chỉ số: {1}."),
    ),
    (
        r"indicator '([^']+)': evidence_required must be true or false.*",
        gettext_noop("Chỉ số “{0}”: evidence_required phải là true hoặc false."),
    ),
    (
        r"bands must be listed highest first with distinct minima, got (.*)",
        gettext_noop("Các mức xếp loại phải xếp từ cao xuống thấp, ngưỡng không trùng nhau (đang có {0})."),
    ),
    (r"the lowest band must start at 0.*", gettext_noop("Mức xếp loại thấp nhất phải bắt đầu từ 0.")),
    (
        r"bands: every band needs a code and a min in \[0, 1\].*",
        gettext_noop("Mỗi mức xếp loại cần mã (code) và ngưỡng min trong [0, 1]."),
    ),
    (
        r"band '([^']+)': light must be one of.*",
        gettext_noop("Mức xếp loại “{0}”: màu đèn phải là green, amber, red hoặc grey."),
    ),
    (
        r"node '([^']+)': unknown child '([^']+)'",
        gettext_noop("Nhóm “{0}”: không có chỉ số con “{1}” (mã con phải có trong bảng nodes)."),
    ),
    (r"nodes: duplicate code '([^']+)'", gettext_noop("Bảng nodes: mã “{0}” bị trùng.")),
    (r"nodes not reachable from the root: (.*)", gettext_noop("Bảng nodes có mã không thuộc cây chỉ số: {0}.")),
    (r"nodes: every entry needs a 'code'.*", gettext_noop("Bảng nodes: mỗi mục cần một mã (code).")),
    (r"under '([^']+)': a node has no code", gettext_noop("Nhóm “{0}”: một chỉ số con chưa có mã (code).")),
    (
        r"under '([^']+)': a node must be a mapping.*",
        gettext_noop("Nhóm “{0}”: mỗi chỉ số con phải là một bảng {{code, name, ...}}."),
    ),
    (r"cycle: (.*)", gettext_noop("Cây chỉ số có vòng lặp: {0}.")),
    (
        r"node '([^']+)': name must be a text or a mapping.*",
        gettext_noop("Chỉ số “{0}”: tên (name) phải là một chuỗi chữ hoặc bảng {{vi: …, en: …}}."),
    ),
    (r"node '([^']+)': range .*", gettext_noop("Chỉ số “{0}”: khoảng giá trị (range) phải là [thấp, cao].")),
    (
        r"node '([^']+)': direction must be 1 or -1.*",
        gettext_noop("Chỉ số “{0}”: chiều (direction) phải là 1 hoặc -1."),
    ),
    (
        r"node '([^']+)': children's max_points sum to 0",
        gettext_noop("Nhóm “{0}”: tổng điểm tối đa của các chỉ số con bằng 0."),
    ),
    (
        r"node '([^']+)': weights of its children sum to .*",
        gettext_noop("Nhóm “{0}”: tổng trọng số của các chỉ số con phải lớn hơn 0."),
    ),
    (
        r"node '([^']+)': scoring must be a rule name .*",
        gettext_noop("Chỉ số “{0}”: scoring phải là tên một quy tắc hoặc bảng có khóa rule."),
    ),
    (
        r"node '([^']+)': responsibility (lead|support): role codes are lower-case letters, digits and _ \(got (.*)\)",
        gettext_noop(
            "Chỉ số “{0}”: mã vai trò ở {1} chỉ gồm chữ thường không dấu, số và dấu _ (đang ghi {2}), ví dụ so_tttt."
        ),
    ),
    (
        r"node '([^']+)': responsibility (lead|support) must be a list of role codes.*",
        gettext_noop("Chỉ số “{0}”: {1} phải là danh sách mã vai trò, ví dụ [so_tttt]."),
    ),
    (
        r"node '([^']+)': responsibility (lead|support) names a role twice",
        gettext_noop("Chỉ số “{0}”: {1} ghi một vai trò hai lần."),
    ),
    (
        r"node '([^']+)': responsibility names no lead role",
        gettext_noop("Chỉ số “{0}”: phân công chưa có cơ quan chủ trì (lead)."),
    ),
    (
        r"node '([^']+)': role (.+) is both lead and support",
        gettext_noop("Chỉ số “{0}”: vai trò {1} vừa chủ trì vừa phối hợp."),
    ),
    (
        r"node '([^']+)': responsibility needs a basis .*",
        gettext_noop(
            "Chỉ số “{0}”: phân công cần căn cứ (basis: văn bản giao nhiệm vụ) hoặc ghi proposal: true (đề xuất)."
        ),
    ),
    (
        r"node '([^']+)': responsibility has unknown keys (.*)",
        gettext_noop("Chỉ số “{0}”: phân công có khóa lạ {1} (chỉ dùng lead, support, basis, proposal)."),
    ),
    (
        r"node '([^']+)': responsibility must be a mapping.*",
        gettext_noop("Chỉ số “{0}”: responsibility phải là bảng {{lead, support, basis, proposal}}."),
    ),
    (
        r"node '([^']+)': responsibility proposal must be true or false.*",
        gettext_noop("Chỉ số “{0}”: proposal phải là true hoặc false."),
    ),
    (
        r"node '([^']+)': responsibility basis must be a text.*",
        gettext_noop("Chỉ số “{0}”: basis phải là một đoạn chữ (văn bản giao nhiệm vụ)."),
    ),
    (
        r"node '([^']+)': agency_role '([^']+)' is not among responsibility lead (.*)",
        gettext_noop("Chỉ số “{0}”: agency_role “{1}” không có trong danh sách chủ trì (lead) {2}."),
    ),
    (r"kind must be 'internal'.*", gettext_noop("Bộ chỉ số nội bộ phải có “kind: internal”.")),
    (r"tiers: .*", gettext_noop("Danh sách khối (tiers) không hợp lệ: mỗi khối cần một mã riêng.")),
    (
        r"status must be one of .*, got '([^']*)'",
        gettext_noop("Trạng thái (status) “{0}” không hợp lệ: dùng official, provisional hoặc template."),
    ),
]


def problem_vi(problem: str) -> str:
    """One of the engine's problems as a Vietnamese sentence (unknown: a Vietnamese lead + the detail)."""
    for pattern, vi in _PROBLEMS_VI:
        m = re.fullmatch(pattern, problem)
        if m:
            return _(vi).format(*m.groups())
    return _("Chi tiết: {detail}").format(detail=problem)


def problems_vi(err: FrameworkError) -> list[str]:
    """The engine's problems as Vietnamese sentences."""
    return [problem_vi(p) for p in err.params.get("problems") or [err.message]]


def node_lines(text: str) -> dict[str, int]:
    """code -> the (1-based) line of the node that has it in a framework's YAML text."""
    try:
        top = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}
    stack = [top] if top is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == "code" and isinstance(v, yaml.ScalarNode):
                    out.setdefault(v.value, node.start_mark.line + 1)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return out


_NODE_OF = re.compile(r"^(?:node|under|indicator) '([^']+)'")


def problems_with_lines(problems: list[str], text: str) -> list[str]:
    """The engine's problems as sentences in the reader's language, each led by the line of the node
    it names in ``text`` (when it names one)."""
    lines = node_lines(text)
    out = []
    for p in problems:
        m = _NODE_OF.match(p)
        line = lines.get(m.group(1)) if m else None
        sentence = problem_vi(p)
        out.append(_("Dòng {line}: {problem}").format(line=line, problem=sentence) if line else sentence)
    return out


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
            msgs = problems_with_lines(e.params.get("problems") or [e.message], text)
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
    if src.is_index_copy:
        from .editions import parse_index_yaml as parse
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
    from . import editions

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


# --- units of a tier ----------------------------------------------------------------------------------------


def ensure_commune_agencies(province_ref: str | None = None, day: dt.date | None = None) -> int:
    """One agency ("UBND <xã>") per commune of the province (default: the home province) in force on
    ``day`` (default: every commune the database holds), so that communes can be assessed.  A commune
    is the province's whether it sits under a district (before 01/07/2025) or directly under the
    province (after).  A commune that already has a commune agency (from ``setup_province`` or an
    earlier call) gets none.  Returns how many were created."""
    if province_ref is None:
        from chiso.results.services import home_province

        province_ref = home_province(day)[0]
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE).filter(
        Q(parent__ref_id=province_ref) | Q(parent__parent__ref_id=province_ref)
    )
    if day is not None:
        communes = communes.valid_on(day)
    served = set(Agency.objects.filter(kind="commune", unit__isnull=False).values_list("unit_id", flat=True))
    existing = set(Agency.objects.filter(kind="commune").values_list("code", flat=True))
    new = [
        Agency(
            code=f"UBND_XA.{u.ref_id}",
            name=f"Ủy ban nhân dân {u.name}",
            short_name=f"UBND {u.name}"[:60],
            kind="commune",
            unit=u,
            valid_from=u.valid_from,
            valid_to=u.valid_to,
        )
        for u in communes
        if u.pk not in served and f"UBND_XA.{u.ref_id}" not in existing
    ]
    Agency.objects.bulk_create(new)
    return len(new)


def tier_agencies(tier: str, day: dt.date):
    """The agencies of a tier in force on ``day``, the round's date (the day it opens): a round of
    2025 opened in 2026 lists the communes of 2026, not those abolished on 01/07/2025, and no
    district after the district level ended."""
    return Agency.objects.filter(kind=TIER_AGENCY_KIND[tier]).valid_on(day).order_by("name")


# --- rounds -------------------------------------------------------------------------------------------------


@atomic_retry
def create_round(
    actor: audit.Actor,
    *,
    framework: InternalFramework,
    year: int,
    tier: str,
    title: str,
    opens_on: dt.date,
    self_due_on: dt.date,
    appraisal_due_on: dt.date,
    answer_days: int = 5,
    agencies=None,
    is_demo: bool = False,
) -> Round:
    errors = {}
    if framework.is_index_copy:
        raise Refused(
            _("“{code}” là bản của tỉnh của một bộ chỉ số cấp tỉnh, không phải bộ chỉ số nội bộ.").format(
                code=framework.code
            ),
            {"framework": _("Chọn một bộ chỉ số nội bộ.")},
        )
    pfw = pfw_for_text(framework.yaml_text, framework.sha256)
    if tier not in {t.code for t in pfw.tiers}:
        errors["tier"] = _("Bộ chỉ số này không có khối “{tier}”.").format(tier=tier)
    if Round.objects.filter(year=year, tier=tier).exists():
        errors["year"] = _("Đã có đợt đánh giá năm {year} cho khối này.").format(year=year)
    if not (opens_on <= self_due_on <= appraisal_due_on):
        errors["self_due_on"] = _("Phải có: ngày mở ≤ hạn tự đánh giá ≤ hạn thẩm định.")
    if not 1 <= answer_days <= 60:
        errors["answer_days"] = _("Số ngày giải trình từ 1 đến 60.")
    if errors:
        raise Refused(_("Chưa tạo được đợt đánh giá."), errors)
    if tier == "xa":
        ensure_commune_agencies(day=opens_on)
    agencies = list(agencies if agencies is not None else tier_agencies(tier, opens_on))
    if not agencies:
        raise Refused(
            _("Không có đơn vị nào thuộc khối này còn hiệu lực ngày {day} (ngày mở đợt).").format(
                day=opens_on.strftime("%d/%m/%Y")
            ),
            {"tier": ""},
        )
    with transaction.atomic():
        rnd = Round.objects.create(
            year=year,
            tier=tier,
            title=title,
            framework=framework,
            framework_yaml=framework.yaml_text,
            framework_sha256=framework.sha256,
            opens_on=opens_on,
            self_due_on=self_due_on,
            appraisal_due_on=appraisal_due_on,
            answer_days=answer_days,
            is_demo=is_demo,
            created_by=actor.user,
        )
        parts = Participant.objects.bulk_create([Participant(round=rnd, agency=a) for a in agencies])
        codes = [i.code for i in pfw.indicators(tier)]
        Entry.objects.bulk_create([Entry(participant=p, code=c) for p in parts for c in codes])
        audit.record(
            actor,
            "assessment_round.create",
            rnd,
            after={
                "year": year,
                "tier": tier,
                "framework": framework.code,
                "sha256": framework.sha256,
                "units": len(parts),
            },
        )
        recompute(rnd)
    return rnd


@atomic_retry
def set_unit(
    participant_id: int, actor: audit.Actor, *, tags: str, excluded: bool, reason: str
) -> Participant:
    """Tags (applicability of ``only_for`` indicators) and exclusion from the ranking."""
    reason = (reason or "").strip()
    if excluded and not reason:
        raise Refused(_("Phải nêu lý do không xếp hạng đơn vị."), {"exclusion_reason": _("Bắt buộc.")})
    with transaction.atomic():
        p = Participant.objects.select_for_update().select_related("round").get(pk=participant_id)
        rnd = p.round
        if rnd.is_frozen:
            raise Forbidden(_("Kết quả đã có quyết định: không sửa được danh sách đơn vị."))
        pfw = round_pfw(rnd)
        new_tags = ",".join(sorted({t.strip() for t in tags.split(",") if t.strip()}))
        known = {t for i in pfw.indicators() for t in i.only_for}
        unknown = sorted(set(new_tags.split(",")) - known - {""})
        if unknown:
            raise Refused(
                _("Nhãn không dùng trong bộ chỉ số: {tags}. Các nhãn có: {known}.").format(
                    tags=", ".join(unknown), known=", ".join(sorted(known)) or "—"
                ),
                {"tags": ", ".join(unknown)},
            )
        before = {"tags": p.tags, "excluded": p.excluded, "reason": p.exclusion_reason}
        if new_tags != p.tags:
            if rnd.status != S.SELF:
                raise Forbidden(_("Chỉ đổi nhãn (phạm vi chỉ số) khi đơn vị còn tự đánh giá."))
            wanted = {i.code for i in pfw.indicators(rnd.tier, frozenset(new_tags.split(",")) - {""})}
            have = set(p.entries.values_list("code", flat=True))
            p.entries.filter(code__in=have - wanted).delete()
            Entry.objects.bulk_create([Entry(participant=p, code=c) for c in pfw.codes if c in wanted - have])
        p.tags, p.excluded, p.exclusion_reason = new_tags, excluded, reason if excluded else ""
        p.save(update_fields=["tags", "excluded", "exclusion_reason"])
        audit.record(
            actor,
            "assessment_unit.edit",
            p,
            before=before,
            after={"tags": p.tags, "excluded": p.excluded, "reason": p.exclusion_reason},
            parent=rnd,
        )
        recompute(rnd)
    return p


@atomic_retry
def remove_unit(participant_id: int, actor: audit.Actor, *, reason: str) -> Round:
    """Take a unit out of a round (it was listed but should not be assessed: merged, abolished, not
    a unit of this tier) — with a reason, audited with what it had entered.  Only while units
    self-assess and only a unit that has not sent its sheet nor attached evidence: what a unit sent
    is never deleted; such a unit can still be kept out of the ranking ("không xếp hạng")."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Phải nêu lý do rút đơn vị khỏi đợt."), {"removal_reason": _("Bắt buộc.")})
    with transaction.atomic():
        p = _lock(participant_id)
        rnd = p.round
        if rnd.status != S.SELF:
            raise Forbidden(_("Chỉ rút được đơn vị khi đợt còn ở bước tự đánh giá."))
        entries = list(p.entries.all())
        if p.status == Participant.Status.SUBMITTED or any(entry_has_evidence(e) for e in entries):
            raise Refused(
                _("{unit} đã gửi phiếu hoặc đã đính kèm minh chứng: không rút khỏi đợt được (dữ liệu đã gửi "
                  "không bị xóa). Có thể chọn “Đánh giá nhưng không xếp hạng”.").format(unit=p.agency.name),
                {"removal_reason": ""},
            )
        answered = {e.code: {"raw": e.raw, "note": e.note} for e in entries if e.raw not in (None, "", {}) or e.note}
        audit.record(
            actor,
            "assessment_unit.remove",
            p,
            before={"agency": p.agency.name, "answers": answered, "self_total": p.self_total},
            after=None,
            reason=reason,
            parent=rnd,
        )
        p.delete()
        _bump(rnd)
        recompute(rnd)
    return rnd


@atomic_retry
def set_council(
    rnd: Round, actor: audit.Actor, *, user, position: str, is_chair: bool, agencies, codes
) -> CouncilMember:
    pfw = round_pfw(rnd)
    bad = sorted(set(codes) - set(pfw.codes))
    if bad:
        raise Refused(
            _("Mã chỉ số không có trong bộ chỉ số: {codes}.").format(codes=", ".join(bad)), {"codes": ""}
        )
    with transaction.atomic():
        m, _c = CouncilMember.objects.update_or_create(
            round=rnd,
            user=user,
            defaults={
                "position": position or "Thành viên",
                "is_chair": is_chair,
                "codes": sorted(set(codes)),
            },
        )
        m.agencies.set(agencies)
        audit.record(
            actor,
            "assessment_council.set",
            m,
            parent=rnd,
            after={
                "user": user.username,
                "chair": is_chair,
                "agencies": [a.pk for a in agencies],
                "codes": m.codes,
            },
        )
        _bump(rnd)
    return m


def _bump(rnd: Round) -> None:
    Round.objects.filter(pk=rnd.pk).update(version=F("version") + 1)


# --- self-assessment ------------------------------------------------------------------------------------------

INPUT_ERRORS = {
    "not_a_number": gettext_noop("Giá trị không phải là số."),
    "negative": gettext_noop("Giá trị không được âm."),
    "not_integer": gettext_noop("Số đếm phải là số nguyên."),
    "percent_range": gettext_noop("Tỷ lệ phần trăm phải từ 0 đến 100."),
    "out_of_range": gettext_noop("Giá trị nằm ngoài khoảng cho phép."),
    "ratio_inputs": gettext_noop("Cần nhập cả tử số (a) và mẫu số (b)."),
    "ratio_zero_base": gettext_noop("Mẫu số (b) phải lớn hơn 0."),
    "ratio_exceeds": gettext_noop("Tử số (a) không được lớn hơn mẫu số (b)."),
    "not_yes_no": gettext_noop("Chọn Có hoặc Không."),
    "unknown_level": gettext_noop("Mức không có trong danh sách."),
}


def input_error_vi(e: InputError) -> str:
    msg = INPUT_ERRORS.get(e.code)
    if msg is None:
        return _("Giá trị không hợp lệ.")
    msg = _(msg)
    if e.code == "out_of_range":
        lo, hi = e.params.get("lo"), e.params.get("hi")
        msg += " " + _("Khoảng: {lo} – {hi}.").format(
            lo=format_number(lo) if lo is not None else "…", hi=format_number(hi) if hi is not None else "…"
        )
    return msg


def raw_from_post(ind, post, prefix: str) -> Any:
    """What a unit typed for an indicator, from a form: a string, or {"a", "b"} for a ratio."""
    if ind.value_kind == "ratio":
        a, b = (post.get(f"{prefix}_a", "") or "").strip(), (post.get(f"{prefix}_b", "") or "").strip()
        if not a and not b:
            return None
        return {"a": a, "b": b}
    v = (post.get(prefix, "") or "").strip()
    return v or None


def _normalise(ind, raw: Any) -> Any:
    """The stored form of a raw answer: numbers as floats, yes/no as bool, levels as given."""
    if raw is None:
        return None
    if ind.value_kind == "ratio":
        return {k: parse_number(raw[k]) if isinstance(raw[k], str) else raw[k] for k in ("a", "b")}
    if ind.value_kind == "yes_no":
        return str(raw).strip().lower() in ("1", "có", "co", "yes", "true")
    if ind.value_kind == "level":
        for lvl in ind.levels:
            if str(lvl) == str(raw).strip():
                return lvl
        return raw
    return parse_number(raw) if isinstance(raw, str) else raw


def _check_stage(rnd: Round, *stages: str) -> None:
    if rnd.is_frozen:
        raise Forbidden(_("Kết quả đã có quyết định: mọi thay đổi điểm phải qua sửa đổi có kiểm soát."))
    if rnd.status not in stages:
        raise Forbidden(
            _("Đợt đánh giá đang ở bước “{step}”: không thực hiện được thao tác này.").format(
                step=rnd.get_status_display()
            )
        )


def _lock(participant_id: int) -> Participant:
    """Lock the unit's round, then the unit (always in this order, as the round's steps lock the round
    first): a save and a step of the same round never deadlock, and the step read is the current one."""
    round_id = Participant.objects.filter(pk=participant_id).values_list("round_id", flat=True).first()
    if round_id is None:
        raise Participant.DoesNotExist
    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk", flat=True))
    return Participant.objects.select_for_update().select_related("round", "agency").get(pk=participant_id)


def entry_has_evidence(entry: Entry) -> bool:
    return entry.files.exists() or entry.docs.exists()


@dataclass
class Newer:
    """An entry saved by someone else since the sheet was loaded: what that save left in it."""

    code: str
    mine: str  # what this writer typed, as the sheet shows it
    theirs: str  # the newer answer
    note: str  # the newer note
    by: str
    at: dt.datetime | None
    version: int

    def sentence(self) -> str:
        return _(
            "{by} đã lưu giá trị mới lúc {at}: “{theirs}” (bạn nhập “{mine}”). Giá trị của bạn chưa được "
            "lưu; lưu lại nếu vẫn muốn thay giá trị mới bằng giá trị của bạn."
        ).format(
            by=self.by,
            at=timezone.localtime(self.at).strftime("%H:%M:%S %d/%m/%Y") if self.at else "?",
            theirs=self.theirs + (" — " + _("giải thích: {note}").format(note=self.note) if self.note else ""),
            mine=self.mine,
        )


class Conflict(Refused):
    """Someone saved a newer answer of one or more indicators since the sheet was loaded (409);
    ``newer`` holds, per code, what is saved now. Nothing of the refused save was written."""

    def __init__(self, newer: dict[str, Newer], errors: dict[str, str] | None = None):
        super().__init__(
            _(
                "Chưa lưu gì: {n} chỉ số vừa được người khác lưu sau khi bạn mở phiếu ({codes}). Giá trị "
                "bạn nhập vẫn còn trên phiếu."
            ).format(n=len(newer), codes=", ".join(newer)),
            {**(errors or {}), **{code: n.sentence() for code, n in newer.items()}},
            status=409,
        )
        self.newer = newer


def _typed_text(ind, raw) -> str:
    """What a writer typed, as the sheet shows a saved answer (the text itself if it is not valid)."""
    try:
        return display_raw(ind, _normalise(ind, raw))
    except (ValueError, KeyError, TypeError):
        return str(raw)


@atomic_retry
def save_self(
    participant_id: int,
    answers: dict[str, tuple[Any, str]],
    actor: audit.Actor,
    *,
    versions: dict[str, int] | None = None,
) -> Participant:
    """Save a unit's answers ``{code: (raw, note)}``: every answer is validated by the engine
    first; one bad answer saves nothing (errors per indicator).

    ``versions`` ``{code: version}`` are the entries' versions the sheet was rendered with (the
    page's hidden inputs): an answer that differs from what is saved now, of an entry saved by
    someone else since (a newer version), is a :class:`Conflict` — and, as on the collection
    form, nothing of the save is written. An answer equal to the saved one is no conflict.

    Returns the unit; its ``versions`` ``{code: version}`` are the answered entries' versions after
    the save (what the sheet carries next).
    """
    versions = versions or {}
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.SELF)
        if p.status == Participant.Status.SUBMITTED:
            raise Forbidden(_("Đơn vị đã gửi bản tự đánh giá: không sửa được nữa."))
        pfw = round_pfw(p.round)
        entries = {e.code: e for e in p.entries.select_related("updated_by")}
        errors, changed, newer = {}, [], {}
        for code, (raw, note) in answers.items():
            if code not in entries:
                continue
            ind = pfw.indicator(code)
            try:
                value = pfw.value_of(code, raw)
                stored = _normalise(ind, raw)
            except InputError as e:
                errors[code] = input_error_vi(e)
                continue
            except ValueError:
                errors[code] = _("Giá trị không phải là số.")
                continue
            e = entries[code]
            value = None if math.isnan(value) else value
            note = (note or "").strip()
            if stored == e.raw and note == e.note:
                continue
            expected = versions.get(code)
            if expected is not None and expected != e.version:
                newer[code] = Newer(
                    code=code, mine=_typed_text(ind, raw), theirs=display_raw(ind, e.raw), note=e.note,
                    by=e.updated_by.get_full_name() or e.updated_by.get_username() if e.updated_by else "?",
                    at=e.updated_at, version=e.version,
                )
                continue
            e.raw, e.value, e.note = stored, value, note
            changed.append(e)
        if newer:
            raise Conflict(newer, errors)
        if errors:
            raise Refused(
                _("Chưa lưu: có {n} chỉ số nhập sai (xem từng dòng).").format(n=len(errors)), errors
            )
        _score_self(pfw, changed)
        now = timezone.now()
        for e in changed:
            e.updated_at, e.updated_by = now, actor.user
            e.version += 1
        Entry.objects.bulk_update(
            changed, ["raw", "value", "note", "self_points", "updated_at", "updated_by", "version"]
        )
        if changed:
            audit.record(
                actor,
                "assessment_self.save",
                p,
                parent=p.round,
                after={e.code: {"raw": e.raw, "points": e.self_points, "version": e.version} for e in changed},
            )
            recompute(p.round)
    p.versions = {code: entries[code].version for code in answers if code in entries}
    return p


def _score_self(pfw: PointsFramework, entries: list[Entry]) -> None:
    if not entries:
        return
    with_ev = set(
        Entry.objects.filter(pk__in=[e.pk for e in entries])
        .filter(Q(files__isnull=False) | Q(docs__isnull=False))
        .values_list("pk", flat=True)
    )
    for e in entries:
        pts = pfw.points(e.code, e.value if e.value is not None else math.nan, e.pk in with_ev)
        e.self_points = None if math.isnan(pts) else round(pts, 2)


def rescore_entry(entry_id: int) -> None:
    """Evidence added or removed: the self-score may change ("no evidence ⇒ 0")."""
    e = Entry.objects.select_related("participant__round").get(pk=entry_id)
    _score_self(round_pfw(e.participant.round), [e])
    Entry.objects.filter(pk=e.pk).update(self_points=e.self_points)
    recompute(e.participant.round)


def check_evidence_editable(entry: Entry) -> None:
    p = entry.participant
    _check_stage(p.round, S.SELF)
    if p.status == Participant.Status.SUBMITTED:
        raise Forbidden(_("Đơn vị đã gửi bản tự đánh giá: không sửa được nữa."))


@atomic_retry
def add_document(entry_id: int, actor: audit.Actor, *, number: str, date: str, summary: str) -> DocumentRef:
    errors = {}
    number, summary = (number or "").strip(), (summary or "").strip()
    if not number:
        errors["number"] = _("Nhập số, ký hiệu văn bản.")
    try:
        day = parse_date(date)
    except ValueError:
        errors["date"] = _("Ngày không hợp lệ (dd/mm/yyyy).")
        day = None
    if day and day > timezone.localdate():
        errors["date"] = _("Ngày văn bản không được ở tương lai.")
    if not summary:
        errors["summary"] = _("Nhập trích yếu văn bản.")
    if errors:
        raise Refused(_("Chưa thêm được văn bản."), errors)
    with transaction.atomic():
        entry = Entry.objects.get(pk=entry_id)
        entry.participant = _lock(entry.participant_id)  # the current step, read under the lock
        check_evidence_editable(entry)
        doc = DocumentRef.objects.create(entry=entry, number=number[:80], date=day, summary=summary[:500])
        audit.record(
            actor,
            "assessment_doc.add",
            doc,
            parent=entry.participant,
            after={"code": entry.code, "number": doc.number, "date": day.isoformat(), "summary": doc.summary},
        )
        rescore_entry(entry.pk)
    return doc


@atomic_retry
def submit(participant_id: int, actor: audit.Actor) -> Participant:
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.SELF)
        if p.status == Participant.Status.SUBMITTED:
            raise Forbidden(_("Đơn vị đã gửi bản tự đánh giá."))
        empty = list(p.entries.filter(value__isnull=True).values_list("code", flat=True))
        if empty:
            raise Refused(
                _("Chưa gửi được: còn {n} chỉ số chưa nhập ({codes}).").format(
                    n=len(empty), codes=", ".join(empty[:8]) + ("…" if len(empty) > 8 else "")
                ),
                {c: _("Chưa nhập.") for c in empty},
            )
        p.status, p.submitted_at, p.submitted_by = Participant.Status.SUBMITTED, timezone.now(), actor.user
        p.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit.record(actor, "assessment_self.submit", p, parent=p.round)
        _bump(p.round)
    return p


@atomic_retry
def reopen(participant_id: int, actor: audit.Actor, reason: str) -> Participant:
    """The department gives a submitted self-assessment back to its unit (self-assessment step only)."""
    if not (reason or "").strip():
        raise Refused(_("Phải nêu lý do trả lại."), {"reason": _("Bắt buộc.")})
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.SELF)
        p.status = Participant.Status.DRAFT
        p.save(update_fields=["status"])
        audit.record(actor, "assessment_self.reopen", p, parent=p.round, reason=reason.strip())
        _bump(p.round)
    return p


# --- appraisal, answers, final -----------------------------------------------------------------------------


def _points_in(text: str, maximum: float) -> float:
    try:
        x = parse_number(text)
    except ValueError:
        raise ValueError(_("Điểm phải là một số.")) from None
    if x < 0 or x > maximum + 1e-9:
        raise ValueError(_("Điểm phải từ 0 đến {max}.").format(max=format_number(maximum)))
    if round(x, 2) != x:
        raise ValueError(_("Điểm lấy tối đa 2 chữ số thập phân."))
    return x


@dataclass(frozen=True)
class _ScoreStep:
    """A step that sets a score per indicator with a reason (the appraisal, the council's final
    score): which stage, who may, what the score is compared with, which fields hold it."""

    stage: str
    may: str  # the Access method: "can_appraise" | "can_decide"
    not_yours: str
    needs_reason: str  # formatted with {pts}: the score compared with
    refused: str  # formatted with {n}
    fields: tuple[str, str, str, str]  # points, reason, by, at
    action: str

    def base(self, e: Entry) -> float:
        if self.stage == S.APPRAISAL:
            return e.self_points or 0.0
        return e.appraised_points if e.appraised_points is not None else (e.self_points or 0.0)


_APPRAISAL = _ScoreStep(
    stage=S.APPRAISAL,
    may="can_appraise",
    not_yours=gettext_noop("Chỉ số này không thuộc phạm vi thẩm định của bạn."),
    needs_reason=gettext_noop("Điểm thẩm định khác điểm tự đánh giá ({pts}): phải nêu lý do."),
    refused=gettext_noop("Chưa lưu: có {n} điểm thẩm định chưa hợp lệ (xem từng dòng)."),
    fields=("appraised_points", "appraisal_reason", "appraised_by", "appraised_at"),
    action="assessment_appraisal.save",
)
_FINAL = _ScoreStep(
    stage=S.COUNCIL,
    may="can_decide",
    not_yours=gettext_noop("Chỉ chủ tịch hội đồng hoặc Sở quyết định điểm cuối cùng."),
    needs_reason=gettext_noop("Điểm cuối cùng khác điểm thẩm định ({pts}): phải nêu lý do."),
    refused=gettext_noop("Chưa lưu: có {n} điểm cuối cùng chưa hợp lệ (xem từng dòng)."),
    fields=("final_points", "final_reason", "final_by", "final_at"),
    action="assessment_final.save",
)


@atomic_retry
def _set_scores(
    step: _ScoreStep, participant_id: int, scores: dict[str, tuple[str, str]], actor: audit.Actor, acc
) -> Participant:
    """Scores ``{code: (points text, reason)}`` for one step; a score different from the one it
    is compared with needs a reason. All or nothing, audited (old → new), totals recomputed."""
    f_pts, f_reason, f_by, f_at = step.fields
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, step.stage)
        pfw = round_pfw(p.round)
        may = getattr(acc, step.may)
        entries = {e.code: e for e in p.entries.all()}
        errors, changed = {}, []
        now = timezone.now()
        for code, (text, reason) in scores.items():
            e = entries.get(code)
            if e is None or not (text or "").strip():
                continue
            if not may(p, code):
                errors[code] = _(step.not_yours)
                continue
            try:
                x = _points_in(text, pfw.indicator(code).max_points)
            except ValueError as err:
                errors[code] = str(err)
                continue
            reason = (reason or "").strip()
            base = step.base(e)
            if round(x, 2) != round(base, 2) and not reason:
                errors[code] = _(step.needs_reason).format(pts=format_number(base, 2))
                continue
            if getattr(e, f_pts) == x and getattr(e, f_reason) == reason:
                continue
            changed.append((e, {"points": getattr(e, f_pts), "reason": getattr(e, f_reason)}))
            for name, value in zip(step.fields, (x, reason, actor.user, now)):
                setattr(e, name, value)
        if errors:
            raise Refused(_(step.refused).format(n=len(errors)), errors)
        if changed:
            Entry.objects.bulk_update([e for e, _b in changed], list(step.fields))
            audit.record(
                actor,
                step.action,
                p,
                parent=p.round,
                before={e.code: b for e, b in changed},
                after={e.code: {"points": getattr(e, f_pts), "reason": getattr(e, f_reason)} for e, _b in changed},
            )
            recompute(p.round)
    return p


def appraise(participant_id: int, scores: dict[str, tuple[str, str]], actor: audit.Actor, acc) -> Participant:
    """Appraised scores ``{code: (points text, reason)}``; a score different from the self-score
    needs a reason. All or nothing."""
    return _set_scores(_APPRAISAL, participant_id, scores, actor, acc)


@atomic_retry
def answer(
    participant_id: int, answers: dict[str, str], actor: audit.Actor, today: dt.date | None = None
) -> Participant:
    """The unit's answer to changed scores: once per indicator, within the window."""
    today = today or timezone.localdate()
    with transaction.atomic():
        p = _lock(participant_id)
        _check_stage(p.round, S.ANSWER)
        if p.round.answer_due_on and today > p.round.answer_due_on:
            raise Forbidden(
                _("Đã hết hạn giải trình ({day}).").format(day=f"{p.round.answer_due_on:%d/%m/%Y}")
            )
        entries = {e.code: e for e in p.entries.all()}
        errors, changed = {}, []
        now = timezone.now()
        for code, text in answers.items():
            text = (text or "").strip()
            e = entries.get(code)
            if e is None or not text:
                continue
            if not e.changed:
                errors[code] = _("Chỉ giải trình các chỉ số bị thay đổi điểm khi thẩm định.")
            elif e.answered_at is not None:
                errors[code] = _("Đơn vị đã giải trình chỉ số này (chỉ được giải trình một lần).")
            else:
                e.answer, e.answered_at, e.answered_by = text[:5000], now, actor.user
                changed.append(e)
        if errors:
            raise Refused(_("Chưa gửi giải trình: {n} chỉ số không hợp lệ.").format(n=len(errors)), errors)
        if not changed:
            raise Refused(_("Chưa nhập nội dung giải trình nào."))
        Entry.objects.bulk_update(changed, ["answer", "answered_at", "answered_by"])
        audit.record(
            actor, "assessment_answer.send", p, parent=p.round, after={e.code: e.answer for e in changed}
        )
        recompute(p.round)
    return p


def decide_final(
    participant_id: int, scores: dict[str, tuple[str, str]], actor: audit.Actor, acc
) -> Participant:
    """The council's final scores; a score different from the appraised one needs a reason."""
    return _set_scores(_FINAL, participant_id, scores, actor, acc)


# --- the round's steps ---------------------------------------------------------------------------------------

TRANSITIONS = {
    # action: (from, to, who: "department" | "leadership" | "council")
    "close_self": (S.SELF, S.APPRAISAL, "department"),
    "send_appraisal": (S.APPRAISAL, S.ANSWER, "department"),
    "close_answers": (S.ANSWER, S.COUNCIL, "department"),
    "to_approval": (S.COUNCIL, S.APPROVAL, "council"),
    "approve": (S.APPROVAL, S.DECISION, "leadership"),
    "return": (S.APPROVAL, S.COUNCIL, "leadership"),
    "publish": (S.DECISION, S.PUBLISHED, "department"),
}


def may_transition(action: str, acc, rnd: Round) -> bool:
    who = TRANSITIONS[action][2]
    if who == "department":
        return acc.is_department
    if who == "leadership":
        return acc.is_leadership
    seat = acc.seat(rnd.pk)
    return acc.is_department or (seat is not None and seat.is_chair)


@atomic_retry
def transition(
    round_id: int,
    action: str,
    actor: audit.Actor,
    acc,
    *,
    reason: str = "",
    today: dt.date | None = None,
    decision: dict | None = None,
) -> Round:
    today = today or timezone.localdate()
    if action not in TRANSITIONS:
        raise Refused(_("Thao tác không hợp lệ."))
    src, dst, _who = TRANSITIONS[action]
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if not may_transition(action, acc, rnd):
            raise Forbidden(_("Bạn không có quyền thực hiện bước này."))
        if rnd.status != src:
            raise Refused(
                _("Đợt đánh giá đang ở bước “{step}”: không thực hiện được bước này.").format(
                    step=rnd.get_status_display()
                ),
                status=409,
            )
        entries = Entry.objects.filter(participant__round=rnd)
        before = {"status": rnd.status}
        if action == "close_self":
            late = rnd.participants.filter(status=Participant.Status.DRAFT)
            if today <= rnd.self_due_on and late.exists():
                raise Refused(
                    _("Còn {n} đơn vị chưa gửi tự đánh giá và chưa đến hạn ({day}).").format(
                        n=late.count(), day=f"{rnd.self_due_on:%d/%m/%Y}"
                    )
                )
        elif action == "send_appraisal":
            # indicators left as they were are appraised at the self-score (agreed, no reason needed)
            entries.filter(appraised_points__isnull=True).update(
                appraised_points=Coalesce0("self_points"), appraised_at=timezone.now()
            )
            rnd.appraisal_sent_at = timezone.now()
            rnd.answer_due_on = today + dt.timedelta(days=rnd.answer_days)
        elif action == "close_answers":
            open_ = entries.filter(answered_at__isnull=True).exclude(appraised_points=F("self_points"))
            if rnd.answer_due_on and today <= rnd.answer_due_on and open_.exists():
                raise Refused(
                    _("Chưa hết hạn giải trình ({day}) và còn {n} chỉ số chưa được giải trình.").format(
                        day=f"{rnd.answer_due_on:%d/%m/%Y}", n=open_.count()
                    )
                )
            entries.filter(final_points__isnull=True).update(final_points=F("appraised_points"))
        elif action == "to_approval":
            entries.filter(final_points__isnull=True).update(final_points=Coalesce0("appraised_points"))
        elif action == "approve":
            rnd.approved_at, rnd.approved_by, rnd.return_reason = timezone.now(), actor.user, ""
            rnd.decided_at = timezone.now()
        elif action == "return":
            if not reason.strip():
                raise Refused(_("Phải nêu lý do trả lại."), {"reason": _("Bắt buộc.")})
            rnd.return_reason = reason.strip()
        elif action == "publish":
            d = decision or {}
            errors = {}
            if not (d.get("number") or rnd.decision_number):
                errors["decision_number"] = _("Nhập số quyết định.")
            if not (d.get("date") or rnd.decision_date):
                errors["decision_date"] = _("Nhập ngày quyết định.")
            if errors:
                raise Refused(_("Chưa công bố được: cần số và ngày của quyết định đã ký."), errors)
            rnd.decision_number = d.get("number") or rnd.decision_number
            rnd.decision_date = d.get("date") or rnd.decision_date
            rnd.published_at = timezone.now()
        rnd.status = dst
        rnd.save()
        audit.record(
            actor, f"assessment_round.{action}", rnd, before=before, after={"status": dst}, reason=reason
        )
        recompute(rnd)
        _notify(rnd, action)
    return rnd


def _notify(rnd: Round, action: str) -> None:
    """In-app notices for who acts next: units when the appraisal is sent and when results are
    published; the leadership when results await approval; the department when they are approved
    or returned."""
    from django.urls import reverse

    from chiso.orgs.models import Membership, Notice

    R = Membership.Role
    notices = []
    if action in ("send_appraisal", "publish"):
        sheets = dict(rnd.participants.values_list("agency_id", "pk"))
        members = Membership.objects.filter(agency_id__in=sheets, role__in=(R.AGENCY_OFFICER, R.AGENCY_HEAD))
        for m in members.select_related("user"):
            url = reverse("assessment_sheet", args=[sheets[m.agency_id]])
            if action == "send_appraisal":
                text = _(
                    "{round}: kết quả thẩm định đã gửi; đơn vị giải trình (một lần) đến hết ngày {day}."
                ).format(round=rnd.title, day=f"{rnd.answer_due_on:%d/%m/%Y}")
            else:
                text = _("{round}: kết quả đã được công bố (Quyết định {number}).").format(
                    round=rnd.title, number=rnd.decision_number
                )
            notices.append(Notice(user=m.user, text=text[:500], url=url))
    else:
        roles = {
            "to_approval": (R.LEADERSHIP,),
            "approve": (R.DEPT_ADMIN, R.DEPT_OFFICER),
            "return": (R.DEPT_ADMIN, R.DEPT_OFFICER),
        }.get(action)
        if roles:
            text = {
                "to_approval": _("{round}: kết quả chờ lãnh đạo phê duyệt."),
                "approve": _("{round}: lãnh đạo đã phê duyệt; lập quyết định công bố."),
                "return": _("{round}: lãnh đạo trả lại hội đồng: {reason}"),
            }[action].format(round=rnd.title, reason=rnd.return_reason)
            url = reverse("assessment_round", args=[rnd.pk])
            users = {m.user_id for m in Membership.objects.filter(role__in=roles)}
            notices = [Notice(user_id=u, text=text[:500], url=url) for u in sorted(users)]
    Notice.objects.bulk_create(notices)


def Coalesce0(field_name: str):
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    return Coalesce(F(field_name), Value(0.0))


@atomic_retry
def set_decision(
    round_id: int,
    actor: audit.Actor,
    *,
    number: str,
    date: dt.date | None,
    signer_name: str,
    signer_title: str,
) -> Round:
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round_id)
        if rnd.status not in (S.DECISION,):
            raise Forbidden(
                _("Chỉ điền số, ngày quyết định sau khi lãnh đạo phê duyệt và trước khi công bố.")
            )
        before = {"number": rnd.decision_number, "date": rnd.decision_date and rnd.decision_date.isoformat()}
        rnd.decision_number, rnd.decision_date = number.strip()[:40], date
        rnd.signer_name, rnd.signer_title = signer_name.strip()[:120], signer_title.strip()[:120]
        rnd.save(update_fields=["decision_number", "decision_date", "signer_name", "signer_title"])
        audit.record(
            actor,
            "assessment_round.decision",
            rnd,
            before=before,
            after={"number": rnd.decision_number, "date": date and date.isoformat()},
        )
        _bump(rnd)
    return rnd


# --- revisions after the decision ---------------------------------------------------------------------------


@atomic_retry
def revise(entry_id: int, actor: audit.Actor, *, points: str, reason: str, document: str = "") -> Revision:
    """Change a final score after the decision: a new, audited revision that keeps the old score."""
    reason = (reason or "").strip()
    with transaction.atomic():
        entry = Entry.objects.select_related("participant__round").get(pk=entry_id)
        p = _lock(entry.participant_id)
        rnd = p.round
        if not rnd.is_frozen:
            raise Forbidden(_("Chỉ sửa đổi sau khi có quyết định; trước đó hội đồng sửa điểm trực tiếp."))
        pfw = round_pfw(rnd)
        errors = {}
        try:
            x = _points_in(points, pfw.indicator(entry.code).max_points)
        except ValueError as err:
            errors["points"] = str(err)
            x = None
        if not reason:
            errors["reason"] = _("Phải nêu lý do sửa đổi.")
        old = entry.final_points if entry.final_points is not None else 0.0
        if x is not None and round(x, 2) == round(old, 2):
            errors["points"] = _("Điểm mới trùng điểm hiện tại.")
        if errors:
            raise Refused(_("Chưa sửa đổi được."), errors)
        number = (
            Revision.objects.filter(round=rnd).order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        old_total, old_rank = p.final_total or 0.0, p.rank
        entry.final_points = x
        entry.revision += 1
        entry.save(update_fields=["final_points", "revision"])
        recompute(rnd)
        p.refresh_from_db()
        rev = Revision.objects.create(
            round=rnd,
            entry=entry,
            number=number,
            old_points=old,
            new_points=x,
            old_total=old_total,
            new_total=p.final_total or 0.0,
            old_rank=old_rank,
            reason=reason,
            document=document.strip()[:200],
            user=actor.user,
            user_name=actor.name,
        )
        audit.record(
            actor,
            "assessment_final.revise",
            entry,
            parent=rnd,
            before={"points": old},
            after={"points": x, "revision": number},
            reason=reason,
        )
    return rev


# --- the engine's totals, bands and ranks ---------------------------------------------------------------------


@atomic_retry
def recompute(rnd: Round) -> None:
    """Totals, 0–1 results, bands and ranks of every unit of the round from the engine; stored on the
    participants (one UPDATE per changed unit) and the round's version bumped.

    Runs inside the caller's transaction and first locks the round's row: two saves in the same round
    recompute one after the other, the second reading what the first committed (ranks depend on
    every unit)."""
    pfw = round_pfw(rnd)
    with transaction.atomic():
        list(Round.objects.select_for_update().filter(pk=rnd.pk).values_list("pk", flat=True))
        _recompute_locked(rnd, pfw)


def _recompute_locked(rnd: Round, pfw: PointsFramework) -> None:
    parts = list(Participant.objects.filter(round=rnd).order_by("pk"))
    if not parts:
        _bump(rnd)
        return
    codes = list(pfw.codes)
    col = {c: j for j, c in enumerate(codes)}
    row = {p.pk: i for i, p in enumerate(parts)}
    n, k = len(parts), len(codes)
    nan = np.full((n, k), np.nan)
    self_m, appr_m, final_m = nan.copy(), nan.copy(), nan.copy()
    app = np.zeros((n, k), dtype=bool)
    filled = np.zeros(n, dtype=int)
    changed = np.zeros(n, dtype=int)
    answered = np.zeros(n, dtype=int)
    has_appr = np.zeros(n, dtype=bool)
    has_final = np.zeros(n, dtype=bool)
    for pid, code, value, sp, ap, fp, ans in Entry.objects.filter(participant__round=rnd).values_list(
        "participant_id", "code", "value", "self_points", "appraised_points", "final_points", "answered_at"
    ):
        i, j = row[pid], col.get(code)
        if j is None:
            continue
        app[i, j] = True
        if value is not None:
            filled[i] += 1
        if sp is not None:
            self_m[i, j] = sp
        if ap is not None:
            appr_m[i, j] = ap
            has_appr[i] = True
            if round(ap, 2) != round(sp or 0.0, 2):
                changed[i] += 1
        if fp is not None:
            final_m[i, j] = fp
            has_final[i] = True
        if ans is not None:
            answered[i] += 1
    appr_full = np.where(np.isnan(appr_m), self_m, appr_m)
    final_full = np.where(np.isnan(final_m), appr_full, final_m)
    excluded = np.array([p.excluded for p in parts], dtype=bool)
    a_self = pfw.assess(codes, self_m, app, excluded)
    a_appr = pfw.assess(codes, appr_full, app, excluded)
    a_cur = pfw.assess(codes, final_full, app, excluded)
    dirty = []
    for i, p in enumerate(parts):
        ratio = float(a_cur.ratio[i]) if not math.isnan(a_cur.ratio[i]) else 0.0
        new = {
            "max_points": float(a_cur.max[i]),
            "self_total": round(float(a_self.total[i]), 2),
            "appraised_total": round(float(a_appr.total[i]), 2) if has_appr[i] else None,
            "final_total": round(float(a_cur.total[i]), 2) if has_final[i] else None,
            "ratio": ratio,
            "band": a_cur.band[i],
            "rank": None if math.isnan(a_cur.rank[i]) else float(a_cur.rank[i]),
            "n_applicable": int(app[i].sum()),
            "n_filled": int(filled[i]),
            "n_changed": int(changed[i]),
            "n_answered": int(answered[i]),
        }
        if any(getattr(p, f) != v for f, v in new.items()):
            for f, v in new.items():
                setattr(p, f, v)
            dirty.append(p)
    if dirty:
        Participant.objects.bulk_update(dirty, list(new))
    _bump(rnd)


# --- reading: results, scorecards, history -------------------------------------------------------------------


def previous_round(rnd: Round) -> Round | None:
    """The latest published round of the same tier before this one (what year-over-year compares to)."""
    return (
        Round.objects.filter(tier=rnd.tier, year__lt=rnd.year, status=Round.Status.PUBLISHED)
        .order_by("-year")
        .first()
    )


@dataclass
class ResultRow:
    p: Participant
    band_label: str
    light: str
    prev_ratio: float | None = None
    prev_rank: float | None = None
    prev_total: float | None = None

    @property
    def delta_ratio(self) -> float | None:
        return None if self.prev_ratio is None else self.p.ratio - self.prev_ratio

    @property
    def delta_rank(self) -> int | None:
        if self.prev_rank is None or self.p.rank is None:
            return None
        return int(self.prev_rank - self.p.rank)


def results(
    rnd: Round, participants=None, lang: str = "vi", *, prev: Round | None | bool = False
) -> list[ResultRow]:
    """League table rows: ranked units by rank, then the excluded ones (with their reason). ``prev``:
    the round to compare with (default: the previous round of the same tier)."""
    pfw = round_pfw(rnd)
    bands = {b.code: b for b in pfw.bands}
    parts = list(participants if participants is not None else rnd.participants.select_related("agency"))
    if prev is False:
        prev = previous_round(rnd)
    prev_by_agency = {}
    if prev is not None:
        prev_by_agency = {
            a: (r, rk, t)
            for a, r, rk, t in prev.participants.values_list("agency_id", "ratio", "rank", "final_total")
        }
    rows = []
    for p in parts:
        b = bands.get(p.band)
        pr = prev_by_agency.get(p.agency_id)
        rows.append(
            ResultRow(
                p=p,
                band_label=b.label(lang) if b else "—",
                light=b.light if b else "grey",
                prev_ratio=pr[0] if pr else None,
                prev_rank=pr[1] if pr else None,
                prev_total=pr[2] if pr else None,
            )
        )
    rows.sort(key=lambda r: (r.p.rank is None, r.p.rank or 0, r.p.agency.name))
    return rows


@dataclass
class CardLine:
    ind: Any
    entry: Entry
    self_points: float | None
    appraised: float | None
    final: float | None
    lost: float
    explanation: list[str] = field(default_factory=list)
    files: list = field(default_factory=list)
    docs: list = field(default_factory=list)


@dataclass
class CardGroup:
    group: Any
    lines: list[CardLine]
    points: float
    max: float


def display_raw(ind, raw) -> str:
    if raw is None:
        return "—"
    if ind.value_kind == "ratio" and isinstance(raw, dict):
        return f"{format_number(raw.get('a'))}/{format_number(raw.get('b'))}"
    if ind.value_kind == "yes_no":
        return _("Có") if raw else _("Không")
    if ind.value_kind == "level":
        for k, v in ind.levels.items():
            if str(k) == str(raw):
                return v.get("vi", str(k))
        return str(raw)
    s = format_number(raw)
    return f"{s}%" if ind.value_kind == "percent" else (f"{s} {ind.unit}" if ind.unit else s)


def scorecard(p: Participant, lang: str = "vi", *, hide_appraisal: bool = False) -> list[CardGroup]:
    """Per group and indicator: the three scores and why points were lost."""
    pfw = round_pfw(p.round)
    entries = {e.code: e for e in p.entries.prefetch_related("files", "docs")}
    out = []
    for g in pfw.groups:
        lines = []
        for code in g.indicator_codes:
            e = entries.get(code)
            if e is None:
                continue
            ind = pfw.indicator(code)
            if hide_appraisal:
                e.appraised_points = e.final_points = None
                e.appraisal_reason = e.final_reason = ""
            cur = (
                e.final_points
                if e.final_points is not None
                else (e.appraised_points if e.appraised_points is not None else e.self_points)
            )
            lost = ind.max_points - (cur or 0.0)
            why = []
            if e.value is None:
                why.append(_("Đơn vị không nhập số liệu."))
            elif lost > 1e-9:
                if ind.evidence_required and not (e.files.all() or e.docs.all()):
                    why.append(_("Không có minh chứng: chỉ số yêu cầu minh chứng nên được 0 điểm."))
                elif e.self_points is not None and e.self_points < ind.max_points - 1e-9:
                    why.append(
                        _("Theo quy tắc chấm điểm, kết quả “{v}” được {p}/{m} điểm.").format(
                            v=display_raw(ind, e.raw),
                            p=format_number(e.self_points, 2),
                            m=format_number(ind.max_points),
                        )
                    )
            if e.changed:
                why.append(
                    _("Thẩm định: {a} → {b} điểm. Lý do: {r}").format(
                        a=format_number(e.self_points or 0, 2),
                        b=format_number(e.appraised_points, 2),
                        r=e.appraisal_reason,
                    )
                )
            if e.answer:
                why.append(_("Giải trình của đơn vị: {t}").format(t=e.answer))
            if (
                e.final_points is not None
                and e.appraised_points is not None
                and round(e.final_points, 2) != round(e.appraised_points, 2)
                and e.final_reason
            ):
                why.append(
                    _("Hội đồng: {b} điểm. Lý do: {r}").format(
                        b=format_number(e.final_points, 2), r=e.final_reason
                    )
                )
            lines.append(
                CardLine(
                    ind=ind,
                    entry=e,
                    self_points=e.self_points,
                    appraised=e.appraised_points,
                    final=e.final_points,
                    lost=max(0.0, lost),
                    explanation=why,
                    files=list(e.files.all()),
                    docs=list(e.docs.all()),
                )
            )
        if lines:
            out.append(
                CardGroup(
                    group=g,
                    lines=lines,
                    points=sum(
                        (
                            ln.final
                            if ln.final is not None
                            else (ln.appraised if ln.appraised is not None else ln.self_points)
                        )
                        or 0.0
                        for ln in lines
                    ),
                    max=sum(ln.ind.max_points for ln in lines),
                )
            )
    return out


def gap_history(agency_id: int, participants=None) -> list[dict]:
    """Self-assessed vs appraised totals of one unit, round by round (oldest first)."""
    qs = participants if participants is not None else Participant.objects.filter(agency_id=agency_id)
    out = []
    for p in qs.select_related("round").order_by("round__year", "round__tier"):
        gap = p.gap
        out.append(
            {
                "p": p,
                "round": p.round,
                "self": p.self_total,
                "appraised": p.appraised_total,
                "gap": gap,
                "gap_pct": (gap / p.max_points * 100) if gap is not None and p.max_points else None,
            }
        )
    return out


def board_counts(rnd: Round) -> dict[str, int]:
    return rnd.participants.aggregate(
        n=Count("id"),
        submitted=Count("id", filter=Q(status=Participant.Status.SUBMITTED)),
        excluded=Count("id", filter=Q(excluded=True)),
    )

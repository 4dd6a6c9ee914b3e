"""The engine's problems and input errors in the reader's language."""

from __future__ import annotations

import re

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.engine.errors import FrameworkError, InputError
from chiso.lib.vn_format import format_number

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

"""The engine's problems and input errors in the reader's language (the sentences are in
:mod:`chiso.lib.problems`, the one table the command line uses too)."""

from __future__ import annotations

import yaml
from django.utils.translation import gettext as _

from chiso.engine.errors import FrameworkError, InputError, Problem
from chiso.lib import problems as table

# Kept while ``assessment.services`` re-exports them: the regular expressions and this module's own
# copy of the input messages are gone, the table in chiso.lib.problems has every code.
_PROBLEMS_VI: tuple[()] = ()
_NODE_OF = None
INPUT_ERRORS = {code: table.MESSAGES[code][0] for code in (
    "not_a_number", "negative", "not_integer", "percent_range", "out_of_range", "ratio_inputs", "ratio_zero_base",
    "ratio_exceeds", "not_yes_no", "unknown_level")}


def problem_vi(problem: Problem | str) -> str:
    """One of the engine's problems as a sentence in the reader's language (a bare text: the detail)."""
    if isinstance(problem, Problem):
        return table.message(problem)
    return _("Chi tiết: {detail}").format(detail=problem)


def problems_vi(err: FrameworkError) -> list[str]:
    """The engine's problems as sentences in the reader's language."""
    return [problem_vi(p) for p in err.problems]


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


def problems_with_lines(problems: list[Problem] | list[str], text: str) -> list[str]:
    """The engine's problems as sentences in the reader's language, each led by the line of the node
    it names in ``text`` (when it names one)."""
    lines = node_lines(text)
    out = []
    for p in problems:
        line = lines.get(p.node) if isinstance(p, Problem) and p.node else None
        sentence = problem_vi(p)
        out.append(_("Dòng {line}: {problem}").format(line=line, problem=sentence) if line else sentence)
    return out


def input_error_vi(e: InputError) -> str:
    """A value typed into the form, refused: the sentence for its code (unknown: a generic one)."""
    if e.code not in INPUT_ERRORS:
        return _("Giá trị không hợp lệ.")
    return table.message(e)

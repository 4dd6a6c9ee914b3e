"""The web layer's access to framework editions (the engine's data), cached.

``get_framework(id)`` returns a :class:`chiso.engine.Framework`.  Frameworks come, in this order,
from ``register()`` (tests, installations), the shipped files (``chiso.frameworks.load_framework``)
and the registered *sources*: a source holds frameworks as YAML text somewhere else — the
department's own copies of an edition in the database (``chiso.assessment`` registers one from its
``ready()``; this module never imports an app).  A source answers ``code -> (sha256, text)`` on every
call; the parsed framework is kept per process under that sha256, so an edit is seen by every worker
at its next call and an edit rolled back is never seen at all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import get_language

from chiso.engine import Framework, FrameworkError

_registered: dict[str, Framework] = {}


def register(fw: Framework) -> Framework:
    _registered[fw.id] = fw
    return fw


def unregister(fw_id: str) -> None:
    _registered.pop(fw_id, None)


@lru_cache(maxsize=32)
def _load_shipped(fw_id: str) -> Framework:
    from chiso.frameworks import load_framework

    return load_framework(fw_id)


@dataclass(frozen=True)
class Source:
    """Frameworks held outside the shipped files: ``sha256(code)`` gives the current hash of the
    framework with that code (or ``None``: not held here), ``text(code, sha256)`` its YAML text (read
    only when this process has not parsed that hash yet), ``codes(kind)`` the codes of a kind it holds."""

    name: str
    sha256: Callable[[str], str | None]
    text: Callable[[str, str], str | None]
    codes: Callable[[str], list[str]]


_sources: dict[str, Source] = {}
_BY_SHA: OrderedDict[str, Framework] = OrderedDict()
_BY_SHA_MAX = 64


def register_source(source: Source) -> Source:
    _sources[source.name] = source
    return source


def unregister_source(name: str) -> None:
    _sources.pop(name, None)


def parse_text(text: str, sha256: str) -> Framework:
    """The engine's framework of a YAML text, parsed once per process (keyed on the text's sha256)."""
    fw = _BY_SHA.get(sha256)
    if fw is not None:
        _BY_SHA.move_to_end(sha256)
        return fw
    from chiso.frameworks import load_yaml

    data = load_yaml(text)
    if not isinstance(data, dict):
        raise FrameworkError("a framework must hold a mapping", code="framework_invalid")
    fw = Framework.from_dict(data)
    _BY_SHA[sha256] = fw
    while len(_BY_SHA) > _BY_SHA_MAX:
        _BY_SHA.popitem(last=False)
    return fw


def _from_sources(fw_id: str) -> Framework | None:
    for source in _sources.values():
        for _attempt in range(3):
            sha = source.sha256(fw_id)
            if sha is None:
                break
            fw = _BY_SHA.get(sha)
            if fw is not None:
                _BY_SHA.move_to_end(sha)
                return fw
            text = source.text(fw_id, sha)
            if text is not None:  # None: edited between the two reads, read the hash again
                return parse_text(text, sha)
    return None


@lru_cache(maxsize=1)
def _shipped_set() -> frozenset[str]:
    try:
        from chiso.frameworks import framework_paths
    except ImportError:
        return frozenset()
    return frozenset(framework_paths())


def is_shipped(fw_id: str) -> bool:
    """Whether ``fw_id`` is a shipped edition (the files are read once per process)."""
    return fw_id in _shipped_set()


def get_framework(fw_id: str) -> Framework:
    if fw_id in _registered:
        return _registered[fw_id]
    if _sources and not is_shipped(fw_id):
        fw = _from_sources(fw_id)
        if fw is not None:
            return fw
    try:
        return _load_shipped(fw_id)
    except ImportError as e:  # the framework library is not installed
        raise FrameworkError(f"unknown framework {fw_id!r}", code="unknown_framework", framework=fw_id) from e


def find_framework(fw_id: str) -> Framework | None:
    """``get_framework`` for a page or an import that must go on when an id is unknown or its file is
    unreadable (a program on a framework since removed): the framework, or ``None``."""
    try:
        return get_framework(str(fw_id))
    except (FrameworkError, LookupError, OSError):
        return None


def is_known(fw_id: str) -> bool:
    """Whether ``fw_id`` names a registered, shipped or source-held framework (without parsing it)."""
    if fw_id in _registered or is_shipped(fw_id):
        return True
    return any(s.sha256(fw_id) is not None for s in _sources.values())


def shipped_ids() -> list[str]:
    try:
        from chiso.frameworks import list_frameworks
    except ImportError:
        return []
    return [fw.id for fw in list_frameworks()]


def source_ids(kind: str | None = None) -> list[str]:
    """Codes of the frameworks the registered sources hold (of ``kind``, or all)."""
    out: list[str] = []
    for source in _sources.values():
        out += source.codes(kind or "")
    return out


#: How a choice tells two frameworks of one name apart: by their edition's year, never their id.
_EDITION = {"vi": "bản năm {year}", "en": "{year} edition"}


def framework_choices(kind: str = "index") -> list[tuple[str, str]]:
    """(id, label) of the frameworks of ``kind``: ``index`` (the ministry's indices, collected and
    ranked across provinces — the default) or ``internal`` (a province's points index of its units).
    The label is the name in the reader's language, never the id; two frameworks of one name are told
    apart by their edition's year ("… (bản năm 2024)")."""
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    ids = list(dict.fromkeys([*_registered, *shipped_ids(), *source_ids(kind)]))
    found: list[tuple[str, str, int]] = []
    for fw_id in ids:
        try:
            fw = get_framework(fw_id)
        except (FrameworkError, LookupError, OSError):
            continue
        if fw.kind == kind:
            found.append((fw_id, fw.label(lang), fw.edition))
    names = [name for _id, name, _ed in found]
    return [
        (fw_id, name if names.count(name) == 1 else f"{name} ({_EDITION[lang].format(year=edition)})")
        for fw_id, name, edition in found
    ]


_parent_cache: dict[tuple[str, int], dict[str, str | None]] = {}


def parent_map(fw: Framework) -> dict[str, str | None]:
    """code -> parent code (root -> None), cached per framework object."""
    key = (fw.id, id(fw))
    if key not in _parent_cache:
        _parent_cache[key] = fw.parents()
    return _parent_cache[key]


def indicator_kind(node) -> str:
    """How a value of this indicator is typed in a form: ``yes_no``, ``choice`` or ``number``."""
    rule = node.scoring.rule if node.scoring is not None else "given"
    if rule == "yes_no":
        return "yes_no"
    if rule == "partial":
        return "choice"
    return "number"


# --- a copy against its base edition ----------------------------------------------------------------------

CHANGE_KINDS = ("added", "removed", "renamed", "moved", "points", "method", "responsibility")


@dataclass(frozen=True)
class NodeChange:
    """One difference of a node between two editions: ``kind`` is one of ``CHANGE_KINDS``;
    ``before``/``after`` are short texts (a name, points, a method, "lead: a; support: b")."""

    kind: str
    code: str
    before: str = ""
    after: str = ""
    parent: str = ""
    is_indicator: bool = True


@dataclass
class EditionDiff:
    """What a copy changed against its base, node by node, in the copy's order (removed nodes last)."""

    changes: list[NodeChange] = field(default_factory=list)

    def of(self, kind: str) -> list[NodeChange]:
        return [c for c in self.changes if c.kind == kind]

    def count(self, kind: str, *, indicators: bool | None = None) -> int:
        return sum(1 for c in self.of(kind) if indicators is None or c.is_indicator == indicators)

    def __bool__(self) -> bool:
        return bool(self.changes)


def _points(node) -> str:
    v = node.max_points if node.max_points is not None else node.weight
    return f"{v:g}"


def _method(node) -> str:
    if node.children:
        return str(node.method)
    return node.scoring.rule if node.scoring is not None else ""


def assignment_text(a) -> str:
    """``lead: a, b; support: c`` of an :class:`chiso.engine.framework.Assignment` (or ``""``)."""
    if a is None:
        return ""
    out = "lead: " + ", ".join(a.lead)
    if a.support:
        out += "; support: " + ", ".join(a.support)
    return out


def diff(base: Framework, copy: Framework) -> EditionDiff:
    """The structured difference of ``copy`` against ``base``: nodes added, removed, renamed, moved
    to another parent, with other points (max_points or weight), another aggregation method or
    scoring rule, or another responsibility (lead and supporting roles) set on the node itself."""
    out = EditionDiff()
    bpar, cpar = base.parents(), copy.parents()
    for node in copy.nodes:
        code = node.code
        if code not in bpar:
            out.changes.append(NodeChange("added", code, after=node.label("vi"), parent=cpar[code] or "",
                                          is_indicator=node.is_indicator))  # fmt: skip
            continue
        old = base.node(code)
        ind = node.is_indicator
        if old.name != node.name:
            out.changes.append(NodeChange("renamed", code, old.label("vi"), node.label("vi"), is_indicator=ind))
        if bpar[code] != cpar[code]:
            out.changes.append(NodeChange("moved", code, bpar[code] or "", cpar[code] or "", is_indicator=ind))
        if (old.max_points, old.weight) != (node.max_points, node.weight):
            out.changes.append(NodeChange("points", code, _points(old), _points(node), is_indicator=ind))
        if _method(old) != _method(node) or (old.scoring != node.scoring and not node.children):
            out.changes.append(NodeChange("method", code, _method(old), _method(node), is_indicator=ind))
        if old.responsibility != node.responsibility:
            out.changes.append(NodeChange("responsibility", code, assignment_text(old.responsibility),
                                          assignment_text(node.responsibility), is_indicator=ind))  # fmt: skip
    for node in base.nodes:
        if node.code not in cpar:
            out.changes.append(NodeChange("removed", node.code, before=node.label("vi"),
                                          parent=bpar[node.code] or "", is_indicator=node.is_indicator))  # fmt: skip
    return out

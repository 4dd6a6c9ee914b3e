"""The web layer's access to framework editions (the engine's data), cached.

``get_framework(id)`` returns a :class:`chiso.engine.Framework`.  Frameworks come from
``chiso.frameworks.load_framework``; tests and installations can ``register()`` extra ones
(e.g. a province's internal index built with ``Framework.from_dict``).
"""

from __future__ import annotations

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


def get_framework(fw_id: str) -> Framework:
    if fw_id in _registered:
        return _registered[fw_id]
    try:
        return _load_shipped(fw_id)
    except ImportError as e:  # the framework library is not installed
        raise FrameworkError(f"unknown framework {fw_id!r}", code="unknown_framework", framework=fw_id) from e


def shipped_ids() -> list[str]:
    try:
        from chiso.frameworks import list_frameworks
    except ImportError:
        return []
    out = []
    for item in list_frameworks():
        out.append(item if isinstance(item, str) else getattr(item, "id", None) or item.get("id"))
    return out


def framework_choices(kind: str = "index") -> list[tuple[str, str]]:
    """(id, label) of the frameworks of ``kind``: ``index`` (the ministry's indices, collected and
    ranked across provinces — the default) or ``internal`` (a province's points index of its units)."""
    ids = list(dict.fromkeys([*_registered, *shipped_ids()]))
    out = []
    for fw_id in ids:
        try:
            fw = get_framework(fw_id)
        except (FrameworkError, LookupError, OSError):
            continue
        if fw.kind == kind:
            out.append((fw_id, f"{fw.label((get_language() or 'vi')[:2])} ({fw_id})"))  # in the reader's language
    return out


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

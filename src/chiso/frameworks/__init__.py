"""Shipped framework definitions (one YAML file per index edition) and their loader.

This module reads YAML; the engine itself only sees plain mappings
(:meth:`chiso.engine.Framework.from_dict`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework

HERE = Path(__file__).resolve().parent

__all__ = ["framework_paths", "list_frameworks", "load_framework", "load_framework_file", "load_yaml"]

# Deepest nesting of mappings and lists a framework file may have (the shipped ones use about 12).
# PyYAML builds nested values recursively: a file nested 5 000 deep would end in RecursionError.
MAX_YAML_DEPTH = 64


def framework_paths() -> dict[str, Path]:
    """Shipped framework id -> YAML path."""
    return {p.stem: p for p in sorted(HERE.glob("*.yaml"))}


def load_framework_file(path: str | Path) -> Framework:
    """Parse and validate one framework YAML file.

    Raises
    ------
    FrameworkError
        Unreadable file, YAML syntax error (with line and column), or an invalid tree.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(f"{path}: file not found", code="framework_not_found", file=str(path)) from None
    except UnicodeDecodeError as e:
        raise FrameworkError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})", code="bad_encoding",
                             file=str(path)) from None
    data = load_yaml(text, file=str(path))
    if not isinstance(data, dict):
        raise FrameworkError(f"{path}: a framework file must hold a mapping", code="framework_invalid",
                             file=str(path))
    return Framework.from_dict(data, path=str(path))


def load_yaml(text: str, *, file: str = "", max_depth: int = MAX_YAML_DEPTH):
    """Parse YAML text safely: no Python objects, nesting at most ``max_depth`` deep.

    The one YAML reader of framework texts (files on the command line, the web's framework editor).
    It reads with libyaml's safe loader when PyYAML has it (several times faster); a text that
    loader refuses is read again by PyYAML's own, so that every error says what it always said.

    Raises
    ------
    FrameworkError
        ``yaml_syntax`` with ``line`` and ``column`` (1-based) and the parser's ``problem``, or
        ``yaml_too_deep`` with the ``line`` where nesting passes ``max_depth``.
    """
    import yaml  # here, not above: ``chiso --help`` and ``--version`` do not read YAML

    where = f"{file}: " if file else ""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _load_yaml_with(yaml, fast, text, where=where, file=file, max_depth=max_depth)
        except (yaml.YAMLError, RecursionError):
            pass
    try:
        return _load_yaml_with(yaml, yaml.SafeLoader, text, where=where, file=file, max_depth=max_depth)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = str(getattr(e, "problem", None) or e)
        raise FrameworkError(f"{where}YAML syntax error{at}: {problem}", code="yaml_syntax", file=file,
                             line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                             problem=problem) from None
    except RecursionError:  # aliases nested past the event check: still a refusal, never a traceback
        raise FrameworkError(f"{where}nested deeper than {max_depth} levels", code="yaml_too_deep", file=file,
                             line=None, max_depth=max_depth) from None


def _load_yaml_with(yaml, loader, text: str, *, where: str, file: str, max_depth: int):
    """:func:`load_yaml` with one loader class; PyYAML's errors are left to the caller."""
    depth = 0
    # Walk the event stream first (flat, not recursive) to refuse deep nesting before building.
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                line = event.start_mark.line + 1
                raise FrameworkError(f"{where}line {line}: nested deeper than {max_depth} levels",
                                     code="yaml_too_deep", file=file, line=line, max_depth=max_depth)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.load(text, Loader=loader)  # noqa: S506 — a safe loader (SafeLoader or CSafeLoader)


@lru_cache(maxsize=64)
def _load_shipped(fid: str) -> Framework:
    return load_framework_file(framework_paths()[fid])


def load_framework(id_or_path: str | Path) -> Framework:
    """Load a shipped framework by id, or any framework YAML by path.

    Raises
    ------
    FrameworkError
        Unknown id (the message lists the shipped ids) or invalid file.

    Examples
    --------
    >>> load_framework("vn-dti-2022-province").root.code
    'dti'
    """
    s = str(id_or_path)
    if s.endswith((".yaml", ".yml")) or "/" in s:
        return load_framework_file(s)
    paths = framework_paths()
    if s not in paths:
        raise FrameworkError(
            f"unknown framework {s!r}; shipped frameworks: {', '.join(paths)}",
            code="unknown_framework",
            framework=s,
            known=list(paths),
        )
    return _load_shipped(s)


def list_frameworks() -> list[Framework]:
    """Every shipped framework, sorted by id."""
    return [load_framework(fid) for fid in framework_paths()]

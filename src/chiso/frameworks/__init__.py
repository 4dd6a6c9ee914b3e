"""Shipped framework definitions (one YAML file per index edition) and their loader.

This module reads YAML; the engine itself only sees plain mappings
(:meth:`chiso.engine.Framework.from_dict`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from chiso.engine.errors import FrameworkError
from chiso.engine.framework import Framework

HERE = Path(__file__).resolve().parent

__all__ = ["framework_paths", "list_frameworks", "load_framework", "load_framework_file"]


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
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise FrameworkError(f"{path}: YAML syntax error{at}: {getattr(e, 'problem', e)}", code="yaml_syntax",
                             file=str(path)) from None
    if not isinstance(data, dict):
        raise FrameworkError(f"{path}: a framework file must hold a mapping", code="framework_invalid",
                             file=str(path))
    return Framework.from_dict(data, path=str(path))


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

"""The review workflow's models (see the package docstring)."""

from __future__ import annotations

"""The numpydoc examples of the analysis modules run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["model", "uncertainty", "sensitivity", "target", "whatif", "attribution", "audit"]


@pytest.mark.parametrize("name", MODULES)
def test_it_runs_the_docstring_examples(name):
    mod = importlib.import_module(f"chiso.engine.analysis.{name}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0

"""The numpydoc examples of the engine and the loaders are run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["chiso.engine.scoring", "chiso.engine.aggregate", "chiso.engine.compute", "chiso.engine.units",
           "chiso.frameworks", "chiso.reference"]


@pytest.mark.parametrize("name", MODULES)
def test_it_runs_the_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0

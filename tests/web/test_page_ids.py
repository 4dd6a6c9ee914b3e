"""Ids a page relies on are unique: the base template's ``<main id="main">`` (the skip link's target)
is the only element named ``main``; a control tied to a form by ``form="X"`` finds a form ``X`` in
the same template. A second ``id="main"`` (an assessment sheet's form once had it) silently tied the
sheet's inputs to ``<main>`` and its saves did nothing."""

from __future__ import annotations

import re
from pathlib import Path

import chiso

TEMPLATES = [p for p in Path(chiso.__file__).parent.rglob("*.html") if "vendor" not in p.parts]


def test_only_the_page_frame_is_called_main():
    named = sorted(p.name for p in TEMPLATES if re.search(r"""\bid=["']main["']""", p.read_text("utf-8")))
    assert named == ["base.html", "error.html"]


def test_every_form_attribute_names_a_form_of_its_template():
    for path in TEMPLATES:
        text = path.read_text("utf-8")
        if "{% include" in text and 'form="' not in text:
            continue
        wanted = set(re.findall(r"""\sform=["']([\w-]+)["']""", text))
        if not wanted:
            continue
        forms = set(re.findall(r"""<form\b[^>]*\bid=["']([\w-]+)["']""", text))
        missing = wanted - forms
        if missing and path.name.startswith("_"):
            continue  # a fragment included in a page that holds the form
        assert not missing, f"{path.name}: form={sorted(missing)} has no <form id> in the template"

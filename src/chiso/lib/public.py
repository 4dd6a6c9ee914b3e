"""The public page's plug-in point: the sections feature apps add to it.

The page itself (its own sections, the cache, the view) is the site's (:mod:`chiso.site.public`);
an app adds a section from its ``AppConfig.ready`` with :func:`register_section` — here, below the
apps, so an app never imports the site. A section reads PUBLIC data only: it is built without the
request and shown to anonymous visitors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One section of the public page.

    ``template`` is rendered with the page's context (``unit_name``, ``boards``, ``recs``,
    ``results``, ``chart``) plus what ``context()`` returns. The page is cached (chiso.lib.cache):
    ``reads`` names the cache namespaces (app labels) the section's data comes from, so a change
    there renders the page afresh."""

    name: str
    template: str
    context: Callable[[], dict] | None = None
    reads: tuple[str, ...] = ()


# name -> (section, the name of the section it goes before, or None for the end)
_ADDED: dict[str, tuple[Section, str | None]] = {}


def register_section(section: Section, *, before: str | None = None) -> None:
    """Add a section to the public page (call it from an app's ``AppConfig.ready``); ``before``
    names the section it goes before (default: at the end). Registering a name again replaces it."""
    _ADDED[section.name] = (section, before)


def ordered(own: list[Section]) -> list[Section]:
    """The page's own sections with the registered ones put in their places."""
    out = [s for s in own if s.name not in _ADDED]
    for section, before in _ADDED.values():
        names = [s.name for s in out]
        out.insert(names.index(before) if before in names else len(out), section)
    return out

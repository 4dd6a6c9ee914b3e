"""The responsibility matrix is read by :mod:`chiso.orgs.matrix` (it reads ``orgs.Responsibility`` and
nothing of collection); this name stays for the callers that import it from here."""

from chiso.orgs.matrix import (  # noqa: F401
    BASIS,
    EDITED,
    LISTED_LOCAL_BODIES,
    PROPOSAL,
    Holder,
    Row,
    framework_sentence,
    framework_title,
    holders,
    is_proposal,
    led_indicators,
    note_kind,
    rows,
    short_names,
    status_note,
    subtree_holders,
)

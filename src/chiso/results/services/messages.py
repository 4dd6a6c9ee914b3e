"""The engine's problems in the reader's language (the sentences: :mod:`chiso.lib.problems`)."""

from __future__ import annotations

from chiso.engine.errors import EngineError
from chiso.lib import imports
from chiso.lib.problems import _vn_iso as _vn_iso
from chiso.lib.problems import message


def engine_message(err: EngineError) -> str:
    """A sentence for an engine error in the active language (the web layer translates codes, see STYLE §7)."""
    if err.code in imports.FILE_CODES and err.code != "bad_file_type":
        return imports.file_error_message(err)
    return message(err)

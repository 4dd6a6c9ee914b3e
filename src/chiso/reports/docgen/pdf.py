"""DOCX -> PDF with LibreOffice (``soffice --headless --convert-to pdf``).

Each conversion runs in its own temporary directory with its own LibreOffice profile
(``-env:UserInstallation``): two conversions at once never share (and never lock) a profile, and
nothing is written to the server user's home. A conversion that hangs is killed after ``timeout``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class ConversionError(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which(os.environ.get("SOFFICE", "soffice")) or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: float = 120.0) -> bytes:
    """Convert .docx bytes to .pdf bytes. Raises :class:`ConversionError`."""
    exe = soffice_path()
    if exe is None:
        raise ConversionError("LibreOffice (soffice) is not installed: run `make install`")
    with tempfile.TemporaryDirectory(prefix="chiso-pdf-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / "report.docx"
        src.write_bytes(docx)
        profile = (tmp_path / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ]
        env = {**os.environ, "HOME": tmp, "SAL_USE_VCLPLUGIN": "svp"}
        try:
            proc = subprocess.run(
                cmd, capture_output=True, timeout=timeout, env=env, cwd=tmp, start_new_session=True
            )
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice did not finish within {timeout:g} s") from None
        out = tmp_path / "report.pdf"
        if proc.returncode != 0 or not out.exists():
            err = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[-500:]
            raise ConversionError(f"LibreOffice failed (exit {proc.returncode}): {err}")
        return out.read_bytes()

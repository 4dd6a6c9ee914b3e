"""DOCX -> PDF with LibreOffice (``soffice --headless --convert-to pdf``).

Each conversion runs in its own temporary directory with a LibreOffice profile
(``-env:UserInstallation``) that no other conversion uses at the same time: two conversions at once
never share (and never lock) a profile, and nothing is written to the server user's home. Profiles
are kept for the life of the process and lent to one conversion at a time (a pool): LibreOffice
initialises a new profile on its first start, work a fresh profile per conversion would repeat
every time. A profile whose conversion failed or timed out is thrown away. A conversion that hangs
is killed after ``timeout``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

_free_profiles: list[Path] = []
_all_profiles: set[Path] = set()
_lock = threading.Lock()


def _take_profile() -> Path:
    with _lock:
        if _free_profiles:
            return _free_profiles.pop()
        path = Path(tempfile.mkdtemp(prefix="chiso-soffice-profile-"))
        _all_profiles.add(path)
        return path


def _give_back(path: Path, *, ok: bool) -> None:
    with _lock:
        if ok:
            _free_profiles.append(path)
            return
        _all_profiles.discard(path)
    shutil.rmtree(path, ignore_errors=True)


@atexit.register
def _remove_profiles() -> None:
    for path in list(_all_profiles):
        shutil.rmtree(path, ignore_errors=True)


class ConversionError(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which(os.environ.get("SOFFICE", "soffice")) or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: float = 120.0) -> bytes:
    """Convert .docx bytes to .pdf bytes. Raises :class:`ConversionError`."""
    exe = soffice_path()
    if exe is None:
        raise ConversionError("LibreOffice (soffice) is not installed: run `make install`")
    profile_dir = _take_profile()
    ok = False
    try:
        with tempfile.TemporaryDirectory(prefix="chiso-pdf-") as tmp:
            tmp_path = Path(tmp)
            src = tmp_path / "report.docx"
            src.write_bytes(docx)
            cmd = [
                exe,
                f"-env:UserInstallation={(profile_dir / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(src),
            ]
            env = {**os.environ, "HOME": str(profile_dir), "SAL_USE_VCLPLUGIN": "svp"}
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
            data = out.read_bytes()
            ok = True
            return data
    finally:
        _give_back(profile_dir, ok=ok)

"""chiso — raise a Vietnamese province's ICT Index / DTI."""

from __future__ import annotations

__version__ = "0.1.0"

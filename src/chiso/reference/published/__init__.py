"""Published results as shipped reference data (CSV files copied unchanged; each row names its source).

Read them with :func:`chiso.reference.published_rows`.  This file makes the folder a package so that
its CSV files are installed with chiso.
"""

from __future__ import annotations

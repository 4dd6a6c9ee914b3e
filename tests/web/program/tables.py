"""A published table recorded the way chiso records one: through the import service
(``chiso.results.services.published.save_table``), which announces the publication to the program."""

from __future__ import annotations

from chiso.orgs import audit
from chiso.results.services.published import PreviewRow, TablePreview, save_table


def import_table(framework_id: str, year: int, *, title: str, is_demo: bool = False):
    """One checked row (a province's total), saved by the import service; returns the table."""
    preview = TablePreview(framework_id=framework_id, year=year, is_demo=is_demo,
                           rows=[PreviewRow(row=2, name="Tỉnh Thử", unit_ref="P99", values={"total": 0.5})])
    return save_table(preview, audit.Actor(user=None, request_id="test"), title=title, source="thử")

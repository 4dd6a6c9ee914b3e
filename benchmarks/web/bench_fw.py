"""The benchmark's synthetic framework (100 indicators under 10 components), registered in every
process that serves the benchmark (gunicorn workers import ``bench_wsgi``)."""

from __future__ import annotations

from chiso.engine import Framework
from chiso.lib import frameworks

FW_ID = "bench-fw-100"
BIG_ID = "bench-fw-10000"


def _fw(fw_id: str, n_comp: int, per: int) -> Framework:
    comps = []
    for c in range(n_comp):
        comps.append({"code": f"c{c:02d}", "name": {"vi": f"Thành phần {c + 1}"}, "method": "weighted_mean",
                      "children": [{"code": f"i{c:02d}_{k:04d}", "name": {"vi": f"Chỉ tiêu {c + 1}.{k + 1}"},
                                    "unit": "%", "range": [0, 100], "scoring": "ratio_to_max"}
                                   for k in range(per)]})
    return Framework.from_dict({"id": fw_id, "name": {"vi": f"Bộ chỉ số benchmark ({fw_id})"}, "edition": 2024,
                                "status": "provisional", "root": {"code": "total", "name": {"vi": "Tổng"},
                                                                  "method": "weighted_mean", "children": comps}})


def register() -> None:
    frameworks.register(_fw(FW_ID, 10, 10))
    frameworks.register(_fw(BIG_ID, 10, 1000))

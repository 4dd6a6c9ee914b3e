"""WSGI entry of the benchmark: the chiso application plus the benchmark's frameworks."""

from __future__ import annotations

import bench_fw

from chiso.site.wsgi import application

bench_fw.register()

__all__ = ["application"]

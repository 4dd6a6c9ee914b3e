"""API v1. First wave: the framework catalogue (public). Token-authenticated values and
submissions follow in the second wave."""

from __future__ import annotations

from ninja import NinjaAPI, Schema

from chiso.lib import frameworks

api = NinjaAPI(title="chiso API", version="1", urls_namespace="api", docs_url="/docs")


class FrameworkOut(Schema):
    id: str
    name: str


@api.get("/frameworks", response=list[FrameworkOut])
def list_frameworks(request):
    out = []
    for fw_id, _label in frameworks.framework_choices():
        fw = frameworks.get_framework(fw_id)
        out.append({"id": fw.id, "name": fw.label("vi")})
    return out

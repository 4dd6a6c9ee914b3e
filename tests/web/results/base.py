"""The results cast: W1's BaseTestCase (department, agencies A and B, leadership) on the Hà Nam
reference id, a small published DTI table of five provinces, and a run computed from it."""

from __future__ import annotations

from django.core.cache import cache

from chiso.orgs import audit
from chiso.orgs.models import Unit
from chiso.results import services
from chiso.results.models import PublishedTable, PublishedValue

from ..base import BaseTestCase

DTI = "vn-dti-2022-province"
MAINS = ["nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang", "do_thi_thong_minh",
         "hoat_dong_chinh_quyen_so", "hoat_dong_kinh_te_so", "hoat_dong_xa_hoi_so"]
PEERS = {
    "P35": ("Hà Nam", 0.50),
    "P48": ("Đà Nẵng", 0.80),
    "P01": ("Hà Nội", 0.70),
    "P36": ("Nam Định", 0.40),
    "P37": ("Ninh Bình", 0.60),
}


class ResultsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Unit.objects.filter(pk=cls.province.pk).update(ref_id="P35", name="Hà Nam")
        cls.table = PublishedTable.objects.create(framework_id=DTI, year=2022, title="DTI 2022 thử",
                                                  kind="import", source="https://example.org/dti")
        for ref, (name, base) in PEERS.items():
            for k, code in enumerate(MAINS):
                PublishedValue.objects.create(table=cls.table, unit_ref=ref, unit_name=name, code=code,
                                              value=round(base + 0.01 * k, 4), source="https://example.org/dti")
        cls.dti_run = services.run_from_table(cls.table, audit.Actor(user=cls.admin))

    def setUp(self):
        super().setUp()
        # Tests change runs with .update() behind the dashboard's cache stamp: start each one cold.
        cache.clear()

"""``setup_province NAME --as-of YYYY-MM-DD [--demo] [--format text|json]``: set up a deployment for
any province on a date (units, agencies, standing body, successions, responsibility matrices).

The work is done by :func:`chiso.orgs.provinces.setup_province`; see there.  With ``--demo`` it also
opens collection's labelled DTI round (:func:`chiso.collection.management.loaders.load_demo_round`).  An unknown or ambiguous
name, or a date before 01/01/2004 or more than five years ahead, exits with code 2 and a Vietnamese
message naming the closest provinces; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from chiso.collection.management.loaders import load_demo_round
from chiso.orgs import provinces


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--as-of: '{text}' không phải ngày dạng YYYY-MM-DD.", returncode=2) from None


class Command(BaseCommand):
    help = (
        "Thiết lập tỉnh vào một ngày: đơn vị hành chính, cơ quan, cơ quan thường trực, kế thừa, "
        "ma trận trách nhiệm; --demo thêm người dùng minh họa."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="tên tỉnh, thành phố như trong danh mục (viết không dấu cũng được)")
        parser.add_argument("--as-of", dest="as_of", required=True, help="ngày YYYY-MM-DD")
        parser.add_argument("--demo", action="store_true",
                            help="thêm người dùng minh họa và một đợt thu thập DTI minh họa đang mở")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        as_of = _iso_date(options["as_of"])
        try:
            result = provinces.setup_province(options["name"], as_of, demo=options["demo"],
                                              demo_round=load_demo_round)
        except provinces.ProvinceSetupError as e:
            raise CommandError(str(e), returncode=2) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        u = result.units
        standing = [a["name"] for a in result.agencies if a["standing_body"]]
        lines = [
            f"Tỉnh: {result.province} ({result.province_ref}), ngày {as_of:%d/%m/%Y}",
            f"Đơn vị đang có hiệu lực: 1 tỉnh, {u['district']} huyện, {u['commune']} xã/phường/đặc khu",
            f"Cơ quan đang có hiệu lực: {len(result.agencies)}; cơ quan thường trực: {', '.join(standing) or 'chưa có'}",
            "Ma trận trách nhiệm: " + (", ".join(result.frameworks_with_matrix) or "không có bộ chỉ số nào"),
            "Đã ghi: {units} đơn vị, {agencies} cơ quan, {responsibilities} dòng ma trận".format(
                **result.written
            ),
        ]
        if result.unmapped_roles:
            lines.append(
                "Vai trò chưa có loại cơ quan nào đảm nhận vào ngày này (agency_roles.csv), chưa phân công: "
                + ", ".join(result.unmapped_roles)
            )
        if result.demo_users:
            lines.append(
                f"Người dùng minh họa (mật khẩu {provinces.DEMO_PASSWORD}): " + ", ".join(result.demo_users)
            )
        if result.demo_round:
            lines.append(f"Đợt thu thập minh họa đang mở: {result.demo_round}")
        self.stdout.write("\n".join(lines))

"""The reference case: Hà Nam and QĐ 936/QĐ-UBND (23/6/2017), as data.

Units and the agencies named in chiso.reference come from there (with their provenance);
this module adds the other bodies QĐ 936 §4 names (the other sở, the press), the
responsibility matrix of §4 and the labelled demonstration users.
"""

from __future__ import annotations

FRAMEWORK_ID = "vn-ict-index-2016-province"
PROVINCE_REF = "P35"
DECISION = "QĐ 936/QĐ-UBND ngày 23/6/2017"
HANAM_ENDS = "2025-07-01"  # Nghị quyết 202/2025/QH15: Hà Nam merged into Ninh Bình

# QĐ 936 §4g ("Các Sở, ban, ngành") and §4i (press): bodies not in chiso.reference's agency table.
# Their later reorganisations are not tracked here; they end with the province.
EXTRA_AGENCIES = [
    ("A35.SCT", "Sở Công Thương tỉnh Hà Nam", "Sở Công Thương", "department"),
    ("A35.SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Nam", "Sở NN&PTNT", "department"),
    ("A35.STNMT", "Sở Tài nguyên và Môi trường tỉnh Hà Nam", "Sở TN&MT", "department"),
    ("A35.SXD", "Sở Xây dựng tỉnh Hà Nam", "Sở Xây dựng", "department"),
    ("A35.SGTVT", "Sở Giao thông vận tải tỉnh Hà Nam", "Sở GTVT", "department"),
    ("A35.SYT", "Sở Y tế tỉnh Hà Nam", "Sở Y tế", "department"),
    ("A35.SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Nam", "Sở VH,TT&DL", "department"),
    ("A35.SLDTBXH", "Sở Lao động - Thương binh và Xã hội tỉnh Hà Nam", "Sở LĐ-TB&XH", "department"),
    ("A35.VPUBND", "Văn phòng UBND tỉnh Hà Nam", "VP UBND tỉnh", "department"),
    ("A35.TTR", "Thanh tra tỉnh Hà Nam", "Thanh tra tỉnh", "department"),
    ("A35.BAOHANAM", "Báo Hà Nam", "Báo Hà Nam", "press"),
    ("A35.DAIPTTH", "Đài Phát thanh và Truyền hình tỉnh Hà Nam", "Đài PT-TH Hà Nam", "press"),
]

TYPE_KIND = {"UBND_TINH": "province", "UBND_HUYEN": "district"}  # every other type is a sở
STANDING_BODY = "A35.STTTT"
OTHER_SO = [a[0] for a in EXTRA_AGENCIES if a[3] == "department"]
DISTRICTS = ["A347.UBND_HUYEN", "A349.UBND_HUYEN", "A350.UBND_HUYEN", "A351.UBND_HUYEN",
             "A352.UBND_HUYEN", "A353.UBND_HUYEN"]

# QĐ 936 §4: (agency ids, node codes, role, note)
MATRIX = [
    (["A35.STTTT"], ["htkt_xa_hoi", "htkt_cqnn", "ud_noi_bo"], "lead", "§4a: chủ trì"),
    (["A35.STTTT"], ["htnl_xa_hoi", "htnl_cqnn", "dvctt"], "support", "§4a: phối hợp cải thiện các chỉ số khác"),
    (["A35.SNV"], ["cb_chuyen_trach_cntt", "cb_chuyen_trach_attt"], "lead", "§4d: chủ trì hai tiêu chí"),
    (["A35.SNV"], ["htnl_cqnn"], "support", "§4d: phối hợp xây dựng kế hoạch đào tạo"),
    (["A35.STP"], ["dvctt"], "lead", "§4e: chủ trì"),
    (["A35.SGDDT"], ["htnl_xa_hoi"], "lead", "§4f: cơ quan đầu mối"),
    (["A35.SKHDT", "A35.STC"], ["htkt_cqnn"], "support", "§4b, §4c: nguồn vốn, trang bị hạ tầng máy tính"),
    (OTHER_SO, ["htkt_cqnn", "htnl_cqnn", "dvctt"], "support", "§4g: tại cơ quan mình"),
    (DISTRICTS, ["htkt_xa_hoi", "htnl_xa_hoi", "dvctt"], "lead", "§4h: chủ trì tại địa phương mình"),
]

# Warning rule from QĐ 936 §3 (target of 2017): 100% of communes on the e-one-stop software.
RULES = [
    ("xa_dung_mot_cua_dien_tu", "gte", "", 100.0, "warning",
     "QĐ 936 §3: năm 2017 bảo đảm 100% xã, phường, thị trấn ứng dụng phần mềm Một cửa điện tử."),
]

DEMO_PASSWORD = "chiso-demo-2017"
# (username, full name, agency id, role)
DEMO_USERS = [
    ("sotttt.quantri", "Quản trị Sở TT&TT (minh họa)", "A35.STTTT", "dept_admin"),
    ("sotttt.thamdinh", "Cán bộ thẩm định Sở TT&TT (minh họa)", "A35.STTTT", "dept_officer"),
    ("sotttt.nhaplieu", "Cán bộ nhập liệu Sở TT&TT (minh họa)", "A35.STTTT", "agency_officer"),
    ("sotttt.lanhdao", "Lãnh đạo Sở TT&TT (minh họa)", "A35.STTTT", "agency_head"),
    ("sonoivu.nhaplieu", "Cán bộ nhập liệu Sở Nội vụ (minh họa)", "A35.SNV", "agency_officer"),
    ("sonoivu.lanhdao", "Lãnh đạo Sở Nội vụ (minh họa)", "A35.SNV", "agency_head"),
    ("sotuphap.nhaplieu", "Cán bộ nhập liệu Sở Tư pháp (minh họa)", "A35.STP", "agency_officer"),
    ("sotuphap.lanhdao", "Lãnh đạo Sở Tư pháp (minh họa)", "A35.STP", "agency_head"),
    ("sogddt.nhaplieu", "Cán bộ nhập liệu Sở GD&ĐT (minh họa)", "A35.SGDDT", "agency_officer"),
    ("sogddt.lanhdao", "Lãnh đạo Sở GD&ĐT (minh họa)", "A35.SGDDT", "agency_head"),
    ("phuly.nhaplieu", "Cán bộ nhập liệu UBND TP Phủ Lý (minh họa)", "A347.UBND_HUYEN", "agency_officer"),
    ("phuly.lanhdao", "Lãnh đạo UBND TP Phủ Lý (minh họa)", "A347.UBND_HUYEN", "agency_head"),
    ("ubndtinh.lanhdao", "Lãnh đạo UBND tỉnh (minh họa)", "A35.UBND_TINH", "leadership"),
]

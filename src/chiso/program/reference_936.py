"""QĐ 936/QĐ-UBND Hà Nam (23/6/2017) as data: the text of the objectives, the §3 solutions (one
task per bullet), the §4 duties and the recurring obligations, quoted from
/work/shared/domain/qd-936-2017-hanam-ict-index-program.txt.

What the decision does NOT say is marked as such: §3 names no lead agency for a solution (the
lead below is the agency §4 makes responsible for the component the solution improves, and
``basis`` says which paragraph), and it gives numbers only for computers (1 per civil servant),
the one-stop software (100 % of communes in 2017) and primary schools (100 %). Other KPIs have no
target until the department sets one.
"""

from __future__ import annotations

import datetime as dt

FRAMEWORK_ID = "vn-ict-index-2016-province"
CODE = "hanam-qd936-2017"
STTTT, SNV, STP, SGDDT, SKHDT, STC = "A35.STTTT", "A35.SNV", "A35.STP", "A35.SGDDT", "A35.SKHDT", "A35.STC"
STNMT, BAO, DAI = "A35.STNMT", "A35.BAOHANAM", "A35.DAIPTTH"
OTHER_SO = [
    "A35.SCT",
    "A35.SNNPTNT",
    "A35.STNMT",
    "A35.SXD",
    "A35.SGTVT",
    "A35.SYT",
    "A35.SVHTTDL",
    "A35.SLDTBXH",
    "A35.VPUBND",
    "A35.TTR",
]
ALL_SO = [STTTT, SKHDT, STC, SNV, STP, SGDDT, *OTHER_SO]
DISTRICTS = [
    "A347.UBND_HUYEN",
    "A349.UBND_HUYEN",
    "A350.UBND_HUYEN",
    "A351.UBND_HUYEN",
    "A352.UBND_HUYEN",
    "A353.UBND_HUYEN",
]

PROGRAM = {
    "code": CODE,
    "title": "Chương trình hành động nâng cao chỉ số sẵn sàng cho phát triển và ứng dụng công nghệ thông tin "
    "và truyền thông (ICT Index) tỉnh Hà Nam giai đoạn 2017 - 2020",
    "decision_number": "936/QĐ-UBND",
    "header_number": "436/QĐ-UBND",
    "number_note": "Phần đầu Quyết định ghi “Số: 436/QĐ-UBND”; phụ lục Chương trình ghi “Ban hành kèm theo "
    "Quyết định số: 936/QĐ-UBND ngày 23/6/2017”. Giữ cả hai như văn bản công bố.",
    "decision_date": dt.date(2017, 6, 23),
    "issuer": "Ủy ban nhân dân tỉnh Hà Nam",
    "signer": "Vũ Đại Thắng",
    "signer_title": "TM. Ủy ban nhân dân tỉnh, KT. Chủ tịch, Phó Chủ tịch",
    "legal_grounds": (
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Nghị quyết số 36-NQ/TW ngày 01 tháng 7 "
        "năm 2014 của Bộ Chính trị; Nghị quyết số 26/NQ-CP ngày 15 tháng 4 năm 2015 của Chính phủ; Nghị quyết số "
        "36a/NQ-CP ngày 14 tháng 10 năm 2015 của Chính phủ về Chính phủ điện tử; đề nghị của Giám đốc Sở Thông "
        "tin và Truyền thông."
    ),
    "starts_on": dt.date(2017, 6, 23),
    "ends_on": dt.date(2020, 12, 31),
    "framework_id": FRAMEWORK_ID,
    "source": "Quyết định 936/QĐ-UBND (số đầu văn bản: 436/QĐ-UBND) ngày 23/6/2017 của UBND tỉnh Hà Nam "
    "(shared/domain/qd-936-2017-hanam-ict-index-program.txt)",
}

GENERAL_OBJECTIVES = [
    "Phát huy vai trò, tầm quan trọng của công nghệ thông tin trong quản lý, điều hành hoạt động của cơ quan "
    "góp phần quan trọng trong cải cách hành chính.",
    "Ứng dụng công nghệ thông tin trong các cơ quan nhà nước nhằm xây dựng chính quyền hiện đại, hiệu lực, "
    "hiệu quả, dân chủ, công khai minh bạch, phục vụ người dân, doanh nghiệp tốt hơn.",
    "Ứng dụng công nghệ thông tin trong các cơ quan nhà nước hướng tới Chính phủ điện tử gắn liền với quá trình "
    "cải cách hành chính tại tỉnh Hà Nam.",
    "Nâng cao ý thức về vai trò, trách nhiệm các cơ quan hành chính các cấp trong nhận thức và hành động để nâng "
    "cao Chỉ số sẵn sàng cho phát triển công nghệ thông tin và truyền thông tỉnh Hà Nam năm 2017 và các năm tiếp "
    "theo, phấn đấu đưa chỉ số sẵn sàng cho phát triển và ứng dụng công nghệ thông tin và truyền thông của tỉnh "
    "vào nhóm những tỉnh, thành phố có thứ hạng cao trên cả nước.",
]

SPECIFIC_OBJECTIVE = {
    "text": "Tiếp tục duy trì phát huy những chỉ số thành phần có điểm số cao, tăng thứ hạng và phấn đấu cải thiện "
    "đáng kể các chỉ số thành phần có điểm số thấp; nâng cao vị trí xếp hạng trong bảng xếp hạng ICT Index "
    "hàng năm; phấn đấu đến năm 2020 Hà Nam ở vị trí trong nhóm 20 tỉnh có xếp hạng ICT Index cao của cả "
    "nước.",
    "framework_id": FRAMEWORK_ID,
    "target_rank": 20,
    "target_year": 2020,
    "section": "2",
}

END = dt.date(2020, 12, 31)

# KPI tuple: (name, unit, target, target_basis, due, source, indicator_code, source_agency)
# One task per §3 bullet: (title, text, lead, supporting, basis, deadline, recurrence, components, kpis)
TASKS = [
    (
        "Quán triệt, tuyên truyền nâng cao nhận thức về ICT Index",
        "Tổ chức quán triệt các quy định về ứng dụng công nghệ thông tin, tuyên truyền sâu rộng trên các phương tiện "
        "thông tin đại chúng để tạo sự chuyển biến mạnh mẽ trong việc nâng cao nhận thức của cán bộ, công chức, viên "
        "chức về tầm quan trọng của việc nâng cao chỉ số ICT Index nhằm đẩy mạnh việc ứng dụng công nghệ thông tin "
        "trong hoạt động của cơ quan nhà nước, hướng tới Chính phủ điện tử phục vụ người dân và doanh nghiệp. Nêu cao "
        "vai trò và trách nhiệm của người đứng đầu cơ quan trong việc ứng dụng công nghệ thông tin trong quản lý điều "
        "hành.",
        STTTT,
        [BAO, DAI],
        "§4a (tuyên truyền, phối hợp Ban Tuyên giáo chỉ đạo Báo, Đài), §4i",
        None,
        "quarterly",
        [],
        [
            (
                "Số chuyên mục ICT Index phát sóng trên Đài PT-TH tỉnh",
                "chuyên mục/năm",
                12,
                "§4i: phát sóng định kỳ 01 lần/tháng",
                END,
                "reported",
                "",
                None,
            )
        ],
    ),
    (
        "Công khai, minh bạch thông tin; nâng cao chất lượng Cổng thông tin điện tử",
        "Đẩy mạnh việc công khai, minh bạch hóa thông tin cho người dân và doanh nghiệp. Nâng cao chất lượng hoạt động "
        "Cổng thông tin điện tử của tỉnh và các sở, ban, ngành, ủy ban nhân dân huyện, thành phố. Phổ biến, công khai "
        "các văn bản quy phạm, quy hoạch, kế hoạch, thủ tục hành chính và các văn bản chỉ đạo điều hành của tỉnh trên "
        "Cổng thông tin điện tử của tỉnh và của các sở, ngành, ủy ban nhân dân huyện, thành phố để người dân và doanh "
        "nghiệp dễ dàng tiếp cận, không mất thời gian tìm kiếm.",
        STTTT,
        [*OTHER_SO, *DISTRICTS],
        "§4a (tuyên truyền trên Cổng TTĐT tỉnh; ứng dụng nội bộ), §4g, §4h",
        None,
        "quarterly",
        ["ud_noi_bo"],
        [],
    ),
    (
        "Trang bị hạ tầng CNTT: mỗi cán bộ, công chức 01 máy tính",
        "Đầu tư nâng cấp trang bị hạ tầng công nghệ thông tin trong các cơ quan hành chính nhà nước. Đảm bảo mỗi cán "
        "bộ, công chức có 01 máy tính để phục vụ công việc.",
        STTTT,
        [SKHDT, STC],
        "§4a (chủ trì “Hạ tầng kỹ thuật của các cơ quan nhà nước”), §4b, §4c",
        END,
        "none",
        ["htkt_cqnn"],
        [
            (
                "Tỷ lệ máy tính trên cán bộ, công chức",
                "máy/người",
                1.0,
                "§3: mỗi cán bộ, công chức có 01 máy tính",
                END,
                "indicator",
                "may_tinh_tren_cbcc",
                STTTT,
            )
        ],
    ),
    (
        "Nâng cấp phần mềm Quản lý văn bản và điều hành, thư điện tử hanam.gov.vn",
        "Nâng cấp phần mềm Quản lý Văn bản và Điều hành, thư điện tử tên miền hanam.gov.vn để phục vụ công tác chỉ "
        "đạo điều hành.",
        STTTT,
        [],
        "§4a (chủ trì “Ứng dụng nội bộ cơ quan nhà nước”)",
        None,
        "none",
        ["ud_noi_bo"],
        [
            (
                "Tỷ lệ cán bộ, công chức sử dụng thư điện tử công vụ",
                "%",
                None,
                "QĐ 936 không nêu chỉ tiêu định lượng",
                END,
                "indicator",
                "cbcc_dung_thu_dien_tu",
                STTTT,
            )
        ],
    ),
    (
        "Trang bị phần mềm diệt virus và thiết bị an toàn dữ liệu",
        "Trang bị phần mềm diệt virus và các thiết bị an toàn dữ liệu tại các cơ quan.",
        STTTT,
        [STC],
        "§4a (chủ trì “Hạ tầng kỹ thuật của các cơ quan nhà nước”), §4c",
        END,
        "none",
        ["htkt_cqnn"],
        [
            (
                "Tỷ lệ cơ quan trang bị phần mềm diệt virus và thiết bị an toàn dữ liệu",
                "%",
                100.0,
                "§3: trang bị tại các cơ quan",
                END,
                "indicator",
                "co_quan_diet_virus",
                STTTT,
            )
        ],
    ),
    (
        "Kết nối mạng diện rộng, mạng truyền số liệu chuyên dùng đến cấp xã",
        "Kết nối mạng diện rộng, mạng truyền số liệu chuyên dùng đến cấp xã.",
        STTTT,
        DISTRICTS,
        "§4a (chủ trì “Hạ tầng kỹ thuật của các cơ quan nhà nước”), §4h",
        END,
        "none",
        ["htkt_cqnn"],
        [
            (
                "Tỷ lệ xã, phường, thị trấn kết nối mạng diện rộng",
                "%",
                100.0,
                "§3: kết nối đến cấp xã",
                END,
                "indicator",
                "xa_ket_noi_wan",
                STTTT,
            )
        ],
    ),
    (
        "Triển khai Một cửa điện tử và dịch vụ công trực tuyến tới cấp xã (100% năm 2017)",
        "Triển khai phần mềm Một cửa điện tử và dịch vụ công trực tuyến tới cấp xã, phường, thị trấn. Năm 2017 đảm "
        "bảo 100% các xã, phường, thị trấn ứng dụng phần mềm trong giải quyết các thủ tục hành chính.",
        STTTT,
        [SNV, SKHDT, STC, *DISTRICTS],
        "§4a (chủ trì “Ứng dụng nội bộ”; giám sát Một cửa điện tử), §4b, §4c, §4d, §4h",
        dt.date(2017, 12, 31),
        "none",
        ["ud_noi_bo"],
        [
            (
                "Tỷ lệ xã, phường, thị trấn ứng dụng phần mềm Một cửa điện tử",
                "%",
                100.0,
                "§3: năm 2017 đảm bảo 100% các xã, phường, thị trấn",
                dt.date(2017, 12, 31),
                "indicator",
                "xa_dung_mot_cua_dien_tu",
                STTTT,
            )
        ],
    ),
    (
        "Tăng cường ứng dụng Một cửa điện tử và dịch vụ công trực tuyến mức độ 3, 4",
        "Tăng cường ứng dụng hệ thống Một cửa điện tử và dịch vụ công trực tuyến mức độ 3, mức độ 4 tại các cơ quan. "
        "Tiếp nhận, cập nhật và giải quyết các bộ hồ sơ nộp trực tuyến hoặc trực tiếp của các tổ chức, cá nhân thông "
        "qua phần mềm.",
        STP,
        [STTTT, SNV, *OTHER_SO, *DISTRICTS],
        "§4e (chủ trì “Dịch vụ công trực tuyến”), §4a, §4d, §4g, §4h",
        None,
        "quarterly",
        ["dvctt"],
        [
            (
                "Tỷ lệ thủ tục hành chính cung cấp trực tuyến mức độ 3",
                "%",
                None,
                "QĐ 936 không nêu chỉ tiêu định lượng",
                END,
                "indicator",
                "dvc_muc_3",
                STP,
            ),
            (
                "Tỷ lệ thủ tục hành chính cung cấp trực tuyến mức độ 4",
                "%",
                None,
                "QĐ 936 không nêu chỉ tiêu định lượng",
                END,
                "indicator",
                "dvc_muc_4",
                STP,
            ),
        ],
    ),
    (
        "Xây dựng cơ sở dữ liệu trọng điểm",
        "Xây dựng cơ sở dữ liệu trọng điểm phục vụ cho các mục đích tra cứu, tìm kiếm và khai thác thông tin của người "
        "sử dụng trên môi trường mạng: Cơ sở dữ liệu đất đai tỉnh Hà Nam; cơ sở dữ liệu về thống kê kinh tế - xã hội; "
        "cơ sở dữ liệu doanh nghiệp và đầu tư...",
        STTTT,
        [STNMT, SKHDT],
        "§4a (chủ trì tham mưu, triển khai giải pháp, dự án CNTT)",
        END,
        "none",
        ["ud_noi_bo"],
        [
            (
                "Số cơ sở dữ liệu trọng điểm đưa vào khai thác",
                "CSDL",
                3.0,
                "§3 kể tên 3 CSDL: đất đai; thống kê kinh tế - xã hội; doanh nghiệp và đầu tư",
                END,
                "reported",
                "",
                None,
            )
        ],
    ),
    (
        "Cơ chế, chính sách thu hút đầu tư và nhân lực CNTT",
        "Ban hành chính sách, cơ chế đặc thù để thu hút các nguồn lực đầu tư của các thành phần kinh tế cho ứng dụng, "
        "phát triển công nghiệp và thị trường công nghệ thông tin. Khuyến khích các thành phần kinh tế tham gia phát "
        "triển công nghiệp công nghệ thông tin; khuyến khích đào tạo và thu hút nhân lực có trình độ cao về công nghệ "
        "thông tin, có chế độ đãi ngộ hợp lý đối với đội ngũ cán bộ công nghệ thông tin làm việc tại các cơ quan.",
        SKHDT,
        [STC, STTTT, SNV],
        "§4b (nguồn vốn đầu tư), §4c (giải pháp tài chính), §4d",
        None,
        "none",
        [],
        [],
    ),
    (
        "Đào tạo phần mềm nguồn mở, an toàn an ninh thông tin cho cán bộ, công chức",
        "Tăng cường đào tạo phần mềm nguồn mở, an toàn an ninh thông tin cho tất cả cán bộ, công chức trong các cơ "
        "quan hành chính nhà nước. Tạo điều kiện cho cán bộ chuyên trách về công nghệ thông tin được học tập, bồi "
        "dưỡng nâng cao trình độ quản lý, trình độ chuyên môn nghiệp vụ.",
        STTTT,
        [SNV],
        "§4d (phối hợp Sở TT&TT xây dựng kế hoạch đào tạo)",
        None,
        "yearly",
        ["htnl_cqnn"],
        [
            (
                "Tỷ lệ cán bộ chuyên trách công nghệ thông tin trong cơ quan nhà nước",
                "%",
                None,
                "QĐ 936 §4d giao Sở Nội vụ theo dõi; không nêu chỉ tiêu",
                END,
                "indicator",
                "cb_chuyen_trach_cntt",
                SNV,
            )
        ],
    ),
    (
        "Đào tạo tin học cho 100% trường tiểu học",
        "Triển khai đào tạo tin học cho 100% các trường tiểu học trên địa bàn tỉnh.",
        SGDDT,
        DISTRICTS,
        "§4f (đầu mối “Hạ tầng nhân lực xã hội”; kế hoạch tăng tỷ lệ đào tạo tin học tiểu học)",
        END,
        "none",
        ["htnl_xa_hoi"],
        [
            (
                "Tỷ lệ trường tiểu học có dạy tin học",
                "%",
                100.0,
                "§3: 100% các trường tiểu học",
                END,
                "indicator",
                "truong_th_day_tin_hoc",
                SGDDT,
            )
        ],
    ),
    (
        "Quy chế bảo đảm an toàn thông tin; kiểm tra hằng năm",
        "Ban hành và triển khai Quy chế đảm bảo an toàn thông tin trên máy tính, mạng máy tính và các thiết bị công "
        "nghệ thông tin trong hoạt động của các cơ quan nhà nước tỉnh Hà Nam. Hàng năm, tổ chức kiểm tra công tác đảm "
        "bảo an toàn thông tin trong hoạt động ứng dụng công nghệ thông tin tại các cơ quan hành chính nhà nước. Qua "
        "kiểm tra kịp thời chấn chỉnh, hướng dẫn thực hiện các biện pháp đảm bảo an toàn thông tin.",
        STTTT,
        [],
        "§4a (chủ trì tham mưu, triển khai giải pháp)",
        None,
        "yearly",
        ["htkt_cqnn"],
        [
            (
                "Số đợt kiểm tra an toàn thông tin tại các cơ quan trong năm",
                "đợt/năm",
                1.0,
                "§3: hằng năm tổ chức kiểm tra",
                END,
                "reported",
                "",
                None,
            )
        ],
    ),
]

# §4: (section, addressee as published, agency codes, [duty texts])
DUTIES = [
    (
        "a",
        "Sở Thông tin và Truyền thông",
        [STTTT],
        [
            "Là cơ quan thường trực trong việc theo dõi, tổng hợp, báo cáo kết quả thực hiện Chương trình hành động về "
            "Ủy ban nhân dân tỉnh.",
            "Chủ trì, phối hợp với các sở, ban, ngành, ủy ban nhân dân huyện, thành phố và các đơn vị liên quan chịu "
            "trách nhiệm theo dõi, tham mưu cải thiện chỉ số: “Hạ tầng kỹ thuật của xã hội”, “hạ tầng kỹ thuật của các cơ "
            "quan nhà nước” và “Ứng dụng nội bộ cơ quan nhà nước”.",
            "Phối hợp với các sở, ban, ngành, ủy ban nhân dân huyện, thành phố và các đơn vị liên quan trong việc cải "
            "thiện các chỉ số khác.",
            "Tiếp nhận, tổng hợp các vướng mắc, kiến nghị của các sở, ban, ngành, ủy ban nhân dân huyện, thành phố liên "
            "quan đến việc cải thiện chỉ số ICT Index để tham mưu với Ủy ban nhân dân tỉnh kịp thời giải quyết.",
            "Chủ trì tham mưu, triển khai các giải pháp, chương trình, dự án liên quan đến công nghệ thông tin và truyền "
            "thông đã được Bộ Thông tin và Truyền thông, Ủy ban nhân dân tỉnh phê duyệt.",
            "Phối hợp với Ban Tuyên giáo Tỉnh ủy trong việc chỉ đạo Đài Phát thanh và Truyền hình tỉnh, Báo Hà Nam tăng "
            "cường tuyên truyền về tính quan trọng của chỉ số ICT Index đối với việc xúc tiến đầu tư và phát triển kinh "
            "tế, xã hội trên địa bàn tỉnh.",
            "Tuyên truyền Chương trình Hành động nâng cao chỉ số ICT Index của tỉnh trên Cổng thông tin điện tử tỉnh.",
            "Tăng cường kiểm tra, theo dõi giám sát hiệu quả của hệ thống Một cửa điện tử và Dịch vụ công trực tuyến "
            "triển khai tại cơ quan hành chính nhà nước các cấp trên địa bàn tỉnh, định kỳ hàng quý báo cáo Ủy ban nhân "
            "dân tỉnh.",
        ],
    ),
    (
        "b",
        "Sở Kế hoạch và Đầu tư",
        [SKHDT],
        [
            "Chủ trì tổng hợp nhu cầu vốn đầu tư phát triển cho các hoạt động đầu tư, mua sắm và thuê dịch vụ công nghệ "
            "thông tin trong cơ quan nhà nước phục vụ cải thiện chỉ số ICT Index năm 2017 và các năm tiếp theo. Trước mắt "
            "tập trung tham mưu các nguồn lực để trang bị hạ tầng máy tính cho các cơ quan; thuê dịch vụ công nghệ thông "
            "tin, phần mềm Một cửa điện tử, Dịch vụ công trực tuyến và nâng cấp Cổng Thông tin điện tử tỉnh Hà Nam.",
            "Chủ trì triển khai xây dựng Trung tâm Hành chính công tỉnh Hà Nam theo đúng tiến độ do Ủy ban nhân dân tỉnh "
            "ban hành.",
            "Phân bổ đủ nguồn kinh phí để bảo đảm hoạt động ứng dụng công nghệ thông tin của các cơ quan được ổn định, "
            "liên tục, hiệu quả.",
        ],
    ),
    (
        "c",
        "Sở Tài chính",
        [STC],
        [
            "Chủ trì, tổng hợp nhu cầu và xây dựng dự toán kinh phí chi hoạt động thường xuyên về công nghệ thông tin cho "
            "các cấp, các ngành; đảm bảo thực hiện cải thiện chỉ số ICT Index của tỉnh năm 2017 và các năm tiếp theo.",
            "Phối hợp với Sở Kế hoạch và Đầu tư, Sở Thông tin và Truyền thông trang bị hạ tầng máy tính cho các cơ quan; "
            "thuê dịch vụ công nghệ thông tin hệ thống phần mềm Một cửa điện tử và Dịch vụ công trực tuyến, nâng cấp Cổng "
            "thông tin điện tử tỉnh Hà Nam.",
            "Đề xuất các giải pháp cụ thể và tài chính liên quan đến hoạt động nâng cao chỉ số ICT Index tỉnh Hà Nam năm "
            "2017 và các năm tiếp theo.",
        ],
    ),
    (
        "d",
        "Sở Nội vụ",
        [SNV],
        [
            "Chủ trì, phối hợp với các sở, ban, ngành, ủy ban nhân dân huyện, thành phố chịu trách nhiệm theo dõi, tham "
            "mưu cải thiện các tiêu chí thành phần: “Tỷ lệ cán bộ chuyên trách công nghệ thông tin trong cơ quan nhà "
            "nước” và “Tỷ lệ cán bộ chuyên trách an toàn thông tin trong cơ quan nhà nước” trong chỉ số “Hạ tầng nhân "
            "lực của các cơ quan nhà nước”.",
            "Phối hợp Sở Thông tin và Truyền thông xây dựng Kế hoạch đào tạo cán bộ chuyên trách công nghệ thông tin, "
            "cán bộ an toàn thông tin trong các cơ quan nhà nước trên địa bàn tỉnh.",
            "Hướng dẫn, đôn đốc, kiểm tra việc thực hiện cơ chế một cửa, một cửa liên thông tại Trung tâm Hành chính "
            "công cấp tỉnh, cấp huyện, Bộ phận tiếp nhận và trả kết quả cấp xã.",
        ],
    ),
    (
        "e",
        "Sở Tư pháp",
        [STP],
        [
            "Chủ trì, phối hợp với các Sở, ban, ngành, Ủy ban nhân dân huyện, thành phố chịu trách nhiệm theo dõi, tham "
            "mưu cải thiện chỉ số “Dịch vụ công trực tuyến”.",
            "Tham mưu cho Ủy ban nhân dân tỉnh Quy định về bộ hồ sơ trực tuyến trên môi trường mạng.",
        ],
    ),
    (
        "f",
        "Sở Giáo dục và Đào tạo",
        [SGDDT],
        [
            "Là cơ quan đầu mối, phối hợp với các sở, ban, ngành, ủy ban nhân dân huyện thành phố chịu trách nhiệm theo "
            "dõi, tham mưu cải thiện chỉ số “Hạ tầng nhân lực xã hội”.",
            "Xây dựng kế hoạch cụ thể để tăng tỷ lệ đào tạo tin học tại các trường tiểu học trên địa bàn tỉnh.",
            "Tham mưu với Ủy ban nhân dân tỉnh có các giải pháp nâng cao tỷ lệ đào tạo tin học tại các trường Đại học, "
            "Cao đẳng trên địa bàn tỉnh.",
        ],
    ),
    (
        "g",
        "Các Sở, ban, ngành",
        ALL_SO,
        [
            "Phối hợp với Sở Thông tin và Truyền thông và các cơ quan, đơn vị liên quan cải thiện chỉ số “Hạ tầng kỹ "
            "thuật của các cơ quan nhà nước”; “Hạ tầng nhân lực của các cơ quan nhà nước”; “Ứng dụng dịch vụ công trực "
            "tuyến” tại cơ quan mình.",
        ],
    ),
    (
        "h",
        "Ủy ban nhân dân các huyện, thành phố",
        DISTRICTS,
        [
            "Chủ trì, phối hợp với các Sở, ban, ngành và các đơn vị liên quan chịu trách nhiệm tham mưu cải thiện chỉ số "
            "“Hạ tầng kỹ thuật của xã hội”; “Hạ tầng nhân lực của xã hội”; “Ứng dụng dịch vụ công trực tuyến” tại địa "
            "phương mình.",
            "Tập trung xây dựng Trung tâm Hành chính công cấp huyện, thành phố theo đúng tiến độ do Ủy ban nhân dân tỉnh "
            "quy định.",
        ],
    ),
    (
        "i",
        "Các cơ quan thông tấn, báo chí",
        [BAO, DAI],
        [
            "Báo Hà Nam, Đài Phát thanh và Truyền hình tỉnh tăng cường tuyên truyền về tầm quan trọng của chỉ số ICT "
            "Index đối với việc xúc tiến đầu tư và phát triển kinh tế, xã hội trên địa bàn tỉnh và xây dựng Chính phủ "
            "điện tử tỉnh.",
            "Đài Phát thanh và Truyền hình tỉnh phối hợp với các cơ quan liên quan xây dựng chuyên mục cải thiện chỉ số "
            "ICT Index của tỉnh, phát sóng định kỳ 01 lần/tháng.",
        ],
    ),
]

# §5a: each agency's own plan is a duty too (kept in DUTIES-like form for the duties page)
SECTION_5 = [
    (
        "5a",
        "Giám đốc các Sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, thành phố",
        [*ALL_SO, *DISTRICTS],
        "Trên cơ sở nội dung của Chương trình hành động này, theo chức năng nhiệm vụ được phân công, Giám đốc các Sở, "
        "ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, thành phố xây dựng kế hoạch cụ thể của ngành, địa phương mình "
        "phù hợp với từng chỉ số thành phần được phân công. Các cơ quan được giao chủ trì từng chỉ số ICT Index phối "
        "hợp với các cơ quan có liên quan để triển khai hiệu quả các chỉ số thành phần theo yêu cầu của tỉnh.",
    ),
    (
        "5c",
        "Các Sở, ban, ngành, Ủy ban nhân dân các huyện, thành phố",
        [*ALL_SO, *DISTRICTS],
        "Trong quá trình triển khai thực hiện, nếu có vướng mắc phát sinh, các Sở, ban, ngành, Ủy ban nhân dân các "
        "huyện, thành phố gửi kiến nghị về Sở Thông tin và Truyền thông để tổng hợp, đề xuất Ủy ban nhân dân tỉnh xem "
        "xét, giải quyết.",
    ),
]

# (title, section, agency, recurrence, due offset days, schedule note)
OBLIGATIONS = [
    (
        "Báo cáo UBND tỉnh về hiệu quả hệ thống Một cửa điện tử và Dịch vụ công trực tuyến",
        "4a",
        STTTT,
        "quarterly",
        15,
        "“định kỳ hàng quý báo cáo Ủy ban nhân dân tỉnh” (§4a); QĐ không quy định ngày: chiso đặt hạn 15 ngày sau "
        "cuối quý, cơ quan thường trực sửa được.",
    ),
    (
        "Chuyên mục cải thiện chỉ số ICT Index trên Đài Phát thanh và Truyền hình tỉnh",
        "4i",
        DAI,
        "monthly",
        0,
        "“phát sóng định kỳ 01 lần/tháng” (§4i): hạn là ngày cuối tháng.",
    ),
    (
        "Hội nghị phân tích, đánh giá kết quả ICT Index và kiểm điểm trách nhiệm",
        "5b",
        STTTT,
        "after_publication",
        60,
        "“Hàng năm, trên cơ sở kết quả chỉ số ICT Index … công bố, Ban Chỉ đạo Công nghệ thông tin của tỉnh sẽ tổ chức "
        "hội nghị” (§5b). Ban Chỉ đạo tổ chức, Sở TT&TT (thường trực) chuẩn bị; chiso đặt hạn 60 ngày sau ngày công bố.",
    ),
]

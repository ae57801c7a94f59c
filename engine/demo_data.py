"""The demo's content, from Tây Ninh's plan for Chỉ thị 14/CT-TTg (../shared/examples)."""

from __future__ import annotations

# (key, name, level, doc_code, parent key); users "<key>.soan" (drafter) and "<key>.truong" (unit head)
UNITS = (
    ("tinh", "UBND tỉnh Tây Ninh", "province", "UBND", None),
    ("sotttt", "Sở Thông tin và Truyền thông", "department", "STTTT", "tinh"),
    ("congan", "Công an tỉnh", "department", "CAT", "tinh"),
    ("sokhdt", "Sở Kế hoạch và Đầu tư", "department", "SKHĐT", "tinh"),
    ("sotc", "Sở Tài chính", "department", "STC", "tinh"),
    ("sonv", "Sở Nội vụ", "department", "SNV", "tinh"),
    ("sogddt", "Sở Giáo dục và Đào tạo", "department", "SGDĐT", "tinh"),
    ("daipt", "Đài Phát thanh - Truyền hình tỉnh", "department", "ĐPTTH", "tinh"),
    ("baotn", "Báo Tây Ninh", "department", "BTN", "tinh"),
    ("chauthanh", "UBND huyện Châu Thành", "district", "UBND", "tinh"),
    ("tptn", "UBND thành phố Tây Ninh", "district", "UBND", "tinh"),
    ("ct_vhtt", "Phòng Văn hóa và Thông tin huyện Châu Thành", "office", "VHTT", "chauthanh"),
    ("thaibinh", "UBND xã Thái Bình", "commune", "UBND", "chauthanh"),
    ("haoduoc", "UBND xã Hảo Đước", "commune", "UBND", "chauthanh"),
    ("anco", "UBND xã An Cơ", "commune", "UBND", "chauthanh"),
)
GROUPS = {
    "so_nganh": ("Các Sở, Ban, ngành", ("sotttt", "congan", "sokhdt", "sotc", "sonv", "sogddt")),
    "huyen": ("UBND các huyện, thành phố", ("chauthanh", "tptn")),
    "xa_chauthanh": ("UBND các xã, thị trấn huyện Châu Thành", ("thaibinh", "haoduoc", "anco")),
}
REPORTING_UNITS = (
    "sotttt",
    "congan",
    "sokhdt",
    "sotc",
    "sonv",
    "sogddt",
    "daipt",
    "baotn",
    "chauthanh",
    "tptn",
    "thaibinh",
    "haoduoc",
    "anco",
)

LEGAL_BASES = (
    "Luật Tổ chức chính quyền địa phương ngày 19/6/2015",
    "Luật An toàn thông tin mạng ngày 19/11/2015",
    "Luật An ninh mạng ngày 12/6/2018",
    "Chỉ thị 14/CT-TTg ngày 07/6/2019 của Thủ tướng Chính phủ",
)
RECIPIENTS = ("Như Điều 3", "CT, các PCT.UBND tỉnh", "CVP", "Phòng VHXH, TTHCC", "Lưu: VT, VP")
TITLE = (
    "Triển khai thực hiện Chỉ thị 14/CT-TTg ngày 07/6/2019 của Thủ tướng Chính phủ về việc tăng cường "
    "bảo đảm an toàn, an ninh mạng nhằm cải thiện chỉ số xếp hạng của Việt Nam"
)
DEPTS_DISTRICTS = ("@so_nganh", "@huyen")
FINANCE = ("sokhdt", "sotc")

# (section code, title, [(content, lead, coordinating, timeframe)]); "@x" names a group
TASKS = (
    (
        "I",
        "Hoàn thiện hệ thống các văn bản về an toàn, an ninh thông tin mạng",
        (
            (
                "Rà soát, hoàn thiện cơ chế, chính sách, hành lang pháp lý về an toàn thông tin mạng, an ninh mạng, "
                "tội phạm mạng, bảo vệ trẻ em trên môi trường mạng",
                ("sotttt", "congan"),
                DEPTS_DISTRICTS,
                "Thường xuyên hàng năm",
            ),
            (
                "Hoàn thiện cơ chế, chính sách, xây dựng chiến lược, quy hoạch, kế hoạch phát triển an toàn thông tin "
                "mạng; phát triển nguồn nhân lực an toàn, an ninh mạng",
                ("sotttt",),
                DEPTS_DISTRICTS,
                "Thường xuyên hàng năm",
            ),
            (
                "Rà soát, sửa đổi quy chế phối hợp giữa Công an tỉnh và Sở Thông tin và Truyền thông về hoạt động đảm "
                "bảo an toàn, an ninh mạng",
                ("congan",),
                ("sotttt",),
                "2019-2020",
            ),
        ),
    ),
    (
        "II",
        "Tuyên truyền, nâng cao nhận thức về an toàn, an ninh thông tin mạng",
        (
            (
                "Quán triệt và đẩy mạnh công tác tuyên truyền Luật An toàn thông tin mạng; Luật An ninh mạng; Chỉ thị "
                "số 14/CT-TTg; Kế hoạch này cho cán bộ, công chức và người dân, doanh nghiệp",
                ("daipt", "baotn", "@so_nganh", "@huyen"),
                (),
                "Thường xuyên hàng năm",
            ),
            (
                "Đổi mới phương thức tuyên truyền, xây dựng chuyên mục riêng về an toàn, an ninh mạng",
                ("daipt",),
                DEPTS_DISTRICTS,
                "Thường xuyên hàng năm",
            ),
            (
                "Tổ chức Hội thảo về an toàn thông tin mạng cấp tỉnh; diễn tập bảo đảm an toàn thông tin và ứng cứu "
                "sự cố mạng",
                ("sotttt",),
                ("congan", *DEPTS_DISTRICTS),
                "Thường xuyên hàng năm",
            ),
        ),
    ),
    (
        "III",
        "Hạ tầng bảo đảm an toàn, an ninh thông tin mạng",
        (
            (
                "Rà soát, đầu tư bổ sung trang thiết bị lưu trữ dữ liệu, sao lưu dự phòng cho các máy chủ và máy trạm",
                ("sotttt",),
                FINANCE,
                "Thường xuyên hàng năm",
            ),
            (
                "Đầu tư trang bị các thiết bị chuyên dùng cho Đội ứng cứu sự cố an toàn thông tin của tỉnh",
                ("sotttt",),
                FINANCE,
                "Thường xuyên hàng năm",
            ),
            (
                "Nâng cấp, bảo trì hệ thống lưu trữ, hệ thống giám sát an toàn thông tin, hệ thống máy chủ của trung "
                "tâm tích hợp dữ liệu tỉnh",
                ("sotttt",),
                FINANCE,
                "2019-2020 và thường xuyên hàng năm",
            ),
        ),
    ),
    (
        "IV",
        "Triển khai các ứng dụng phòng ngừa",
        (
            (
                "Thuê dịch vụ kiểm tra, rà soát các lỗ hổng bảo mật trên Cổng thông tin điện tử, trang thông tin điện "
                "tử các cơ quan nhà nước",
                ("sotttt",),
                FINANCE,
                "2019-2020",
            ),
            (
                "Thuê dịch vụ bảo vệ Website phòng chống tấn công xâm nhập và tấn công DDoS",
                ("sotttt",),
                FINANCE,
                "2019-2020 và thường xuyên hàng năm",
            ),
        ),
    ),
    (
        "V",
        "Triển khai các nội dung xử lý sự cố an toàn, an ninh thông tin mạng",
        (
            (
                "Lựa chọn tổ chức, doanh nghiệp có đủ năng lực cung cấp dịch vụ giám sát, ứng cứu sự cố an toàn thông "
                "tin mạng",
                ("sotttt",),
                FINANCE,
                "2019-2020 và thường xuyên hàng năm",
            ),
            (
                "Thực hiện giám sát, ứng cứu sự cố an toàn thông tin mạng, bảo vệ hệ thống thông tin thuộc quyền quản "
                "lý",
                DEPTS_DISTRICTS,
                ("sotttt",),
                "2019-2020 và thường xuyên hàng năm",
            ),
            (
                "Thông báo thông tin đầu mối thực hiện giám sát, ứng cứu sự cố an toàn thông tin mạng",
                DEPTS_DISTRICTS,
                ("sotttt",),
                "Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối",
            ),
        ),
    ),
    (
        "VI",
        "Đào tạo nguồn nhân lực",
        (
            (
                "Đào tạo vận hành hệ thống an toàn thông tin; nâng cao trình độ chuyên môn, nghiệp vụ cho cán bộ chuyên "
                "trách CNTT cấp xã; lãnh đạo CNTT (CIO) các cấp",
                ("sotttt",),
                ("sonv", *DEPTS_DISTRICTS),
                "Thường xuyên hàng năm",
            ),
        ),
    ),
)

DISTRICT_TITLE = "Triển khai Kế hoạch của UBND tỉnh thực hiện Chỉ thị 14/CT-TTg trên địa bàn huyện Châu Thành"
DISTRICT_TASKS = (
    (
        "I",
        "Tuyên truyền, nâng cao nhận thức",
        (
            (
                "Tuyên truyền về an toàn, an ninh mạng trên hệ thống truyền thanh xã",
                ("@xa_chauthanh",),
                ("ct_vhtt",),
                "Thường xuyên hàng năm",
            ),
            (
                "Thông báo thông tin đầu mối ứng cứu sự cố của xã",
                ("@xa_chauthanh",),
                ("ct_vhtt",),
                "Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối",
            ),
        ),
    ),
)

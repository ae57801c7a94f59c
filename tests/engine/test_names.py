from __future__ import annotations

import unicodedata

import pytest

from engine.names import display_name, normalise_name, vietnamese_sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "variant",
    [
        "Công an huyện",
        "Công An huyện",
        "công an  huyện",
        "CÔNG AN HUYỆN",
        " Công an\thuyện\n",
        "Công\u00a0an huyện",
        nfd("Công an huyện"),
        nfd("Công An huyện"),
    ],
)
def test_variants_of_one_name_share_a_key(variant: str) -> None:
    assert normalise_name(variant) == "công an huyện"


def test_nfd_and_nfc_give_the_same_key_and_the_key_is_nfc() -> None:
    name = "Sở Thông tin và Truyền thông"
    assert nfd(name) != name
    assert normalise_name(nfd(name)) == normalise_name(name)
    assert unicodedata.is_normalized("NFC", normalise_name(nfd(name)))


@pytest.mark.parametrize(
    "variant",
    [
        "Đài Phát thanh - Truyền hình tỉnh",
        "Đài Phát thanh – Truyền hình tỉnh",
        "Đài Phát thanh — Truyền hình tỉnh",
        "Đài Phát thanh-Truyền hình tỉnh",
        "Đài phát thanh -  truyền hình tỉnh",
    ],
)
def test_dash_variants_and_spaces_around_dashes(variant: str) -> None:
    assert normalise_name(variant) == "đài phát thanh-truyền hình tỉnh"


def test_spaces_around_commas() -> None:
    assert normalise_name("UBND các huyện , thành phố") == normalise_name("UBND các huyện,thành phố")
    assert normalise_name("UBND các huyện, thành phố") == "ubnd các huyện,thành phố"


def test_tone_placement_variants_match() -> None:
    assert normalise_name("Phòng Văn hoá và Thông tin") == normalise_name("Phòng Văn hóa và Thông tin")
    assert normalise_name("Uỷ ban nhân dân") == normalise_name("Ủy ban nhân dân") == "ủy ban nhân dân"
    assert normalise_name("Trường THCS Thuỷ An") == normalise_name("Trường THCS Thủy An")
    # Syllables with only one spelling keep it.
    assert normalise_name("Quý") == "quý"
    assert normalise_name("Huệ") == "huệ"
    assert normalise_name("Hoàng") == "hoàng"
    assert normalise_name("Hoặc") == "hoặc"


def test_different_names_stay_different() -> None:
    assert normalise_name("Công an tỉnh") != normalise_name("Công an huyện")
    assert normalise_name("Sở Tài chính") != normalise_name("Sở Tài chánh")
    assert normalise_name("Dương") != normalise_name("Đương")


def test_display_name_keeps_case_and_tidies_spaces() -> None:
    assert display_name("  Công   An huyện ") == "Công An huyện"
    assert display_name(nfd("Sở Tài chính")) == "Sở Tài chính"
    assert unicodedata.is_normalized("NFC", display_name(nfd("Đài Phát thanh")))
    assert display_name("Văn\u200bphòng Sở") == "Vănphòng Sở"


UNITS_IN_ORDER = [
    "Ban Dân tộc",
    "Báo Tây Ninh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Chi bộ 2",
    "Chi bộ 10",
    "Công an huyện Dương Minh Châu",
    "Công an tỉnh",
    "Đài Phát thanh - Truyền hình tỉnh",
    "Phòng Văn hóa và Thông tin",
    "Sở Giáo dục và Đào tạo",
    "Sở Kế hoạch và Đầu tư",
    "Sở Khoa học và Công nghệ",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Thông tin và Truyền thông",
    "UBND xã Bàu Đồn",
    "UBND xã Đôn Thuận",
    "UBND xã Đồng Khởi",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Văn phòng UBND tỉnh",
]


def test_sorts_unit_names_in_vietnamese_order() -> None:
    shuffled = UNITS_IN_ORDER[1::2] + UNITS_IN_ORDER[::-2]
    assert sorted(shuffled, key=vietnamese_sort_key) == UNITS_IN_ORDER
    assert sorted(reversed(UNITS_IN_ORDER), key=vietnamese_sort_key) == UNITS_IN_ORDER


def test_đ_sorts_after_d_and_before_e() -> None:
    assert sorted(["Em", "Tân", "Đông", "Dương", "Dung"], key=vietnamese_sort_key) == [
        "Dung",
        "Dương",
        "Đông",
        "Em",
        "Tân",
    ]
    assert vietnamese_sort_key("Đông") < vietnamese_sort_key("Tân")


def test_letters_with_vowel_signs_are_letters_of_their_own() -> None:
    assert sorted(["Bé", "Ân", "Ăn", "An"], key=vietnamese_sort_key) == ["An", "Ăn", "Ân", "Bé"]
    assert sorted(["Ơn", "Ôn", "On", "Ong"], key=vietnamese_sort_key) == ["On", "Ong", "Ôn", "Ơn"]
    assert sorted(["Vũ", "Ưu", "Uy"], key=vietnamese_sort_key) == ["Uy", "Ưu", "Vũ"]
    # The letter decides before the tone does: "Bá" (a) before "Bân" (â) whatever the tones.
    assert sorted(["Bân", "Bá"], key=vietnamese_sort_key) == ["Bá", "Bân"]


def test_tones_break_ties_in_their_order() -> None:
    expected = ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]
    assert sorted(reversed(expected), key=vietnamese_sort_key) == expected


def test_sorting_ignores_case_spacing_and_normal_form() -> None:
    key = vietnamese_sort_key
    assert key("công an tỉnh")[:2] == key("CÔNG AN TỈNH")[:2] == key(nfd("Công  an tỉnh"))[:2]
    assert sorted(["sở Tài chính", "Sở Nội vụ"], key=key) == ["Sở Nội vụ", "sở Tài chính"]
    assert key("An Giang") < key("Anh")  # a word break sorts before any letter


def test_sort_key_never_raises() -> None:
    for text in ["", "   ", "---", "123", "9" * 5000, "北京", "Ça va", nfd("Ờ")]:
        vietnamese_sort_key(text)
        normalise_name(text)

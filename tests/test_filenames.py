"""Download names: Vietnamese in ASCII (đ → d), each word once, numbers as they are."""

from chiso.lib.filenames import ascii_words, file_stem


def test_d_with_stroke_is_kept_as_d():
    assert ascii_words("Một cửa điện tử, tiến độ Đắk Lắk") == ["mot", "cua", "dien", "tu", "tien", "do", "dak", "lak"]


def test_a_repeated_run_of_words_is_written_once():
    assert file_stem("Báo cáo", "báo cáo phân tích", 2024) == "bao-cao-phan-tich-2024"
    assert file_stem("bảng điểm", "Bảng điểm đơn vị") == "bang-diem-don-vi"


def test_numbers_may_repeat():
    # the 1st of January and a quarter equal to its month stay whole
    assert file_stem("tiến độ từ", "01-01-2026", "đến", "07-12-2026") == "tien-do-tu-01-01-2026-den-07-12-2026"


def test_the_name_is_cut_at_a_word_and_never_empty():
    long = file_stem("chương trình hành động " * 10, max_length=30)
    assert len(long) <= 30 and not long.endswith("-") and long.split("-")[-1] in {"chuong", "trinh", "hanh", "dong"}
    assert file_stem("", None, "!!!") == "tai-lieu"

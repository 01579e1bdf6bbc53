from hopnhat.engine.address.matching import _distance
from hopnhat.engine.address.text import fold_name, fold_text, modern_tones, tokenise


def test_folding_keeps_one_character_per_character_so_offsets_hold():
    text = "Đặc khu Bạch Long Vĩ"
    assert fold_text(text) == "dac khu bach long vi"
    assert len(fold_text(text)) == len(text)


def test_names_fold_without_marks_case_and_leading_zeros():
    assert fold_name("Phường 04") == "phuong 4"
    assert fold_name("Thị trấn  Ngan Dừa") == "thi tran ngan dua"


def test_separators_are_breaks_and_abbreviations_split_from_their_numbers():
    tokens = tokenise("P.4,Q3 ; TP HCM")
    assert tokens.words == ["p", "4", "q", "3", "tp", "hcm"]
    assert tokens.breaks == {0, 2, 4, 6}


def test_tone_marks_are_moved_to_the_modern_place_but_not_after_q():
    assert modern_tones("hoà thuỷ") == "hòa thủy"
    assert modern_tones("quý") == "quý"


def test_the_edit_distance_counts_a_swap_as_one_edit():
    assert _distance("duogn", "duong") == 1
    assert _distance("dong long", "dong luong") == 1
    assert _distance("ia ga", "ia ba") == 1
    assert _distance("abc", "xyz") == 2

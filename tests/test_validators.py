"""公民身份号码, 统一社会信用代码, dates and text cleaning."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.idnumbers import (
    InvalidNumber,
    id_info,
    make_credit_code,
    make_id,
    mask_id,
    normalize_credit_code,
    normalize_id,
)
from bianzhi.lib.text import (
    clean_cell,
    fold_digits_letters,
    name_key,
    neutralise_formula,
    normalize_doc_number,
)

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2010, 12, 31))


@given(births, st.integers(0, 499), st.sampled_from(["男", "女"]))
def test_generated_ids_are_valid_and_carry_birth_and_sex(birth, seq, sex):
    number = make_id("621125", birth, seq, sex)
    info = id_info(number)
    assert info.birth_date == birth and info.sex == sex
    assert ric.calc_check_digit(number) == number[-1]


@given(
    births,
    st.integers(0, 499),
    st.sampled_from(["男", "女"]),
    st.integers(0, 16),
    st.sampled_from("0123456789"),
)
def test_any_single_digit_change_is_caught(birth, seq, sex, pos, digit):
    number = make_id("621125", birth, seq, sex)
    changed = number[:pos] + digit + number[pos + 1 :]
    if changed != number:
        with pytest.raises(InvalidNumber):
            normalize_id(changed)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)), st.integers(0, 499))
def test_fifteen_digit_numbers_convert_to_the_eighteen_digit_form(birth, seq):
    number = make_id("621125", birth, seq)
    legacy = number[:6] + number[8:17]
    assert normalize_id(legacy) == number


def test_lower_case_x_spaces_and_full_width_are_folded():
    assert normalize_id(" 11010519491231002x ") == "11010519491231002X"
    assert normalize_id("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    "bad, message",
    [
        ("", "不能为空"),
        ("1234", "应为18位"),
        ("11010519491231002Y", "非法字符"),
        ("110105194913310021", "出生日期"),
        ("110105209912310021", "出生日期"),
        ("110105194912310021", "校验位"),
    ],
)
def test_invalid_ids_have_chinese_reasons(bad, message):
    with pytest.raises(InvalidNumber, match=message):
        normalize_id(bad)


def test_mask_hides_month_and_day():
    assert mask_id("62112519900101123X") == "6211251990****123X"


@given(st.integers(0, 10**8))
def test_generated_credit_codes_validate(seq):
    code = make_credit_code(seq)
    assert normalize_credit_code(code.lower()) == code


def test_bad_credit_code_is_refused():
    good = make_credit_code(42)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidNumber):
        normalize_credit_code(bad)
    with pytest.raises(InvalidNumber, match="18位"):
        normalize_credit_code("123")


@pytest.mark.parametrize(
    "text",
    [
        "2021-12-31",
        "2021/12/31",
        "2021.12.31",
        "2021年12月31日",
        " 2021-12-31　",
        "２０２１-１２-３１",
        "20211231",
        "2021-12-31 00:00:00",
    ],
)
def test_text_dates(text):
    assert parse_date(text) == dt.date(2021, 12, 31)


def test_excel_serial_and_real_dates():
    assert parse_date(44561) == dt.date(2021, 12, 31)
    assert parse_date(dt.datetime(2021, 12, 31, 0, 0)) == dt.date(2021, 12, 31)
    assert parse_date("") is None


@pytest.mark.parametrize("text", ["2021-13-01", "明天", "2021-02-30"])
def test_bad_dates(text):
    with pytest.raises(InvalidDate):
        parse_date(text)


@given(births)
def test_any_date_round_trips_through_chinese_form(day):
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day


def test_cells_and_names():
    assert clean_cell("\u3000 １２ ") == "12"
    assert clean_cell(12.0) == "12"
    assert name_key("阿依 · 古丽") == name_key("阿依•古丽") == name_key("阿依．古丽") == "阿依·古丽"
    assert name_key("张\u3000三") == "张三"


@given(st.text())
def test_only_full_width_digits_and_letters_are_folded(text):
    folded = fold_digits_letters(text)
    assert len(folded) == len(text)
    for before, after in zip(text, folded, strict=True):
        wide = "０" <= before <= "９" or "Ａ" <= before <= "Ｚ" or "ａ" <= before <= "ｚ"
        assert after == (chr(ord(before) - 0xFEE0) if wide else before)


def test_full_width_punctuation_is_kept():
    assert fold_digits_letters("Ｘ１２ｘ（办）：，！　") == "X12x（办）：，！　"


def test_doc_numbers_and_formula_guard():
    assert normalize_doc_number("漳编发[2021]12号") == "漳编发〔2021〕12号"
    assert normalize_doc_number("漳编发［2021］12号") == "漳编发〔2021〕12号"
    for evil in ("=1+1", "+SUM(A1)", "-2", "@x"):
        assert neutralise_formula(evil).startswith("'")
    assert neutralise_formula("张三") == "张三" and neutralise_formula(5) == 5


def test_cn_date_shows_local_dates(settings):
    from django.utils import timezone

    from bianzhi.templatetags.bianzhi_tags import cn_date

    settings.TIME_ZONE = "Asia/Shanghai"
    late_evening_utc = dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)
    with timezone.override("Asia/Shanghai"):
        assert cn_date(late_evening_utc) == "2026-11-22"
        assert cn_date(late_evening_utc, "long") == "2026年11月22日"

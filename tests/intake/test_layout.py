"""Layout understanding: header detection by synonyms, one- and two-row headers with and without merge
information, units in the unit row and in headers, years from headers and titles, group/total/note rows,
repeated headers, sheet choice; and the enterprise adapter's name resolution."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests_support import make_credit_code

from devzone.core.errors import ValidationFailed
from devzone.intake import layout, services
from devzone.intake.layout import HeaderSpec, RowKind

SPECS = [HeaderSpec("credit_code", ("统一社会信用代码", "信用代码")), HeaderSpec("name", ("企业名称", "名称")),
         HeaderSpec("revenue", ("营业收入", "主营业务收入")), HeaderSpec("land", ("用地面积",)),
         HeaderSpec("region", ("所在县区", "县(市、区)"))]
REQUIRED = [("credit_code", "统一社会信用代码"), ("name", "企业名称")]


def preview(user, content: bytes, name: str = "a.xlsx") -> dict:
    return services.preview_file(actor=user, kind="enterprises", data=content, filename=name).to_json()


def test_one_row_header_below_a_title():
    rows = [["某某台账"], ["单位:万元"], ["序号", "信用代码", "企业名称", "主营业务收入(亿元)", "备注"],
            [1, "x", "y", 1, ""]]
    found = layout.detect_layout(rows, [], SPECS, REQUIRED)
    assert found.header_rows == [2] and found.unit == "万元" and found.title == "某某台账"
    assert found.by_key["revenue"].unit_hint == "亿元" and found.by_key["revenue"].letter == "D"
    assert [c.header for c in found.ignored] == ["备注"]


def test_two_row_header_without_merge_information_carries_group_labels():
    rows = [["序号", "企业名称", "信用代码", "2025年经济指标", "", "县(市、区)"],
            ["", "", "", "营业收入", "用地面积", ""], [1, "甲", "x", 5, 6, "澜江区"]]
    found = layout.detect_layout(rows, [], SPECS, REQUIRED)
    assert found.header_rows == [0, 1]
    assert found.by_key["revenue"].year_hint == 2025 and found.by_key["land"].year_hint == 2025
    assert found.by_key["region"].index == 5


def test_no_header_and_missing_required_columns_are_named():
    with pytest.raises(ValidationFailed, match="未找到表头"):
        layout.detect_layout([["a", "b"], [1, 2]], [], SPECS, REQUIRED)
    with pytest.raises(ValidationFailed, match="表头缺少必填列:统一社会信用代码"):
        layout.detect_layout([["企业名称", "营业收入", "用地面积"]], [], SPECS, REQUIRED)


def test_contains_matching_skips_growth_rates():
    index = layout.SynonymIndex(SPECS)
    assert index.match("营业收入合计")[0] == "revenue"
    assert index.match("营业收入增速(%)")[0] is None
    assert index.match("2024年营业收入")[:4] == ("revenue", 1.0, "", 2024)
    assert index.match("营业收入/万元")[:3] == ("revenue", 1.0, "万元")
    assert index.match("*企业名称")[0] == "name"
    assert index.match("企业名称\n(盖章)")[0] == "name"
    assert index.match("统一社会信用代码(18位)")[0] == "credit_code"
    assert index.match("营业收入\n(万元)")[:3] == ("revenue", 1.0, "万元")
    assert index.match("用地面积(公顷)")[:3] == ("land", 1.0, "公顷")


@pytest.mark.parametrize(("cells", "kind"), [
    (["", "", ""], RowKind.BLANK), (["一、产业项目(35个)", "", ""], RowKind.GROUP),
    (["(二)技改项目", "", 12.5], RowKind.GROUP), (["合计", "", 100], RowKind.TOTAL),
    (["", "全市合计", 100], RowKind.TOTAL), (["其中:规上企业", "", 3], RowKind.TOTAL),
    (["注:本表数据截至10月底", "", ""], RowKind.NOTE), (["填报人:张三", "", ""], RowKind.NOTE),
    ([1, "x", "某公司"], RowKind.DATA), (["注塑科技有限公司", "x", ""], RowKind.DATA),
    (["信用代码", "企业名称", ""], RowKind.HEADER),
])
def test_row_kinds(cells, kind):
    found = layout.detect_layout([["信用代码", "企业名称", "营业收入"]], [], SPECS, REQUIRED)
    assert layout.classify(cells, found)[0] is kind


def test_unnumbered_merged_group_row(org, make_xlsx):
    code = make_credit_code()
    rows = [["统一社会信用代码", "企业名称", "所在县区"], [], [code, "甲企业", "澜江区"]]
    content = make_xlsx(rows, merges=[(1, 0, 1, 2, "制造业")])
    result = preview(org.county1_user, content)
    assert result["counts"]["skipped"] == {"group": 1} and result["counts"]["valid"] == 1


def test_csv_in_gb18030_with_units_in_headers(org):
    code = make_credit_code()
    text = ("企业名录\n统一社会信用代码,企业名称,所在县区,年度,营业收入(亿元),用电量(万千瓦时),用地面积(公顷)\n"
            f"{code},甲企业,澜江区,2025,1.5,12,2\n")
    result = services.preview_file(actor=org.county1_user, kind="enterprises", data=text.encode("gb18030"),
                                   filename="名录.csv")
    assert result.counts()["valid"] == 1, result.rejected
    figures = result.valid[0].data["figures"]
    assert figures == {"revenue": Decimal("15000.00"), "electricity_kwh": Decimal("120000"),
                       "land_mu": Decimal("30.00")}


def test_year_from_title_when_there_is_no_year_column(org, make_xlsx):
    code = make_credit_code()
    rows = [["2024年度企业亩均效益台账"], ["统一社会信用代码", "企业名称", "所在县区", "实缴税金"],
            [code, "甲", "澜江区", 10]]
    parsed = services.preview_file(actor=org.county1_user, kind="enterprises", data=make_xlsx(rows),
                                   filename="a.xlsx")
    assert parsed.valid[0].data["year"] == 2024
    assert ("文件没有「年度」列,经济数据按标题中的 2024 年导入") in [m for _r, m in parsed.warnings]
    rows[0] = ["企业亩均效益台账"]
    result = preview(org.county1_user, make_xlsx(rows))
    assert result["rejected"][0]["reasons"] == ["有经济数据但缺少「年度」(请增加「年度」列,或在表头、标题中注明年份)"]


def test_the_sheet_with_the_header_is_chosen(org, make_xlsx):
    code = make_credit_code()
    data = [["统一社会信用代码", "企业名称", "所在县区"], [code, "甲", "澜江区"]]
    content = make_xlsx([["填表说明"], ["请按模板填写"]], sheet="说明", extra_sheets={"企业": data, "备份": data})
    result = preview(org.county1_user, content)
    assert result["sheet"] == "企业" and result["counts"]["valid"] == 1
    assert "工作表「备份」也有可识别的表头" in result["warnings"][0]["message"]


def test_repeated_header_rows_and_notes_are_skipped(org, make_xlsx):
    header = ["统一社会信用代码", "企业名称", "所在县区"]
    rows = [header, [make_credit_code(), "甲", "澜江区"], header, [make_credit_code(), "乙", "澜江区"],
            ["注:数据来源于统计局"]]
    result = preview(org.county1_user, make_xlsx(rows))
    assert result["counts"]["valid"] == 2 and result["counts"]["skipped"] == {"header": 1, "note": 1}


@pytest.mark.parametrize(("cell", "code"), [
    ("C17", "C17"), ("17", "C17"), ("1713", "C17"), ("C1713", "C17"), ("17 纺织业", "C17"), ("纺织业", "C17"),
    (6, "B06"), ("C", "C"), ("i65", "I65"),
])
def test_industry_codes(org, make_xlsx, cell, code):
    rows = [["统一社会信用代码", "企业名称", "所在县区", "行业代码"], [make_credit_code(), "甲", "澜江区", cell]]
    parsed = services.preview_file(actor=org.county1_user, kind="enterprises", data=make_xlsx(rows),
                                   filename="a.xlsx")
    assert parsed.valid[0].data["enterprise"]["industry"].code == code


def test_unknown_industry_zone_and_township(org, make_xlsx):
    rows = [["统一社会信用代码", "企业名称", "所在县区", "所在乡镇", "所在园区", "行业代码"],
            [make_credit_code(), "甲", "澜江区", "不存在镇", None, "Z99"],
            [make_credit_code(), "乙", "澜江区", None, "北湖产业集聚区", "99"],
            [make_credit_code(), "丙", "澜江区", None, "月亮园", None]]
    result = preview(org.county1_user, make_xlsx(rows))
    assert [r["reasons"] for r in result["rejected"]] == [
        ["「澜江区」下没有乡镇「不存在镇」", "行业代码「Z99」不在国民经济行业分类(GB/T 4754)中"],
        ["园区「北湖产业集聚区」不在您的管辖范围内", "行业代码「99」不在国民经济行业分类(GB/T 4754)中"],
        ["未找到园区「月亮园」"],
    ]


def test_region_forms_and_zone_short_names(org, make_xlsx):
    from devzone.core import services as core_services

    core_services.zone_update(actor=org.admin, zone=org.zone1, data={"short_name": "澜江经开"})
    rows = [["统一社会信用代码", "企业名称", "所在县区/乡镇", "所在园区"],
            [make_credit_code(), "甲", "澜江区新桥街道", "澜江经开"],
            [make_credit_code(), "乙", "澜江区/新桥街道", None],
            [make_credit_code(), "丙", "990102", None],
            [make_credit_code(), "丁", "北湖区", "澜江经开区"]]
    parsed = services.preview_file(actor=org.city_user, kind="enterprises", data=make_xlsx(rows), filename="a.xlsx")
    regions = [row.data["enterprise"]["region"] for row in parsed.valid]
    assert regions == [org.town1, org.town1, org.county1]
    assert parsed.valid[0].data["enterprise"]["zone"] == org.zone1
    assert parsed.rejected[0].reasons == ["园区「澜江经开区」不在企业所在县区内(园区属于澜江区)"]


def test_duplicate_township_names_need_the_county(org, make_xlsx):
    from devzone.core import services as core_services

    core_services.region_create(actor=None, name="新桥街道", level="township", parent=org.county2, code="990103001")
    rows = [["统一社会信用代码", "企业名称", "所在县区"], [make_credit_code(), "甲", "新桥街道"],
            [make_credit_code(), "乙", "北湖区新桥街道"]]
    city = preview(org.city_user, make_xlsx(rows))
    assert city["rejected"][0]["reasons"] == ["「新桥街道」有重名(在多个县区),请写成“县区+乡镇”,如「澜江区新桥街道」"]
    assert city["counts"]["valid"] == 1
    county = preview(org.county1_user, make_xlsx(rows[:2]))
    assert county["counts"]["valid"] == 1  # only one of the two lies in county1's jurisdiction


def test_cell_problems_are_named_with_column_and_value(org, make_xlsx):
    rows = [["统一社会信用代码", "企业名称", "所在县区", "年度", "营业收入", "是否规上", "成立日期", "企业规模",
             "从业人员"],
            [make_credit_code(), "甲", "澜江区", 2025, "很多", "也许", "去年", "超大型", "12.5"],
            [913201001234567890, "乙", "澜江区", None, None, None, None, None, None],
            [make_credit_code(), "丙", "澜江区", 2025, -5, None, None, None, None]]
    result = preview(org.county1_user, make_xlsx(rows))
    first, second = result["rejected"][0]["reasons"], result["rejected"][1]["reasons"]
    assert first == ["营业收入(E 列):「很多」不是数字", "是否规上(F 列):「也许」应填写“是”或“否”",
                     "成立日期(G 列):「去年」不是可识别的日期(例:2026-03-15、2026年3月)",
                     "企业规模(H 列):「超大型」不是可选值(大型、中型、小型、微型)",
                     "从业人员(I 列):「12.5」应为整数"]
    assert second == ["统一社会信用代码(A 列):被 Excel 存成了数字(末几位可能已丢失),请把该列设为文本后重新填写"]
    assert result["counts"]["valid"] == 1  # a negative revenue is allowed (losses); a negative tax is not


def test_negative_tax_and_oversized_values(org, make_xlsx):
    rows = [["统一社会信用代码", "企业名称", "所在县区", "年度", "实缴税金", "营业收入"],
            [make_credit_code(), "甲", "澜江区", 2025, -5, "1e20"]]
    assert preview(org.county1_user, make_xlsx(rows))["rejected"][0]["reasons"] == [
        "「营业收入」数值过大(100000000000000000000)", "「实缴税金」不能为负数"]


def test_tags_column_sets_flags(org, make_xlsx):
    rows = [["统一社会信用代码", "企业名称", "所在县区", "企业标签"],
            [make_credit_code(), "甲", "澜江区", "规上、高企,专精特新 省级技术中心"]]
    parsed = services.preview_file(actor=org.county1_user, kind="enterprises", data=make_xlsx(rows),
                                   filename="a.xlsx")
    data = parsed.valid[0].data["enterprise"]
    assert data["above_size"] and data["high_tech"] and data["specialised"] and "little_giant" not in data
    assert (2, "「企业标签」中的「省级技术中心」未识别,已忽略") in parsed.warnings


def test_regex_synonyms_match_month_ranges():
    index = layout.SynonymIndex([HeaderSpec("ytd", ("本年完成投资", r"re:^1-\d{1,2}月(份)?完成(投资)?$")),
                                 HeaderSpec("total", ("总投资", "计划总投资"))])
    assert index.match("1-10月完成投资")[0] == "ytd" and index.match("1－3月份完成")[0] == "ytd"
    assert index.match("计划总投资(亿元)")[:3] == ("total", 1.0, "亿元")
    assert index.match("2-10月完成投资")[0] is None


def test_ods_workbooks_import(org, make_ods):
    code = make_credit_code()
    rows = [["2025年企业名录"], ["单位:亿元"], ["统一社会信用代码", "企业名称", "所在县区", "年度", "营业收入"],
            [code, "甲企业", "澜江区", 2025, 1.5], ["合计", "", "", "", 1.5]]
    parsed = services.preview_file(actor=org.county1_user, kind="enterprises", data=make_ods(rows), filename="名录.ods")
    assert parsed.fmt == "ods" and parsed.counts()["valid"] == 1 and parsed.layout.header_rows == [2]
    assert parsed.valid[0].data["figures"]["revenue"] == Decimal("15000.00")

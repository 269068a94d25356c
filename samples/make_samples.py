#!/usr/bin/env python3
"""Writes the sample submissions in this folder with third-party writers (openpyxl, xlsxwriter).

They look like what agencies really send the bureau: a title row, a `填报单位：…` line, a two-row
merged header, the agency name merged down over its officers, text dates, a footer. Run from the
repository root:  python3 samples/make_samples.py   (needs openpyxl and xlsxwriter)
Outputs are committed so the README commands and the CLI tests work on a fresh clone.
"""
import csv
import datetime as dt
import os

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Border, Side
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = dt.date(1899, 12, 30)

OFFICERS = [
    # agency, name, cert, id, title, public, industry, method, date
    ("乌审旗市场监督管理局", "王建国", "15062619000123", "150626198703152314", "科长", 32.5, 30, "集中轮训", dt.date(2023, 7, 13)),
    ("乌审旗市场监督管理局", "乌力吉·巴特尔", "15062619000124", "150626199001011239", "执法队员", 30, 34, "网络培训", "2023年7月20日"),
    ("乌审旗市场监督管理局", "李秀英", "15062619000125", "150626199205084528", "一级科员", 28, 30, "集中轮训", "2023.8.1"),
    ("乌审旗综合行政执法局", "张磊", "15062621000031", "150626198811203414", "队长", 40, 36.5, "执法能力比赛", dt.date(2023, 9, 2)),
    ("乌审旗综合行政执法局", "斯琴高娃", "15062621000032", "150626199512240025", "执法队员", 30, 30, "网络培训", "20230915"),
]
HEAD2 = ["序号", "单位", "姓名", "执法证号", "身份证号", "职务", "培训学时", None, None, "培训方式", "培训日期", "备注"]
SUB = [None, None, None, None, None, None, "公共法律知识", "行业法律知识", "合计", None, None, None]


def training_xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培训学时台账"
    thin = Side(style="thin")
    ws.append(["2023年度行政执法人员培训（轮训）学时台账"])
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：乌审旗司法局（盖章）", None, None, None, None, None, None, None, "填报日期：2023年10月8日"])
    ws.append(HEAD2)
    ws.append(SUB)
    for col in "ABCDEFJKL":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:I3")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for c in row:
            c.font = Font(bold=True)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    start = 5
    for i, (agency, name, cert, idno, title, pub, ind, method, day) in enumerate(OFFICERS, 1):
        r = start + i - 1
        ws.cell(r, 1, i)
        ws.cell(r, 2, agency)
        ws.cell(r, 3, name)
        ws.cell(r, 4, cert).number_format = "@"
        ws.cell(r, 5, idno).number_format = "@"
        ws.cell(r, 6, title)
        ws.cell(r, 7, pub).number_format = "0.0"
        ws.cell(r, 8, ind).number_format = "0.0"
        ws.cell(r, 9, f"=G{r}+H{r}").number_format = "0.0"
        ws.cell(r, 10, method)
        c = ws.cell(r, 11, day)
        if isinstance(day, dt.date):
            c.number_format = 'yyyy"年"m"月"d"日"'
    # the agency is merged down over its officers, as filers do
    ws.merge_cells(f"B{start}:B{start + 2}")
    ws.merge_cells(f"B{start + 3}:B{start + 4}")
    end = start + len(OFFICERS)
    ws.cell(end, 1, "合计")
    ws.cell(end, 7, f"=SUM(G{start}:G{end - 1})")
    ws.cell(end + 2, 1, "填表人：赵敏")
    ws.cell(end + 2, 6, "联系电话：0477-2521381")
    ws.freeze_panes = "A5"
    for col, w in zip("ABCDEFGHIJKL", [6, 24, 14, 18, 22, 10, 10, 10, 8, 12, 16, 10]):
        ws.column_dimensions[col].width = w
    # a second, hidden helper sheet as some templates carry
    lists = wb.create_sheet("下拉选项")
    for m in ["集中轮训", "网络培训", "执法能力比赛"]:
        lists.append([m])
    lists.sheet_state = "hidden"
    wb.save(path)


def normative_xlsx(path):
    wb = xlsxwriter.Workbook(path)
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    lists = {
        "继续有效": [
            ("乌审旗人民政府办公室关于印发乌审旗行政执法公示制度的通知", "乌政办发〔2022〕115号", "乌审旗人民政府办公室", dt.date(2022, 6, 1), "长期", "已备案"),
            ("乌审旗重大行政执法决定法制审核办法", "乌政发[2021]32号", "乌审旗人民政府", "2021年3月15日", "2026年3月14日", "已备案"),
            ("乌审旗行政执法全过程记录办法", "乌政办发（2020）88号", "乌审旗人民政府办公室", "2020.11.2", "长期", "未备案"),
        ],
        "宣布失效": [
            ("乌审旗城市管理相对集中行政处罚权实施办法", "乌政发〔2015〕21号", "乌审旗人民政府", dt.date(2015, 4, 20), "2023年6月30日", "已备案"),
        ],
    }
    for sheet, docs in lists.items():
        ws = wb.add_worksheet(sheet)
        ws.merge_range(0, 0, 0, 6, f"乌审旗规范性文件清理目录（{sheet}）", title)
        ws.write_row(1, 0, ["序号", "文件名称", "文号", "制定机关", "发布日期",
                            "有效期至" if sheet == "继续有效" else "失效日期", "备案情况"], bold)
        for i, (name, no, org, day, until, filed) in enumerate(docs, 1):
            ws.write_number(1 + i, 0, i)
            ws.write_string(1 + i, 1, name)
            ws.write_string(1 + i, 2, no)
            ws.write_string(1 + i, 3, org)
            if isinstance(day, dt.date):
                ws.write_number(1 + i, 4, (day - EPOCH).days, datef)
            else:
                ws.write_string(1 + i, 4, day)
            ws.write_string(1 + i, 5, until)
            ws.write_string(1 + i, 6, filed)
        ws.set_column(1, 1, 48)
        ws.set_column(2, 3, 22)
        ws.set_column(4, 6, 14)
    wb.set_properties({"title": "规范性文件清理目录", "author": "乌审旗司法局"})
    wb.close()


def discretion_csvs(gbk_path, utf8_path):
    header = ["序号", "部门", "行为类别", "违法行为", "法律依据", "裁量阶次", "适用情形", "罚款下限(元)", "罚款上限(元)", "公布日期", "备案情况"]
    rows = [
        [1, "乌审旗市场监督管理局", "行政处罚", "销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条", "从轻", "首次违法且货值金额不足一万元", "50000", "100000", "2023年5月8日", "已备案"],
        [2, "乌审旗市场监督管理局", "行政处罚", "未按规定公示营业执照", "《无证无照经营查处办法》第十四条", "一般", "逾期未改正", "1000", "10000", "2023-05-08", "已备案"],
        [3, "乌审旗生态环境局", "行政处罚", "未批先建，擅自开工建设", "《中华人民共和国环境影响评价法》第三十一条", "从重", "位于生态保护红线内，“屡查屡犯”", "１０００００", "500000", "2023/6/1", "未备案"],
    ]
    for path, enc in ((gbk_path, "gbk"), (utf8_path, "utf-8-sig")):
        with open(path, "w", encoding=enc, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows)


# =====================================================================================================
# The agency roster and the validation set (samples/validate/): for each ★ ledger one clean submission
# and two broken ones, each with a golden file of the findings a correct validator must report.
# The goldens are written from what is injected here, never from running sheetgate.
# =====================================================================================================
import json
from decimal import Decimal

VALIDATE = os.path.join(HERE, "validate")
EXPECTED = os.path.join(VALIDATE, "expected")
REGION = "150626"  # 乌审旗

# ---------------------------------------------------------------------------- identity numbers

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check(first17):
    """GB 11643 check character (ISO 7064 MOD 11-2)."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def id_number(birth, seq):
    """An 18-character 乌审旗 ID number: region, birth date YYYYMMDD, sequence (odd = male), check."""
    first17 = f"{REGION}{birth}{seq:03d}"
    return first17 + id_check(first17)


def with_wrong_check(idno):
    """The same number with a check character that does not fit (a typo in the last digit)."""
    good = idno[-1]
    return idno[:-1] + ("3" if good != "3" else "5")


CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code(body8):
    """组织机构代码 (GB 11714): 8 characters and a check character."""
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS))  # A = 10 … Z = 35
    c = 11 - s % 11
    return body8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def credit_code(body8):
    """统一社会信用代码 (GB 32100) of a 机关 (1 = 机构编制, 1 = 机关) in 乌审旗."""
    first17 = "11" + REGION + org_code(body8)
    c = 31 - sum(CC_ALPHABET.index(ch) * w for ch, w in zip(first17, CC_WEIGHTS)) % 31
    return first17 + CC_ALPHABET[0 if c == 31 else c]


# ---------------------------------------------------------------------------- agency roster

ROSTER = [
    # 单位名称, 简称, organisation-code body
    ("乌审旗司法局", "司法局", "01152031"),
    ("乌审旗市场监督管理局", "市场监管局", "MB196224"),
    ("乌审旗综合行政执法局", "综合执法局", "MB1C7391"),
    ("乌审旗生态环境局", "生态环境局", "MB0P8845"),
    ("乌审旗自然资源局", "自然资源局", "MB1749A2"),
    ("乌审旗交通运输局", "交通运输局", "01152066"),
    ("乌审旗应急管理局", "应急管理局", "MB1701K3"),
    ("乌审旗农牧局", "农牧局", "01152058"),
    ("乌审旗卫生健康委员会", "卫健委", "MB1953D7"),
    ("乌审旗文化旅游体育局", "文旅体局", "MB1964R1"),
    ("乌审旗人力资源和社会保障局", "人社局", "01152074"),
    ("乌审旗水利局", "水利局", "01152082"),
    ("乌审旗林业和草原局", "林草局", "MB1785T6"),
    ("嘎鲁图镇人民政府", "嘎鲁图镇", "01152103"),
]
ROSTER_NAMES = {name for name, _, _ in ROSTER}


def roster_xlsx(path):
    """本级行政执法部门名单: the lookup list 单位/部门 columns are checked against."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执法部门名单"
    ws.append(["单位名称", "简称", "统一社会信用代码"])
    for name, short, body in ROSTER:
        ws.append([name, short, credit_code(body)])
        ws.cell(ws.max_row, 3).number_format = "@"
    for c in ws[1]:
        c.font = Font(bold=True)
    for col, w in zip("ABC", [30, 14, 24]):
        ws.column_dimensions[col].width = w
    wb.save(path)


# ---------------------------------------------------------------------------- cell values
# A row is a dict field → value. Plain values are written as they are (dt.date as a real Excel date);
# TextDate is a date typed as text; Bad is a cell with an injected problem and the finding it carries.


class TextDate:
    """A date typed as text in one of the forms filers use."""

    def __init__(self, date, style):
        self.date, self.style = date, style

    def text(self):
        d = self.date
        return {"cn": f"{d.year}年{d.month}月{d.day}日", "dot": f"{d.year}.{d.month}.{d.day}",
                "compact": d.strftime("%Y%m%d"), "slash": f"{d.year}/{d.month}/{d.day}",
                "iso": d.isoformat()}[self.style]


class Bad:
    """A cell with an injected cell-level problem: `raw` is written; `typed` is what a validator keeps."""

    def __init__(self, raw, code, severity="error", typed=None, note=None):
        self.raw, self.code, self.severity, self.typed, self.note = raw, code, severity, typed, note


def typed_value(v):
    """What the validator holds after coercion (None for missing or failed)."""
    if isinstance(v, Bad):
        return v.typed
    if isinstance(v, TextDate):
        return v.date
    if v in (None, "", "—", "/", "无", "长期", "长期有效", "永久"):
        return None  # missing values (有效期至 lists 长期: a document without an expiry date)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Decimal(str(v))
    return v


def raw_value(v):
    """What goes into the cell."""
    if isinstance(v, Bad):
        return raw_value(v.raw)
    if isinstance(v, TextDate):
        return v.text()
    return v


def csv_text(v):
    """The text Excel on Chinese Windows writes for a cell when saving as CSV."""
    v = raw_value(v)
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return f"{v.year}/{v.month}/{v.day}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def xlsxwriter_put(ws, r, c, v, fmt_date, fmt=None):
    """Writes one value with xlsxwriter (zero-based r, c)."""
    v = raw_value(v)
    if v is None:
        return
    if isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), fmt_date)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    else:
        ws.write_string(r, c, v, fmt)


def openpyxl_put(ws, r, c, v, text_columns=()):
    """Writes one value with openpyxl (one-based r, c); text columns get the `@` format."""
    v = raw_value(v)
    cell = ws.cell(r, c, v)
    if isinstance(v, dt.date):
        cell.number_format = 'yyyy"年"m"月"d"日"'
    elif c in text_columns and isinstance(v, str):
        cell.number_format = "@"
    return cell


# ---------------------------------------------------------------------------- schema facts
# The parts of the built-in schemas (Sources/Schema/Builtin) the goldens rest on.


class F:
    def __init__(self, key, title, required=False, enum=None, minimum=None, maximum=None):
        self.key, self.title, self.required, self.enum = key, title, required, enum
        self.minimum, self.maximum = minimum, maximum


class Rule:
    """A row rule; `uses` are the fields it reads (a null in any of them leaves it unevaluated)."""

    def __init__(self, name, uses, test, severity, anchor=None):
        self.name, self.uses, self.test, self.severity = name, uses, test, severity
        self.anchor = anchor or uses[0]


class Schema:
    def __init__(self, name, fields, rules=(), unique=(), fk=None):
        self.name, self.fields, self.rules, self.unique, self.fk = name, fields, rules, unique, fk
        self.by_key = {f.key: f for f in fields}


HOURS = dict(required=True, minimum=0)
TRAINING = Schema("training-hours", [
    F("seq", "序号", minimum=1), F("agency", "单位", required=True), F("name", "姓名", required=True),
    F("cert", "执法证号"), F("id", "身份证号"), F("role", "职务"),
    F("pub", "公共法律知识学时", maximum=1000, **HOURS), F("ind", "行业法律知识学时", maximum=1000, **HOURS),
    F("total", "合计学时", maximum=2000, **HOURS),
    F("method", "培训方式", enum=["集中轮训", "网络培训", "执法能力比赛"]), F("date", "培训日期"), F("note", "备注"),
], rules=[
    Rule("total-is-sum", ["total", "pub", "ind"], lambda r: r["total"] == r["pub"] + r["ind"], "error"),
    Rule("public-law-30", ["pub"], lambda r: r["pub"] >= 30, "policy"),
    Rule("industry-law-30", ["ind"], lambda r: r["ind"] >= 30, "policy"),
    Rule("total-60", ["total"], lambda r: r["total"] >= 60, "policy"),
], unique=[("agency", "cert"), ("id",)], fk="agency")

DISCRETION = Schema("discretion-benchmarks", [
    F("seq", "序号", minimum=1), F("agency", "部门", required=True),
    F("category", "行为类别", required=True, enum=["行政处罚", "行政许可", "行政确认", "行政征收征用", "行政给付", "行政强制", "行政检查"]),
    F("violation", "违法行为", required=True), F("basis", "法律依据"),
    F("tier", "裁量阶次", required=True, enum=["不予处罚", "减轻", "从轻", "一般", "从重"]),
    F("case", "适用情形"), F("fmin", "罚款下限(元)", minimum=0), F("fmax", "罚款上限(元)", minimum=0),
    F("published", "公布日期"), F("filing", "备案情况", enum=["已备案", "未备案"]),
], rules=[
    Rule("fine-range", ["fmin", "fmax"], lambda r: r["fmin"] <= r["fmax"], "error"),
    Rule("no-fine-when-exempt", ["tier"], lambda r: not (r["tier"] == "不予处罚" and (r["fmax"] or 0) > 0), "warning"),
], fk="agency")


def doc_year(doc):
    return int(doc[doc.index("〔") + 1:doc.index("〕")])


def normative(name, extra_fields, extra_rules=()):
    return Schema(name, [
        F("seq", "序号", minimum=1), F("title", "文件名称", required=True), F("doc", "文号", required=True),
        F("issuer", "制定机关"), F("issued", "发布日期"), *extra_fields,
        F("filing", "备案情况", enum=["已备案", "未备案"]), F("note", "备注"),
    ], rules=[Rule("doc-year-matches", ["doc", "issued"], lambda r: doc_year(r["doc"]) == r["issued"].year, "warning"),
              *extra_rules], unique=[("doc",)])


NORMATIVE = {
    "继续有效": normative("normative-documents-valid", [F("until", "有效期至")],
                      [Rule("valid-after-issue", ["until", "issued"], lambda r: r["until"] >= r["issued"], "error")]),
    "修改": normative("normative-documents-amended", [F("reason", "修改理由", required=True)]),
    "宣布失效": normative("normative-documents-repealed", [F("repealed", "失效日期"), F("reason", "失效理由", required=True)],
                      [Rule("repeal-after-issue", ["repealed", "issued"], lambda r: r["repealed"] >= r["issued"], "error")]),
}


# ---------------------------------------------------------------------------- goldens


def col_letter(n):
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


class Golden:
    """The findings one file must produce, collected as the file is built."""

    def __init__(self, file, schema, metadata=None):
        self.file, self.schema, self.metadata = file, schema, metadata or {}
        self.findings, self.remarks = [], []

    def add(self, sheet, row, col, field, code, severity, rule=None, note=None):
        f = {"sheet": sheet, "row": row, "a1": f"{col_letter(col)}{row}" if col else None,
             "field": field, "code": code, "severity": severity}
        if rule:
            f["rule"] = rule
        if note:
            f["note"] = note
        f["_col"] = col or 0
        self.findings.append(f)

    def check_table(self, sheet, schema, layout, header_row, first_row, rows, extra_labels=()):
        """Derives the findings of one table from its layout (field key per column, or a stray label)
        and its rows: cell problems injected with Bad, missing/extra labels, required, enum and
        minimum constraints, row rules, unique keys and the roster foreign key."""
        col_of = {key: i + 1 for i, key in enumerate(layout) if key in schema.by_key}
        for f in schema.fields:
            if f.key not in col_of:
                assert not f.required, f"dropping required column {f.title} would make every row fail"
                self.add(sheet, header_row, None, f.title, "missing-label", "warning",
                         note="optional field with no column; a validator that follows Frictionless strictly would make this an error")
        for label in extra_labels:
            c = layout.index(label) + 1
            self.add(sheet, header_row, c, label, "extra-label", "warning",
                     note="column matches no field; harmless to the data, so warning (Frictionless itself calls it an error)")
        seen = {k: {} for k in schema.unique}
        for i, row in enumerate(rows):
            r = first_row + i
            typed = {}
            for f in schema.fields:
                v = row.get(f.key) if f.key in col_of else None
                c = col_of.get(f.key)
                if isinstance(v, Bad):
                    self.add(sheet, r, c, f.title, v.code, v.severity, note=v.note)
                t = typed_value(v)
                typed[f.key] = t
                failed = isinstance(v, Bad) and v.severity == "error"
                if t is None:
                    if f.required and not failed:
                        self.add(sheet, r, c, f.title, "constraint-error", "error", note="required value missing")
                    continue
                if f.enum and t not in f.enum:
                    self.add(sheet, r, c, f.title, "constraint-error", "error", note=f"not one of {'/'.join(f.enum)}")
                if f.minimum is not None and t < f.minimum:
                    self.add(sheet, r, c, f.title, "constraint-error", "error", note=f"below minimum {f.minimum}")
                if f.maximum is not None and t > f.maximum:
                    self.add(sheet, r, c, f.title, "constraint-error", "error", note=f"above maximum {f.maximum}")
            for rule in schema.rules:
                if any(typed[k] is None for k in rule.uses):
                    continue
                if not rule.test(typed):
                    code = "policy-violation" if rule.severity == "policy" else "row-constraint"
                    self.add(sheet, r, col_of[rule.anchor], schema.by_key[rule.anchor].title, code, rule.severity, rule=rule.name)
            for key in schema.unique:
                values = tuple(typed[k] for k in key)
                if any(v is None for v in values):
                    continue
                if values in seen[key]:
                    note = (f"repeats row {seen[key][values]} on ({', '.join(schema.by_key[k].title for k in key)}); "
                            "a composite unique key might be reported as primary-key instead") if len(key) > 1 else \
                        f"repeats row {seen[key][values]}"
                    self.add(sheet, r, col_of[key[-1]], schema.by_key[key[-1]].title, "unique-error", "error", note=note)
                else:
                    seen[key][values] = r
            if schema.fk and typed[schema.fk] is not None and typed[schema.fk] not in ROSTER_NAMES:
                self.add(sheet, r, col_of[schema.fk], schema.by_key[schema.fk].title, "foreign-key", "error",
                         note=row.get("_fk_note"))

    def write(self):
        sheets = list(dict.fromkeys(f["sheet"] for f in self.findings))  # workbook order
        order = lambda f: (sheets.index(f["sheet"]), f["row"], f["_col"], f["code"], f.get("rule") or "")
        out = []
        for f in sorted(self.findings, key=order):
            f = dict(f)
            del f["_col"]
            out.append(f)
        doc = {"file": self.file, "schema": self.schema, "metadata": self.metadata, "findings": out}
        if self.remarks:
            doc["remarks"] = self.remarks
        os.makedirs(EXPECTED, exist_ok=True)
        with open(os.path.join(EXPECTED, self.file + ".findings.json"), "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=2)
            fh.write("\n")


# ---------------------------------------------------------------------------- training hours (★)

TRAINING_LAYOUT = ["seq", "agency", "name", "cert", "id", "role", "pub", "ind", "total", "method", "date", "note"]


def officer(agency, name, cert, idno, role, pub, ind, method, date, total=None, note=None, **extra):
    row = dict(agency=agency, name=name, cert=cert, id=idno, role=role, pub=pub, ind=ind,
               total=total if total is not None else _sum_hours(pub, ind), method=method, date=date, note=note)
    row.update(extra)
    return row


def _sum_hours(pub, ind):
    a, b = typed_value(pub), typed_value(ind)
    s = a + b
    return int(s) if s == int(s) else float(s)


def training_header_openpyxl(ws, title, unit, day, width):
    """Title row, 填报单位 line and the two-row merged header (培训学时 over three columns)."""
    thin = Side(style="thin")
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"填报单位：{unit}（盖章）"] + [None] * 7 + [f"填报日期：{day}"])
    ws.append(["序号", "单位", "姓名", "执法证号", "身份证号", "职务", "培训学时", None, None, "培训方式", "培训日期", "备注"])
    ws.append([None] * 6 + ["公共法律知识", "行业法律知识", "合计"] + [None] * 3)
    for col in "ABCDEFJKL":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:I3")
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=width):
        for c in row:
            c.font = Font(bold=True)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for col, w in zip("ABCDEFGHIJKL", [6, 24, 14, 18, 22, 12, 10, 10, 8, 14, 16, 10]):
        ws.column_dimensions[col].width = w


def training_clean():
    """乌审旗综合行政执法局: every officer complete, hours add up and meet the policy."""
    file = "乌审旗综合行政执法局_培训学时台账_2023.xlsx"
    unit = "乌审旗综合行政执法局"
    rows = [
        officer(unit, "张磊", "15062621000031", id_number("19881120", 341), "队长", 40, 36.5, "执法能力比赛", dt.date(2023, 9, 2)),
        officer(unit, "斯琴高娃", "15062621000032", id_number("19951224", 2), "执法队员", 30, 30, "网络培训", TextDate(dt.date(2023, 9, 15), "compact")),
        officer(unit, "刘海军", "15062621000035", id_number("19790316", 117), "副局长", 32, 30, "集中轮训", TextDate(dt.date(2023, 7, 13), "cn")),
        officer(unit, "其其格", "15062621000038", id_number("19930807", 24), "执法队员", 30, 32, "集中轮训", TextDate(dt.date(2023, 8, 1), "dot")),
        officer(unit, "额尔敦·毕力格", "15062621000041", id_number("19860429", 139), "中队长", 34, 30, "网络培训", dt.date(2023, 6, 20)),
        officer(unit, "高晓燕", "15062621000047", id_number("19900211", 268), "法制审核员", 36, 31.5, "集中轮训", dt.date(2023, 5, 11)),
        officer(unit, "白音仓", "15062621000052", id_number("19970930", 15), "执法队员", 30, 30, "网络培训", TextDate(dt.date(2023, 10, 6), "slash")),
    ]
    g = Golden(file, TRAINING.name, {"填报单位": unit, "填报日期": "2023-10-09"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "培训学时台账"
    training_header_openpyxl(ws, "2023年度行政执法人员培训（轮训）学时台账", unit, "2023年10月9日", 12)
    start = 5
    for i, row in enumerate(rows):
        r = start + i
        row["seq"] = i + 1
        for c, key in enumerate(TRAINING_LAYOUT, 1):
            openpyxl_put(ws, r, c, row.get(key), text_columns=(4, 5))
    ws.merge_cells(f"B{start}:B{start + len(rows) - 1}")  # the agency merged down over all officers
    ws[f"B{start}"].alignment = Alignment(vertical="center", wrap_text=True)
    end = start + len(rows)
    ws.cell(end, 1, "填表人：吴日娜")
    ws.cell(end, 6, "审核人：刘海军")
    ws.cell(end, 10, "联系电话：0477-7512036")
    ws.freeze_panes = "A5"
    wb.save(os.path.join(VALIDATE, file))
    g.check_table("培训学时台账", TRAINING, TRAINING_LAYOUT, 4, start, rows)
    g.write()


def training_broken_xlsx():
    """乌审旗市场监督管理局 (xlsxwriter): ID stored as a number, a wrong check digit, a 合计 that does not
    add up, hours below policy, the same officer twice, the agency typed as its short name, a 合计 footer."""
    file = "乌审旗市场监督管理局_培训学时台账_2023.xlsx"
    unit = "乌审旗市场监督管理局"
    lost = float("1.50626198703152E+17")  # what Excel keeps of 150626198703152316 typed into a General cell
    wulji = id_number("19900101", 101)
    rows = [
        officer(unit, "王建国", "15062619000123",
                Bad(lost, "number-lost-precision", note="150626198703152316 typed into a General cell; stored as the double 1.50626198703152E+17"),
                "科长", 32.5, 30, "集中轮训", dt.date(2023, 7, 13)),
        officer(unit, "乌力吉·巴特尔", "15062619000124", wulji, "执法队员", 30, 34, "网络培训", TextDate(dt.date(2023, 7, 20), "cn")),
        officer(unit, "李秀英", "15062619000125", id_number("19920508", 452), "一级科员", 28, 30, "集中轮训", TextDate(dt.date(2023, 8, 1), "dot")),
        officer(unit, "张慧敏", "15062619000131",
                Bad(with_wrong_check(id_number("19850619", 226)), "type-error", note="ID card check digit wrong (GB 11643)"),
                "执法队员", 30, 30, "网络培训", TextDate(dt.date(2023, 9, 15), "compact")),
        officer(unit, "孟和巴雅尔", "15062619000136", id_number("19910725", 173), "副所长", 31, 30, "集中轮训", dt.date(2023, 7, 13), total=51),
        # the same officer again, one more training session typed as its own row
        officer(unit, "乌力吉·巴特尔", "15062619000124", wulji, "执法队员", 12, 8, "执法能力比赛", dt.date(2023, 9, 26), note="第二次"),
        officer("乌审旗市场监管局", "陈志刚", "15062619000142", id_number("19890312", 55), "执法队员", 30, 30, "网络培训",
                TextDate(dt.date(2023, 9, 15), "compact"),
                _fk_note="near miss of 乌审旗市场监督管理局 (简称 市场监管局); a validator may add a foreign-key-suggestion naming it"),
    ]
    g = Golden(file, TRAINING.name, {"填报单位": unit, "填报日期": "2023-10-08"})
    wb = xlsxwriter.Workbook(os.path.join(VALIDATE, file))
    ws = wb.add_worksheet("培训学时台账")
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    datef = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    merged = wb.add_format({"valign": "vcenter", "text_wrap": True})
    ws.merge_range(0, 0, 0, 11, "乌审旗市场监督管理局2023年度执法人员培训学时台账", title)
    ws.write_string(1, 0, f"填报单位：{unit}（盖章）")
    ws.write_string(1, 8, "填报日期：2023年10月8日")
    for c, label in enumerate(["序号", "单位", "姓名", "执法证号", "身份证号", "职务"]):
        ws.merge_range(2, c, 3, c, label, head)
    ws.merge_range(2, 6, 2, 8, "培训学时", head)
    ws.write_row(3, 6, ["公共法律知识", "行业法律知识", "合计"], head)
    for c, label in zip((9, 10, 11), ["培训方式", "培训日期", "备注"]):
        ws.merge_range(2, c, 3, c, label, head)
    start = 4  # zero-based: sheet row 5
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        for c, key in enumerate(TRAINING_LAYOUT):
            if key == "agency" and i < 6:
                continue
            v = row.get(key)
            xlsxwriter_put(ws, start + i, c, v, datef, text if key in ("cert", "id") and isinstance(raw_value(v), str) else None)
    ws.merge_range(start, 1, start + 5, 1, unit, merged)  # agency merged over the first six officers
    end = start + len(rows)
    ws.write_string(end, 0, "合计")
    for c, key in ((6, "pub"), (7, "ind"), (8, "total")):
        total = sum(typed_value(r[key]) for r in rows)
        ws.write_formula(end, c, f"=SUM({col_letter(c + 1)}{start + 1}:{col_letter(c + 1)}{end})", None, float(total))
    ws.write_string(end + 1, 0, "填表人：赵敏")
    ws.write_string(end + 1, 5, "联系电话：13947716820")
    ws.freeze_panes(4, 0)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 5, 18)
    ws.set_column(6, 8, 10)
    ws.set_column(9, 11, 14)
    wb.close()
    g.check_table("培训学时台账", TRAINING, TRAINING_LAYOUT, 4, start + 1, rows)
    g.write()


def training_broken_csv():
    """乌审旗农牧局, saved as CSV by Excel on Chinese Windows (GBK, no BOM): title lines kept, no 职务
    column, an extra 备用 column, ID as 1.50627E+17 text, full-width hours, an unknown 培训方式,
    a 13th month, a subordinate unit that is not on the roster, footer lines."""
    file = "乌审旗农牧局_执法人员培训学时统计表.csv"
    unit = "乌审旗农牧局"
    layout = ["seq", "agency", "name", "cert", "id", "pub", "ind", "total", "method", "date", "note", "备用"]
    rows = [
        officer(unit, "巴图孟和", "15062608000211",
                Bad("1.50627E+17", "number-lost-precision", note="the ID column was General in Excel; the CSV keeps only the displayed 1.50627E+17"),
                None, 32, 30, "集中轮训", TextDate(dt.date(2023, 7, 13), "cn")),
        officer(unit, "王丽", "15062608000214", id_number("19940318", 326),
                None, Bad("３２．５", "value-normalized", "warning", typed=Decimal("32.5"), note="full-width digits folded to 32.5"),
                30, "网络培训", TextDate(dt.date(2023, 8, 1), "dot"), total=62.5),
        officer(unit, "那仁", "15062608000219", id_number("19870604", 2), None, 30, 30,
                "线上自学", TextDate(dt.date(2023, 9, 15), "compact")),
        officer(unit, "郝建军", "15062608000223", id_number("19820910", 137), None, 30, 30, "集中轮训",
                Bad("2023年13月1日", "type-error", note="impossible date (month 13)")),
        officer("乌审旗农牧业综合行政执法大队", "赵永胜", "15062608000230", id_number("19800122", 191), None, 30, 36, "集中轮训",
                TextDate(dt.date(2023, 7, 13), "cn"),
                _fk_note="a subordinate unit, not an agency on the roster"),
        officer(unit, "苏日娜", "15062608000235", id_number("19960505", 28), None, 30, 30.5, "网络培训",
                TextDate(dt.date(2023, 10, 8), "slash")),
    ]
    g = Golden(file, TRAINING.name, {"填报单位": unit, "填报日期": "2023-10-09"})
    width = len(layout)
    lines = [["2023年度执法人员培训学时统计表"] + [""] * (width - 1),
             [f"填报单位：{unit}（盖章）", "", "", "", "", "", "", "填报日期：2023年10月9日"] + [""] * (width - 8),
             ["序号", "单位", "姓名", "执法证号", "身份证号", "公共法律知识学时", "行业法律知识学时", "合计学时",
              "培训方式", "培训日期", "备注", "备用"]]
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        lines.append([csv_text(row.get(k)) if k in row else "" for k in layout])
    lines.append(["填表人：苏日娜", "", "联系电话：0477-7513318"] + [""] * (width - 3))
    with open(os.path.join(VALIDATE, file), "w", encoding="gbk", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(lines)
    g.check_table(None, TRAINING, layout, 3, 4, rows, extra_labels=["备用"])
    g.write()


# ---------------------------------------------------------------------------- discretion benchmarks (★)

DISCRETION_LAYOUT = ["seq", "agency", "category", "violation", "basis", "tier", "case", "fmin", "fmax", "published", "filing"]
DISCRETION_HEAD = ["序号", "部门", "行为类别", "违法行为", "法律依据", "裁量阶次", "适用情形", "罚款下限(元)", "罚款上限(元)", "公布日期", "备案情况"]


def benchmark(agency, violation, basis, tiers, category="行政处罚", published=None, filing="已备案"):
    """One violation with its tiers: (tier, circumstances, min, max[, overrides])."""
    rows = []
    for t in tiers:
        tier, case, fmin, fmax = t[:4]
        row = dict(agency=agency, category=category, violation=violation, basis=basis, tier=tier, case=case,
                   fmin=fmin, fmax=fmax, published=published, filing=filing)
        if len(t) > 4:
            row.update(t[4])
        rows.append(row)
    return rows


def discretion_clean():
    """乌审旗交通运输局 (xlsxwriter): 部门, 行为类别, 违法行为 and 法律依据 merged down over the tiers."""
    file = "乌审旗交通运输局_行政裁量权基准_2023.xlsx"
    unit = "乌审旗交通运输局"
    pub = dt.date(2023, 6, 15)
    groups = [
        benchmark(unit, "未取得道路运输经营许可，擅自从事道路普通货物运输经营", "《中华人民共和国道路运输条例》第六十三条", [
            ("从轻", "没有违法所得或违法所得不足2万元，首次被查处且及时改正", 10000, 30000),
            ("一般", "没有违法所得或违法所得不足2万元，经责令改正后仍继续经营", 30000, 70000),
            ("从重", "没有违法所得或违法所得不足2万元，一年内被查处两次以上", 70000, 100000),
        ], published=pub),
        benchmark(unit, "道路运输经营者不按照规定携带车辆营运证", "《中华人民共和国道路运输条例》第六十八条", [
            ("不予处罚", "首次违法，当场补正且未造成危害后果", "—", "—"),
            ("一般", "经责令改正后及时改正", 20, 100),
            ("从重", "拒不改正或一年内被查处两次以上", 100, 200),
        ], published=pub),
        benchmark(unit, "车辆违法超限运输", "《公路安全保护条例》第六十四条", [
            ("从轻", "超限率在30%以下", 500, 5000),
            ("一般", "超限率在30%以上、60%以下", 5000, 20000),
            ("从重", "超限率在60%以上或拒不接受检测", 20000, 30000),
        ], published=TextDate(dt.date(2023, 8, 1), "cn")),
    ]
    rows = [r for grp in groups for r in grp]
    g = Golden(file, DISCRETION.name, {"填报单位": unit, "填报日期": "2023-09-20"})
    wb = xlsxwriter.Workbook(os.path.join(VALIDATE, file))
    ws = wb.add_worksheet("裁量权基准")
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
    merged = wb.add_format({"valign": "vcenter", "text_wrap": True})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0"})
    ws.merge_range(0, 0, 0, 10, "乌审旗交通运输局行政处罚裁量权基准统计表", title)
    ws.write_string(1, 0, f"填报单位：{unit}（盖章）")
    ws.write_string(1, 8, "填报日期：2023年9月20日")
    ws.write_row(2, 0, DISCRETION_HEAD, head)
    start = 3
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        for c, key in enumerate(DISCRETION_LAYOUT):
            if key in ("agency", "category"):
                continue
            if key in ("violation", "basis") and i % 3:
                continue
            xlsxwriter_put(ws, start + i, c, row[key], datef, money if key in ("fmin", "fmax") else None)
    ws.merge_range(start, 1, start + len(rows) - 1, 1, unit, merged)
    ws.merge_range(start, 2, start + len(rows) - 1, 2, "行政处罚", merged)
    for k in range(0, len(rows), 3):
        ws.merge_range(start + k, 3, start + k + 2, 3, rows[k]["violation"], merged)
        ws.merge_range(start + k, 4, start + k + 2, 4, rows[k]["basis"], merged)
    ws.write_string(start + len(rows), 0, "填表人：王志强      联系电话：0477-7521065")
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2, 14)
    ws.set_column(3, 4, 30)
    ws.set_column(5, 5, 10)
    ws.set_column(6, 6, 36)
    ws.set_column(7, 10, 14)
    wb.close()
    g.check_table("裁量权基准", DISCRETION, DISCRETION_LAYOUT, 3, start + 1, rows)
    g.write()


def discretion_broken_xlsx():
    """乌审旗应急管理局 (openpyxl): 下限 and 上限 swapped, a blank 裁量阶次, a fine on a 不予处罚 tier,
    an amount typed as `5000元`."""
    file = "乌审旗应急管理局_行政处罚裁量基准统计表（2023年）.xlsx"
    unit = "乌审旗应急管理局"
    pub = TextDate(dt.date(2023, 7, 28), "cn")
    rows = (
        benchmark(unit, "生产经营单位未按照规定对从业人员进行安全生产教育和培训", "《中华人民共和国安全生产法》第九十七条第三项", [
            ("不予处罚", "首次违法且在责令期限内改正", 0, 5000),
            ("一般", "逾期未改正，涉及从业人员10人以下", 20000, 50000),
            ("从重", "逾期未改正，涉及从业人员10人以上", 100000, 50000),
        ], published=pub)
        + benchmark(unit, "生产经营单位未如实记录安全生产教育和培训情况", "《中华人民共和国安全生产法》第九十七条第三项", [
            (None, "责令限期改正，逾期未改正", 10000, 50000),
            ("从重", "拒不改正或造成后果", Bad("5万", "type-error", note="amount with a Chinese unit is not a number"), 100000),
        ], published=pub)
        + benchmark(unit, "未按规定设置安全生产管理机构或配备安全生产管理人员", "《中华人民共和国安全生产法》第九十七条第一项", [
            ("从轻", "及时改正，未造成危害后果", 0, 20000),
            ("一般", "逾期未改正", Bad("5000元", "type-error", note="amount with 元 is not a number"), 50000),
        ], published=TextDate(dt.date(2023, 9, 15), "compact"))
    )
    g = Golden(file, DISCRETION.name, {"填报单位": unit, "填报日期": "2023-10-10"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["乌审旗应急管理局行政处罚裁量基准统计表"])
    ws.merge_cells("A1:K1")
    ws["A1"].font = Font(bold=True, size=15)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：乌审旗应急管理局（盖章）", None, None, None, None, None, None, None, "填报日期：2023年10月10日"])
    ws.append(DISCRETION_HEAD)
    for c in ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    start = 4
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        for c, key in enumerate(DISCRETION_LAYOUT, 1):
            if key == "agency" and i:
                continue
            openpyxl_put(ws, start + i, c, row[key])
    ws.merge_cells(f"B{start}:B{start + len(rows) - 1}")
    ws.cell(start + len(rows), 1, "填表人：")
    ws.cell(start + len(rows), 6, "联系电话：")
    for col, w in zip("ABCDEFGHIJK", [6, 18, 10, 36, 30, 10, 30, 12, 12, 14, 10]):
        ws.column_dimensions[col].width = w
    wb.save(os.path.join(VALIDATE, file))
    g.check_table("Sheet1", DISCRETION, DISCRETION_LAYOUT, 3, start, rows)
    g.write()


def discretion_broken_csv():
    """乌审旗自然资源局, CSV in GBK exported from an office system: no 备案情况 column, a full-width
    amount, a 裁量阶次 outside the list, the bureau's pre-2019 name in one row."""
    file = "乌审旗自然资源局_行政裁量权基准.csv"
    unit = "乌审旗自然资源局"
    layout = DISCRETION_LAYOUT[:-1]
    rows = (
        benchmark(unit, "未经批准或者采取欺骗手段骗取批准，非法占用土地", "《中华人民共和国土地管理法》第七十七条、《中华人民共和国土地管理法实施条例》第五十七条", [
            ("从轻", "非法占用一般耕地以外的其他土地，并已自行拆除（罚款按每平方米计）", 100, 300),
            ("一般", "非法占用一般耕地，符合土地利用总体规划（罚款按每平方米计）", 300, 700),
            ("较重", "非法占用永久基本农田（罚款按每平方米计）", 700, 1000),
        ], published=TextDate(dt.date(2023, 8, 1), "dot"))
        + benchmark(unit, "未取得采矿许可证擅自采矿", "《中华人民共和国矿产资源法》第三十九条、《中华人民共和国矿产资源法实施细则》第四十二条", [
            ("一般", "违法所得不足10万元", Bad("１００００", "value-normalized", "warning", typed=Decimal(10000), note="full-width digits folded to 10000"), 50000),
            ("从重", "违法所得10万元以上或造成矿产资源破坏", 50000, 100000, {"agency": "乌审旗国土资源局",
             "_fk_note": "the bureau's name before the 2019 reform; not on the roster"}),
        ], published=TextDate(dt.date(2023, 9, 15), "compact"))
    )
    g = Golden(file, DISCRETION.name, {})
    lines = [DISCRETION_HEAD[:-1]]
    for i, row in enumerate(rows):
        row["seq"] = i + 1
        lines.append([csv_text(row[k]) for k in layout])
    with open(os.path.join(VALIDATE, file), "w", encoding="gbk", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(lines)
    g.check_table(None, DISCRETION, layout, 1, 2, rows)
    g.write()


# ---------------------------------------------------------------------------- normative documents (★)

NORMATIVE_LAYOUT = {
    "继续有效": (["seq", "title", "doc", "issuer", "issued", "until", "filing", "note"],
             ["序号", "文件名称", "文号", "制定机关", "发布日期", "有效期至", "备案情况", "备注"]),
    "修改": (["seq", "title", "doc", "issuer", "issued", "reason", "filing", "note"],
           ["序号", "文件名称", "文号", "制定机关", "发布日期", "修改理由", "备案情况", "备注"]),
    "宣布失效": (["seq", "title", "doc", "issuer", "issued", "repealed", "reason", "filing", "note"],
             ["序号", "文件名称", "文号", "制定机关", "发布日期", "失效日期", "失效理由", "备案情况", "备注"]),
}
GOV = "乌审旗人民政府"
GOV_OFFICE = "乌审旗人民政府办公室"


def doc(title, number, issuer, issued, filing="已备案", note=None, **extra):
    return dict(title=title, doc=number, issuer=issuer, issued=issued, filing=filing, note=note, **extra)


def normative_workbook(path, writer, unit, day_text, lists, title_prefix):
    """Writes the three lists as three sheets: title row, 填报单位 line, one header row, data, footer."""
    if writer == "xlsxwriter":
        wb = xlsxwriter.Workbook(path)
        title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
        head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True})
        datef = wb.add_format({"num_format": "yyyy-mm-dd"})
        for sheet, rows in lists.items():
            keys, labels = NORMATIVE_LAYOUT[sheet]
            ws = wb.add_worksheet(sheet)
            ws.merge_range(0, 0, 0, len(keys) - 1, f"{title_prefix}（{sheet}）", title)
            ws.write_string(1, 0, f"填报单位：{unit}（盖章）")
            ws.write_string(1, len(keys) - 2, f"填报日期：{day_text}")
            ws.write_row(2, 0, labels, head)
            for i, row in enumerate(rows):
                row["seq"] = i + 1
                for c, key in enumerate(keys):
                    xlsxwriter_put(ws, 3 + i, c, row.get(key), datef)
            ws.write_string(3 + len(rows), 0, "填表人：")
            ws.write_string(3 + len(rows), 4, "联系电话：")
            ws.set_column(0, 0, 6)
            ws.set_column(1, 1, 50)
            ws.set_column(2, 3, 22)
            ws.set_column(4, len(keys) - 1, 14)
        wb.close()
        return
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in lists.items():
        keys, labels = NORMATIVE_LAYOUT[sheet]
        ws = wb.create_sheet(sheet)
        ws.append([f"{title_prefix}（{sheet}）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(keys))
        ws["A1"].font = Font(bold=True, size=15)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append([f"填报单位：{unit}（盖章）"] + [None] * (len(keys) - 3) + [f"填报日期：{day_text}"])
        ws.append(labels)
        for c in ws[3]:
            c.font = Font(bold=True)
        for i, row in enumerate(rows):
            row["seq"] = i + 1
            for c, key in enumerate(keys, 1):
                openpyxl_put(ws, 4 + i, c, row.get(key))
        ws.cell(4 + len(rows), 1, "填表人：")
        for col, w in zip("ABCDEFGHI", [6, 50, 22, 22, 14, 14, 30, 10, 10]):
            ws.column_dimensions[col].width = w
    wb.save(path)


def normative_goldens(g, lists):
    for sheet, rows in lists.items():
        keys, _ = NORMATIVE_LAYOUT[sheet]
        g.check_table(sheet, NORMATIVE[sheet], keys, 3, 4, rows)
    exclusive_goldens(g, lists)
    g.write()


def exclusive_goldens(g, lists, first_row=4):
    """The schemas' table-group rule `one-list-per-document`: a document (same 文号, or same 文件名称 and
    发布日期) in more than one of 继续有效 / 修改 / 宣布失效 is an `exclusive-listing` error at each
    listing — at the 文号 when the 文号 matches, else at the 文件名称. A repeat within one list is the
    unique key's (`unique-error`), not this."""
    def keys(row):
        out = []
        d = typed_value(row.get("doc"))
        if d is not None and not (isinstance(row.get("doc"), Bad) and row["doc"].severity == "error"):
            out.append(("doc", d))
        t, day = typed_value(row.get("title")), typed_value(row.get("issued"))
        if t is not None and day is not None:
            out.append(("title", (t, day)))
        return out
    where = {}
    for sheet, rows in lists.items():
        for i, row in enumerate(rows):
            for k in keys(row):
                where.setdefault(k, set()).add(sheet)
    for sheet, rows in lists.items():
        layout, _ = NORMATIVE_LAYOUT[sheet]
        for i, row in enumerate(rows):
            for kind, value in keys(row):
                if len(where[(kind, value)]) > 1:
                    col = layout.index(kind) + 1
                    g.add(sheet, first_row + i, col, "文号" if kind == "doc" else "文件名称", "exclusive-listing", "error",
                          note="listed in " + " and ".join(sorted(where[(kind, value)])))
                    break


def normative_clean():
    """乌审旗司法局: the banner government's documents, every 文号 with 〔〕 and matching years."""
    file = "乌审旗司法局_规范性文件清理目录_2023.xlsx"
    unit = "乌审旗司法局"
    lists = {
        "继续有效": [
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法公示制度的通知", "乌政办发〔2022〕115号", GOV_OFFICE, dt.date(2022, 6, 1), until=dt.date(2027, 5, 31)),
            doc("乌审旗人民政府关于印发乌审旗重大行政执法决定法制审核办法的通知", "乌政发〔2021〕32号", GOV, dt.date(2021, 3, 15), until=dt.date(2026, 3, 14)),
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法全过程记录办法的通知", "乌政办发〔2020〕88号", GOV_OFFICE, dt.date(2020, 11, 2), until=dt.date(2025, 11, 1)),
            doc("乌审旗人民政府关于进一步规范行政裁量权基准制定和管理工作的实施意见", "乌政发〔2023〕9号", GOV, dt.date(2023, 4, 18), until=dt.date(2028, 4, 17)),
            doc("乌审旗人民政府办公室关于印发乌审旗规范性文件管理办法的通知", "乌政办发〔2019〕47号", GOV_OFFICE, TextDate(dt.date(2019, 5, 6), "cn"),
                until=TextDate(dt.date(2024, 5, 5), "cn"), note="2024年到期前评估"),
        ],
        "修改": [
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法人员持证上岗和资格管理办法的通知", "乌政办发〔2019〕64号", GOV_OFFICE, dt.date(2019, 8, 12),
                reason="与《内蒙古自治区行政执法人员资格认证和执法证件管理办法》不一致"),
            doc("乌审旗人民政府关于印发乌审旗行政执法投诉举报处理办法的通知", "乌政发〔2018〕56号", GOV, dt.date(2018, 10, 30),
                reason="投诉渠道调整为12345政务服务便民热线"),
        ],
        "宣布失效": [
            doc("乌审旗城市管理相对集中行政处罚权实施办法", "乌政发〔2015〕21号", GOV, dt.date(2015, 4, 20),
                repealed=dt.date(2023, 6, 30), reason="机构改革后职能已划转综合行政执法局"),
            doc("乌审旗人民政府关于印发乌审旗行政执法责任制实施办法的通知", "乌政发〔2012〕47号", GOV, dt.date(2012, 5, 10),
                repealed=dt.date(2023, 6, 30), reason="制定依据已修改"),
        ],
    }
    normative_workbook(os.path.join(VALIDATE, file), "xlsxwriter", unit, "2023年10月12日", lists, "乌审旗规范性文件清理目录")
    normative_goldens(Golden(file, {s: NORMATIVE[s].name for s in lists}, {"填报单位": unit, "填报日期": "2023-10-12"}), lists)


def normative_broken_gov():
    """乌审旗人民政府办公室 (openpyxl): brackets typed as [] and （）, 有效期至 before 发布日期, a blank
    修改理由, a 文号 year that differs from the 发布日期, one document both still valid and repealed."""
    file = "乌审旗人民政府办公室_规范性文件清理结果.xlsx"
    unit = GOV_OFFICE
    lists = {
        "继续有效": [
            doc("乌审旗人民政府关于印发乌审旗重大行政执法决定法制审核办法的通知",
                Bad("乌政发[2021]32号", "doc-number-normalized", "warning", typed="乌政发〔2021〕32号", note="[] brackets → 〔〕"),
                GOV, TextDate(dt.date(2021, 3, 15), "cn"), until=TextDate(dt.date(2026, 3, 14), "cn")),
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法全过程记录办法的通知",
                Bad("乌政办发（2020）88号", "doc-number-normalized", "warning", typed="乌政办发〔2020〕88号", note="（） brackets → 〔〕"),
                GOV_OFFICE, TextDate(dt.date(2020, 11, 2), "dot"), until=TextDate(dt.date(2025, 11, 1), "dot")),
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法公示制度的通知", "乌政办发〔2022〕115号", GOV_OFFICE, dt.date(2022, 6, 1),
                until=dt.date(2017, 5, 31)),
        ],
        "修改": [
            doc("乌审旗人民政府关于印发乌审旗行政执法投诉举报处理办法的通知", "乌政发〔2018〕56号", GOV, dt.date(2018, 10, 30), reason=None),
        ],
        "宣布失效": [
            doc("乌审旗城市管理相对集中行政处罚权实施办法", "乌政发〔2016〕21号", GOV, dt.date(2015, 4, 20),
                repealed=TextDate(dt.date(2023, 6, 30), "cn"), reason="机构改革后职能已划转综合行政执法局"),
            doc("乌审旗人民政府办公室关于印发乌审旗行政执法全过程记录办法的通知", "乌政办发〔2020〕88号", GOV_OFFICE, dt.date(2020, 11, 2),
                repealed=TextDate(dt.date(2023, 6, 30), "cn"), reason="已被新办法替代"),
        ],
    }
    normative_workbook(os.path.join(VALIDATE, file), "openpyxl", unit, "2023年10月11日", lists, "乌审旗人民政府规范性文件清理目录")
    g = Golden(file, {s: NORMATIVE[s].name for s in lists}, {"填报单位": unit, "填报日期": "2023-10-11"})
    g.remarks.append("乌政办发〔2020〕88号 is listed both in 继续有效 (row 5, typed with （）) and in 宣布失效 (row 5): "
                     "`exclusive-listing` at both, from the schemas' table-group rule one-list-per-document.")
    normative_goldens(g, lists)


def normative_broken_dept():
    """乌审旗市场监督管理局 (xlsxwriter): 【】 and half-width () brackets, a document listed twice,
    有效期至 typed as 长期 (accepted: a document without an expiry date), a 文号 without its serial
    number, an impossible 失效日期."""
    file = "乌审旗市场监督管理局_规范性文件清理情况_2023.xlsx"
    unit = "乌审旗市场监督管理局"
    org = unit
    lists = {
        "继续有效": [
            doc("乌审旗市场监督管理局关于印发乌审旗市场监管领域轻微违法行为不予处罚清单的通知",
                Bad("乌市监发【2022】7号", "doc-number-normalized", "warning", typed="乌市监发〔2022〕7号", note="【】 brackets → 〔〕"),
                org, dt.date(2022, 3, 18), until=dt.date(2027, 3, 17)),
            doc("乌审旗市场监督管理局关于印发乌审旗市场监管行政处罚案件办理规程的通知",
                Bad("乌市监发(2021)12号", "doc-number-normalized", "warning", typed="乌市监发〔2021〕12号", note="half-width () brackets → 〔〕"),
                org, dt.date(2021, 5, 26), until=dt.date(2026, 5, 25)),
            doc("乌审旗市场监督管理局关于印发乌审旗食品安全“两个责任”落实办法的通知", "乌市监发〔2023〕21号", org, dt.date(2023, 6, 9),
                until="长期"),
            doc("乌审旗市场监督管理局关于印发乌审旗市场监管领域轻微违法行为不予处罚清单的通知", "乌市监发〔2022〕7号", org, dt.date(2022, 3, 18),
                until=dt.date(2027, 3, 17)),
        ],
        "修改": [
            doc("乌审旗市场监督管理局关于印发乌审旗特种设备安全监督检查办法的通知",
                Bad("乌市监发〔2020〕", "type-error", note="no serial number before 号: not a document number"),
                org, dt.date(2020, 9, 14), reason="《特种设备安全监督检查办法》已于2022年修订"),
        ],
        "宣布失效": [
            doc("乌审旗工商行政管理局关于印发乌审旗个体工商户登记管理实施细则的通知", "乌工商发〔2016〕9号", "乌审旗工商行政管理局", dt.date(2016, 2, 22),
                repealed=Bad("2023年13月1日", "type-error", note="impossible date (month 13)"), reason="机构改革，制定机关已撤销"),
            doc("乌审旗食品药品监督管理局关于印发乌审旗食品摊贩管理办法的通知", "乌食药监发〔2017〕15号", "乌审旗食品药品监督管理局", dt.date(2017, 7, 3),
                repealed=TextDate(dt.date(2023, 9, 1), "dot"), reason="与《内蒙古自治区食品小作坊小经营店小摊点管理条例》不一致"),
        ],
    }
    normative_workbook(os.path.join(VALIDATE, file), "xlsxwriter", unit, "2023年10月13日", lists, "乌审旗市场监督管理局规范性文件清理情况")
    normative_goldens(Golden(file, {s: NORMATIVE[s].name for s in lists}, {"填报单位": unit, "填报日期": "2023-10-13"}), lists)


def main():
    training_xlsx(os.path.join(HERE, "乌审旗_执法人员培训学时台账.xlsx"))
    normative_xlsx(os.path.join(HERE, "乌审旗_规范性文件清理目录.xlsx"))
    discretion_csvs(os.path.join(HERE, "乌审旗_行政裁量权基准_gbk.csv"), os.path.join(HERE, "乌审旗_行政裁量权基准_utf8bom.csv"))
    roster_xlsx(os.path.join(HERE, "本级行政执法部门名单.xlsx"))
    os.makedirs(EXPECTED, exist_ok=True)
    for build in (training_clean, training_broken_xlsx, training_broken_csv,
                  discretion_clean, discretion_broken_xlsx, discretion_broken_csv,
                  normative_clean, normative_broken_gov, normative_broken_dept):
        build()
    print("samples written")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Deterministic workload generator: 执法人员培训学时台账 (training-hours ledger).

Writes, for N rows:
  <prefix>.xlsx           XlsxWriter default mode (shared strings table, as Excel writes)
  <prefix>.utf8.csv       same data, UTF-8 (no BOM), comma separated
  <prefix>.gb18030.csv    same data, GB18030

Usage:
  python3 gen_ledger.py --rows 100000 --prefix ledger_100k [--seed 20240601] [--formats xlsx,utf8,gb18030]

The row generator (iter_rows / HEADERS / excel_serial) is importable so the
write benchmarks (write_py.py) produce the
same data.
"""
import argparse
import csv
import datetime as _dt
import random
import sys

HEADERS = [
    "序号", "姓名", "单位", "执法证号", "身份证号", "职务",
    "公共法律知识学时", "行业法律知识学时", "合计学时", "培训方式", "培训日期", "备注",
]

# Column kinds, used by writers: int, str, text (digits that must stay text),
# dec (decimal), date, enum.
KINDS = ["int", "str", "str", "text", "text", "str", "dec", "dec", "dec", "enum", "date", "str"]

# 鄂尔多斯市 banners/districts with their administrative division codes.
REGIONS = [
    ("东胜区", "150602"), ("康巴什区", "150603"), ("达拉特旗", "150621"),
    ("准格尔旗", "150622"), ("鄂托克前旗", "150623"), ("鄂托克旗", "150624"),
    ("杭锦旗", "150625"), ("乌审旗", "150626"), ("伊金霍洛旗", "150627"),
]
BUREAUS = [
    ("市场监督管理局", "19"), ("综合行政执法局", "21"), ("生态环境局", "23"),
    ("自然资源局", "25"), ("交通运输局", "27"), ("应急管理局", "29"),
    ("农牧局", "31"), ("文化和旅游局", "33"), ("卫生健康委员会", "35"),
    ("林业和草原局", "37"), ("城市管理综合执法局", "39"), ("水利局", "41"),
]


def _agencies():
    rng = random.Random(7)
    combos = [(r, rc, b, bc) for (r, rc) in REGIONS for (b, bc) in BUREAUS]
    rng.shuffle(combos)
    out = []
    for r, rc, b, bc in combos[:36]:
        out.append((r + b, rc, bc))
    # a few sub-units (所/大队), as real ledgers contain
    out.append(("乌审旗市场监督管理局嘎鲁图市场监督管理所", "150626", "19"))
    out.append(("伊金霍洛旗市场监督管理局阿勒腾席热市场监督管理所", "150627", "19"))
    out.append(("准格尔旗综合行政执法局薛家湾执法大队", "150622", "21"))
    out.append(("鄂尔多斯市生态环境局达拉特旗分局", "150621", "23"))
    return out


AGENCIES = _agencies()  # 40 agencies

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌鹏宇浩然子涵欣怡俊杰思远晓东海燕春生凤琴小龙云飞振华永刚丽娟雪梅国庆利民德胜瑞")
MONGOLIAN = ["巴特尔", "乌云其其格", "额尔敦", "苏和", "斯琴高娃", "那仁花", "宝音", "朝鲁门",
             "阿拉坦仓", "孟和巴雅尔", "其木格", "乌力吉", "萨仁图雅", "巴音孟克"]
TITLES = ["科员", "一级科员", "四级主任科员", "三级主任科员", "副科长", "科长", "执法队员",
          "副队长", "队长", "副所长", "所长", "副局长", "二级主任科员", "协管员"]
TITLE_W = [20, 12, 10, 6, 6, 5, 18, 4, 3, 4, 3, 2, 3, 4]
METHODS = ["集中轮训", "网络培训", "执法能力比赛"]
METHOD_W = [55, 40, 5]
REMARKS = ["补训", "新入职", "调入", "已离岗", "因病缺训", "外出学习", "2023年度补录", "学时折算"]

EPOCH = _dt.date(1899, 12, 30)
D0 = _dt.date(2023, 1, 1)
NDAYS = (_dt.date(2024, 12, 31) - D0).days + 1
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # GB 11643-1999


def excel_serial(d):
    return (d - EPOCH).days


def id_checksum(s17):
    total = sum(int(c) * w for c, w in zip(s17, ID_W))
    return "10X98765432"[total % 11]


def iter_rows(n, seed=20240601):
    """Yield n rows as tuples of Python values:
    (int, str, str, str, str, str, float, float, float, str, datetime.date, str)
    备注 is '' when empty (writers leave the cell absent)."""
    rng = random.Random(seed)
    counters = {}
    rnd = rng.random
    choice = rng.choice
    randint = rng.randint
    for i in range(1, n + 1):
        if rnd() < 0.03:
            name = choice(MONGOLIAN)
        else:
            name = choice(SURNAMES) + (choice(GIVEN) if rnd() < 0.3 else choice(GIVEN) + choice(GIVEN))
        agency, rcode, bcode = AGENCIES[randint(0, len(AGENCIES) - 1)]
        key = rcode + bcode
        seq = counters.get(key, 0) + 1
        counters[key] = seq
        cert = "%s%s%06d" % (rcode, bcode, seq)  # unique, 14 digits, text
        birth = _dt.date(1965, 1, 1) + _dt.timedelta(days=randint(0, 35 * 365))
        s17 = "%s%s%03d" % (REGIONS[randint(0, 8)][1], birth.strftime("%Y%m%d"), randint(1, 999))
        idno = s17 + id_checksum(s17)
        title = rng.choices(TITLES, TITLE_W)[0]
        pub = randint(16, 80) / 2.0       # 8.0 .. 40.0 step 0.5
        ind = randint(32, 120) / 2.0      # 16.0 .. 60.0 step 0.5
        total = pub + ind
        method = rng.choices(METHODS, METHOD_W)[0]
        day = D0 + _dt.timedelta(days=randint(0, NDAYS - 1))
        remark = choice(REMARKS) if rnd() < 0.08 else ""
        yield (i, name, agency, cert, idno, title, pub, ind, total, method, day, remark)


def fmt_num(x):
    return ("%d" % x) if x == int(x) else ("%.1f" % x)


def csv_fields(r):
    return [str(r[0]), r[1], r[2], r[3], r[4], r[5], fmt_num(r[6]), fmt_num(r[7]),
            fmt_num(r[8]), r[9], r[10].isoformat(), r[11]]


def setup_xlsxwriter(wb, ws):
    hdr = wb.add_format({"bold": True, "align": "center", "border": 1})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    decf = wb.add_format({"num_format": "0.0"})
    textf = wb.add_format({"num_format": "@"})
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h, hdr)
    widths = [6, 10, 36, 18, 22, 14, 10, 10, 10, 12, 12, 12]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w, textf if c in (3, 4) else None)
    ws.freeze_panes(1, 0)
    return datef, decf, textf


def write_rows_xlsxwriter(ws, rows, datef, decf, textf):
    ws_num = ws.write_number
    ws_str = ws.write_string
    r = 0
    for row in rows:
        r += 1
        ws_num(r, 0, row[0])
        ws_str(r, 1, row[1])
        ws_str(r, 2, row[2])
        ws_str(r, 3, row[3], textf)
        ws_str(r, 4, row[4], textf)
        ws_str(r, 5, row[5])
        ws_num(r, 6, row[6], decf)
        ws_num(r, 7, row[7], decf)
        ws_num(r, 8, row[8], decf)
        ws_str(r, 9, row[9])
        ws_num(r, 10, excel_serial(row[10]), datef)
        if row[11]:
            ws_str(r, 11, row[11])
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--formats", default="xlsx,utf8,gb18030")
    a = ap.parse_args()
    fmts = set(a.formats.split(","))

    wb = ws = None
    if "xlsx" in fmts:
        import xlsxwriter
        wb = xlsxwriter.Workbook(a.prefix + ".xlsx", {"use_zip64": True})
        ws = wb.add_worksheet("培训学时台账")
        datef, decf, textf = setup_xlsxwriter(wb, ws)
    outs = []
    if "utf8" in fmts:
        outs.append(open(a.prefix + ".utf8.csv", "w", encoding="utf-8", newline=""))
    if "gb18030" in fmts:
        outs.append(open(a.prefix + ".gb18030.csv", "w", encoding="gb18030", newline=""))
    writers = [csv.writer(f, lineterminator="\r\n") for f in outs]
    for w in writers:
        w.writerow(HEADERS)

    def tee():
        for row in iter_rows(a.rows, a.seed):
            if writers:
                fields = csv_fields(row)
                for w in writers:
                    w.writerow(fields)
            yield row

    if ws is not None:
        write_rows_xlsxwriter(ws, tee(), datef, decf, textf)
        wb.close()
    else:
        for _ in tee():
            pass
    for f in outs:
        f.close()


if __name__ == "__main__":
    sys.exit(main())

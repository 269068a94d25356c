#!/usr/bin/env python3
"""Generates agency submissions for merge tests and benchmarks (xlsxwriter).

Writes into OUTDIR (the submissions themselves in OUTDIR/submissions/):
  roster.xlsx                        本级行政执法部门名单 (单位名称, 简称) of every agency
  <agency>_培训学时台账_2023.xlsx     one training-hours ledger per agency (title row, 填报单位 line,
                                     header, ROWS rows, 填表人 footer), shapes as gen_ledger.py
  <agency>_行政裁量权基准_2023.xlsx    for the first --discretion agencies, a discretion-benchmark ledger
  broken_*.xlsx                      --broken files: some with cell errors, one not a workbook
  new/<agency>_培训学时台账_2023.xlsx  with --new-file, one more agency's ledger (in the roster too), kept
                                     apart for timing an incremental merge; the other files are as without it
  <agency>_培训学时台账_2023_更正.xlsx  --resubmit agencies send a second, corrected ledger (replaces the first)
Officers listed by two agencies (--duplicates) share an ID number across submissions.

Prints a JSON line: the expected number of consolidated rows per ledger and the files left out.

Usage: gen_submissions.py OUTDIR [--agencies 200] [--rows 500] [--broken 4] [--resubmit 0]
                          [--duplicates 0] [--discretion 0] [--seed 1] [--new-file]
"""
import argparse, datetime as dt, json, os, random
import xlsxwriter

HEAD = ["序号", "单位", "姓名", "执法证号", "身份证号", "职务", "公共法律知识学时", "行业法律知识学时", "合计学时", "培训方式", "培训日期", "备注"]
DHEAD = ["序号", "部门", "行为类别", "违法行为", "法律依据", "裁量阶次", "适用情形", "罚款下限(元)", "罚款上限(元)", "公布日期", "备案情况"]
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SUR = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶")
GIV = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国志红玉梅文斌鹏宇浩")
REGIONS = ["东胜区", "康巴什区", "达拉特旗", "准格尔旗", "鄂托克前旗", "鄂托克旗", "杭锦旗", "乌审旗", "伊金霍洛旗"]
BUREAUS = ["市场监督管理局", "综合行政执法局", "生态环境局", "自然资源局", "交通运输局", "应急管理局", "农牧局",
           "文化和旅游局", "卫生健康委员会", "林业和草原局", "城市管理综合执法局", "水利局", "司法局", "公安局",
           "税务局", "教育局", "民政局", "财政局", "住房和城乡建设局", "商务局", "统计局", "医疗保障局", "人民政府"]


# Past the 207 agencies of Ordos, the counties and banners of the rest of Inner Mongolia (for merges of
# thousands of agencies, e.g. `bench.py merge-2000`); the first 207 names are unchanged.
MORE_REGIONS = """新城区 回民区 玉泉区 赛罕区 土默特左旗 托克托县 和林格尔县 清水河县 武川县 东河区 昆都仑区 青山区 石拐区
白云鄂博矿区 九原区 土默特右旗 固阳县 达尔罕茂明安联合旗 海勃湾区 海南区 乌达区 红山区 元宝山区 松山区 阿鲁科尔沁旗
巴林左旗 巴林右旗 林西县 克什克腾旗 翁牛特旗 喀喇沁旗 宁城县 敖汉旗 科尔沁区 科尔沁左翼中旗 科尔沁左翼后旗 开鲁县 库伦旗
奈曼旗 扎鲁特旗 霍林郭勒市 海拉尔区 扎赉诺尔区 阿荣旗 莫力达瓦达斡尔族自治旗 鄂伦春自治旗 鄂温克族自治旗 陈巴尔虎旗
新巴尔虎左旗 新巴尔虎右旗 满洲里市 牙克石市 扎兰屯市 额尔古纳市 根河市 临河区 五原县 磴口县 乌拉特前旗 乌拉特中旗
乌拉特后旗 杭锦后旗 集宁区 卓资县 化德县 商都县 兴和县 凉城县 察哈尔右翼前旗 察哈尔右翼中旗 察哈尔右翼后旗 四子王旗
丰镇市 乌兰浩特市 阿尔山市 科尔沁右翼前旗 科尔沁右翼中旗 扎赉特旗 突泉县 二连浩特市 锡林浩特市 阿巴嘎旗 苏尼特左旗
苏尼特右旗 东乌珠穆沁旗 西乌珠穆沁旗 太仆寺旗 镶黄旗 正镶白旗 正蓝旗 多伦县 阿拉善左旗 阿拉善右旗 额济纳旗""".split()


def agencies(n):
    out = [r + b for b in BUREAUS for r in REGIONS] + [r + b for r in MORE_REGIONS for b in BUREAUS]
    if n > len(out):
        raise SystemExit("at most %d agencies" % len(out))
    return out[:n]


def idno(rng, serial):
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=serial % 12000)
    s17 = "150626%s%03d" % (birth.strftime("%Y%m%d"), serial // 12000 % 1000)
    return s17 + "10X98765432"[sum(int(c) * w for c, w in zip(s17, ID_W)) % 11]


def training(path, agency, rows, rng, first_serial, broken=False, shared_ids=()):
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("培训学时台账")
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "执法人员培训学时台账")
    ws.write_string(1, 0, "填报单位：%s（盖章）  填报日期：2023年7月25日" % agency)
    for c, h in enumerate(HEAD):
        ws.write_string(2, c, h)
    for i in range(rows):
        r = 3 + i
        serial = first_serial + i
        pub = rng.randint(40, 80) / 2.0
        ind = rng.randint(40, 80) / 2.0
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, agency)
        ws.write_string(r, 2, rng.choice(SUR) + rng.choice(GIV) + rng.choice(GIV))
        ws.write_string(r, 3, "15062619%06d" % serial)
        ws.write_string(r, 4, shared_ids[i] if i < len(shared_ids) else idno(rng, serial))
        ws.write_string(r, 5, "执法队员")
        ws.write_number(r, 6, pub)
        ws.write_number(r, 7, ind)
        ws.write_number(r, 8, pub + ind if not (broken and i % 7 == 3) else pub + ind + 5)  # broken: 合计 ≠ sum
        ws.write_string(r, 9, "集中轮训")
        ws.write_datetime(r, 10, dt.datetime(2023, 3, 1) + dt.timedelta(days=i % 200), datef)
    ws.write_string(3 + rows, 0, "填表人：张三    联系电话：0477-2521381")
    wb.close()


def discretion(path, agency, rows, rng):
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("裁量权基准")
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "行政裁量权基准统计表")
    ws.write_string(1, 0, "填报单位：%s  填报日期：2023年7月25日" % agency)
    for c, h in enumerate(DHEAD):
        ws.write_string(2, c, h)
    for i in range(rows):
        r = 3 + i
        lo = rng.randint(1, 50) * 100
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, agency)
        ws.write_string(r, 2, "行政处罚")
        ws.write_string(r, 3, "违法行为%d（%s）" % (i + 1, agency))
        ws.write_string(r, 4, "《中华人民共和国行政处罚法》第%d条" % (i + 10))
        ws.write_string(r, 5, "一般")
        ws.write_string(r, 6, "首次违法且情节一般")
        ws.write_number(r, 7, lo)
        ws.write_number(r, 8, lo * 3)
        ws.write_datetime(r, 9, dt.datetime(2023, 5, 1), datef)
        ws.write_string(r, 10, "已备案")
    wb.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--agencies", type=int, default=200)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--broken", type=int, default=4)
    ap.add_argument("--resubmit", type=int, default=0)
    ap.add_argument("--duplicates", type=int, default=0)
    ap.add_argument("--discretion", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--new-file", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sub = os.path.join(a.outdir, "submissions")
    os.makedirs(sub, exist_ok=True)
    names = agencies(a.agencies)
    listed = agencies(a.agencies + 1) if a.new_file else names
    wb = xlsxwriter.Workbook(os.path.join(a.outdir, "roster.xlsx"))
    ws = wb.add_worksheet("名单")
    ws.write_string(0, 0, "单位名称"); ws.write_string(0, 1, "简称")
    for i, n in enumerate(listed):
        ws.write_string(i + 1, 0, n); ws.write_string(i + 1, 1, n[-6:])
    wb.close()
    expected = {"training-hours": 0, "discretion-benchmarks": 0}
    left_out = []
    n_broken = a.broken
    # Each agency's officers are numbered from its own base; ID numbers repeat past 12,000,000 serials, so
    # thousands of agencies are numbered 5,000 apart (up to 2,399 agencies of at most 5,000 rows).
    step = 10000 if (len(names) + 1) * 10000 < 12_000_000 else 5000
    if a.rows >= step:
        raise SystemExit("at most %d rows per agency for %d agencies" % (step - 1, len(names)))
    for k, agency in enumerate(names):
        base = (k + 1) * step
        # duplicates: agency k (k < --duplicates) lists the first officer of agency k+1 again (same ID number)
        shared = (idno(rng, base + step),) if k < a.duplicates else ()
        broken = k >= len(names) - n_broken
        fname = "%s_培训学时台账_2023.xlsx" % agency
        if broken:
            fname = "broken_" + fname
        training(os.path.join(sub, fname), agency, a.rows, rng, base, broken=broken, shared_ids=shared)
        if broken:
            left_out.append(fname)
        elif k < a.resubmit:
            # the first file is replaced by a corrected one with one row fewer
            left_out.append(fname)
            training(os.path.join(sub, "%s_培训学时台账_2023_更正.xlsx" % agency), agency, a.rows - 1, rng, base,
                     shared_ids=shared)
            expected["training-hours"] += a.rows - 1
        else:
            expected["training-hours"] += a.rows
        if k < a.discretion:
            discretion(os.path.join(sub, "%s_行政裁量权基准_2023.xlsx" % agency), agency, 5 + k % 4, rng)
            expected["discretion-benchmarks"] += 5 + k % 4
    if n_broken:
        with open(os.path.join(sub, "broken_not_a_workbook.xlsx"), "wb") as f:
            f.write(b"this is not a spreadsheet\n")
        left_out.append("broken_not_a_workbook.xlsx")
    out = {"expected_rows": expected, "left_out": sorted(left_out)}
    if a.new_file:
        agency = listed[-1]
        os.makedirs(os.path.join(a.outdir, "new"), exist_ok=True)
        out["new_file"] = os.path.join("new", "%s_培训学时台账_2023.xlsx" % agency)
        training(os.path.join(a.outdir, out["new_file"]), agency, a.rows, rng, (len(listed)) * 10000)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()

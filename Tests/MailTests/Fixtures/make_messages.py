"""Writes messages in the shapes agencies' mail clients produce, for MailTests.

Usage: make_messages.py OUTDIR

For each case OUTDIR/<case>.eml is the message, OUTDIR/<case>.<i>.bin the expected bytes of its
i-th attachment, and OUTDIR/manifest.json what the parser should find:
{case: {"subject", "from_name", "from_addr", "to_name", "text", "attachments": [{"name", "kind", "file",
"forward_depth"}]}}. Only the standard library is used (email, zipfile).
"""
import base64
import email.charset
import email.encoders
import email.generator
import email.policy
import io
import json
import os
import struct
import sys
import urllib.parse
import zipfile
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
manifest = {}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = "Tue, 25 Jul 2023 09:30:00 +0800"


def xlsx(title):
    """A small but real OOXML workbook whose one cell holds `title`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="台账" sheetId="1"/></sheets></workbook>')
        z.writestr("xl/worksheets/sheet1.xml",
                   '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row></sheetData></worksheet>' % title)
    return buf.getvalue()


def gbk_csv():
    return ("序号,部门,行为类别,违法行为,罚款下限(元),罚款上限(元)\r\n"
            "1,乌审旗农牧局,行政处罚,未按规定使用农药,5000,30000\r\n").encode("gbk")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def capped(name, limit=120):
    """What sheetgate keeps of a long name: at most `limit` UTF-8 bytes, the extension kept."""
    stem, dot, ext = name.rpartition(".")
    out = ""
    for ch in stem:
        if len((out + ch + dot + ext).encode()) > limit:
            break
        out += ch
    return out + dot + ext


def save(case, msg_bytes, meta, attachments):
    with open(os.path.join(OUT, case + ".eml"), "wb") as f:
        f.write(msg_bytes)
    meta["attachments"] = []
    for i, (name, kind, data, depth) in enumerate(attachments):
        fn = "%s.%d.bin" % (case, i)
        with open(os.path.join(OUT, fn), "wb") as f:
            f.write(data)
        meta["attachments"].append({"name": name, "kind": kind, "file": fn, "forward_depth": depth})
    manifest[case] = meta


def as_bytes(msg, crlf):
    buf = io.BytesIO()
    policy = msg.policy.clone(linesep="\r\n" if crlf else "\n")
    email.generator.BytesGenerator(buf, policy=policy).flatten(msg)
    return buf.getvalue()


# 1. Outlook on Chinese Windows: GBK B-words everywhere, the name as an encoded word inside quotes.
name1 = "乌审旗市场监督管理局_执法人员培训学时台账_2023.xlsx"
data1 = xlsx("执法人员培训学时台账")
m = MIMEMultipart("mixed")
m["Subject"] = Header("关于报送2023年度执法人员培训学时台账的函", "gbk")
m["From"] = formataddr(("乌审旗市场监督管理局", "scjgj@wsq.gov.cn"), charset="gbk")
m["To"] = formataddr(("乌审旗司法局", "sfj@wsq.gov.cn"), charset="gbk")
m["Date"] = DATE
m["Message-ID"] = "<000001d9be9a$5c1e2f40$145a8dc0$@wsq.gov.cn>"
alt = MIMEMultipart("alternative")
alt.attach(MIMEText("司法局：\n  现将我局培训学时台账报送，请查收。\n", "plain", "gbk"))
alt.attach(MIMEText("<html><body><p>司法局：</p><p>现将我局培训学时台账报送，请查收。</p></body></html>", "html", "gbk"))
m.attach(alt)
p = MIMEBase("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
p.set_payload(data1)
email.encoders.encode_base64(p)
p.set_param("name", Header(name1, "gbk").encode())
p.add_header("Content-Disposition", "attachment", filename=Header(name1, "gbk").encode())
m.attach(p)
save("outlook_gbk", as_bytes(m, True),
     {"subject": "关于报送2023年度执法人员培训学时台账的函", "from_name": "乌审旗市场监督管理局",
      "from_addr": "scjgj@wsq.gov.cn", "to_name": "乌审旗司法局", "text": "请查收"},
     [(name1, "xlsx", data1, 0)])

# 2. Foxmail: GB2312 Q-words in the subject, a GBK name split in the middle of a character across
#    two B-words, and an old client's raw GBK bytes in filename= with no encoding at all.
name2 = "行政裁量权基准_乌审旗农牧局.xlsx"
data2 = xlsx("行政裁量权基准")
raw_name = "行政裁量权基准.csv"
cs = email.charset.Charset("gb2312")
cs.header_encoding = email.charset.QP
m = MIMEMultipart("mixed")
m["Subject"] = Header("报送行政裁量权基准统计表", cs)
m["From"] = formataddr(("乌审旗农牧局", "nmj@wsq.gov.cn"), charset="gb2312")
m["To"] = "sfj@wsq.gov.cn"
m["Date"] = DATE
m["Message-ID"] = "<202307250930001234567@foxmail.com>"
m.attach(MIMEText("请查收附件。", "plain", "gb2312"))
gb = name2.encode("gbk")
cut = 5  # inside the third character
split_words = "=?GBK?B?%s?= =?GBK?B?%s?=" % (base64.b64encode(gb[:cut]).decode(), base64.b64encode(gb[cut:]).decode())
p = MIMEBase("application", "octet-stream", name="PLACEHOLDER1")
p.set_payload(data2)
email.encoders.encode_base64(p)
p.add_header("Content-Disposition", "attachment", filename="PLACEHOLDER1")
m.attach(p)
data3 = gbk_csv()
p = MIMEBase("application", "octet-stream", name="RAWGBKNAME.csv")
p.set_payload(data3)
email.encoders.encode_base64(p)
p.add_header("Content-Disposition", "attachment", filename="RAWGBKNAME.csv")
m.attach(p)
b = as_bytes(m, True).replace(b"PLACEHOLDER1", split_words.encode()).replace(b"RAWGBKNAME.csv", raw_name.encode("gbk"))
save("foxmail_split", b,
     {"subject": "报送行政裁量权基准统计表", "from_name": "乌审旗农牧局", "from_addr": "nmj@wsq.gov.cn",
      "to_name": None, "text": "请查收附件"},
     [(name2, "xlsx", data2, 0), (raw_name, "csv", data3, 0)])

# 3. QQ Mail: RFC 2231 continuations in GBK, and plain (unencoded) continuations.
name4 = "乌审旗市场监督管理局_规范性文件清理目录_继续有效.xlsx"
data4 = xlsx("规范性文件清理目录")
enc = urllib.parse.quote(name4.encode("gbk"), safe="")
half = enc.rfind("%", 0, len(enc) // 2 + 1)  # whole %XX escapes; a character may be split, which 2231 allows
m = MIMEMultipart("mixed")
m["Subject"] = Header("规范性文件清理目录", "utf-8")
m["From"] = formataddr(("乌审旗市场监督管理局", "12345678@qq.com"), charset="utf-8")
m["To"] = formataddr(("乌审旗司法局", "sfj@wsq.gov.cn"), charset="utf-8")
m["Date"] = DATE
m.attach(MIMEText("见附件", "plain", "utf-8"))
p = MIMEBase("application", "octet-stream")
p.set_payload(data4)
email.encoders.encode_base64(p)
p["Content-Disposition"] = "attachment; filename*0*=GBK''%s; filename*1*=%s" % (enc[:half], enc[half:])
m.attach(p)
data5 = "序号,姓名\r\n1,张三\r\n".encode("utf-8")
p = MIMEBase("text", "csv")
p.set_payload(data5)
email.encoders.encode_base64(p)
p["Content-Disposition"] = 'attachment; filename*0="ledger_2023_"; filename*1="training.csv"'
m.attach(p)
save("qq_rfc2231", as_bytes(m, True),
     {"subject": "规范性文件清理目录", "from_name": "乌审旗市场监督管理局", "from_addr": "12345678@qq.com",
      "to_name": "乌审旗司法局", "text": "见附件"},
     [(name4, "xlsx", data4, 0), ("ledger_2023_training.csv", "csv", data5, 0)])

# 4. 163 Mail (policy.default): text and HTML with a related logo shown by cid, an inline signature
#    image, a long UTF-8 name folded into RFC 2231 sections, a PDF and a photo of the stamped letter.
name6 = "乌审旗市场监督管理局关于报送2023年度执法人员培训学时台账及行政裁量权基准统计表的报告附件一.xlsx"
data6 = xlsx("附件一")
m = EmailMessage(policy=email.policy.default)
m["Subject"] = "【报送】乌审旗市场监督管理局 2023年度台账"
m["From"] = "乌审旗市场监督管理局 <wsqscj@163.com>"
m["To"] = "乌审旗司法局 <sfj@wsq.gov.cn>"
m["Date"] = DATE
m["Message-ID"] = "<3c1b.2f9a.18963a1b2c4.Coremail.wsqscj@163.com>"
m.set_content("司法局：\n现报送台账，请审核。\n")
m.add_alternative('<html><body><p>现报送台账，请审核。</p><img src="cid:logo123@163.com"></body></html>', subtype="html")
m.get_payload()[1].add_related(PNG, "image", "png", cid="<logo123@163.com>", filename="logo.png")
m.add_attachment(data6, maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 filename=name6)
m.add_attachment(PNG, maintype="image", subtype="png", filename="签名.png", disposition="inline")
m.add_attachment(PDF, maintype="application", subtype="pdf", filename="关于报送执法人员培训学时台账的函.pdf")
m.add_attachment(JPG, maintype="image", subtype="jpeg", filename="报送函（盖章）.jpg")
save("mail163", as_bytes(m, False),
     {"subject": "【报送】乌审旗市场监督管理局 2023年度台账", "from_name": "乌审旗市场监督管理局",
      "from_addr": "wsqscj@163.com", "to_name": "乌审旗司法局", "text": "请审核"},
     [(capped(name6), "xlsx", data6, 0), ("关于报送执法人员培训学时台账的函.pdf", "cover", PDF, 0),
      ("报送函（盖章）.jpg", "cover", JPG, 0)])

# 5. Webmail forward: the agency's message attached as message/rfc822.
name7 = "乌审旗农牧局_执法人员培训学时台账.xlsx"
data7 = xlsx("农牧局培训学时")
inner = EmailMessage(policy=email.policy.default)
inner["Subject"] = "乌审旗农牧局培训学时台账"
inner["From"] = "乌审旗农牧局 <nmj@wsq.gov.cn>"
inner["To"] = "办公室 <bgs@wsq.gov.cn>"
inner["Date"] = DATE
inner["Message-ID"] = "<inner-1@wsq.gov.cn>"
inner.set_content("请转司法局。")
inner.add_attachment(data7, maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     filename=name7)
outer = EmailMessage(policy=email.policy.default)
outer["Subject"] = "Fwd: 乌审旗农牧局培训学时台账"
outer["From"] = "办公室 <bgs@wsq.gov.cn>"
outer["To"] = "sfj@wsq.gov.cn"
outer["Date"] = DATE
outer.set_content("转发农牧局的台账。")
outer.add_attachment(inner)
save("webmail_forward", as_bytes(outer, False),
     {"subject": "Fwd: 乌审旗农牧局培训学时台账", "from_name": "办公室", "from_addr": "bgs@wsq.gov.cn",
      "to_name": None, "text": "转发农牧局的台账"},
     [(name7, "xlsx", data7, 1)])


# 6. A ZIP made like Windows' own "send to compressed folder": CP936 names, flag bit 11 off.
def zip_with_gbk_names(entries):
    """entries: [(name, bytes or None for a folder)]. Names are written in GBK without the UTF-8 flag."""
    buf = io.BytesIO()
    placeholders = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(entries):
            gbk = name.encode("gbk")
            ph = ("Q%02dZ" % i + "x" * 200)[: len(gbk)]
            assert len(ph) == len(gbk) and len(gbk) >= 4
            placeholders.append((ph.encode(), gbk))
            if data is None:
                z.writestr(zipfile.ZipInfo(ph), b"")
            else:
                z.writestr(ph, data)
    raw = buf.getvalue()
    for ph, gbk in placeholders:
        assert raw.count(ph) == 2, ph
        raw = raw.replace(ph, gbk)
    return raw


def nested_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("规范性文件清理目录.xlsx", xlsx("规范性文件清理目录"))  # UTF-8 flag set by zipfile
    return buf.getvalue()


zx1 = xlsx("农牧局执法人员培训学时台账")
zcsv = gbk_csv()
znested = nested_zip()
zdata = zip_with_gbk_names([
    ("乌审旗农牧局/", None),
    ("乌审旗农牧局/执法人员培训学时台账.xlsx", zx1),
    ("乌审旗农牧局/行政裁量权基准.csv", zcsv),
    ("报送函.pdf", PDF),
    ("附件2.zip", znested),
])
m = EmailMessage(policy=email.policy.default)
m["Subject"] = "乌审旗农牧局台账（压缩包）"
m["From"] = "乌审旗农牧局 <nmj@wsq.gov.cn>"
m["To"] = "sfj@wsq.gov.cn"
m["Date"] = DATE
m.set_content("台账见压缩包。")
m.add_attachment(zdata, maintype="application", subtype="x-zip-compressed", filename="乌审旗农牧局台账.zip")
save("zip_cp936", as_bytes(m, True),
     {"subject": "乌审旗农牧局台账（压缩包）", "from_name": "乌审旗农牧局", "from_addr": "nmj@wsq.gov.cn",
      "to_name": None, "text": "台账见压缩包"},
     [("执法人员培训学时台账.xlsx", "xlsx", zx1, 0), ("行政裁量权基准.csv", "csv", zcsv, 0),
      ("报送函.pdf", "cover", PDF, 0), ("规范性文件清理目录.xlsx", "xlsx", xlsx("规范性文件清理目录"), 0)])


# 7. What cannot be read: RAR, 7z, winmail.dat, a ZIP entry with a password, an encrypted workbook.
def encrypted_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("台账.xlsx", b"not really encrypted, but flagged so")
    raw = bytearray(buf.getvalue())
    # Set flag bit 0 in the local header (offset 6) and the central directory entry (offset 8).
    raw[6] |= 1
    cd = raw.find(b"PK\x01\x02")
    raw[cd + 8] |= 1
    return bytes(raw)


RAR = b"Rar!\x1a\x07\x01\x00" + bytes(range(40))
SEVENZ = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(range(40))
TNEF = b"\x78\x9f\x3e\x22\x01\x00" + bytes(range(40))
CFB_ENC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
           + bytes(100))
m = EmailMessage(policy=email.policy.default)
m["Subject"] = "台账"
m["From"] = "乌审旗交通运输局 <jtj@wsq.gov.cn>"
m["To"] = "sfj@wsq.gov.cn"
m["Date"] = DATE
m.set_content("附件请查收")
m.add_attachment(RAR, maintype="application", subtype="x-rar-compressed", filename="培训学时台账.rar")
m.add_attachment(SEVENZ, maintype="application", subtype="x-7z-compressed", filename="裁量基准.7z")
m.add_attachment(TNEF, maintype="application", subtype="ms-tnef", filename="winmail.dat")
m.add_attachment(encrypted_zip(), maintype="application", subtype="zip", filename="加密台账.zip")
m.add_attachment(CFB_ENC, maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 filename="执法人员培训学时台账（加密）.xlsx")
save("unsupported", as_bytes(m, False),
     {"subject": "台账", "from_name": "乌审旗交通运输局", "from_addr": "jtj@wsq.gov.cn", "to_name": None,
      "text": "附件请查收"},
     [("培训学时台账.rar", "rar", b"", 0), ("裁量基准.7z", "7z", b"", 0), ("winmail.dat", "tnef", b"", 0),
      ("台账.xlsx", "encrypted", b"", 0), ("执法人员培训学时台账（加密）.xlsx", "encrypted", b"", 0)])

with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
    json.dump(manifest, f, ensure_ascii=False, indent=1)

"""Delivers agencies' messages into a Maildir, for BatchTests and the `run` benchmark.

Usage:
  make_mailbox.py MAILDIR basic SAMPLES_DIR
      The scenario set: real sample ledgers sent from Outlook (GBK words), Foxmail (a GBK name split across
      words), QQ Mail (RFC 2231 GBK sections), 163 Mail (UTF-8, a PDF cover letter), and bad mail: no
      attachment, corrupt base64, RAR + winmail.dat, an unknown spreadsheet, an unknown sender, a second copy
      of a message (same Message-ID), an auto-reply.
  make_mailbox.py MAILDIR many SUBMISSIONS_DIR [--bad K] [--seed S]
      One message per spreadsheet of SUBMISSIONS_DIR (sorted), client shapes in turn, then K bad messages
      spread among them (seeded).

Writes MAILDIR/{new,cur,tmp}; messages go to new/ under names that sort in delivery order. Prints a JSON
line describing what was sent: {"messages": [{"name", "subject", "from", "case", "attachments"}]}.
Only the standard library is used.
"""
import base64
import email.charset
import email.encoders
import email.generator
import email.policy
import io
import json
import os
import random
import sys
import urllib.parse
import zipfile
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
RAR = b"Rar!\x1a\x07\x01\x00" + bytes(range(40))
TNEF = b"\x78\x9f\x3e\x22\x01\x00" + bytes(range(40))
BUREAU = formataddr(("乌审旗司法局", "sfj@wsq.gov.cn"), charset="utf-8")


def as_bytes(msg, crlf=True):
    buf = io.BytesIO()
    policy = msg.policy.clone(linesep="\r\n" if crlf else "\n")
    email.generator.BytesGenerator(buf, policy=policy).flatten(msg)
    return buf.getvalue()


def date(i):
    return "Tue, %02d Jul 2023 %02d:%02d:00 +0800" % (1 + i // 1440 % 28, i // 60 % 24, i % 60)


def unrelated_xlsx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        class Z:
            # Fixed entry times: the same bytes whenever it is made.
            @staticmethod
            def writestr(name, data):
                zf.writestr(zipfile.ZipInfo(name, date_time=(2023, 7, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        z = Z
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="值班表" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        rows = "".join('<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>'
                       % (i + 1, i + 1, a, i + 1, b) for i, (a, b) in enumerate([("日期", "值班人"), ("7月1日", "张三"), ("7月2日", "李四")]))
        z.writestr("xl/worksheets/sheet1.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<sheetData>%s</sheetData></worksheet>' % rows)
    return buf.getvalue()


def content_type(name):
    return ("text", "csv") if name.lower().endswith(".csv") else ("application", XLSX.split("/")[1])


# Client shapes: each takes (i, agency, address, subject, [(name, bytes)]) and returns the message's bytes.
def outlook(i, agency, addr, subject, files, msgid=None):
    """Outlook on Chinese Windows: GBK B-words, the name as an encoded word inside quotes, CRLF."""
    m = MIMEMultipart("mixed")
    m["Subject"] = Header(subject, "gbk")
    m["From"] = formataddr((agency, addr), charset="gbk")
    m["To"] = BUREAU
    m["Date"] = date(i)
    m["Message-ID"] = msgid or "<%08d$5c1e2f40$145a8dc0$@wsq.gov.cn>" % i
    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText("司法局：\n  现将我单位台账报送，请查收。\n", "plain", "gbk"))
    alt.attach(MIMEText("<html><body><p>司法局：</p><p>现将我单位台账报送，请查收。</p></body></html>", "html", "gbk"))
    m.attach(alt)
    for name, data in files:
        p = MIMEBase(*content_type(name))
        p.set_payload(data)
        email.encoders.encode_base64(p)
        p.set_param("name", Header(name, "gbk").encode())
        p.add_header("Content-Disposition", "attachment", filename=Header(name, "gbk").encode())
        m.attach(p)
    return as_bytes(m, True)


def foxmail(i, agency, addr, subject, files, msgid=None):
    """Foxmail: GB2312 Q-words in the subject, each GBK name split in the middle of a character across two B-words."""
    cs = email.charset.Charset("gb2312")
    cs.header_encoding = email.charset.QP
    m = MIMEMultipart("mixed")
    m["Subject"] = Header(subject, cs)
    m["From"] = formataddr((agency, addr), charset="gb2312")
    m["To"] = "sfj@wsq.gov.cn"
    m["Date"] = date(i)
    m["Message-ID"] = msgid or "<2023072509300%06d@foxmail.com>" % i
    m.attach(MIMEText("请查收附件。", "plain", "gb2312"))
    swaps = []
    for k, (name, data) in enumerate(files):
        ph = "PLACEHOLDER%d" % k
        gb = name.encode("gbk")
        cut = 5
        words = "=?GBK?B?%s?= =?GBK?B?%s?=" % (base64.b64encode(gb[:cut]).decode(), base64.b64encode(gb[cut:]).decode())
        p = MIMEBase("application", "octet-stream", name=ph)
        p.set_payload(data)
        email.encoders.encode_base64(p)
        p.add_header("Content-Disposition", "attachment", filename=ph)
        m.attach(p)
        swaps.append((ph, words))
    b = as_bytes(m, True)
    for ph, words in swaps:
        b = b.replace(ph.encode(), words.encode())
    return b


def qqmail(i, agency, addr, subject, files, msgid=None):
    """QQ Mail: RFC 2231 continuations in GBK."""
    m = MIMEMultipart("mixed")
    m["Subject"] = Header(subject, "utf-8")
    m["From"] = formataddr((agency, addr), charset="utf-8")
    m["To"] = BUREAU
    m["Date"] = date(i)
    m["Message-ID"] = msgid or "<tencent_%012d@qq.com>" % i
    m.attach(MIMEText("见附件", "plain", "utf-8"))
    for name, data in files:
        enc = urllib.parse.quote(name.encode("gbk"), safe="")
        half = enc.rfind("%", 0, len(enc) // 2 + 1)
        p = MIMEBase("application", "octet-stream")
        p.set_payload(data)
        email.encoders.encode_base64(p)
        p["Content-Disposition"] = "attachment; filename*0*=GBK''%s; filename*1*=%s" % (enc[:half], enc[half:])
        m.attach(p)
    return as_bytes(m, True)


def mail163(i, agency, addr, subject, files, msgid=None, cover=True):
    """163 Mail (policy.default): UTF-8 names in RFC 2231 sections, bare LF, a PDF cover letter."""
    m = EmailMessage(policy=email.policy.default)
    m["Subject"] = subject
    m["From"] = "%s <%s>" % (agency, addr)
    m["To"] = "乌审旗司法局 <sfj@wsq.gov.cn>"
    m["Date"] = date(i)
    m["Message-ID"] = msgid or "<3c1b.2f9a.%010d.Coremail.%s>" % (i, addr)
    m.set_content("司法局：\n现报送台账，请审核。\n")
    m.add_alternative("<html><body><p>现报送台账，请审核。</p></body></html>", subtype="html")
    for name, data in files:
        maintype, subtype = content_type(name)
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if cover:
        m.add_attachment(PDF, maintype="application", subtype="pdf", filename="关于报送台账的函.pdf")
    return as_bytes(m, False)


SHAPES = [outlook, foxmail, qqmail, mail163]


def plain(i, agency, addr, subject, body, msgid=None, extra=()):
    m = EmailMessage(policy=email.policy.default)
    m["Subject"] = subject
    m["From"] = "%s <%s>" % (agency, addr) if agency else addr
    m["To"] = "sfj@wsq.gov.cn"
    m["Date"] = date(i)
    m["Message-ID"] = msgid or "<plain-%06d@wsq.gov.cn>" % i
    for k, v in extra:
        m[k] = v
    m.set_content(body)
    return m


def bad_messages(i0):
    """The bad mail every scenario may carry: [(case, bytes)]."""
    out = []
    out.append(("no-attachment", as_bytes(plain(i0, "乌审旗应急管理局", "yjj@wsq.gov.cn", "报送台账", "台账见附件。"), True)))
    m = plain(i0 + 1, "乌审旗自然资源局", "zrzyj@wsq.gov.cn", "自然资源局台账", "请查收")
    m.add_attachment(b"placeholder", maintype="application", subtype="octet-stream", filename="乌审旗自然资源局_行政裁量权基准.xlsx")
    b = as_bytes(m, True)
    payload = base64.b64encode(b"placeholder")
    b = b.replace(payload, b"UEsDBBQ!!!broken$$$base64***AAAA")
    out.append(("corrupt-base64", b))
    m = plain(i0 + 2, "乌审旗交通运输局", "jtj@wsq.gov.cn", "台账（压缩包）", "附件请查收")
    m.add_attachment(RAR, maintype="application", subtype="x-rar-compressed", filename="培训学时台账.rar")
    m.add_attachment(TNEF, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    out.append(("rar-winmail", as_bytes(m, False)))
    m = plain(i0 + 3, "乌审旗综合行政执法局", "zhzfj@wsq.gov.cn", "值班表", "请查收")
    m.add_attachment(unrelated_xlsx(), maintype="application", subtype=XLSX.split("/")[1], filename="7月值班表.xlsx")
    out.append(("unknown-spreadsheet", as_bytes(m, True)))
    m = plain(i0 + 4, "张三", "zhangsan1988@126.com", "台账", "附件是报送函")
    m.add_attachment(PDF, maintype="application", subtype="pdf", filename="报送函.pdf")
    out.append(("unknown-sender", as_bytes(m, False)))
    m = plain(i0 + 5, "Mail Delivery System", "MAILER-DAEMON@wsq.gov.cn", "Undelivered Mail Returned to Sender", "bounce",
              extra=[("Auto-Submitted", "auto-replied")])
    out.append(("auto-reply", as_bytes(m, True)))
    return out


class Maildir:
    def __init__(self, path):
        self.path = path
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        self.n = 0
        self.sent = []

    def deliver(self, data, case, subject="", sender="", attachments=()):
        name = "%d.M%06dP4242Q%d.wsq-mail" % (1690250000 + self.n, self.n, self.n)
        self.n += 1
        tmp = os.path.join(self.path, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.path, "new", name))
        self.sent.append({"name": name, "case": case, "subject": subject, "from": sender, "attachments": list(attachments)})


def read(path):
    with open(path, "rb") as f:
        return f.read()


def basic(md, samples):
    v = os.path.join(samples, "validate")
    clean = "乌审旗综合行政执法局_培训学时台账_2023.xlsx"
    broken = "乌审旗市场监督管理局_培训学时台账_2023.xlsx"
    csv = "乌审旗农牧局_执法人员培训学时统计表.csv"
    disc = "乌审旗交通运输局_行政裁量权基准_2023.xlsx"
    first = outlook(0, "乌审旗综合行政执法局", "zhzfj@wsq.gov.cn", "关于报送2023年度执法人员培训学时台账的函",
                    [(clean, read(os.path.join(v, clean)))], msgid="<000001d9be9a$5c1e2f40$145a8dc0$@wsq.gov.cn>")
    md.deliver(first, "outlook-clean", "关于报送2023年度执法人员培训学时台账的函", "zhzfj@wsq.gov.cn", [clean])
    md.deliver(foxmail(1, "乌审旗市场监督管理局", "scjgj@wsq.gov.cn", "报送培训学时台账", [(broken, read(os.path.join(v, broken)))]),
               "foxmail-invalid", "报送培训学时台账", "scjgj@wsq.gov.cn", [broken])
    md.deliver(qqmail(2, "乌审旗农牧局", "12345678@qq.com", "农牧局培训学时统计表", [(csv, read(os.path.join(v, csv)))]),
               "qq-csv-invalid", "农牧局培训学时统计表", "12345678@qq.com", [csv])
    md.deliver(mail163(3, "乌审旗交通运输局", "wsqjtj@163.com", "【报送】乌审旗交通运输局 行政裁量权基准", [(disc, read(os.path.join(v, disc)))]),
               "163-clean-cover", "【报送】乌审旗交通运输局 行政裁量权基准", "wsqjtj@163.com", [disc, "关于报送台账的函.pdf"])
    for k, (case, data) in enumerate(bad_messages(10)):
        md.deliver(data, case)
    # A second copy of the first message (a client's resend with one more header): same Message-ID, other bytes.
    md.deliver(b"X-Resent: yes\r\n" + first, "duplicate")


def many(md, folder, bad, seed):
    rng = random.Random(seed)
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith((".xlsx", ".csv")))
    slots = sorted(rng.sample(range(len(names) + bad), bad)) if bad else []
    b = 0
    k = 0
    for i in range(len(names) + bad):
        if b < len(slots) and slots[b] == i:
            # Bad mail repeats, each with its own Message-ID and date.
            case, data = bad_messages(100000 + 10 * i)[b % 6]
            md.deliver(data, case)
            b += 1
            continue
        name = names[k]
        k += 1
        agency = name.split("_")[0]
        addr = "a%04d@wsq.gov.cn" % (abs(hash(agency)) % 10000 if False else k)
        shape = SHAPES[i % len(SHAPES)]
        subject = "报送%s" % name.rsplit(".", 1)[0]
        md.deliver(shape(i, agency, addr, subject, [(name, read(os.path.join(folder, name)))]), shape.__name__, subject, addr, [name])


def main():
    path, mode = sys.argv[1], sys.argv[2]
    md = Maildir(path)
    if mode == "basic":
        basic(md, sys.argv[3])
    elif mode == "many":
        args = sys.argv[4:]
        bad = int(args[args.index("--bad") + 1]) if "--bad" in args else 0
        seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
        many(md, sys.argv[3], bad, seed)
    else:
        raise SystemExit("unknown mode " + mode)
    print(json.dumps({"messages": md.sent}, ensure_ascii=False))


main()

#!/usr/bin/env python3
"""Makes the third-party ZIP fixtures for ZIPTests with Python's zipfile (not with our writer).

Run from anywhere: python3 make_fixtures.py. Writes the .zip files and manifest.json next to this script.
The manifest lists, per fixture, each entry's name, size and CRC-32, plus its content (hex) when small.
Deterministic: fixed timestamps and contents, so re-running gives identical files.
"""
import io
import json
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = (2024, 3, 15, 10, 30, 0)
manifest = {}


def sheet_xml(rows):
    body = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>行 {i} value</t></is></c>'
                   f'<c r="B{i}"><v>{i * 1.5}</v></c></row>' for i in range(1, rows + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>' + body +
            '</sheetData></worksheet>').encode()


ENTRIES = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
    ("xl/worksheets/sheet1.xml", sheet_xml(300)),
    ("数据/表一.txt", "填报单位：某某局\n合计 123\n".encode()),
    ("empty.txt", b""),
    ("folder/", b""),
]


def record(fixture, entries):
    manifest[fixture] = [
        {"name": n, "size": len(d), "crc32": zlib.crc32(d), **({"hex": d.hex()} if len(d) <= 256 else {})}
        for n, d in entries
    ]


def write(fixture, data):
    with open(os.path.join(HERE, fixture), "wb") as f:
        f.write(data)


def make(fixture, entries, method, **kw):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method, **kw) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, DATE), data, compress_type=method)
    return buf.getvalue()


class NonSeekable(io.RawIOBase):
    """A write-only stream that cannot seek, so zipfile writes data descriptors (flag bit 3)."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


# Deflated and stored.
write("deflated.zip", make("deflated.zip", ENTRIES, zipfile.ZIP_DEFLATED))
record("deflated.zip", ENTRIES)
write("stored.zip", make("stored.zip", ENTRIES, zipfile.ZIP_STORED))
record("stored.zip", ENTRIES)

# Data descriptors: zipfile streaming to a non-seekable file.
stream = NonSeekable()
with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as z:
    for name, data in ENTRIES:
        if name.endswith("/"):
            continue
        with z.open(zipfile.ZipInfo(name, DATE), "w") as w:
            w.write(data)
write("data-descriptor.zip", bytes(stream.data))
record("data-descriptor.zip", [e for e in ENTRIES if not e[0].endswith("/")])

# ZIP64: force_zip64 puts ZIP64 extra fields in the local headers; lowering zipfile's limits while the
# central directory is written puts them in the central headers too (only for saturated fields, so the first
# entry, at offset 0, has no offset in its extra) and adds the ZIP64 end record and locator.
buf = io.BytesIO()
z = zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED)
for name, data in ENTRIES[:3]:
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w", force_zip64=True) as w:
        w.write(data)
saved = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
z.close()
zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved
write("zip64.zip", buf.getvalue())
record("zip64.zip", ENTRIES[:3])

# Backslash separators (as some Windows tools write).
BACKSLASH = [("xl\\workbook.xml", b"<workbook/>"), ("xl\\worksheets\\sheet1.xml", sheet_xml(3))]
write("backslash-names.zip", make("backslash-names.zip", BACKSLASH, zipfile.ZIP_DEFLATED))
record("backslash-names.zip", BACKSLASH)

# An archive comment containing a fake end record signature, and bytes prepended to the archive.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
    z.comment = b"comment with PK\x05\x06 inside it"
    for name, data in ENTRIES[:2]:
        z.writestr(zipfile.ZipInfo(name, DATE), data, compress_type=zipfile.ZIP_DEFLATED)
write("comment.zip", buf.getvalue())
record("comment.zip", ENTRIES[:2])
write("prepended.zip", b"#!/bin/sh\necho self-extractor\n" * 10 + make("p", ENTRIES[:2], zipfile.ZIP_DEFLATED))
record("prepended.zip", ENTRIES[:2])

# Corrupt CRC: a stored entry with one data byte changed after writing.
good = make("c", [("data.txt", b"The quick brown fox jumps over the lazy dog. " * 4)], zipfile.ZIP_STORED)
bad = bytearray(good)
at = 30 + len("data.txt") + 4
bad[at] ^= 0x20
write("corrupt-crc.zip", bytes(bad))

# Zip bomb: 64 MiB of zeros, deflated (about 64 KiB).
ZEROS = 64 << 20
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr(zipfile.ZipInfo("bomb.xml", DATE), bytes(ZEROS), compress_type=zipfile.ZIP_DEFLATED)
bomb = buf.getvalue()
write("bomb.zip", bomb)
manifest["bomb.zip"] = [{"name": "bomb.xml", "size": ZEROS, "crc32": zlib.crc32(bytes(ZEROS))}]

# A bomb that lies: the same archive with the declared uncompressed size patched down to 1,000 bytes
# in both the local and the central header.
lying = bytearray(bomb)
struct.pack_into("<I", lying, 22, 1000)
cd = lying.rfind(b"PK\x01\x02")
struct.pack_into("<I", lying, cd + 24, 1000)
write("lying-bomb.zip", bytes(lying))

# Truncated: the deflated archive cut at two thirds.
full = make("t", ENTRIES, zipfile.ZIP_DEFLATED)
write("truncated.zip", full[: len(full) * 2 // 3])

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, ensure_ascii=False, sort_keys=True)
    f.write("\n")
print("fixtures written:", sorted(manifest) + ["corrupt-crc.zip", "lying-bomb.zip", "truncated.zip"])

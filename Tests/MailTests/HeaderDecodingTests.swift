import Foundation
import Tabular
import XCTest

@testable import Mail

/// RFC 2047 words, RFC 2231 parameters, raw bytes, transfer encodings and names, piece by piece.
final class HeaderDecodingTests: XCTestCase {
  func decode(_ s: String) -> String { EncodedWords.decode(b(s)[...]) }
  func decode(_ bytes: [UInt8]) -> String { EncodedWords.decode(bytes[...]) }

  func testBAndQWordsInEveryCharset() {
    XCTAssertEqual(decode("=?UTF-8?B?5Z+56K6t5a2m5pe2?="), "培训学时")
    XCTAssertEqual(decode("=?utf-8?q?=E5=9F=B9=E8=AE=AD_ok?="), "培训 ok")
    XCTAssertEqual(decode("=?GBK?B?xeDRtdGnyrE=?="), "培训学时")
    XCTAssertEqual(decode("=?gb2312?Q?=C5=E0=D1=B5?="), "培训")
    XCTAssertEqual(decode("=?GB18030?B?xeDRtdGnyrE=?="), "培训学时")
    XCTAssertEqual(decode("=?big5?B?sOquYQ==?="), "國家")
    XCTAssertEqual(decode("=?ISO-8859-1?Q?caf=E9?="), "café")
    XCTAssertEqual(decode("=?utf-8*zh-CN?B?5Z+56K6t?="), "培训")  // RFC 2231 language suffix
    XCTAssertEqual(decode("=?iso-8859-15?Q?caf=E9?="), "café")
    XCTAssertEqual(decode("=?KOI8-R?B?8NLJ18XU?="), "Привет")
    // A charset outside the families mail uses never reaches iconv: the bytes follow the raw rule.
    XCTAssertEqual(Charsets.encoding(named: "ISO-2022-CN-EXT"), nil)
    XCTAssertEqual(decode("=?ISO-2022-CN-EXT?B?5Z+5?="), "培")
  }

  func testAdjacentWordsJoinAndCharactersSplitAcrossWords() {
    // Whitespace between words vanishes; between a word and text it stays.
    XCTAssertEqual(decode("=?UTF-8?B?5Z+5?= \r\n =?UTF-8?B?6K6t?= 台账"), "培训 台账")
    // 学 (E5 AD A6) split after its first byte, in UTF-8.
    XCTAssertEqual(decode("=?UTF-8?B?5Z+56K6t5Q==?= =?UTF-8?B?raY=?="), "培训学")
    // 训 (D1 B5) split in GBK, the second word Q-encoded.
    XCTAssertEqual(decode("=?GBK?B?xeDR?= =?gbk?Q?=B5?="), "培训")
    // Different charsets decode separately.
    XCTAssertEqual(decode("=?GBK?B?xeDRtQ==?= =?UTF-8?B?5a2m5pe2?="), "培训学时")
  }

  func testMalformedWordsStayText() {
    XCTAssertEqual(decode("=?UTF-8?B?***?="), "=?UTF-8?B?***?=")
    XCTAssertEqual(decode("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=")
    XCTAssertEqual(decode("=?UTF-8?B?5Z+5"), "=?UTF-8?B?5Z+5")
    XCTAssertEqual(decode("=??B?abc?="), "=??B?abc?=")
    XCTAssertEqual(decode("a =? b"), "a =? b")
    // An unknown charset: the bytes follow the raw rule.
    XCTAssertEqual(decode("=?x-unknown?B?5Z+5?="), "培")
    // Invalid bytes in the declared charset do not crash and do not vanish silently.
    XCTAssertTrue(decode("=?UTF-8?B?/w==?=").contains("\u{FFFD}"))
  }

  func testRawEightBitHeaderBytes() {
    XCTAssertEqual(decode(b("培训")), "培训")
    XCTAssertEqual(decode(hex("c5e0d1b5") + b(".xlsx")), "培训.xlsx")
    XCTAssertEqual(decode(hex("ff")), "\u{FFFD}")
  }

  func testRFC2231Parameters() {
    let v = ParameterizedValue.parse(b("attachment; filename*=UTF-8''%E5%9F%B9%E8%AE%AD.xlsx; size=12"))
    XCTAssertEqual(v.value, "attachment")
    XCTAssertEqual(v["filename"], "培训.xlsx")
    XCTAssertEqual(v["size"], "12")
    let gbk = ParameterizedValue.parse(b("attachment; filename*1*=%D1%B5.csv; filename*0*=GBK'zh'%C5%E0"))
    XCTAssertEqual(gbk["filename"], "培训.csv", "sections in any order, a character split across them")
    let plain = ParameterizedValue.parse(b("attachment; FILENAME*0=\"a b\"; filename*1=c.csv"))
    XCTAssertEqual(plain["filename"], "a bc.csv")
    let both = ParameterizedValue.parse(b("attachment; filename=\"=?UTF-8?B?5Z+56K6t?=.csv\"; filename*=UTF-8''x.csv"))
    XCTAssertEqual(both["filename"], "x.csv", "RFC 2231 wins over the plain value")
    let ct = ParameterizedValue.parse(b("Text/Plain (comment); charset=\"GB2312\"; format=flowed"))
    XCTAssertEqual(ct.value, "text/plain")
    XCTAssertEqual(ct["charset"], "GB2312")
    let escaped = ParameterizedValue.parse(b("attachment; filename=\"a\\\"b;c.csv\""))
    XCTAssertEqual(escaped["filename"], "a\"b;c.csv")
  }

  func testBase64Decoding() {
    XCTAssertEqual(Base64.decode(b("5Z+5\r\n 6K6t")[...]), b("培训"))
    XCTAssertEqual(Base64.decode(b("YQ")[...]), b("a"), "missing padding")
    XCTAssertEqual(Base64.decode(b("YQ==YWI=")[...]), b("aab"), "concatenated padded blocks")
    XCTAssertNil(Base64.decode(b("YQ=!")[...]))
    XCTAssertNil(Base64.decode(b("Y")[...]))
    XCTAssertNil(Base64.decode(b("=YQ")[...]))
    var rng = SplitMix64(seed: 7)
    for n in 0..<200 {
      let data = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
      XCTAssertEqual(Base64.decode(Base64.encodeLines(data)[...]), data)
      // The lines as RFC 2045 §6.8 shapes them: the flat encoding cut every 76 characters, each line CRLF-ended.
      let flat = Base64.encode(data)
      XCTAssertEqual(flat, Array(Data(data).base64EncodedString().utf8), "\(n) bytes, against Foundation's encoder")
      XCTAssertEqual(Base64.encode(data[...].dropFirst(0)), flat, "a slice encodes as its bytes")
      var lines: [UInt8] = []
      for start in stride(from: 0, to: flat.count, by: 76) {
        lines += flat[start..<min(start + 76, flat.count)] + [13, 10]
      }
      XCTAssertEqual(Base64.encodeLines(data), lines, "\(n) bytes")
    }
    XCTAssertEqual(Base64.encodeLines(b("培训")), b("5Z+56K6t\r\n"))
  }

  func testQuotedPrintable() {
    XCTAssertEqual(QuotedPrintable.decode(b("a=3Db=\r\nc  \r\nd=zz=4")[...]), b("a=bc\r\nd=zz=4"))
    var rng = SplitMix64(seed: 9)
    let alphabet = Array("培训 学时a=\t.\r\n".unicodeScalars)
    for _ in 0..<100 {
      var s = ""
      for _ in 0..<Int.random(in: 0..<300, using: &rng) { s.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]) }
      s = s.replacing("\r\n", with: "\n").replacing("\r", with: "").replacing("\n", with: "\r\n")
      let enc = QuotedPrintable.encode(b(s))
      for line in enc.split(separator: ASCII.lf) { XCTAssertLessThanOrEqual(line.count, 77) }  // 76 + CR
      XCTAssertEqual(utf8String(QuotedPrintable.decode(enc[...])), s)
    }
  }

  func testSanitisedNames() {
    XCTAssertEqual(FileNames.sanitise("../../etc/passwd"), "passwd")
    XCTAssertEqual(FileNames.sanitise("C:\\Users\\a\\台账.xlsx"), "台账.xlsx")
    XCTAssertEqual(FileNames.sanitise(".."), "attachment")
    XCTAssertEqual(FileNames.sanitise(".hidden.csv"), "hidden.csv")
    XCTAssertEqual(FileNames.sanitise("a\u{0}b\u{7}c\u{85}d.csv"), "a_b_c_d.csv")
    XCTAssertEqual(FileNames.sanitise("report\u{202E}xslx.exe"), "report_xslx.exe")
    XCTAssertEqual(FileNames.sanitise("a:b*c?.csv"), "a_b_c_.csv")
    XCTAssertEqual(FileNames.sanitise("CON.xlsx"), "_CON.xlsx")
    XCTAssertEqual(FileNames.sanitise("台账.xlsx. "), "台账.xlsx")
    let long = String(repeating: "培训学时台账", count: 20) + ".xlsx"
    let cut = FileNames.sanitise(long)
    XCTAssertLessThanOrEqual(cut.utf8.count, 120)
    XCTAssertGreaterThan(cut.utf8.count, 113)
    XCTAssertTrue(cut.hasSuffix("台.xlsx") || cut.hasSuffix("账.xlsx") || cut.hasSuffix(".xlsx"))
    XCTAssertTrue(cut.hasPrefix("培训学时台账培训"))
    var taken = Set<String>()
    XCTAssertEqual(FileNames.unique(cut, taken: &taken), cut)
    let second = FileNames.unique(cut, taken: &taken)
    XCTAssertTrue(second.hasSuffix(" (2).xlsx"))
    XCTAssertLessThanOrEqual(second.utf8.count, 120)
  }

  func testDates() {
    XCTAssertEqual(MailDate.parse("Tue, 25 Jul 2023 09:30:00 +0800"), MailDate(secondsSince1970: 1_690_248_600, utcOffsetMinutes: 480))
    XCTAssertEqual(MailDate.parse("25 Jul 23 01:30 GMT")?.secondsSince1970, 1_690_248_600)
    XCTAssertEqual(MailDate.parse("Tue, 25 Jul 2023 09:30:00 +0800 (CST)")?.utcOffsetMinutes, 480)
    XCTAssertNil(MailDate.parse("yesterday"))
    XCTAssertNil(MailDate.parse("1 Jan 99999999999999999999 00:00 +0000"))
    XCTAssertEqual(MailDate(secondsSince1970: 1_690_248_600, utcOffsetMinutes: 480).rfc5322, "Tue, 25 Jul 2023 09:30:00 +0800")
    XCTAssertEqual(MailDate(secondsSince1970: 0, utcOffsetMinutes: -300).rfc5322, "Wed, 31 Dec 1969 19:00:00 -0500")
  }

  func testClassificationByBytesAndName() {
    let cfb: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 100)
    XCTAssertEqual(Classifier.classify(cfb, name: "台账.xls", contentType: ""), .kind(.spreadsheet(.legacyWorkbook)))
    XCTAssertEqual(Classifier.classify(cfb, name: "台账.et", contentType: ""), .kind(.spreadsheet(.legacyWorkbook)))
    XCTAssertEqual(Classifier.classify(cfb, name: "报送函.doc", contentType: ""), .kind(.coverLetter))
    XCTAssertEqual(Classifier.classify(cfb, name: "报送函.wps", contentType: ""), .kind(.coverLetter))
    XCTAssertEqual(Classifier.classify(b("a,b\r\n"), name: "x.TXT", contentType: ""), .kind(.spreadsheet(.csv)))
    XCTAssertEqual(Classifier.classify(b("a\tb\r\n"), name: "x.tsv", contentType: ""), .kind(.spreadsheet(.csv)))
    XCTAssertEqual(Classifier.classify([0, 1, 2], name: "x.csv", contentType: ""), .kind(.other))
    XCTAssertEqual(Classifier.classify(b("<html>"), name: "台账.xls", contentType: ""), .kind(.spreadsheet(.namedOnly)))
    XCTAssertEqual(Classifier.classify(b("%PDF-1.7"), name: "scan", contentType: ""), .kind(.coverLetter))
    XCTAssertEqual(Classifier.classify(b("hello"), name: "说明.docx", contentType: ""), .kind(.coverLetter))
    XCTAssertEqual(Classifier.classify(b("hello"), name: "note.exe", contentType: ""), .kind(.other))
    XCTAssertEqual(Classifier.classify(b("PK\u{3}\u{4}junk"), name: "a.zip", contentType: ""), .kind(.unsupported(.damagedArchive)))
  }
}

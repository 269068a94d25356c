import Merge
import XCTest

/// The row codec and key hashes the merge stores rows with.
final class RowCodecTests: XCTestCase {
  func testRowCodecRoundTrip() throws {
    let values = ["张三", "", "32.5", "say \"hi\"", "a\\b", "line1\nline2\r\t", "\u{1}\u{1F}", "乌力吉·巴特尔"]
    XCTAssertEqual(try RowCodec.decode(RowCodec.encode(values)), values)
    XCTAssertEqual(try RowCodec.decode(RowCodec.encode([])), [])
    XCTAssertThrowsError(try RowCodec.decode("[\"unterminated"))
    XCTAssertThrowsError(try RowCodec.decode("{}"))
  }

  func testFieldByFieldEncodingAndKeyHashMatchTheStringForms() throws {
    // The merge writes a row's blob one field's bytes at a time and hashes its keys from the blob;
    // both must equal what the String forms give (stores and duplicates across runs rely on it).
    let rows: [[String]] = [
      ["乌审旗市场监督管理局", "15062619000001", "150626199001010011", "40", ""],
      ["", "x", String(repeating: "长", count: 60), "32.5", "2023-07-13"],
      ["a", "", "", "", ""],
    ]
    let keys = [[0, 1], [2], [4]]
    for values in rows {
      var bytes: [UInt8] = [RowCodec.binaryTag]
      var fields: [Range<Int>] = []
      for v in values {
        var v = v
        v.withUTF8 { RowCodec.appendBinaryField($0, into: &bytes) }
        fields.append((bytes.count - v.utf8.count)..<bytes.count)
      }
      XCTAssertEqual(bytes, RowCodec.encodeBinary(values))
      for (k, key) in keys.enumerated() {
        let fromBytes = bytes.withUnsafeBufferPointer { Consolidation.keyHash(key, number: k, bytes: $0, fields: fields) }
        XCTAssertEqual(fromBytes, Consolidation.keyHash(key, number: k, values: values), "\(values) key \(key)")
      }
    }
    // An empty key field means no key, either way.
    XCTAssertNil(Consolidation.keyHash([0, 1], number: 0, values: rows[1]))
  }
}

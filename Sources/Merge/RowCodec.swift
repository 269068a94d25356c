/// Encodes a row's field values as one blob (``encodeBinary(_:into:)``) or as a JSON array of strings, and back.
///
/// The store keeps one blob per row: any schema fits one table. The binary form is a `0x00` tag,
/// then per field a LEB128 length and the UTF-8 bytes — written without escaping and read without
/// parsing. Stores written before it hold JSON text (`["张三","32.5",""]`), always starting with `[`,
/// so ``decode(bytes:)`` tells the two apart by the first byte. Anything else is a ``RowCodecError``
/// naming the byte offset.
///
/// - Complexity: O(bytes) per row, one `String` per value when decoding.
public enum RowCodec {
  /// The first byte of a binary row.
  public static let binaryTag: UInt8 = 0

  /// Appends the binary form of `values` to `out`.
  public static func encodeBinary(_ values: [String], into out: inout [UInt8]) {
    out.append(binaryTag)
    for v in values {
      var v = v
      v.withUTF8 { appendBinaryField($0, into: &out) }
    }
  }

  /// Appends one field of a binary row (its LEB128 length and its bytes) to `out`, which must hold
  /// `binaryTag` and the row's earlier fields: the same bytes `encodeBinary` writes for the field's
  /// text, with no `String` in between. `bytes` must be valid UTF-8.
  @inline(__always)
  public static func appendBinaryField(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    var n = bytes.count
    while n >= 0x80 { out.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
    out.append(UInt8(n))
    out.append(contentsOf: bytes)
  }

  /// The binary form of `values`.
  public static func encodeBinary(_ values: [String]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(values.reduce(1) { $0 + $1.utf8.count + 1 })
    encodeBinary(values, into: &out)
    return out
  }

  /// The values of a stored row: binary (``encodeBinary(_:into:)``) or JSON text (``encode(_:)``).
  /// - Throws: ``RowCodecError`` when the bytes are neither.
  public static func decode(bytes b: UnsafeRawBufferPointer) throws -> [String] {
    guard let first = b.first else { throw RowCodecError(offset: 0) }
    if first != binaryTag { return try decode(String(decoding: b, as: UTF8.self)) }
    var values: [String] = []
    var i = 1
    while i < b.count {
      var n = 0, shift = 0
      while true {
        guard i < b.count, shift < 35 else { throw RowCodecError(offset: i) }
        let c = b[i]; i += 1
        n |= Int(c & 0x7F) << shift
        if c < 0x80 { break }
        shift += 7
      }
      guard n <= b.count - i else { throw RowCodecError(offset: i) }
      values.append(String(decoding: UnsafeRawBufferPointer(rebasing: b[i..<(i + n)]), as: UTF8.self))
      i += n
    }
    return values
  }

  /// The JSON array for `values`.
  public static func encode(_ values: [String]) -> String {
    var out: [UInt8] = [UInt8(ascii: "[")]
    out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
    for (i, v) in values.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(UInt8(ascii: "\""))
      for b in v.utf8 {
        switch b {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
        case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 0..<0x20:
          let hex = Array("0123456789abcdef".utf8)
          out.append(contentsOf: Array("\\u00".utf8))
          out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
        default: out.append(b)
        }
      }
      out.append(UInt8(ascii: "\""))
    }
    out.append(UInt8(ascii: "]"))
    return String(decoding: out, as: UTF8.self)
  }

  /// The values of a JSON array written by ``encode(_:)``.
  /// - Throws: ``RowCodecError`` when the text is not an array of strings.
  public static func decode(_ text: String) throws -> [String] {
    var text = text
    return try text.withUTF8 { (b: UnsafeBufferPointer<UInt8>) throws -> [String] in
      var values: [String] = []
      var i = 0
      func fail() -> RowCodecError { RowCodecError(offset: i) }
      guard b.count >= 2, b[0] == UInt8(ascii: "[") else { throw fail() }
      i = 1
      if b[i] == UInt8(ascii: "]") { return values }
      var scratch: [UInt8] = []
      while i < b.count {
        guard b[i] == UInt8(ascii: "\"") else { throw fail() }
        i += 1
        scratch.removeAll(keepingCapacity: true)
        var start = i
        while true {
          guard i < b.count else { throw fail() }
          let c = b[i]
          if c == UInt8(ascii: "\"") { break }
          if c != UInt8(ascii: "\\") { i += 1; continue }
          scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
          guard i + 1 < b.count else { throw fail() }
          switch b[i + 1] {
          case UInt8(ascii: "n"): scratch.append(0x0A); i += 2
          case UInt8(ascii: "r"): scratch.append(0x0D); i += 2
          case UInt8(ascii: "t"): scratch.append(0x09); i += 2
          case UInt8(ascii: "u"):
            guard i + 5 < b.count, let v = UInt8(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 2)..<(i + 6)]),
                                                        as: UTF8.self), radix: 16) else { throw fail() }
            scratch.append(v); i += 6
          case let e: scratch.append(e); i += 2
          }
          start = i
        }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
        values.append(String(decoding: scratch, as: UTF8.self))
        i += 1
        guard i < b.count else { throw fail() }
        if b[i] == UInt8(ascii: "]") { return values }
        guard b[i] == UInt8(ascii: ",") else { throw fail() }
        i += 1
      }
      throw fail()
    }
  }
}

/// A stored row that is not the JSON array ``RowCodec`` writes (a damaged or foreign store).
public struct RowCodecError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Byte offset in the row text where decoding stopped.
  public var offset: Int
  public init(offset: Int) { self.offset = offset }
  public var description: String { "stored row is not a JSON array of strings (at byte \(offset))" }
}

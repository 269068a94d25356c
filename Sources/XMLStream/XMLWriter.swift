/// An XML byte writer: appends markup, escaped text and numbers to a byte buffer of its own.
///
/// The writer does no I/O and keeps no element stack: callers write well-formed markup and
/// drain the buffer (``withUnsafeBytes(_:)``, then ``removeAll()``, which keeps the storage, so a
/// streaming writer allocates once) when it grows past their chunk size. Text and attribute values
/// are escaped; numbers are formatted without Foundation.
///
/// The buffer is not an `[UInt8]`: a cell is a dozen small appends (`<c r="`, the column, the row, `" s="`…),
/// and `Array.append(contentsOf:)` cost some ninety instructions each, more than the bytes themselves
/// (a tenth of a `sheetgate run`'s instructions). Appending here is a uniqueness check, a capacity check
/// and a copy. A copy of the writer shares the buffer until either is written to (copy on write).
///
/// Text can be escaped two ways:
/// - `text(_:)`/`attribute(_:_:)` escape `&`, `<`, `>` (and `"` plus line breaks and tabs in
///   attributes) and replace characters that XML 1.0 forbids (C0 controls other than tab, CR and
///   LF, U+FFFE, U+FFFF) with U+FFFD, since they cannot be written at all.
/// - `ooxmlText(_:)` writes OOXML's `ST_Xstring` form instead: forbidden characters become
///   `_xHHHH_`, and an underscore that starts a literal `_xHHHH_` sequence is itself written as
///   `_x005F_`, so that readers that decode the escapes give back the original text (ECMA-376
///   Part 1 §22.9.2.19).
///
/// Invalid UTF-8 in input text is replaced by U+FFFD rather than copied, so output is always
/// well-formed UTF-8.
public struct XMLWriter: @unchecked Sendable {  // @unchecked: the buffer is copied before a shared one is written (copy on write)
  @usableFromInline
  struct Header {
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int
    @inlinable init(count: Int, capacity: Int) { self.count = count; self.capacity = capacity }
  }

  @usableFromInline
  typealias Buffer = ManagedBuffer<Header, UInt8>

  @usableFromInline
  var buffer: Buffer

  @usableFromInline
  static func makeBuffer(capacity: Int) -> Buffer {
    let c = Swift.max(capacity, 64)
    return Buffer.create(minimumCapacity: c) { _ in Header(count: 0, capacity: c) }
  }

  /// Creates a writer whose buffer reserves `capacity` bytes.
  public init(capacity: Int = 1 << 16) {
    buffer = Self.makeBuffer(capacity: capacity)
  }

  /// The bytes written so far (a copy; ``withUnsafeBytes(_:)`` reads them in place).
  public var bytes: [UInt8] {
    buffer.withUnsafeMutablePointers { h, e in Array(UnsafeBufferPointer(start: e, count: h.pointee.count)) }
  }

  /// Calls `body` with the bytes written so far, in place (valid only inside `body`).
  @inlinable
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try buffer.withUnsafeMutablePointers { h, e in try body(UnsafeRawBufferPointer(start: e, count: h.pointee.count)) }
  }

  /// The number of bytes buffered.
  @inlinable public var count: Int { buffer.withUnsafeMutablePointerToHeader { $0.pointee.count } }

  /// Empties the buffer, keeping its storage.
  @inlinable public mutating func removeAll() {
    if !isKnownUniquelyReferenced(&buffer) {
      buffer = Self.makeBuffer(capacity: buffer.withUnsafeMutablePointerToHeader { $0.pointee.capacity })
    }
    buffer.withUnsafeMutablePointerToHeader { $0.pointee.count = 0 }
  }

  /// Room for `n` more bytes, in a buffer this writer alone holds: returns where they go and counts them.
  @inlinable @inline(__always)
  mutating func claim(_ n: Int) -> UnsafeMutablePointer<UInt8> {
    if _slowPath(!isKnownUniquelyReferenced(&buffer)) { reallocate(adding: n) }
    let p = buffer.withUnsafeMutablePointers { h, e -> UnsafeMutablePointer<UInt8>? in
      let at = h.pointee.count
      guard at &+ n <= h.pointee.capacity else { return nil }
      h.pointee.count = at &+ n
      return e + at
    }
    if let p { return p }
    return Self.grow(&buffer, adding: n)
  }

  /// A buffer of this writer's own (`adding` more bytes of room), with the bytes written so far.
  @usableFromInline
  mutating func reallocate(adding n: Int) {
    let (count, capacity) = buffer.withUnsafeMutablePointerToHeader { ($0.pointee.count, $0.pointee.capacity) }
    let fresh = Self.makeBuffer(capacity: Swift.max(capacity, count + n))
    fresh.withUnsafeMutablePointers { fh, fe in
      buffer.withUnsafeMutablePointerToElements { fe.update(from: $0, count: count) }
      fh.pointee.count = count
    }
    buffer = fresh
  }

  /// Grows `buffer` (at least doubling it) and claims `n` bytes at its end.
  @usableFromInline
  static func grow(_ buffer: inout Buffer, adding n: Int) -> UnsafeMutablePointer<UInt8> {
    let (count, capacity) = buffer.withUnsafeMutablePointerToHeader { ($0.pointee.count, $0.pointee.capacity) }
    let fresh = makeBuffer(capacity: Swift.max(capacity * 2, count + n))
    let at = fresh.withUnsafeMutablePointers { fh, fe in
      buffer.withUnsafeMutablePointerToElements { fe.update(from: $0, count: count) }
      fh.pointee.count = count + n
      return fe + count
    }
    buffer = fresh
    return at
  }

  /// Appends `n` bytes from `src`.
  @inlinable @inline(__always)
  mutating func append(_ src: UnsafePointer<UInt8>, _ n: Int) {
    guard n > 0 else { return }
    let dst = claim(n)
    if n <= 16 {
      // Markup fragments are short: a loop is cheaper than a call to memcpy.
      var i = 0
      while i < n { dst[i] = src[i]; i &+= 1 }
    } else {
      dst.update(from: src, count: n)
    }
  }

  /// Appends one byte.
  @inlinable @inline(__always)
  mutating func append(_ b: UInt8) { claim(1).pointee = b }

  /// Appends two bytes.
  @inlinable @inline(__always)
  mutating func append(_ a: UInt8, _ b: UInt8) {
    let p = claim(2)
    p[0] = a
    p[1] = b
  }

  // MARK: Markup

  /// Appends markup verbatim (no escaping): tags, attribute names, fixed fragments.
  @inlinable
  public mutating func raw(_ s: StaticString) {
    append(s.utf8Start, s.utf8CodeUnitCount)
  }

  /// Appends a string verbatim (no escaping). Only for text known to need none.
  ///
  /// Disfavoured so that a literal (`raw("</c>")`) takes the `StaticString` overload: a literal's
  /// default type is `String`, and every fixed fragment of every cell went through a `String`
  /// before (a profile of `sheetgate run` showed it under each cell written).
  @_disfavoredOverload
  @inlinable
  public mutating func raw(_ s: String) {
    var s = s
    s.withUTF8 { if let base = $0.baseAddress { append(base, $0.count) } }
  }

  /// Appends bytes verbatim (no escaping).
  @inlinable
  public mutating func raw(bytes b: UnsafeBufferPointer<UInt8>) {
    if let base = b.baseAddress { append(base, b.count) }
  }

  /// Appends one byte verbatim.
  @inlinable
  public mutating func raw(byte b: UInt8) { append(b) }

  /// Appends ` name="value"` with the value escaped for an attribute.
  @inlinable
  public mutating func attribute(_ name: StaticString, _ value: String) {
    append(0x20)
    raw(name)
    append(0x3D, 0x22)  // ="
    escaped(value, attribute: true, ooxml: false)
    append(0x22)
  }

  /// Appends ` name="value"` for an integer value.
  @inlinable
  public mutating func attribute(_ name: StaticString, _ value: Int) {
    append(0x20)
    raw(name)
    append(0x3D, 0x22)
    integer(value)
    append(0x22)
  }

  /// Appends ` name="value"` for a Double value (shortest round-trip form).
  @inlinable
  public mutating func attribute(_ name: StaticString, _ value: Double) {
    append(0x20)
    raw(name)
    append(0x3D, 0x22)
    double(value)
    append(0x22)
  }

  /// Appends `<name>escaped text</name>`.
  @inlinable
  public mutating func element(_ name: StaticString, text: String) {
    append(0x3C)
    raw(name)
    append(0x3E)
    self.text(text)
    append(0x3C, 0x2F)
    raw(name)
    append(0x3E)
  }

  // MARK: Text

  /// Appends character data, escaped for element content.
  @inlinable
  public mutating func text(_ s: String) { escaped(s, attribute: false, ooxml: false) }

  /// Appends character data given as UTF-8 bytes, escaped for element content.
  @inlinable
  public mutating func text(bytes b: UnsafeBufferPointer<UInt8>) { escape(b, attribute: false, ooxml: false) }

  /// Appends text in OOXML `ST_Xstring` form: escaped, with forbidden characters as `_xHHHH_`
  /// and literal `_xHHHH_` sequences protected by `_x005F_`.
  @inlinable
  /// Escapes an attribute value (no quotes written), e.g. when re-writing a tag read elsewhere.
  public mutating func attributeText(_ s: String) { escaped(s, attribute: true, ooxml: false) }

  public mutating func ooxmlText(_ s: String) { escaped(s, attribute: false, ooxml: true) }

  /// `ooxmlText(_:)` for UTF-8 bytes.
  @inlinable
  public mutating func ooxmlText(bytes b: UnsafeBufferPointer<UInt8>) { escape(b, attribute: false, ooxml: true) }

  @usableFromInline
  mutating func escaped(_ s: String, attribute: Bool, ooxml: Bool) {
    var s = s
    s.withUTF8 { escape($0, attribute: attribute, ooxml: ooxml) }
  }

  /// Escapes `b` into the buffer. Runs of bytes that need nothing are copied in one append.
  @usableFromInline
  mutating func escape(_ b: UnsafeBufferPointer<UInt8>, attribute: Bool, ooxml: Bool) {
    let n = b.count
    var runStart = 0
    var i = 0
    while i < n {
      let c = b[i]
      // Fast path: printable ASCII other than the specials, and well-formed multibyte lead bytes
      // are checked below; most bytes of a ledger need nothing.
      if c >= 0x20 && c < 0x80 && c != 0x26 && c != 0x3C && c != 0x3E && c != 0x5F && c != 0x22 {
        i += 1
        continue
      }
      if c >= 0x80 {
        let len = Self.validSequenceLength(b, i)
        if len > 0 {
          // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
          if len == 3 && c == 0xEF && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF) {
            flush(b, runStart, i)
            if ooxml { hexEscape(b[i + 2] == 0xBE ? 0xFFFE : 0xFFFF) } else { replacement() }
            i += 3
            runStart = i
          } else {
            i += len
          }
          continue
        }
        flush(b, runStart, i)
        replacement()
        i += 1
        runStart = i
        continue
      }
      // c < 0x20, or one of & < > _ "
      switch c {
      case 0x5F:  // _
        if ooxml && Self.isHexEscape(b, i) {
          flush(b, runStart, i)
          raw("_x005F_")
          i += 1
          runStart = i
        } else {
          i += 1
        }
        continue
      case 0x22:  // "
        if !attribute { i += 1; continue }
        flush(b, runStart, i)
        raw("&quot;")
      case 0x26:
        flush(b, runStart, i)
        raw("&amp;")
      case 0x3C:
        flush(b, runStart, i)
        raw("&lt;")
      case 0x3E:
        flush(b, runStart, i)
        raw("&gt;")
      case 0x09, 0x0A, 0x0D:
        if !attribute && c != 0x0D { i += 1; continue }
        flush(b, runStart, i)
        switch c {
        case 0x09: raw("&#9;")
        case 0x0A: raw("&#10;")
        default: raw("&#13;")
        }
      default:  // other C0 controls
        flush(b, runStart, i)
        if ooxml { hexEscape(UInt32(c)) } else { replacement() }
      }
      i += 1
      runStart = i
    }
    flush(b, runStart, n)
  }

  @inline(__always) @usableFromInline
  mutating func flush(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
    if to > from { append(b.baseAddress! + from, to - from) }
  }

  @usableFromInline
  mutating func replacement() {
    let p = claim(3)
    (p[0], p[1], p[2]) = (0xEF, 0xBF, 0xBD)
  }

  /// Writes `_xHHHH_` with upper-case hex digits.
  @usableFromInline
  mutating func hexEscape(_ v: UInt32) {
    raw("_x")
    for shift in stride(from: 12, through: 0, by: -4) {
      let d = UInt8((v >> UInt32(shift)) & 0xF)
      append(d < 10 ? 0x30 + d : 0x37 + d)
    }
    append(0x5F)
  }

  /// True when `b[i...]` starts with `_xHHHH_` (any case of hex digits, lower-case `x`).
  @usableFromInline
  static func isHexEscape(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
    guard i + 6 < b.count, b[i + 1] == 0x78, b[i + 6] == 0x5F else { return false }
    for k in 2...5 {
      let c = b[k + i]
      let hex = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
      if !hex { return false }
    }
    return true
  }

  /// The length of the well-formed UTF-8 sequence starting at `b[i]` (a byte ≥ 0x80), or 0.
  @usableFromInline
  static func validSequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    let c = b[i]
    let n = b.count
    @inline(__always) func cont(_ k: Int) -> Bool { k < n && b[k] & 0xC0 == 0x80 }
    if c >= 0xC2 && c <= 0xDF { return cont(i + 1) ? 2 : 0 }
    if c >= 0xE0 && c <= 0xEF {
      guard cont(i + 1), cont(i + 2) else { return 0 }
      let c1 = b[i + 1]
      if c == 0xE0 && c1 < 0xA0 { return 0 }  // overlong
      if c == 0xED && c1 >= 0xA0 { return 0 }  // surrogate
      return 3
    }
    if c >= 0xF0 && c <= 0xF4 {
      guard cont(i + 1), cont(i + 2), cont(i + 3) else { return 0 }
      let c1 = b[i + 1]
      if c == 0xF0 && c1 < 0x90 { return 0 }
      if c == 0xF4 && c1 >= 0x90 { return 0 }
      return 4
    }
    return 0
  }

  // MARK: Numbers

  /// Appends a decimal integer.
  @inlinable
  public mutating func integer(_ v: Int) {
    if v >= 0 && v < 10 { append(0x30 + UInt8(v)); return }
    var u = v.magnitude
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for 20 digits and a sign
    let written = withUnsafeMutableBytes(of: &tmp) { buf -> Int in
      var p = 24
      repeat {
        p -= 1
        buf[p] = 0x30 + UInt8(u % 10)
        u /= 10
      } while u != 0
      if v < 0 { p -= 1; buf[p] = 0x2D }
      append(buf.baseAddress!.assumingMemoryBound(to: UInt8.self) + p, 24 - p)
      return 24 - p
    }
    _ = written
  }

  /// Appends a Double in the shortest form that reads back as the same value: integral values
  /// below 2^53 without a fraction (`32`, not `32.0`), others as Swift's shortest round-trip
  /// decimal (`32.5`, `0.1`, `1e-05`). Not-finite values are written as `0` — callers that
  /// can meet them must check first (XML Schema doubles have no portable spelling for them
  /// in OOXML cells).
  @inlinable
  public mutating func double(_ v: Double) {
    if !v.isFinite { append(0x30); return }
    if v == v.rounded(.towardZero) && Swift.abs(v) < 9_007_199_254_740_992 {
      integer(Int(v))
      return
    }
    raw(v.description)
  }

  /// True when `b` is a decimal number as XML Schema's `xsd:double` and Excel accept it:
  /// optional `-`, digits, optional `.` and digits, optional exponent. `32.50`, `-0.5`,
  /// `15062719000123` and `1.5E3` qualify; `+1`, `.5`, `1.`, ` 1`, `1,000`, `NaN` do not.
  public static func isPlainNumber(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = b.count
    var i = 0
    if i < n && b[i] == 0x2D { i += 1 }
    var digits = 0
    while i < n && b[i] >= 0x30 && b[i] <= 0x39 { i += 1; digits += 1 }
    if digits == 0 { return false }
    if i < n && b[i] == 0x2E {
      i += 1
      var frac = 0
      while i < n && b[i] >= 0x30 && b[i] <= 0x39 { i += 1; frac += 1 }
      if frac == 0 { return false }
    }
    if i < n && (b[i] == 0x65 || b[i] == 0x45) {
      i += 1
      if i < n && (b[i] == 0x2B || b[i] == 0x2D) { i += 1 }
      var exp = 0
      while i < n && b[i] >= 0x30 && b[i] <= 0x39 { i += 1; exp += 1 }
      if exp == 0 || exp > 3 { return false }
    }
    return i == n && n <= 64
  }
}

// Streaming decoders from a file's encoding to UTF-8. Each one carries an incomplete multibyte
// sequence across chunk boundaries and reports the absolute byte offset of the first undecodable
// sequence. Only `Iconv` (Internals/Iconv.swift) touches C.

/// What a decoder did with one chunk.
struct DecodeStep {
  /// Input bytes consumed (an incomplete trailing sequence is left for the next chunk).
  var consumed: Int
  /// UTF-8 bytes written (for `UTF8Validator`: bytes of the input that may be passed on as they are).
  var produced: Int
  /// Offset within the chunk of an undecodable sequence; everything before it was decoded.
  var errorAt: Int?
}

/// Validates UTF-8 in place (no copy), chunk by chunk (Unicode 15 §3.9, table 3-7).
struct UTF8Validator {
  /// Continuation bytes still expected for the sequence in progress.
  private var needed = 0
  /// Allowed range for the next continuation byte (narrowed after E0, ED, F0, F4).
  private var lo: UInt8 = 0x80
  private var hi: UInt8 = 0xBF
  /// Offset, relative to the start of the current chunk, of the lead byte of the sequence in
  /// progress (negative when it began in an earlier chunk).
  private var leadOffset = 0

  /// True when a sequence is in progress (the input must not end here).
  var isInsideSequence: Bool { needed > 0 }
  /// Offset of the lead byte of the open sequence, relative to the chunk last validated.
  var openSequenceOffset: Int { leadOffset }

  /// Validates `input`; on error `errorAt` is the offset of the offending sequence's lead byte
  /// (negative if it started in an earlier chunk) and `produced` the bytes before it.
  mutating func validate(_ input: UnsafeRawBufferPointer) -> DecodeStep {
    let n = input.count
    guard let base = input.baseAddress, n > 0 else { return DecodeStep(consumed: 0, produced: 0, errorAt: nil) }
    let p = base.assumingMemoryBound(to: UInt8.self)
    var i = 0
    while i < n {
      if needed == 0 {
        // ASCII fast path, 8 bytes at a time.
        while i &+ 8 <= n {
          let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
          if w & 0x8080_8080_8080_8080 != 0 { break }
          i &+= 8
        }
        if i >= n { break }
        let b = p[i]
        if b < 0x80 { i &+= 1; continue }
        // Whole three-byte sequences of the common planes (all of CJK) without the state machine.
        if i &+ 3 <= n, (b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF,
           p[i &+ 1] & 0xC0 == 0x80, p[i &+ 2] & 0xC0 == 0x80 {
          i &+= 3
          continue
        }
        leadOffset = i
        switch b {
        case 0xC2...0xDF: needed = 1; lo = 0x80; hi = 0xBF
        case 0xE0: needed = 2; lo = 0xA0; hi = 0xBF
        case 0xE1...0xEC, 0xEE, 0xEF: needed = 2; lo = 0x80; hi = 0xBF
        case 0xED: needed = 2; lo = 0x80; hi = 0x9F
        case 0xF0: needed = 3; lo = 0x90; hi = 0xBF
        case 0xF1...0xF3: needed = 3; lo = 0x80; hi = 0xBF
        case 0xF4: needed = 3; lo = 0x80; hi = 0x8F
        default: return fail(at: i)
        }
        i &+= 1
      } else {
        let b = p[i]
        if b < lo || b > hi { return fail(at: leadOffset) }
        lo = 0x80; hi = 0xBF
        needed &-= 1
        i &+= 1
      }
    }
    if needed > 0 { leadOffset -= n }  // relative to the next chunk
    return DecodeStep(consumed: n, produced: n, errorAt: nil)
  }

  private mutating func fail(at offset: Int) -> DecodeStep {
    needed = 0
    return DecodeStep(consumed: max(offset, 0), produced: max(offset, 0), errorAt: offset)
  }
}

/// The GB18030 two-byte area as a table: lead 0x81–0xFE × trail 0x40–0xFE (0x7F excluded by
/// validity), each entry the UTF-8 bytes (low 24 bits, first byte lowest) and the length (top 8).
/// Built once, at first use, by asking iconv for every pair; 126 × 191 × 4 bytes ≈ 94 KiB.
enum GBTable {
  static let width = 191
  static let table: [UInt32] = build()

  private static func build() -> [UInt32] {
    var t = [UInt32](repeating: 0, count: 126 * width)
    guard let cv = Iconv(from: "GB18030", to: "UTF-8") else { return t }
    var inb: [UInt8] = [0, 0]
    var outb = [UInt8](repeating: 0, count: 8)
    for lead in 0x81...0xFE {
      for trail in 0x40...0xFE where trail != 0x7F {
        inb[0] = UInt8(lead); inb[1] = UInt8(trail)
        cv.reset()
        let step = inb.withUnsafeBytes { i in outb.withUnsafeMutableBytes { o in cv.convert(i, into: o) } }
        guard step.stop == nil, step.consumed == 2, (1...3).contains(step.produced) else { continue }
        var v: UInt32 = UInt32(step.produced) << 24
        for k in 0..<step.produced { v |= UInt32(outb[k]) << (8 * UInt32(k)) }
        t[(lead - 0x81) * width + (trail - 0x40)] = v
      }
    }
    return t
  }
}

/// GB18030 → UTF-8: ASCII passes through, two-byte codes use `GBTable`, four-byte codes go to iconv.
final class GB18030Decoder {
  private let four: Iconv?
  private let table: [UInt32]

  init() {
    table = GBTable.table
    four = Iconv(from: "GB18030", to: "UTF-8")
  }

  /// Decodes `input` into `output` (which must hold at least 2 × input.count bytes).
  /// With `isFinal` false, an incomplete sequence at the end is left unconsumed.
  func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, isFinal: Bool) -> DecodeStep {
    let n = input.count
    guard let ib = input.baseAddress, let ob = output.baseAddress, n > 0 else {
      return DecodeStep(consumed: 0, produced: 0, errorAt: nil)
    }
    let p = ib.assumingMemoryBound(to: UInt8.self)
    let o = ob.assumingMemoryBound(to: UInt8.self)
    var i = 0
    var k = 0
    return table.withUnsafeBufferPointer { tbl -> DecodeStep in
      while i < n {
        // ASCII run, 8 at a time.
        while i &+ 8 <= n {
          let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
          if w & 0x8080_8080_8080_8080 != 0 { break }
          UnsafeMutableRawPointer(o + k).storeBytes(of: w, as: UInt64.self)
          i &+= 8; k &+= 8
        }
        if i >= n { break }
        let b = p[i]
        if b < 0x80 { o[k] = b; i &+= 1; k &+= 1; continue }
        if b == 0x80 || b == 0xFF { return DecodeStep(consumed: i, produced: k, errorAt: i) }
        if i &+ 1 >= n {
          if isFinal { return DecodeStep(consumed: i, produced: k, errorAt: i) }
          break
        }
        let t = p[i &+ 1]
        if t >= 0x40 && t != 0x7F && t != 0xFF {
          let v = tbl[Int(b &- 0x81) &* GBTable.width &+ Int(t &- 0x40)]
          let len = Int(v >> 24)
          if len == 0 { return DecodeStep(consumed: i, produced: k, errorAt: i) }
          o[k] = UInt8(truncatingIfNeeded: v)
          if len > 1 { o[k &+ 1] = UInt8(truncatingIfNeeded: v >> 8) }
          if len > 2 { o[k &+ 2] = UInt8(truncatingIfNeeded: v >> 16) }
          k &+= len; i &+= 2
          continue
        }
        if t < 0x30 || t > 0x39 { return DecodeStep(consumed: i, produced: k, errorAt: i) }
        // Four-byte sequence: lead, 0x30–0x39, 0x81–0xFE, 0x30–0x39.
        if i &+ 3 >= n {
          if isFinal { return DecodeStep(consumed: i, produced: k, errorAt: i) }
          break
        }
        let b2 = p[i &+ 2], b3 = p[i &+ 3]
        guard b2 >= 0x81, b2 <= 0xFE, b3 >= 0x30, b3 <= 0x39, let cv = four else {
          return DecodeStep(consumed: i, produced: k, errorAt: i)
        }
        cv.reset()
        let step = cv.convert(UnsafeRawBufferPointer(start: p + i, count: 4),
                              into: UnsafeMutableRawBufferPointer(start: o + k, count: 4))
        if step.stop != nil || step.consumed != 4 { return DecodeStep(consumed: i, produced: k, errorAt: i) }
        k &+= step.produced; i &+= 4
      }
      return DecodeStep(consumed: i, produced: k, errorAt: nil)
    }
  }
}

/// Any encoding iconv knows → UTF-8.
final class IconvDecoder {
  private let cv: Iconv

  init?(encoding: String) {
    guard let cv = Iconv(from: encoding, to: "UTF-8") else { return nil }
    self.cv = cv
  }

  /// Decodes as much of `input` as possible into `output`; with `isFinal` false an incomplete
  /// trailing sequence is left unconsumed.
  func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, isFinal: Bool) -> DecodeStep {
    var consumed = 0
    var produced = 0
    while consumed < input.count {
      let rest = UnsafeRawBufferPointer(rebasing: input[consumed...])
      let room = UnsafeMutableRawBufferPointer(rebasing: output[produced...])
      let step = cv.convert(rest, into: room)
      consumed += step.consumed
      produced += step.produced
      switch step.stop {
      case nil: continue
      case .outputFull: return DecodeStep(consumed: consumed, produced: produced, errorAt: nil)
      case .incomplete:
        if isFinal { return DecodeStep(consumed: consumed, produced: produced, errorAt: consumed) }
        return DecodeStep(consumed: consumed, produced: produced, errorAt: nil)
      case .invalid:
        return DecodeStep(consumed: consumed, produced: produced, errorAt: consumed)
      }
    }
    return DecodeStep(consumed: consumed, produced: produced, errorAt: nil)
  }
}

/// The text form of a BIFF number (binary in the file): what `.xlsx` stores in `<v>`.
///
/// Integral values below 2^53 are written as integers (`15062719000123`, not `1.5062719000123E13`);
/// others as Swift's shortest round-trip decimal (`12.34`, `0.1`), so the text reads back as exactly
/// the stored double; an exponent is spelt as Excel spells it in `.xlsx` (`1.50626198703152E+17`, `1E-5`).
enum NumberText {
  @inline(__always)
  static func append(_ v: Double, to out: inout [UInt8]) {
    if v == v.rounded(.towardZero) && abs(v) < 9_007_199_254_740_992 {
      var n = Int64(v)
      if n == 0 { out.append(0x30); return }
      if n < 0 { out.append(0x2D); n = -n }
      var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
      var count = 0
      withUnsafeMutableBytes(of: &digits) { d in
        while n > 0 {
          d[23 - count] = UInt8(truncatingIfNeeded: n % 10) &+ 0x30
          n /= 10
          count += 1
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - count)..<24]))
      }
      return
    }
    if !v.isFinite { out.append(contentsOf: Array("#NUM!".utf8)); return }
    let start = out.count
    out.append(contentsOf: v.description.utf8)
    // Swift writes `1e-05` / `1.5e+17`; Excel `1E-5` / `1.5E+17`.
    guard let e = out[start...].firstIndex(of: UInt8(ascii: "e")) else { return }
    out[e] = UInt8(ascii: "E")
    var i = e + 1
    if i < out.count, out[i] == UInt8(ascii: "-") || out[i] == UInt8(ascii: "+") { i += 1 }
    while i + 1 < out.count, out[i] == UInt8(ascii: "0") { out.remove(at: i) }
  }
}

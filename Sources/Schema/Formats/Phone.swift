/// Mobile and landline numbers as written in 回执表.
public enum PhoneNumber {
  /// Strips spaces, `-` and a leading `+86`/`86` from a mobile number; nil unless 11 digits starting with 1[3-9].
  public static func mobile(_ b: [UInt8]) -> String? {
    var d: [UInt8] = []
    d.reserveCapacity(11)
    var i = 0
    if b.count > 3, b[0] == UInt8(ascii: "+"), b[1] == UInt8(ascii: "8"), b[2] == UInt8(ascii: "6") { i = 3 }
    while i < b.count {
      let c = b[i]
      if c >= 0x30 && c <= 0x39 {
        d.append(c)
      } else if c != 0x20 && c != UInt8(ascii: "-") {
        return nil
      }
      i += 1
    }
    if d.count == 13, d[0] == UInt8(ascii: "8"), d[1] == UInt8(ascii: "6") { d.removeFirst(2) }
    guard d.count == 11, d[0] == UInt8(ascii: "1"), d[1] >= UInt8(ascii: "3") else { return nil }
    return String(decoding: d, as: UTF8.self)
  }

  /// A landline such as `0477-2521381`, `(0477)2521381`, `2521381`, `0477-2521381-8001`,
  /// `0477-2521381转8001`, or a mobile number. Returns the canonical text
  /// (`0477-2521381`, `0477-2521381-8001`, or the 11 mobile digits), or nil.
  public static func phone(_ b: [UInt8]) -> String? {
    if let m = mobile(b) { return m }
    // Split into digit runs; separators allowed: - space ( ) and 转 (E8 BD AC) for extensions.
    var runs: [[UInt8]] = []
    var current: [UInt8] = []
    var extensionStarts: Int? = nil
    var i = 0
    while i < b.count {
      let c = b[i]
      if c >= 0x30 && c <= 0x39 {
        current.append(c)
        i += 1
        continue
      }
      if !current.isEmpty { runs.append(current); current = [] }
      if c == UInt8(ascii: "-") || c == 0x20 {
        i += 1
      } else if c == UInt8(ascii: "(") || c == UInt8(ascii: ")") {
        i += 1
      } else if c == 0xE8, i + 2 < b.count, b[i + 1] == 0xBD, b[i + 2] == 0xAC {
        extensionStarts = runs.count
        i += 3
      } else {
        return nil
      }
    }
    if !current.isEmpty { runs.append(current) }
    guard !runs.isEmpty, runs.count <= 3 else { return nil }
    var area: [UInt8]? = nil
    var local: [UInt8]
    var ext: [UInt8]? = nil
    var k = 0
    if runs[0].first == UInt8(ascii: "0") {
      if (3...4).contains(runs[0].count), runs.count >= 2 {
        area = runs[0]
        k = 1
      } else if (10...12).contains(runs[0].count) {
        // 04772521381: area code glued to the number.
        let n = runs[0].count
        let areaLength = runs[0][1] == UInt8(ascii: "1") || runs[0][1] == UInt8(ascii: "2") ? 3 : 4
        guard n - areaLength >= 7, n - areaLength <= 8 else { return nil }
        area = Array(runs[0][0..<areaLength])
        runs[0] = Array(runs[0][areaLength...])
      } else {
        return nil
      }
    }
    guard k < runs.count else { return nil }
    local = runs[k]
    guard (7...8).contains(local.count), local[0] != UInt8(ascii: "0") else { return nil }
    if k + 1 < runs.count {
      guard runs.count == k + 2, (1...6).contains(runs[k + 1].count) else { return nil }
      ext = runs[k + 1]
    }
    if let e = extensionStarts, e != k + 1 { return nil }
    var out = ""
    if let area { out += String(decoding: area, as: UTF8.self) + "-" }
    out += String(decoding: local, as: UTF8.self)
    if let ext { out += "-" + String(decoding: ext, as: UTF8.self) }
    return out
  }
}

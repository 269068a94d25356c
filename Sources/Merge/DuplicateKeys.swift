import Schema

extension Consolidation {
  /// The keys checked across submissions: the primary key first, then unique keys, then unique
  /// fields, then `acrossAgencies: unique` fields no other key covers.
  public static func keyFields(_ schema: TableSchema) -> [[Int]] {
    var keys = schema.uniqueKeys
    if !schema.primaryKey.isEmpty { keys.insert(schema.primaryKey, at: 0) }
    for (i, f) in schema.fields.enumerated() where f.constraints.unique { keys.append([i]) }
    // `acrossAgencies: unique` fields are compared across submissions even when no key covers them.
    for i in schema.uniqueAcrossAgencies where !keys.contains([i]) { keys.append([i]) }
    return keys
  }

  /// The text identifying key number `k` of a row (`k`, then each field after U+001F); nil when a field is empty.
  public static func keyText(_ key: [Int], number k: Int, values: [String]) -> String? {
    var t = String(k)
    for f in key {
      guard f < values.count, !values[f].isEmpty else { return nil }
      t += "\u{1F}" + values[f]
    }
    return t
  }

  /// A stable 64-bit hash (FNV-1a) of ``keyText(_:number:values:)``, the same in every process; nil when that is nil.
  ///
  /// The store indexes these so that the duplicate pass reads only rows whose hash another row shares;
  /// a collision only makes a row a candidate, whose key text is then compared exactly.
  public static func keyHash(_ key: [Int], number k: Int, values: [String]) -> Int64? {
    keyHash(key, number: k, fieldCount: values.count) { f, body in
      var v = values[f]
      v.withUTF8(body)
    }
  }

  /// ``keyHash(_:number:values:)`` of a row whose field `f` has the UTF-8 text `fields[f]` in `bytes`
  /// (e.g. the fields of a binary row as ``RowCodec/appendBinaryField(_:into:)`` wrote them).
  public static func keyHash(_ key: [Int], number k: Int, bytes: UnsafeBufferPointer<UInt8>,
                             fields: [Range<Int>]) -> Int64? {
    keyHash(key, number: k, fieldCount: fields.count) { f, body in
      body(UnsafeBufferPointer(rebasing: bytes[fields[f]]))
    }
  }

  @inline(__always)
  private static func keyHash(_ key: [Int], number k: Int, fieldCount: Int,
                              _ field: (Int, (UnsafeBufferPointer<UInt8>) -> Void) -> Void) -> Int64? {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    for b in String(k).utf8 { mix(b) }
    for f in key {
      guard f < fieldCount else { return nil }
      var empty = false
      field(f) { text in
        if text.isEmpty { empty = true; return }
        mix(0x1F)
        for b in text { mix(b) }
      }
      if empty { return nil }
    }
    return Int64(bitPattern: h)
  }
}

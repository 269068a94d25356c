#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over raw bytes (memmem is a GNU extension Swift does not import): the sheet reader's
/// scans of XML and the run's search for roster names in attachment names.
public enum ByteSearch {
  /// The offset of the first occurrence of `needle` in `haystack[0..<count]`, or nil.
  ///
  /// Uses `memchr` (vectorised in libc) on the needle byte at `pivot`, which should be the byte
  /// rarest in the haystack (e.g. the `C` of `mergeCells` in sheet XML), then compares.
  public static func find(_ needle: [UInt8], pivot: Int, in haystack: UnsafeRawPointer, count: Int) -> Int? {
    let m = needle.count
    guard m > 0, pivot >= 0, pivot < m, count >= m else { return nil }
    let key = Int32(needle[pivot])
    var from = pivot
    return needle.withUnsafeBytes { nb -> Int? in
      guard let np = nb.baseAddress else { return nil }
      while from <= count - m + pivot {
        guard let hit = memchr(haystack + from, key, count - m + pivot + 1 - from) else { return nil }
        let pos = UnsafeRawPointer(hit) - haystack
        let start = pos - pivot
        if memcmp(haystack + start, np, m) == 0 { return start }
        from = pos + 1
      }
      return nil
    }
  }

  /// True when `needle` occurs in `haystack` (an empty needle never does).
  public static func contains(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = haystack.baseAddress else { return false }
    return find(needle, pivot: 0, in: UnsafeRawPointer(base), count: haystack.count) != nil
  }
}

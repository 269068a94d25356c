// The only file in XLSReader that calls glibc iconv: BIFF5 text in the workbook's code page.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes 8-bit text in a Windows code page (the CODEPAGE record) to UTF-8 through iconv.
///
/// ASCII is copied as is; other bytes go through one `iconv_t` opened for the workbook. A byte
/// sequence the code page does not define becomes U+FFFD, so text is never dropped silently.
final class CodePage {
  /// The CODEPAGE value (1252, 936, 10000…).
  let number: Int
  private let cd: iconv_t?

  init(_ number: Int) {
    self.number = number
    if let name = Self.iconvName(number) {
      let h = iconv_open("UTF-8", name)
      cd = Int(bitPattern: h) == -1 ? nil : h
    } else {
      cd = nil
    }
  }

  deinit { if let cd { iconv_close(cd) } }

  /// iconv's name for a Windows code page number ([MS-XLS] §2.4.52).
  static func iconvName(_ cp: Int) -> String? {
    switch cp {
    case 367: return "ASCII"
    case 437, 737, 775, 850, 852, 855, 857, 860, 861, 862, 863, 864, 865, 866, 869, 874, 1250, 1251, 1252, 1253,
         1254, 1255, 1256, 1257, 1258:
      return "CP\(cp)"
    case 932: return "CP932"
    case 936: return "GBK"
    case 949: return "CP949"
    case 950: return "BIG5"
    case 1361: return "JOHAB"
    case 10000, 32768: return "MACINTOSH"
    case 10006: return "MACGREEK"
    case 10007: return "MAC-CYRILLIC"
    case 10029: return "MACCENTRALEUROPE"
    case 10079: return "MACICELAND"
    case 10081: return "MACTURKISH"
    case 32769, 1200: return "CP1252"  // BIFF5 files that claim UTF-16 still store 8-bit text
    default: return "CP1252"
    }
  }

  /// Appends `count` bytes at `b[at...]` decoded to UTF-8.
  func append(_ b: UnsafeRawBufferPointer, at: Int, count: Int, to out: inout [UInt8]) {
    var ascii = true
    for k in 0..<count where b[at + k] >= 0x80 { ascii = false; break }
    if ascii || cd == nil {
      for k in 0..<count {
        let c = b[at + k]
        if c < 0x80 { out.append(c) } else { out.append(0xC0 | (c >> 6)); out.append(0x80 | (c & 0x3F)) }
      }
      return
    }
    guard let cd, let base = b.baseAddress else { return }
    _ = iconv(cd, nil, nil, nil, nil)
    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: (base + at).assumingMemoryBound(to: CChar.self))
    var inLeft = count
    var scratch = [UInt8](repeating: 0, count: count * 4 + 8)
    scratch.withUnsafeMutableBytes { s in
      while inLeft > 0 {
        var outPtr: UnsafeMutablePointer<CChar>? = s.baseAddress!.assumingMemoryBound(to: CChar.self)
        var outLeft = s.count
        let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
        let produced = s.count - outLeft
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[0..<produced]))
        if r == -1 && errno != E2BIG {
          // An undefined or incomplete sequence: U+FFFD for one byte, then go on.
          out.append(contentsOf: [0xEF, 0xBF, 0xBD])
          inPtr = inPtr.map { $0 + 1 }
          inLeft -= 1
          _ = iconv(cd, nil, nil, nil, nil)
        }
      }
    }
  }
}

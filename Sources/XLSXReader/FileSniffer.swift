import ByteIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recognises files that are not XLSX before the ZIP reader sees them.
///
/// An OLE compound file (`D0 CF 11 E0 A1 B1 1A E1`) holding a stream named `EncryptedPackage`
/// is a password-protected workbook; any other OLE file is a legacy `.xls` (BIFF). Reads at most
/// the first 4 MiB, where a CFB directory of a small file lives; a larger encrypted file whose
/// directory is beyond that is reported as a legacy/OLE file with the same advice.
enum FileSniffer {
  static func check(path: String) throws(XLSXReadError) {
    guard let f = fopen(path, "rb") else {
      throw XLSXReadError(code: .cannotOpen, location: .init(file: path),
                          detail: "the file cannot be opened (\(String(cString: strerror(errno)))); check the path and permissions")
    }
    defer { fclose(f) }
    var head = [UInt8](repeating: 0, count: 8)
    let n = fread(&head, 1, 8, f)
    let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    guard n == 8, head == ole else { return }
    var buf = [UInt8](repeating: 0, count: 4 << 20)
    let m = fread(&buf, 1, buf.count, f)
    let needle: [UInt8] = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    let found = buf.withUnsafeBytes { b in
      b.baseAddress.map { ByteSearch.find(needle, pivot: 0, in: $0, count: m) != nil } ?? false
    }
    if found {
      throw XLSXReadError(code: .encrypted, location: .init(file: path),
                          detail: "the workbook is password-protected (encrypted); ask the sender to remove the "
                            + "password (File › Info › Protect Workbook) and send it again")
    }
    throw XLSXReadError(code: .legacyXLS, location: .init(file: path),
                        detail: "the file is a legacy Excel 97–2003 workbook (.xls, OLE format), not .xlsx; open it in "
                          + "Excel or WPS and save it as .xlsx")
  }
}

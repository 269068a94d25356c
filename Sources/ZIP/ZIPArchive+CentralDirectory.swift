// ADVICE FOR HACKERS: reading the central directory
// =================================================
//
// A ZIP archive is read from the END. The spec is PKWARE's APPNOTE.TXT (6.3.x); section numbers below are its.
//
//   [local header 1][data 1][descriptor 1] … [local header n][data n][descriptor n]
//   [central directory: one 46-byte+ header per entry]            (4.3.12)
//   [ZIP64 end of central directory record]   (only when needed)  (4.3.14)
//   [ZIP64 end of central directory locator]  (only when needed)  (4.3.15)
//   [end of central directory record, 22 bytes + comment]          (4.3.16)
//
// The steps, each of which is a place where hostile input tries to make us trap, loop or allocate:
//
// 1. Find the End Of Central Directory (EOCD) record. It is 22 bytes plus a comment of up to 65,535 bytes, so it
//    starts within the last 65,557 bytes. Scan that tail backwards for the signature `PK\5\6`. A comment may
//    itself contain the signature, so a candidate whose comment length reaches exactly the end of the file wins;
//    otherwise the last candidate whose comment fits is taken (Python's zipfile is as lenient). No candidate:
//    `.notAZip` — this is what legacy .xls and encrypted workbooks (both CFB/OLE files) end up as.
//
// 2. If the 20 bytes before the EOCD are a ZIP64 locator (`PK\6\7`), it points to the ZIP64 EOCD record
//    (`PK\6\6`), whose 64-bit entry count, directory size and directory offset replace the 16/32-bit ones
//    (which writers set to 0xFFFF / 0xFFFFFFFF). If the record is not at the offset the locator gives, we look
//    directly in front of the locator, where it is in practice.
//
// 3. Bytes may be PREPENDED to an archive (self-extractors, some mail gateways). Offsets in the directory are
//    then too small by the prepended length. The directory ends where the (ZIP64) EOCD starts, so
//    `shift = directoryEnd - directorySize - directoryOffset` is that length; it is added to every offset.
//    A negative shift means the sizes contradict each other: `.corruptCentralDirectory`.
//
// 4. Check the entry count against `ZIPLimits.maxEntries` BEFORE allocating anything per entry, and against the
//    directory size (each header is at least 46 bytes) so a count of 4 billion in a 100-byte directory fails
//    at once. The directory is read into memory in one piece: its size is bounded by the real file size
//    because it must end before the EOCD.
//
// 5. Parse each central header (4.3.12). Every read goes through `LittleEndianBytes`, which returns nil past
//    the end; nil becomes `.corruptCentralDirectory` naming the entry index. Variable-length fields (name,
//    extra, comment) are bounds-checked against the directory buffer before slicing.
//
// 6. ZIP64 extended information (extra field 0x0001, 4.5.3) holds ONLY the fields whose 32-bit value is
//    saturated (0xFFFFFFFF, or 0xFFFF for the disk number), in the fixed order: uncompressed size, compressed
//    size, local header offset, disk number. Getting this order or the "only if saturated" rule wrong is the
//    classic ZIP64 bug. Other extra fields are skipped by their length.
//
// 7. Names are bytes. We decode them as UTF-8, replacing invalid sequences, whether or not flag bit 11 is set:
//    Excel, WPS and LibreOffice write ASCII or UTF-8 names, and lookups (`entry(named:)`) must never fail
//    because of a stray byte. The raw bytes stay available in `ZIPEntry.rawName`.
//
// What is NOT checked here, but when an entry is opened (ZIPArchive.openEntry): the local header (its name and
// extra lengths may differ from the central ones, so the data offset is only known from the local header),
// encryption, the compression method, and whether the data fits inside the file. Listing a damaged archive
// therefore works as far as the directory is sound; only reading the damaged entry fails.
//
// When adding a field: read it through `LittleEndianBytes`, decide what a saturated value means, and add a
// truncation test (ZIPReaderRobustnessTests truncates a fixture at every offset and flips bytes).

import ByteIO

/// Where the central directory is and what it claims, from the (ZIP64) end records.
struct DirectoryLocation {
  var entryCount: UInt64
  var size: UInt64
  var offset: UInt64
  /// Added to every offset in the archive to correct for prepended bytes.
  var shift: UInt64
}

extension ZIPArchive {
  static let eocdLength = 22
  static let maxCommentLength = 65_535

  /// Finds the end records and returns the central directory's position and entry count.
  static func locateDirectory(in source: any RandomAccessSource, file: String) throws(ZIPError) -> DirectoryLocation {
    let size = source.size
    guard size >= UInt64(eocdLength) else {
      throw ZIPError(.notAZip, file: file, detail: "it is only \(size) bytes long, shorter than any ZIP archive")
    }
    let tailLength = Int(min(size, UInt64(eocdLength + maxCommentLength)))
    let tailStart = size - UInt64(tailLength)
    let tail = LittleEndianBytes(try read(source, at: tailStart, count: tailLength, file: file))

    // Step 1: scan backwards for the EOCD signature.
    var exact: Int?
    var lenient: Int?
    var i = tail.count - eocdLength
    while i >= 0 {
      if tail.bytes[i] == 0x50, tail.u32(i) == Signature.endOfCentralDirectory, let comment = tail.u16(i + 20) {
        let end = i + eocdLength + Int(comment)
        if end == tail.count { exact = i; break }
        if end <= tail.count, lenient == nil { lenient = i }
      }
      i -= 1
    }
    guard let eocd = exact ?? lenient else {
      let head = try read(source, at: 0, count: 8, file: file)
      if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
        throw ZIPError(.truncated, file: file, detail: "it starts like a ZIP archive but has no "
          + "end-of-central-directory record, so its end is missing")
      }
      throw ZIPError(.notAZip, file: file, detail: "it has no end-of-central-directory record" + describeMagic(head))
    }
    let eocdPosition = tailStart + UInt64(eocd)
    guard let count16 = tail.u16(eocd + 10), let size32 = tail.u32(eocd + 12), let offset32 = tail.u32(eocd + 16)
    else { throw ZIPError(.truncated, file: file, detail: "the end-of-central-directory record is cut short") }

    var location = DirectoryLocation(entryCount: UInt64(count16), size: UInt64(size32), offset: UInt64(offset32),
                                     shift: 0)
    var directoryEnd = eocdPosition

    // Step 2: the ZIP64 locator sits right before the EOCD.
    if eocdPosition >= 20 {
      let locator = LittleEndianBytes(try read(source, at: eocdPosition - 20, count: 20, file: file))
      if locator.u32(0) == Signature.zip64Locator, let recordOffset = locator.u64(8) {
        let inFront = eocdPosition >= 20 + 56 ? eocdPosition - 20 - 56 : nil
        var found: (UInt64, LittleEndianBytes)?
        for candidate in [recordOffset, inFront].compactMap({ $0 }) where candidate < size {
          let record = LittleEndianBytes(try read(source, at: candidate, count: 56, file: file))
          if record.u32(0) == Signature.zip64EndOfCentralDirectory, record.count == 56 {
            found = (candidate, record)
            break
          }
        }
        guard let (position, record) = found, let count = record.u64(32), let dirSize = record.u64(40),
              let dirOffset = record.u64(48) else {
          throw ZIPError(.corruptCentralDirectory, file: file,
                         detail: "the ZIP64 locator points to offset \(recordOffset), where there is no ZIP64 record")
        }
        location.entryCount = count
        location.size = dirSize
        location.offset = dirOffset
        directoryEnd = position
      }
    }

    // Step 3: correct for prepended bytes.
    let (claimedEnd, overflow) = location.size.addingReportingOverflow(location.offset)
    guard !overflow, claimedEnd <= directoryEnd else {
      throw ZIPError(.corruptCentralDirectory, file: file, detail: "the central directory (offset \(location.offset), "
        + "\(location.size) bytes) would run past the end record at offset \(directoryEnd)")
    }
    location.shift = directoryEnd - claimedEnd
    return location
  }

  /// Reads and parses the whole central directory.
  static func readDirectory(from source: any RandomAccessSource, file: String,
                            limits: ZIPLimits) throws(ZIPError) -> [ZIPEntry] {
    let location = try locateDirectory(in: source, file: file)
    // Step 4: bound the count before allocating per entry.
    guard location.entryCount <= UInt64(limits.maxEntries) else {
      throw ZIPError(.tooManyEntries, file: file, detail: "it lists \(location.entryCount) entries, more than the "
        + "limit of \(limits.maxEntries) (ZIPLimits.maxEntries)")
    }
    let count = Int(location.entryCount)
    guard UInt64(count) * 46 <= location.size else {
      throw ZIPError(.corruptCentralDirectory, file: file, detail: "it claims \(count) entries in a directory of "
        + "only \(location.size) bytes")
    }
    let directory = LittleEndianBytes(try read(source, at: location.offset + location.shift,
                                               count: Int(location.size), file: file))
    guard directory.count == Int(location.size) else {
      throw ZIPError(.truncated, file: file, detail: "the central directory is cut short")
    }

    var entries: [ZIPEntry] = []
    entries.reserveCapacity(count)
    var p = 0
    for index in 0..<count {
      let entry = try parseCentralHeader(directory, at: &p, index: index, shift: location.shift, file: file)
      entries.append(entry)
    }
    return entries
  }

  /// Step 5 and 6: one central file header at `p`, advancing `p` past it.
  static func parseCentralHeader(_ d: LittleEndianBytes, at p: inout Int, index: Int, shift: UInt64,
                                 file: String) throws(ZIPError) -> ZIPEntry {
    func corrupt(_ what: String) -> ZIPError {
      ZIPError(.corruptCentralDirectory, file: file, detail: "entry number \(index + 1) \(what)")
    }
    guard d.u32(p) == Signature.centralFileHeader else {
      throw corrupt("does not start with a central header signature (offset \(p) in the directory)")
    }
    guard let flags = d.u16(p + 8), let method = d.u16(p + 10), let time = d.u16(p + 12), let date = d.u16(p + 14),
          let crc = d.u32(p + 16), let csize32 = d.u32(p + 20), let usize32 = d.u32(p + 24),
          let nameLength = d.u16(p + 28), let extraLength = d.u16(p + 30), let commentLength = d.u16(p + 32),
          let disk16 = d.u16(p + 34), let offset32 = d.u32(p + 42) else {
      throw corrupt("has a header cut short")
    }
    guard let rawName = d.slice(p + 46, Int(nameLength)),
          let extra = d.slice(p + 46 + Int(nameLength), Int(extraLength)),
          d.slice(p + 46 + Int(nameLength) + Int(extraLength), Int(commentLength)) != nil else {
      throw corrupt("has a name, extra field or comment running past the end of the directory")
    }
    let name = String(decoding: rawName, as: UTF8.self)

    var compressed = UInt64(csize32)
    var uncompressed = UInt64(usize32)
    var offset = UInt64(offset32)
    _ = disk16
    // Step 6: ZIP64 extra field.
    let x = LittleEndianBytes(Array(extra))
    var q = 0
    while q + 4 <= x.count {
      guard let id = x.u16(q), let length = x.u16(q + 2) else { break }
      let body = q + 4
      guard body + Int(length) <= x.count else {
        throw ZIPError(.corruptCentralDirectory, entry: name, file: file,
                       detail: "an extra field (id 0x\(String(id, radix: 16))) runs past the end of the extra data")
      }
      if id == 0x0001 {
        var r = body
        let end = body + Int(length)
        func next() -> UInt64? {
          guard r + 8 <= end, let v = x.u64(r) else { return nil }
          r += 8
          return v
        }
        let missing = ZIPError(.corruptCentralDirectory, entry: name, file: file,
                               detail: "its ZIP64 extra field is too short for the sizes it must hold")
        if usize32 == 0xFFFF_FFFF { guard let v = next() else { throw missing }; uncompressed = v }
        if csize32 == 0xFFFF_FFFF { guard let v = next() else { throw missing }; compressed = v }
        if offset32 == 0xFFFF_FFFF { guard let v = next() else { throw missing }; offset = v }
      }
      q = body + Int(length)
    }
    let (shifted, overflow) = offset.addingReportingOverflow(shift)
    guard !overflow else { throw corrupt("has an impossible local header offset") }
    p += 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
    return ZIPEntry(name: name, rawName: Array(rawName), method: method, flags: flags, crc32: crc,
                    compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: shifted,
                    dosTime: time, dosDate: date, index: index)
  }

  /// Reads `count` bytes at `offset` (fewer at the end of the file), turning I/O errors into ``ZIPError``.
  static func read(_ source: any RandomAccessSource, at offset: UInt64, count: Int,
                   file: String) throws(ZIPError) -> [UInt8] {
    do { return try source.readBytes(at: offset, count: count) } catch { throw ZIPError(io: error, file: file) }
  }

  /// A hint about what a non-ZIP file is, from its first bytes.
  static func describeMagic(_ head: [UInt8]) -> String {
    if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      return " (it is an OLE/CFB compound file: a legacy .xls workbook or a password-encrypted .xlsx)"
    }
    return ""
  }
}

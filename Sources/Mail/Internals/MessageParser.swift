import ByteIO
import CSV
import ZIP

/// One leaf part, decoded, waiting for the attachment decision.
private struct Leaf {
  var number: String
  var contentType: String
  var typeParameters: ParameterizedValue
  var disposition: ParameterizedValue?
  var contentID: String?
  var body: [UInt8]
  var failure: UnsupportedReason?
  var failureDetail: String
  var forwardDepth: Int
  var inRelated: Bool
  var nameUndecodable: Bool
}

struct MessageParser {
  let limits: MailLimits
  private var problems: [MailProblem] = []
  private var parts: [MailPart] = []
  private var leaves: [Leaf] = []
  private var forwarded: [ForwardedMessage] = []
  private var partCount = 0
  private var reportedTooManyParts = false
  private var reportedDepth = false

  init(limits: MailLimits) { self.limits = limits }

  mutating func parseMessage(_ b: [UInt8]) -> MailMessage {
    let top = HeaderParser.parse(b, start: 0, end: b.count)
    if !top.sawBlankLine && top.bodyStart >= b.count {
      problems.append(.make(.truncatedHeaders, part: nil, file: nil))
    }
    parseEntity(b, start: 0, end: b.count, number: "", depth: 0, forwardDepth: 0, parentType: "", block: top)

    // Images the HTML shows (`cid:`) are part of the letter, not attachments.
    var cids = Set<String>()
    for leaf in leaves where leaf.contentType == "text/html" {
      collectContentIDReferences(leaf.body, into: &cids)
    }
    var textBody: String? = nil, htmlBody: String? = nil
    var attachments: [MailAttachment] = []
    var taken = Set<String>()
    for leaf in leaves {
      let type = leaf.contentType
      // Signatures, and the reports of delivery notices, are no files of the agency's.
      if ["application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
          "message/delivery-status", "message/disposition-notification", "text/rfc822-headers"].contains(type) {
        continue
      }
      if type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime" || type == "application/pgp-encrypted" {
        problems.append(.make(.encryptedMessage, part: leaf.number, file: nil))
        continue
      }
      let disposition = leaf.disposition?.value
      let name = leaf.disposition?["filename"] ?? leaf.typeParameters["name"]
      let isImage = type.hasPrefix("image/")
      if let cid = leaf.contentID, cids.contains(cid.lowercased()) { continue }
      if isImage && disposition != "attachment" && (disposition == "inline" || leaf.inRelated) { continue }
      if (type == "text/plain" || type == "text/html") && name == nil && disposition != "attachment" {
        if leaf.failure == .damagedEncoding { problems.append(.make(.invalidBase64, part: leaf.number, file: nil)) }
        if leaf.forwardDepth == 0 && leaf.failure == nil {
          let text = Charsets.decode(leaf.body, charset: leaf.typeParameters["charset"])
          if type == "text/plain" && textBody == nil { textBody = text }
          if type == "text/html" && htmlBody == nil { htmlBody = text }
        }
        continue
      }
      let original = name.map { $0.trimmingASCIIWhitespace() }
      let fallback = "attachment-" + (leaf.number.isEmpty ? "1" : leaf.number) + MessageParser.extensionFor(type)
      let safe = FileNames.unique(FileNames.sanitise(original ?? fallback, fallback: fallback), taken: &taken)
      if leaf.nameUndecodable { problems.append(.make(.undecodableName, part: leaf.number, file: safe)) }
      if let failure = leaf.failure {
        problems.append(.make(failure.problemCode, part: leaf.number, file: safe, detail: leaf.failureDetail))
        attachments.append(MailAttachment(fileName: safe, originalName: original, contentType: type,
                                          kind: .unsupported(failure), bytes: [], part: leaf.number,
                                          forwardDepth: leaf.forwardDepth))
        continue
      }
      let verdict = Classifier.classify(leaf.body, name: original ?? fallback, contentType: type)
      switch verdict {
      case .zipArchive:
        var budget = limits.maxZipInflatedBytes
        expand(leaf.body, name: safe, part: leaf.number, path: [safe], level: 1, budget: &budget,
               forwardDepth: leaf.forwardDepth, taken: &taken, into: &attachments)
      case .kind(let kind):
        if case .unsupported(let reason) = kind {
          problems.append(.make(reason.problemCode, part: leaf.number, file: safe))
        }
        attachments.append(MailAttachment(fileName: safe, originalName: original, contentType: type, kind: kind,
                                          bytes: leaf.body, part: leaf.number, forwardDepth: leaf.forwardDepth))
      }
    }

    let h = top.headers
    var message = MailMessage(
      headers: h, messageID: h["message-id"].flatMap { MessageIDs.parse($0.value).first },
      from: h["from"].flatMap { MailAddress.parseList($0.value).first },
      replyTo: h["reply-to"].map { MailAddress.parseList($0.value) } ?? [],
      to: h.all("to").flatMap { MailAddress.parseList($0.value) },
      cc: h.all("cc").flatMap { MailAddress.parseList($0.value) },
      subject: h.text("subject"), dateText: h["date"].map { utf8String($0.value) }, date: nil,
      inReplyTo: h["in-reply-to"].map { MessageIDs.parse($0.value) } ?? [],
      references: h["references"].map { MessageIDs.parse($0.value) } ?? [],
      textBody: textBody, htmlBody: htmlBody, attachments: attachments, forwarded: forwarded, parts: parts,
      problems: problems, size: b.count)
    message.date = message.dateText.flatMap(MailDate.parse)
    return message
  }

  // MARK: The part tree

  /// Parses the entity at `b[start..<end]` (whose header block `block` has been read when given).
  private mutating func parseEntity(_ b: [UInt8], start: Int, end: Int, number: String, depth: Int, forwardDepth: Int,
                                    parentType: String, block given: HeaderBlock? = nil) {
    partCount += 1
    if partCount > limits.maxParts {
      if !reportedTooManyParts {
        reportedTooManyParts = true
        problems.append(.make(.tooManyParts, part: number, file: nil, detail: " (limit \(limits.maxParts), MailLimits.maxParts)"))
      }
      return
    }
    let block = given ?? HeaderParser.parse(b, start: start, end: end)
    let h = block.headers
    var ct = h["content-type"].map { ParameterizedValue.parse($0.value) }
      ?? ParameterizedValue(value: parentType == "multipart/digest" ? "message/rfc822" : "text/plain", parameters: [:])
    if !ct.value.contains("/") { ct.value = "text/plain" }
    let disposition = h["content-disposition"].map { ParameterizedValue.parse($0.value) }
    let cte = h["content-transfer-encoding"].map { utf8String($0.value).trimmingASCIIWhitespace().lowercased() } ?? ""
    let contentID = h["content-id"].flatMap { MessageIDs.parse($0.value).first ?? nilIfEmpty(utf8String($0.value)) }
    let bodyStart = min(block.bodyStart, end)

    if ct.value.hasPrefix("multipart/") {
      parts.append(MailPart(number: number, contentType: ct.value, disposition: disposition?.value,
                            fileName: nil, contentID: contentID, size: 0, headers: h))
      guard depth < limits.maxDepth else { reportDepth(number); return }
      guard let boundary = ct["boundary"], !boundary.isEmpty else {
        problems.append(.make(.missingBoundary, part: number, file: nil))
        return
      }
      let (ranges, closed) = MessageParser.split(b, start: bodyStart, end: end, boundary: Array(boundary.utf8))
      if ranges.isEmpty {
        problems.append(.make(.missingBoundary, part: number, file: nil))
        return
      }
      if !closed { problems.append(.make(.missingClosingBoundary, part: number, file: nil)) }
      for (k, r) in ranges.enumerated() {
        let child = number.isEmpty ? "\(k + 1)" : "\(number).\(k + 1)"
        parseEntity(b, start: r.lowerBound, end: r.upperBound, number: child, depth: depth + 1,
                    forwardDepth: forwardDepth, parentType: ct.value)
        if partCount > limits.maxParts { return }
      }
      return
    }

    if ct.value == "message/rfc822" || ct.value == "message/global" {
      parts.append(MailPart(number: number, contentType: ct.value, disposition: disposition?.value,
                            fileName: nil, contentID: contentID, size: end - bodyStart, headers: h))
      guard depth < limits.maxDepth else { reportDepth(number); return }
      var inner: [UInt8]
      if cte == "base64" {
        guard let d = Base64.decode(b[bodyStart..<end]) else {
          problems.append(.make(.invalidBase64, part: number, file: nil))
          return
        }
        inner = d
      } else if cte == "quoted-printable" {
        inner = QuotedPrintable.decode(b[bodyStart..<end])
      } else {
        inner = Array(b[bodyStart..<end])
      }
      let innerBlock = HeaderParser.parse(inner, start: 0, end: inner.count)
      let ih = innerBlock.headers
      forwarded.append(ForwardedMessage(
        part: number, subject: ih.text("subject"), from: ih["from"].flatMap { MailAddress.parseList($0.value).first },
        dateText: ih["date"].map { utf8String($0.value) },
        messageID: ih["message-id"].flatMap { MessageIDs.parse($0.value).first }, depth: forwardDepth + 1))
      parseEntity(inner, start: 0, end: inner.count, number: number.isEmpty ? "1" : number, depth: depth + 1,
                  forwardDepth: forwardDepth + 1, parentType: "", block: innerBlock)
      // parseEntity counted the inner entity as a part of its own; keep numbering as is.
      return
    }

    // A leaf.
    var failure: UnsupportedReason? = nil
    var detail = ""
    var body: [UInt8] = []
    let encodedSize = end - bodyStart
    let estimate = cte == "base64" ? encodedSize / 4 * 3 : encodedSize
    if estimate > limits.maxAttachmentBytes + 4096 {
      failure = .tooLarge
      detail = " (about \(estimate) bytes; limit \(limits.maxAttachmentBytes), MailLimits.maxAttachmentBytes)"
    } else {
      switch cte {
      case "base64":
        if let d = Base64.decode(b[bodyStart..<end]) { body = d } else { failure = .damagedEncoding }
      case "quoted-printable":
        body = QuotedPrintable.decode(b[bodyStart..<end])
      default:
        body = Array(b[bodyStart..<end])
      }
      if failure == nil && body.count > limits.maxAttachmentBytes {
        failure = .tooLarge
        detail = " (\(body.count) bytes; limit \(limits.maxAttachmentBytes), MailLimits.maxAttachmentBytes)"
        body = []
      }
    }
    let name = disposition?["filename"] ?? ct["name"]
    parts.append(MailPart(number: number, contentType: ct.value, disposition: disposition?.value, fileName: name,
                          contentID: contentID, size: body.count, headers: h))
    let undecodable = disposition?.undecodable.contains("filename") == true
      || (disposition?["filename"] == nil && ct.undecodable.contains("name"))
    leaves.append(Leaf(number: number, contentType: ct.value, typeParameters: ct, disposition: disposition,
                       contentID: contentID, body: body, failure: failure, failureDetail: detail,
                       forwardDepth: forwardDepth, inRelated: parentType == "multipart/related",
                       nameUndecodable: undecodable))
  }

  private mutating func reportDepth(_ number: String) {
    guard !reportedDepth else { return }
    reportedDepth = true
    problems.append(.make(.nestingTooDeep, part: number, file: nil, detail: " (limit \(limits.maxDepth), MailLimits.maxDepth)"))
  }

  /// The body parts of a multipart (RFC 2046 §5.1.1): each delimiter line is `--boundary` followed
  /// only by white space; the line break before it belongs to it; the preamble and the epilogue
  /// after `--boundary--` are ignored. `closed` is false when the closing delimiter is missing,
  /// in which case the last part runs to the end.
  static func split(_ b: [UInt8], start: Int, end: Int, boundary: [UInt8]) -> ([Range<Int>], Bool) {
    let delimiter = [ASCII.dash, ASCII.dash] + boundary
    var ranges: [Range<Int>] = []
    var partStart: Int? = nil
    var i = start
    while i < end {
      let le = lineEnd(b, from: i, end: end)
      if b[i] == ASCII.dash, hasPrefix(b, at: i, end: end, delimiter) {
        let ce = contentEnd(b, lineStart: i, lineEnd: le)
        let after = i + delimiter.count
        guard after <= ce else { i = le; continue }  // a boundary holding a line break matches nothing
        let isClose = after + 2 <= ce && b[after] == ASCII.dash && b[after + 1] == ASCII.dash
        let onlySpace = (after..<ce).allSatisfy { ASCII.isWSP(b[$0]) }
        if isClose || onlySpace {
          if let s = partStart {
            var e = i
            if e > s, b[e - 1] == ASCII.lf { e -= 1 }
            if e > s, b[e - 1] == ASCII.cr { e -= 1 }
            ranges.append(s..<max(s, e))
          }
          if isClose { return (ranges, true) }
          partStart = le
        }
      }
      i = le
    }
    if let s = partStart { ranges.append(s..<max(s, end)) }
    return (ranges, false)
  }

  // MARK: ZIP attachments

  /// Lists the files of a ZIP attachment as attachments of their own.
  private mutating func expand(_ bytes: [UInt8], name: String, part: String, path: [String], level: Int,
                               budget: inout Int, forwardDepth: Int, taken: inout Set<String>,
                               into out: inout [MailAttachment]) {
    func unreadable(_ reason: UnsupportedReason, _ code: MailProblem.Code, _ detail: String = "") -> MailAttachment {
      problems.append(.make(code, part: part, file: name, detail: detail))
      return MailAttachment(fileName: name, originalName: path.last, contentType: "application/zip",
                            kind: .unsupported(reason), bytes: [], part: part, archivePath: Array(path.dropLast()),
                            forwardDepth: forwardDepth)
    }
    let zl = ZIPLimits(maxEntryBytes: UInt64(limits.maxAttachmentBytes), maxArchiveBytes: UInt64(max(0, budget)),
                       maxEntries: limits.maxZipEntries)
    let archive: ZIPArchive
    do {
      archive = try ZIPArchive(source: MemorySource(bytes, name: name), name: name, limits: zl)
    } catch {
      if error.code == .tooManyEntries {
        out.append(unreadable(.tooLarge, .archiveTooLarge, " (more than \(limits.maxZipEntries) entries, MailLimits.maxZipEntries)"))
      } else {
        out.append(unreadable(.damagedArchive, .damagedArchive, ": \(error.detail)"))
      }
      return
    }
    for entry in archive.entries {
      if entry.isDirectory { continue }
      let entryPath: String
      if entry.flags & 0x800 != 0 {
        entryPath = utf8String(entry.rawName)
      } else if let unicode = MessageParser.unicodePathField(bytes, entry) {
        entryPath = unicode  // 7-Zip, WinRAR and Bandizip add the UTF-8 name beside the CP936 one
      } else {
        entryPath = Charsets.decodeRaw(entry.rawName)  // CP936 from Windows' own zip, as GB18030
      }
      let normalised = entryPath.replacing("\\", with: "/")
      let base = normalised.split(separator: "/").last.map(String.init) ?? normalised
      if normalised.hasPrefix("__MACOSX/") || base.hasPrefix("._") || ["ds_store", ".ds_store", "thumbs.db", "desktop.ini"]
        .contains(base.lowercased()) { continue }
      let safe = FileNames.unique(FileNames.sanitise(base), taken: &taken)
      let here = path + [entryPath]
      func add(_ kind: AttachmentKind, _ data: [UInt8]) {
        out.append(MailAttachment(fileName: safe, originalName: base, contentType: "application/octet-stream",
                                  kind: kind, bytes: data, part: part, archivePath: here.dropLast() + [entryPath],
                                  forwardDepth: forwardDepth))
      }
      if entry.isEncrypted || entry.method == 99 {
        problems.append(.make(.encryptedFile, part: part, file: safe))
        add(.unsupported(.encrypted), [])
        continue
      }
      if entry.uncompressedSize > UInt64(limits.maxAttachmentBytes) {
        problems.append(.make(.attachmentTooLarge, part: part, file: safe,
                              detail: " (\(entry.uncompressedSize) bytes; limit \(limits.maxAttachmentBytes), MailLimits.maxAttachmentBytes)"))
        add(.unsupported(.tooLarge), [])
        continue
      }
      if entry.uncompressedSize > UInt64(max(0, budget)) {
        problems.append(.make(.archiveTooLarge, part: part, file: path[0],
                              detail: " (limit \(limits.maxZipInflatedBytes) bytes, MailLimits.maxZipInflatedBytes)"))
        add(.unsupported(.tooLarge), [])
        return
      }
      let data: [UInt8]
      do {
        data = try archive.readAll(entry)
      } catch {
        switch error.code {
        case .archiveTooLarge:
          problems.append(.make(.archiveTooLarge, part: part, file: path[0],
                                detail: " (limit \(limits.maxZipInflatedBytes) bytes, MailLimits.maxZipInflatedBytes)"))
          add(.unsupported(.tooLarge), [])
          return
        case .entryTooLarge:
          problems.append(.make(.attachmentTooLarge, part: part, file: safe,
                                detail: " (limit \(limits.maxAttachmentBytes), MailLimits.maxAttachmentBytes)"))
          add(.unsupported(.tooLarge), [])
        case .encryptedEntry:
          problems.append(.make(.encryptedFile, part: part, file: safe))
          add(.unsupported(.encrypted), [])
        default:
          problems.append(.make(.damagedArchive, part: part, file: safe, detail: ": \(error.detail)"))
          add(.unsupported(.damagedArchive), [])
        }
        continue
      }
      budget -= data.count
      switch Classifier.classify(data, name: base, contentType: "") {
      case .zipArchive:
        if level < 2 {
          expand(data, name: safe, part: part, path: here, level: level + 1, budget: &budget,
                 forwardDepth: forwardDepth, taken: &taken, into: &out)
        } else {
          problems.append(.make(.archiveNestedTooDeep, part: part, file: safe))
          add(.unsupported(.nestedArchive), [])
        }
      case .kind(let kind):
        if case .unsupported(let reason) = kind { problems.append(.make(reason.problemCode, part: part, file: safe)) }
        add(kind, data)
      }
    }
  }

  // MARK: Helpers

  /// The Info-ZIP Unicode Path extra field (0x7075) of an entry's local header: a UTF-8 name that
  /// replaces the stored one when its CRC-32 matches the stored name's bytes (APPNOTE 4.6.9).
  static func unicodePathField(_ zip: [UInt8], _ entry: ZIPEntry) -> String? {
    guard entry.localHeaderOffset < UInt64(zip.count) else { return nil }
    let at = Int(entry.localHeaderOffset)
    guard at + 30 <= zip.count else { return nil }
    func u16(_ i: Int) -> Int { Int(zip[i]) | Int(zip[i + 1]) << 8 }
    func u32(_ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(zip[i + $1]) << (8 * UInt32($1)) } }
    let nameLength = u16(at + 26), extraLength = u16(at + 28)
    var i = at + 30 + nameLength
    let end = i + extraLength
    guard end <= zip.count else { return nil }
    while i + 4 <= end {
      let id = u16(i), size = u16(i + 2)
      let data = i + 4
      guard data + size <= end else { return nil }
      if id == 0x7075, size >= 5, zip[data] == 1, u32(data + 1) == crc32(entry.rawName) {
        let name = Array(zip[(data + 5)..<(data + size)])
        return TextDecoding.isValidUTF8(name) && !name.isEmpty ? utf8String(name) : nil
      }
      i = data + size
    }
    return nil
  }

  /// CRC-32 (ISO-HDLC) of a few bytes, bit by bit: only ever run over entry names.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      c ^= UInt32(byte)
      for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
    }
    return ~c
  }

  /// `cid:` references in HTML, lowercased and percent-decoded.
  private func collectContentIDReferences(_ html: [UInt8], into set: inout Set<String>) {
    let needle = Array("cid:".utf8)
    var i = 0
    while i + needle.count <= html.count {
      if ASCII.lower(html[i]) == 0x63, html[i..<(i + 4)].equalsIgnoringCase(needle) {
        var j = i + 4
        while j < html.count, j - i < 1000, !"\"'>) \t\r\n".utf8.contains(html[j]) { j += 1 }
        let id = ParameterizedValue.percentDecode(html[(i + 4)..<j])
        if !id.isEmpty { set.insert(utf8String(id).lowercased()) }
        i = j
        continue
      }
      i += 1
    }
  }

  static func extensionFor(_ type: String) -> String {
    switch type {
    case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": return ".xlsx"
    case "application/vnd.ms-excel": return ".xls"
    case "text/csv": return ".csv"
    case "text/plain": return ".txt"
    case "text/html": return ".html"
    case "application/pdf": return ".pdf"
    case "application/zip", "application/x-zip-compressed": return ".zip"
    case "application/msword": return ".doc"
    case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": return ".docx"
    case "image/jpeg": return ".jpg"
    case "image/png": return ".png"
    case "application/ms-tnef", "application/vnd.ms-tnef": return ".dat"
    case "message/rfc822": return ".eml"
    default: return ".bin"
    }
  }
}

private func nilIfEmpty(_ s: String) -> String? {
  let t = s.trimmingASCIIWhitespace()
  return t.isEmpty ? nil : t
}

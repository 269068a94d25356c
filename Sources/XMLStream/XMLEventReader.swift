// ADVICE FOR HACKERS
//
// XMLStream turns expat, a push parser, into the two shapes sheetgate needs:
//
//   * `XMLStreamParser` + `XMLHandler` (push). expat calls the handler for every start tag,
//     end tag and run of character data, handing it slices of its own memory. This is the hot
//     path: the sheet reader and the shared-strings reader are handlers. The parser pulls bytes
//     from a source closure straight into expat's buffer (`XML_GetBuffer`/`XML_ParseBuffer`),
//     so a ZIP entry is inflated into expat with no intermediate copy. A handler turns the push
//     stream into a pull API at a coarse grain by calling `suspend()` (`XML_StopParser` with
//     `resumable = XML_TRUE`) — the sheet reader suspends once per `</row>`, not per event.
//
//   * `XMLEventReader` (pull, this file). One event per `nextEvent()` call, for small parts
//     (workbook, relationships, content types) and for tests. It is a handler that suspends the
//     parser after every event. Because expat reuses the memory behind names and attributes once
//     a callback returns, the reader copies the current element's name and attributes into its
//     own scratch buffer (a few dozen bytes), and accumulates character data so that one text
//     node is one `.text` event however the input was chunked.
//
// States of the pull reader:
//
//     idle ──nextEvent──► parse()/resume ──callback──► [queued events] ──► returned one by one
//
//   `queue` holds at most three events: a text node can only be known to be complete when the
//   next tag arrives, so a tag that ends a text run queues [text, tag]; and expat reports an
//   empty-element tag `<c/>` as start + end in one step, so [text, start, end] is possible.
//   A start tag's name/attributes live in `tag`, an end tag's name in `endTag`, the text in
//   `textStore`, so all stay valid while queued.
//   Invariant: the parser is only resumed when the queue is empty.
//
// Spec notes: expat implements XML 1.0 (5th ed.) well-formedness, decodes the five predefined
// entities and character references, normalises attribute values (§3.3.3) and line ends (§2.11),
// and reports CDATA sections as character data. Namespace processing is off: names are matched
// by local name (after the last `:`), which reads Transitional, Strict and prefixed OOXML alike.
// Hardening is in `Internals/Expat.swift`.

/// The kind of the current event of an `XMLEventReader`.
public enum XMLEventKind: Sendable, Equatable {
  /// A start tag: `name` and `attribute(_:)` describe it.
  case startElement
  /// An end tag (also for `<empty/>`): `name` describes it.
  case endElement
  /// A complete text node (adjacent runs and CDATA merged): `text` holds it.
  case text
  /// The document ended.
  case endDocument
}

/// A pull reader over XML bytes: one event per call, zero-copy for the caller.
///
/// ```swift
/// let reader = XMLEventReader(entry: "xl/workbook.xml", bytes: xml)
/// while true {
///   let e = try reader.nextEvent()
///   if e == .endDocument { break }
///   if e == .startElement, reader.name.isLocal("sheet") { print(reader.attributeString("name") ?? "") }
/// }
/// ```
///
/// `name`, `attribute(_:)` and `text` are valid until the next `nextEvent()`.
///
/// ### Memory
/// O(chunk size + longest text node + one tag's attributes). Each event costs one expat
/// suspension, so use the push `XMLHandler` interface for large parts.
public final class XMLEventReader: XMLHandler {
  private let parser: XMLStreamParser
  private var queue: (XMLEventKind?, XMLEventKind?, XMLEventKind?) = (nil, nil, nil)
  private var current: XMLEventKind = .endDocument
  private var tag = ByteScratch()
  private var endTag = ByteScratch()
  private var attributeSpans: [(nameStart: Int, nameCount: Int, valueStart: Int, valueCount: Int)] = []
  private var textStore = ByteScratch()
  private var textPending = false
  private var ended = false
  /// Nesting depth after the current event (root start tag = 1).
  public private(set) var depth = 0
  private var nameCount = 0

  /// Creates a reader that pulls bytes from `source` (see `XMLStreamParser.Source`).
  public init(entry: String? = nil, chunkSize: Int = 64 << 10, source: @escaping XMLStreamParser.Source) {
    parser = XMLStreamParser(entry: entry, chunkSize: chunkSize, source: source)
    parser.setHandler(self)
  }

  /// Creates a reader over bytes in memory.
  public init(entry: String? = nil, bytes: [UInt8], chunkSize: Int = 64 << 10) {
    parser = XMLStreamParser(entry: entry, bytes: bytes, chunkSize: chunkSize)
    parser.setHandler(self)
  }

  /// The part name used in errors.
  public var entry: String? { parser.entry }

  /// Reads the next event.
  /// - Throws: `XMLError` for malformed or refused XML, or the source's error.
  public func nextEvent() throws -> XMLEventKind {
    if let e = dequeue() { return e }
    if ended { return .endDocument }
    while true {
      let suspended = try parser.parse()
      if let e = dequeue() { return e }
      if !suspended {
        ended = true
        if textPending {
          textPending = false
          return .text
        }
        return .endDocument
      }
    }
  }

  /// The name of the current start or end tag.
  public var name: XMLName {
    if current == .endElement {
      return XMLName(qualified: UnsafeBufferPointer(start: endTag.base, count: endTag.count))
    }
    return XMLName(qualified: UnsafeBufferPointer(start: tag.base, count: nameCount))
  }

  /// The current text node.
  public var text: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: textStore.base, count: textStore.count) }

  /// The text as a String (allocates).
  public var textString: String { XMLBytes.string(text) }

  /// The value of the current start tag's attribute with local name `localName`, or nil.
  public func attribute(_ localName: StaticString) -> UnsafeBufferPointer<UInt8>? {
    for s in attributeSpans {
      let n = XMLName(qualified: UnsafeBufferPointer(start: tag.base.map { $0 + s.nameStart }, count: s.nameCount))
      if n.isLocal(localName) {
        return UnsafeBufferPointer(start: tag.base.map { $0 + s.valueStart }, count: s.valueCount)
      }
    }
    return nil
  }

  /// The attribute value as a String (allocates), or nil.
  public func attributeString(_ localName: StaticString) -> String? {
    attribute(localName).map(XMLBytes.string)
  }

  /// All attributes of the current start tag as (qualified name, value) strings (allocates).
  public var allAttributes: [(name: String, value: String)] {
    attributeSpans.map { s in
      (XMLBytes.string(UnsafeBufferPointer(start: tag.base.map { $0 + s.nameStart }, count: s.nameCount)),
       XMLBytes.string(UnsafeBufferPointer(start: tag.base.map { $0 + s.valueStart }, count: s.valueCount)))
    }
  }

  /// Skips to the end tag matching the current start tag.
  public func skipElement() throws {
    let target = depth - 1
    while true {
      let e = try nextEvent()
      if e == .endDocument || (e == .endElement && depth == target) { return }
    }
  }

  private func dequeue() -> XMLEventKind? {
    guard let e = queue.0 else { return nil }
    queue = (queue.1, queue.2, nil)
    current = e
    switch e {
    case .startElement: depth += 1
    case .endElement: depth -= 1
    default: break
    }
    return e
  }

  private func enqueue(_ e: XMLEventKind) {
    if queue.0 == nil { queue.0 = e } else if queue.1 == nil { queue.1 = e } else { queue.2 = e }
  }

  // MARK: XMLHandler

  public func startElement(_ name: XMLName, _ attributes: XMLAttributes) {
    if textPending { enqueue(.text); textPending = false }
    tag.count = 0
    tag.append(name.qualified)
    nameCount = name.qualified.count
    attributeSpans.removeAll(keepingCapacity: true)
    for a in attributes {
      let ns = tag.count
      tag.append(a.name.qualified)
      let vs = tag.count
      tag.append(a.value)
      attributeSpans.append((ns, a.name.qualified.count, vs, a.value.count))
    }
    enqueue(.startElement)
    parser.suspend()
  }

  public func endElement(_ name: XMLName) {
    if textPending { enqueue(.text); textPending = false }
    endTag.count = 0
    endTag.append(name.qualified)
    enqueue(.endElement)
    parser.suspend()
  }

  public func characters(_ text: UnsafeBufferPointer<UInt8>) {
    if !textPending {
      textStore.count = 0
      textPending = true
    }
    textStore.append(text)
  }
}

/// A growable byte buffer with a stable base address between appends, owned by one reader.
struct ByteScratch: ~Copyable {
  private(set) var base: UnsafeMutablePointer<UInt8>?
  private var capacity = 0
  var count = 0

  init() {}

  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    let need = count + bytes.count
    if need > capacity {
      let newCapacity = max(need, capacity * 2, 64)
      let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
      if let base {
        p.update(from: base, count: count)
        base.deallocate()
      }
      base = p
      capacity = newCapacity
    }
    if let src = bytes.baseAddress, bytes.count > 0, let base {
      (base + count).update(from: src, count: bytes.count)
    }
    count = need
  }

  deinit { base?.deallocate() }
}

/// Receives parse events synchronously from an `XMLStreamParser` (the push interface).
///
/// The hot-path interface: no event values are built, names and attributes are slices of
/// expat's memory valid only during the call. A handler may call `parser.suspend()` to make
/// `parse()` return (e.g. after each `</row>`) and `parser.fail(_:)` to stop with an error.
public protocol XMLHandler: AnyObject {
  /// A start tag, with its attributes (entity references decoded).
  func startElement(_ name: XMLName, _ attributes: XMLAttributes)
  /// An end tag (also sent for empty-element tags `<c/>`).
  func endElement(_ name: XMLName)
  /// A run of character data (CDATA included, entity references decoded). One text node may
  /// arrive in several runs; handlers that need the whole text concatenate.
  func characters(_ text: UnsafeBufferPointer<UInt8>)
}

/// A hardened, chunk-fed expat parser that pushes events to an `XMLHandler`.
///
/// Bytes are pulled from `source` in chunks of `chunkSize` straight into expat's own buffer
/// (no copy). `parse()` runs until the handler suspends or the document ends, so a pull API
/// (one row per call) costs one suspension per row rather than one per event.
///
/// ### Memory
/// O(chunkSize + the longest token): expat's buffer and its name pools. Nothing grows with the
/// document except expat's element stack (its depth).
///
/// ### Safety
/// External entities are never loaded, parameter entities are never parsed, `<!ENTITY>`
/// declarations are refused and expat's amplification limits stay on (see `Internals/Expat.swift`).
public final class XMLStreamParser {
  /// Fills the buffer with the next bytes of the document and returns how many; 0 at the end.
  public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

  private let expat = Expat()
  private let source: Source
  private let chunkSize: Int
  private var finished = false
  private var failure: Error?
  /// The part name put into errors.
  public let entry: String?
  /// The handler receiving events. Not retained: keep it alive while parsing. Kept behind a
  /// pointer so reading it per event costs no dynamic exclusivity check.
  private let handlerSlot: UnsafeMutablePointer<UnownedHandler>

  /// Creates a parser that pulls its bytes from `source`.
  /// - Parameters:
  ///   - entry: the part name used in error locations.
  ///   - chunkSize: bytes requested from `source` per call (default 64 KiB).
  public init(entry: String? = nil, chunkSize: Int = 64 << 10, source: @escaping Source) {
    self.entry = entry
    self.chunkSize = max(1, chunkSize)
    self.source = source
    handlerSlot = .allocate(capacity: 1)
    handlerSlot.initialize(to: UnownedHandler())
    expat.attach(owner: self)
  }

  /// Creates a parser over bytes in memory, fed in chunks of `chunkSize`.
  public convenience init(entry: String? = nil, bytes: [UInt8], chunkSize: Int = 64 << 10) {
    var offset = 0
    self.init(entry: entry, chunkSize: chunkSize) { buffer in
      let n = min(buffer.count, bytes.count - offset)
      if n > 0 {
        bytes.withUnsafeBytes { src in
          buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
      }
      offset += n
      return n
    }
  }

  /// Sets the handler (unowned).
  public func setHandler(_ handler: XMLHandler) { handlerSlot.pointee.handler = handler }

  deinit {
    handlerSlot.deinitialize(count: 1)
    handlerSlot.deallocate()
  }

  /// Makes the running `parse()` return `true` once the current callback returns.
  /// Call only from inside a handler callback.
  public func suspend() { expat.suspend() }

  /// Stops the parse; the running `parse()` throws `error`. Call only from inside a callback.
  public func fail(_ error: Error) {
    if failure == nil { failure = error }
    expat.abort()
  }

  /// Where the parser is now (inside a callback: the current event), in the coordinates of the
  /// whole part when the parser reads a slice of it (see `setLocationBase`).
  public var line: Int { base.line(expat.line) }
  public var column: Int { base.column(line: expat.line, expat.column) }
  public var byteOffset: Int { base.byteOffset(expat.byteOffset) }
  /// The length in bytes of the current event's markup (inside a callback), e.g. a whole start tag.
  public var eventByteCount: Int { expat.byteCount }

  /// An error at the current position, for handlers that find bad content.
  public func error(_ code: XMLError.Code, _ detail: String) -> XMLError {
    XMLError(code: code, entry: entry, line: line, column: column, byteOffset: byteOffset, detail: detail)
  }

  private var base = LocationBase()

  /// Declares that the document this parser reads is `prefixLength` bytes of synthetic markup
  /// (e.g. a wrapping start tag) followed by a slice of a larger part that begins at 1-based
  /// `line` and `column` and at `byteOffset` of that part. Positions and errors are then reported
  /// in the part's coordinates. Call before parsing.
  public func setLocationBase(line: Int, column: Int, byteOffset: Int, prefixLength: Int) {
    base = LocationBase(line0: line, column0: column, offset0: byteOffset, prefix: prefixLength)
  }

  /// Parses bytes held in memory in one call (push mode; the handler must not call `suspend()`).
  /// expat reads them in place. The last call passes `isFinal: true`.
  /// - Throws: `XMLError` as `parse()` does, and when a handler suspends.
  public func feed(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) throws {
    if finished { return }
    let s = expat.parse(bytes, isFinal: isFinal)
    if let done = try handle(s), done {
      finished = true
      throw error(.handler, "a handler suspended a parser fed in push mode")
    }
  }

  /// Parses until the handler suspends (returns `true`) or the document ends (returns `false`).
  ///
  /// - Throws: `XMLError` for malformed or refused XML; the source's error when it cannot
  ///   supply bytes; the handler's error passed to `fail(_:)`.
  public func parse() throws -> Bool {
    if finished { return false }
    if expat.isSuspended {
      let s = expat.resume()
      if let done = try handle(s) { return done }
    }
    while true {
      guard let raw = expat.buffer(chunkSize) else {
        throw error(.malformed, "expat could not allocate its input buffer")
      }
      let n = try source(UnsafeMutableRawBufferPointer(start: raw, count: chunkSize))
      if n < 0 || n > chunkSize { throw error(.malformed, "byte source returned an invalid count \(n)") }
      let s = expat.parseBuffer(n, isFinal: n == 0)
      if let done = try handle(s) { return done }
      if n == 0 {
        finished = true
        return false
      }
    }
  }

  /// Maps an expat status to: true = suspended, false = finished, nil = needs more input.
  private func handle(_ s: ExpatStatus) throws -> Bool? {
    switch s {
    case .suspended:
      return true
    case .ok:
      if expat.isFinished {
        finished = true
        return false
      }
      return nil
    case .error:
      finished = true
      if let failure { throw failure }
      if expat.sawEntityDeclaration {
        throw error(.entityDeclaration,
                    "the document declares an entity (<!ENTITY>); spreadsheet parts never do, so it was refused")
      }
      if expat.wasAmplificationLimit {
        throw error(.amplificationLimit,
                    "entity expansion exceeded the amplification limit (an XML bomb); the part was refused")
      }
      let msg = expat.errorMessage
      let code: XMLError.Code = msg.contains("no element found") || msg.contains("unclosed token")
        ? .truncated : .malformed
      throw error(code, msg + (code == .truncated ? " (the part is truncated)" : ""))
    }
  }

  // MARK: Callbacks from Internals/Expat.swift

  func expatEntityDeclaration() { expat.refuseEntityDeclaration() }

  @inline(__always)
  func expatStartElement(_ name: UnsafePointer<CChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
    handlerSlot.pointee.handler?.startElement(XMLName(cString: name), XMLAttributes(attributes))
  }

  @inline(__always)
  func expatEndElement(_ name: UnsafePointer<CChar>) {
    handlerSlot.pointee.handler?.endElement(XMLName(cString: name))
  }

  @inline(__always)
  func expatCharacters(_ bytes: UnsafePointer<CChar>, _ count: Int) {
    handlerSlot.pointee.handler?.characters(UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self),
                                            count: count))
  }
}

/// Maps expat's positions in a wrapped slice back to the positions in the whole part.
struct LocationBase {
  var line0 = 1, column0 = 1, offset0 = 0, prefix = 0

  func line(_ l: Int) -> Int { line0 + l - 1 }
  func column(line l: Int, _ c: Int) -> Int { l == 1 ? max(1, column0 + c - 1 - prefix) : c }
  func byteOffset(_ b: Int) -> Int { prefix == 0 && offset0 == 0 ? b : max(0, offset0 + b - prefix) }
}

/// An unretained reference to a handler (the handler usually owns the parser).
struct UnownedHandler {
  unowned(unsafe) var handler: XMLHandler?
}

// The only file that imports CExpat (ARCHITECTURE.md: where C is touched).
//
// `Expat` owns one `XML_Parser`, installs the C trampolines and converts expat's
// NUL-terminated `XML_Char` strings into the byte-slice types the rest of XMLStream uses.
// Hardening happens here, once, for every parser:
//   * no external entity ref handler is installed, so expat never loads anything;
//   * parameter entity parsing is `XML_PARAM_ENTITY_PARSING_NEVER`;
//   * any `<!ENTITY …>` declaration stops the parse with `XMLError.Code.entityDeclaration`
//     (OOXML parts never declare entities, so a declaration is hostile or broken input);
//   * expat's billion-laughs amplification protection (expat ≥ 2.4) is left at its defaults.

import CExpat

/// The result of one call into expat.
enum ExpatStatus {
  case ok
  case suspended
  case error
}

/// A thin owner of one expat parser. Not thread-safe; one parser per reader.
final class Expat {
  private let parser: XML_Parser
  /// Set by the entity declaration trampoline; checked when expat reports an abort.
  private(set) var sawEntityDeclaration = false

  /// Creates the parser. Callbacks go to the owner given to `attach(owner:)`, which owns this object (so the unretained
  /// user-data pointer is valid for the parser's whole life). The trampolines borrow the owner
  /// with `_withUnsafeGuaranteedRef`: no retain/release per event.
  init() {
    parser = XML_ParserCreate(nil)
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER)
    XML_SetElementHandler(
      parser,
      { user, name, atts in
        guard let user, let name, let atts else { return }
        Unmanaged<XMLStreamParser>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.expatStartElement(name, atts) }
      },
      { user, name in
        guard let user, let name else { return }
        Unmanaged<XMLStreamParser>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.expatEndElement(name) }
      })
    XML_SetCharacterDataHandler(parser) { user, s, len in
      guard let user, let s, len > 0 else { return }
      Unmanaged<XMLStreamParser>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.expatCharacters(s, Int(len)) }
    }
    XML_SetEntityDeclHandler(parser) { user, _, _, _, _, _, _, _, _ in
      guard let user else { return }
      Unmanaged<XMLStreamParser>.fromOpaque(user)._withUnsafeGuaranteedRef { $0.expatEntityDeclaration() }
    }
  }

  /// Routes the callbacks to `owner` (call once, before parsing).
  func attach(owner: XMLStreamParser) {
    XML_SetUserData(parser, Unmanaged.passUnretained(owner).toOpaque())
  }

  /// Called for any `<!ENTITY>`: remember it and abort.
  func refuseEntityDeclaration() {
    sawEntityDeclaration = true
    XML_StopParser(parser, XML_FALSE)
  }

  deinit { XML_ParserFree(parser) }

  /// A buffer of `count` bytes owned by expat to fill before `parseBuffer` (no copy).
  func buffer(_ count: Int) -> UnsafeMutableRawPointer? {
    XML_GetBuffer(parser, Int32(clamping: count))
  }

  /// Parses `count` bytes previously written into `buffer(_:)`.
  func parseBuffer(_ count: Int, isFinal: Bool) -> ExpatStatus {
    status(XML_ParseBuffer(parser, Int32(clamping: count), isFinal ? 1 : 0))
  }

  /// Parses bytes from caller memory (expat copies them into its buffer).
  func parse(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) -> ExpatStatus {
    status(XML_Parse(parser, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count),
                     isFinal ? 1 : 0))
  }

  /// Resumes after `suspend()`.
  func resume() -> ExpatStatus { status(XML_ResumeParser(parser)) }

  /// Suspends (resumable) from inside a callback.
  func suspend() { XML_StopParser(parser, XML_TRUE) }

  /// Aborts from inside a callback; the pending call returns `.error` with code "aborted".
  func abort() { XML_StopParser(parser, XML_FALSE) }

  /// True when the parse has finished (the final buffer was consumed).
  var isFinished: Bool {
    var s = XML_ParsingStatus()
    XML_GetParsingStatus(parser, &s)
    return s.parsing == XML_FINISHED
  }

  /// True when the parser is suspended and must be resumed before more input is given.
  var isSuspended: Bool {
    var s = XML_ParsingStatus()
    XML_GetParsingStatus(parser, &s)
    return s.parsing == XML_SUSPENDED
  }

  /// 1-based line of the current event or error.
  var line: Int { Int(XML_GetCurrentLineNumber(parser)) }
  /// 1-based column (in bytes) of the current event or error.
  var column: Int { Int(XML_GetCurrentColumnNumber(parser)) + 1 }
  /// Byte offset of the current event or error in the whole input.
  var byteOffset: Int { Int(XML_GetCurrentByteIndex(parser)) }
  /// Length in bytes of the current event's markup (inside a callback), e.g. a whole start tag.
  var byteCount: Int { Int(XML_GetCurrentByteCount(parser)) }

  /// expat's English message for the current error.
  var errorMessage: String {
    guard let m = XML_ErrorString(XML_GetErrorCode(parser)) else { return "unknown XML error" }
    return String(cString: m)
  }
  /// True when the error is expat's amplification (billion laughs) limit.
  var wasAmplificationLimit: Bool {
    XML_GetErrorCode(parser).rawValue == 43  // XML_ERROR_AMPLIFICATION_LIMIT_BREACH (expat ≥ 2.4)
  }

  private func status(_ s: XML_Status) -> ExpatStatus {
    switch s {
    case XML_STATUS_OK: return .ok
    case XML_STATUS_SUSPENDED: return .suspended
    default: return .error
    }
  }
}

import CPCRE2

/// A regular expression compiled once when the schema loads, matched against whole values.
///
/// Table Schema `pattern` constraints are XML Schema regular expressions, implicitly anchored
/// (the whole value must match). `XSDRegex` translates the pattern into PCRE2 syntax; it is
/// compiled by PCRE2 (UTF-8, Unicode properties, anchored at both ends) and, where PCRE2's JIT is
/// available, compiled to machine code. Matching runs on the value's UTF-8 bytes.
///
/// The compiled code is immutable and shared by every thread; each matching thread brings its own
/// `PatternMatcher` (PCRE2 match data), so matching takes no lock.
public final class CompiledPattern: @unchecked Sendable, Hashable, CustomStringConvertible {
  /// The pattern as written in the schema.
  public let source: String
  /// The PCRE2 pattern it was translated to.
  public let translated: String
  /// `pcre2_code_8 *`, owned; never mutated after `init` (PCRE2 code is safe to share between threads).
  let code: OpaquePointer
  let jitted: Bool

  /// Compiles `source` (an XML Schema regular expression); throws where and why it is refused.
  public init(_ source: String, anchored: Bool = true) throws(PatternError) {
    self.source = source
    let body: String
    do {
      body = try XSDRegex.translate(source)
    } catch {
      throw PatternError(message: error.reason, position: error.position)
    }
    translated = "(?:" + body + ")"
    var options = UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP) | UInt32(PCRE2_MATCH_INVALID_UTF)
      | UInt32(PCRE2_DOLLAR_ENDONLY) | UInt32(PCRE2_NEVER_BACKSLASH_C)
    if anchored { options |= UInt32(PCRE2_ANCHORED) | UInt32(PCRE2_ENDANCHORED) }
    var errorCode: Int32 = 0
    var errorOffset = 0
    let compiled: OpaquePointer? = Array(translated.utf8).withUnsafeBufferPointer { b in
      pcre2_compile_8(b.baseAddress, b.count, options, &errorCode, &errorOffset, nil)
    }
    guard let compiled else {
      var message = [UInt8](repeating: 0, count: 256)
      let n = message.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(errorCode, $0.baseAddress, $0.count) }
      let text = n > 0 ? String(decoding: message[0..<Int(n)], as: UTF8.self) : "error \(errorCode)"
      throw PatternError(message: text, position: nil)
    }
    code = compiled
    jitted = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
  }

  deinit { pcre2_code_free_8(code) }

  /// Match data for one thread's matches of this pattern.
  public func makeMatcher() -> PatternMatcher { PatternMatcher(self) }

  /// True when the whole of `s` matches (allocates match data: for the occasional value; the
  /// per-cell path uses a `PatternMatcher`).
  public func matches(_ s: String) -> Bool {
    let m = PatternMatcher(self)
    var s = s
    return s.withUTF8 { m.matches($0) }
  }

  public var description: String { source }

  public static func == (a: CompiledPattern, b: CompiledPattern) -> Bool { a.source == b.source }
  public func hash(into h: inout Hasher) { h.combine(source) }
}

/// Matches one `CompiledPattern` against byte strings; holds PCRE2 match data, so one per thread.
public final class PatternMatcher {
  public let pattern: CompiledPattern
  private let data: OpaquePointer

  init(_ pattern: CompiledPattern) {
    self.pattern = pattern
    // One pair of offsets: only whether it matched is asked.
    guard let d = pcre2_match_data_create_8(1, nil) else { fatalError("out of memory creating PCRE2 match data") }
    data = d
  }

  deinit { pcre2_match_data_free_8(data) }

  /// True when the whole of the UTF-8 text `b` matches. Invalid UTF-8 never matches a
  /// non-ASCII pattern item (PCRE2_MATCH_INVALID_UTF). A match that exceeds PCRE2's match limit
  /// (a pathological pattern) counts as not matching.
  @inline(__always)
  public func matches(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    // PCRE2 wants a non-null subject pointer even when empty.
    let empty: UInt8 = 0
    return withUnsafePointer(to: empty) { e in
      let subject = b.baseAddress ?? e
      let rc = pattern.jitted
        ? pcre2_jit_match_8(pattern.code, subject, b.count, 0, 0, data, nil)
        : pcre2_match_8(pattern.code, subject, b.count, 0, 0, data, nil)
      return rc >= 0
    }
  }
}

/// A regular expression that does not compile: why, and where in the pattern (1-based
/// character position) when known.
public struct PatternError: Error, Sendable {
  public var message: String
  public var position: Int?
}

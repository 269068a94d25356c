import Foundation

/// A regular expression compiled once when the schema loads, matched against whole values.
///
/// Frictionless `pattern` constraints match the whole value (XML Schema semantics), so the
/// pattern is anchored as `^(?:…)$`. Uses `NSRegularExpression` (ICU syntax).
public final class CompiledPattern: Sendable, Hashable, CustomStringConvertible {
  /// The pattern as written in the schema.
  public let source: String
  private let regex: NSRegularExpression

  /// Compiles `source`; throws the compiler's complaint as a string.
  public init(_ source: String, anchored: Bool = true) throws {
    self.source = source
    do {
      regex = try NSRegularExpression(pattern: anchored ? "^(?:" + source + ")$" : source, options: [])
    } catch {
      throw PatternError(message: "invalid regular expression /\(source)/")
    }
  }

  /// True when the whole of `s` matches (NSRegularExpression is safe to use from several threads).
  public func matches(_ s: String) -> Bool {
    let ns = s as NSString
    return regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) != nil
  }

  public var description: String { source }

  public static func == (a: CompiledPattern, b: CompiledPattern) -> Bool { a.source == b.source }
  public func hash(into h: inout Hasher) { h.combine(source) }
}

/// A regular expression that does not compile.
public struct PatternError: Error, Sendable {
  public var message: String
}

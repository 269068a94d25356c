#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A qualified XML name as bytes, split at its last `:` into prefix and local name.
///
/// Zero-copy: the bytes belong to the parser and are valid only until the handler returns
/// (push) or until the next `nextEvent()` (pull). Matching OOXML by local name is how
/// transitional (`http://schemas.openxmlformats.org/…`) and Strict (`http://purl.oclc.org/ooxml/…`)
/// documents, and prefixed ones (`<x:row>`), are read by the same code.
public struct XMLName {
  /// The name as written, e.g. `x:row`.
  public let qualified: UnsafeBufferPointer<UInt8>
  /// Length of the prefix including the colon (0 when there is no prefix).
  @usableFromInline let prefixLength: Int

  @inlinable
  public init(qualified: UnsafeBufferPointer<UInt8>) {
    self.qualified = qualified
    var p = 0
    var i = 0
    let n = qualified.count
    while i < n {
      if qualified[i] == 0x3A { p = i + 1 }
      i += 1
    }
    prefixLength = p
  }

  /// Builds a name from a NUL-terminated C string.
  /// One pass finds both the end and the last colon (names are short: a loop beats `strlen`).
  @inlinable
  init(cString: UnsafePointer<CChar>) {
    let p = UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self)
    var i = 0
    var colon = 0
    while true {
      let b = p[i]
      if b == 0 { break }
      if b == 0x3A { colon = i + 1 }
      i += 1
    }
    qualified = UnsafeBufferPointer(start: p, count: i)
    prefixLength = colon
  }

  /// The local name, e.g. `row` for `x:row`.
  @inlinable
  public var localName: UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: qualified[prefixLength...])
  }

  /// The prefix without the colon (empty when there is none).
  public var prefix: UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: qualified[0..<max(0, prefixLength - 1)])
  }

  /// True when the local name is exactly `name` (ASCII, case-sensitive).
  @inlinable
  public func isLocal(_ name: StaticString) -> Bool {
    XMLBytes.equal(localName, name)
  }

  /// The qualified name as a String (allocates; not for hot paths).
  public var string: String { String(decoding: qualified, as: UTF8.self) }
}

/// One attribute: its name and its value (entity references already decoded by expat).
public struct XMLAttribute {
  public let name: XMLName
  public let value: UnsafeBufferPointer<UInt8>
}

/// The attributes of a start tag, straight from expat's array (no copy, no dictionary).
///
/// Valid only inside the `startElement` callback. Lookup is a linear scan, which is the
/// fastest choice for the handful of attributes OOXML elements carry.
public struct XMLAttributes: Sequence {
  @usableFromInline let pairs: UnsafeMutablePointer<UnsafePointer<CChar>?>

  init(_ pairs: UnsafeMutablePointer<UnsafePointer<CChar>?>) { self.pairs = pairs }

  /// The value of the first attribute whose local name is `localName`, or nil.
  @inlinable
  public func value(_ localName: StaticString) -> UnsafeBufferPointer<UInt8>? {
    var i = 0
    while let namePtr = pairs[i] {
      let name = XMLName(cString: namePtr)
      if name.isLocal(localName), let v = pairs[i + 1] {
        return UnsafeBufferPointer(start: UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self), count: strlen(v))
      }
      i += 2
    }
    return nil
  }

  /// Calls `body` with the letter and value of each attribute whose name is one ASCII byte
  /// (`r`, `t`, `s` of `<c>`), skipping the others without measuring them — the cell-tag fast path.
  @inlinable
  public func forEachSingleByteName(_ body: (UInt8, UnsafeBufferPointer<UInt8>) -> Void) {
    var i = 0
    while let namePtr = pairs[i] {
      let n = UnsafeRawPointer(namePtr).assumingMemoryBound(to: UInt8.self)
      if n[0] != 0 && n[1] == 0, let v = pairs[i + 1] {
        body(n[0], UnsafeBufferPointer(start: UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self), count: strlen(v)))
      }
      i += 2
    }
  }

  /// The value of the attribute whose qualified name is exactly `qualified` (e.g. `xml:space`).
  public func value(qualified: StaticString) -> UnsafeBufferPointer<UInt8>? {
    var i = 0
    while let namePtr = pairs[i] {
      let name = XMLName(cString: namePtr)
      if XMLBytes.equal(name.qualified, qualified), let v = pairs[i + 1] {
        return UnsafeBufferPointer(start: UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self), count: strlen(v))
      }
      i += 2
    }
    return nil
  }

  /// Iterates the attributes in document order.
  public struct Iterator: IteratorProtocol {
    let pairs: UnsafeMutablePointer<UnsafePointer<CChar>?>
    var i = 0
    public mutating func next() -> XMLAttribute? {
      guard let n = pairs[i], let v = pairs[i + 1] else { return nil }
      i += 2
      return XMLAttribute(name: XMLName(cString: n),
                          value: UnsafeBufferPointer(start: UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self),
                                                     count: strlen(v)))
    }
  }

  public func makeIterator() -> Iterator { Iterator(pairs: pairs) }
}

/// Small byte helpers shared by the XML readers.
public enum XMLBytes {
  /// True when `bytes` equals the ASCII of `literal`.
  @inlinable
  public static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard bytes.count == n else { return false }
    let p = literal.utf8Start
    var i = 0
    while i < n {
      if bytes[i] != p[i] { return false }
      i += 1
    }
    return true
  }

  /// The bytes as a String (allocates; not for hot paths).
  public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }
}

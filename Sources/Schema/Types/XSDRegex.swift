/// Translates a Table Schema `pattern` (an XML Schema regular expression) into PCRE2 syntax.
///
/// The translation parses the whole pattern, so every construct that means something else in
/// PCRE2 is rewritten and every construct XML Schema does not have is refused with its position:
/// - `.` is any character but `\n` and `\r` (XML Schema), emitted as `[^\n\r]`;
/// - `\d` is `\p{Nd}`; `\s` is space, tab, CR and LF only; `\w` is every character that is not
///   punctuation, a separator or "other" (`[^\p{P}\p{Z}\p{C}]`); `\i` and `\c` are XML name characters
///   (XML 1.0 fifth edition's NameStartChar and NameChar); `\D \S \W \I \C` their complements;
/// - `\p{…}`/`\P{…}`: Unicode general categories, and the blocks named in `blocks` (`\p{IsBasicLatin}`);
/// - character class subtraction `[a-z-[aeiou]]` becomes `(?:(?![aeiou])[a-z])`;
/// - groups do not capture (`(…)` becomes `(?:…)`).
/// Accepted beyond XML Schema because frictionless (Python's `re`) accepts them and schemas written
/// for it use them: `^` and `$` as anchors (literal characters in XML Schema; escape them as `\^`, `\$`),
/// `(?:…)` groups and lazy quantifiers (`*?`, `+?`, `??`, `{n,m}?`). Anything else — back-references,
/// look-around, `\b`, `\x…`, `{,m}` — is an error naming the character where it starts.
enum XSDRegex {
  struct Failure: Error {
    /// 1-based position (in characters) in the pattern.
    var position: Int
    var reason: String
  }

  static func translate(_ source: String) throws(Failure) -> String {
    var p = Parser(chars: Array(source.unicodeScalars))
    let out = try p.regExp()
    if p.i < p.chars.count {
      // Only an unmatched `)` stops the top-level alternation early.
      throw Failure(position: p.i + 1, reason: "`)` without a matching `(`")
    }
    return out
  }

  /// Unicode blocks accepted in `\p{Is…}` (the ones bureau ledgers use; others are refused by name).
  static let blocks: [String: ClosedRange<UInt32>] = [
    "BasicLatin": 0x0000...0x007F,
    "Latin-1Supplement": 0x0080...0x00FF,
    "GeneralPunctuation": 0x2000...0x206F,
    "CJKRadicalsSupplement": 0x2E80...0x2EFF,
    "CJKSymbolsandPunctuation": 0x3000...0x303F,
    "CJKUnifiedIdeographsExtensionA": 0x3400...0x4DBF,
    "CJKUnifiedIdeographs": 0x4E00...0x9FFF,
    "CJKCompatibilityIdeographs": 0xF900...0xFAFF,
    "HalfwidthandFullwidthForms": 0xFF00...0xFFEF,
  ]

  static let categories: Set<String> = [
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp",
    "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
  ]

  /// XML 1.0 (fifth edition) NameStartChar.
  static let nameStart: [ClosedRange<UInt32>] = [
    0x3A...0x3A, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF,
    0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF,
    0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF,
  ]
  /// XML 1.0 (fifth edition) NameChar.
  static let nameChar: [ClosedRange<UInt32>] = normalized(nameStart + [
    0x2D...0x2E, 0x30...0x39, 0xB7...0xB7, 0x300...0x36F, 0x203F...0x2040,
  ])
  static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0D...0x0D, 0x20...0x20]

  static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
    var out: [ClosedRange<UInt32>] = []
    for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
      if let last = out.last, r.lowerBound <= last.upperBound &+ 1 {
        out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
      } else {
        out.append(r)
      }
    }
    return out
  }

  /// The code points (without surrogates) not in `ranges`.
  static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
    var out: [ClosedRange<UInt32>] = []
    var next: UInt32 = 0
    for r in normalized(ranges + [0xD800...0xDFFF]) {
      if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
      next = r.upperBound + 1
    }
    if next <= 0x10FFFF { out.append(next...0x10FFFF) }
    return out
  }

  /// A code point as a PCRE2 literal (inside or outside a class).
  static func literal(_ v: UInt32) -> String {
    switch v {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return String(UnicodeScalar(v)!)
    case 0x80...: return String(UnicodeScalar(v)!)
    default: return "\\x{" + String(v, radix: 16) + "}"
    }
  }

  static func items(_ ranges: [ClosedRange<UInt32>]) -> String {
    var s = ""
    for r in ranges {
      s += hex(r.lowerBound)
      if r.upperBound != r.lowerBound { s += "-" + hex(r.upperBound) }
    }
    return s
  }

  static func hex(_ v: UInt32) -> String { "\\x{" + String(v, radix: 16) + "}" }

  struct Parser {
    var chars: [UnicodeScalar]
    var i = 0

    var peek: UnicodeScalar? { i < chars.count ? chars[i] : nil }
    func peek(_ k: Int) -> UnicodeScalar? { i + k < chars.count ? chars[i + k] : nil }

    func fail(_ reason: String, at position: Int? = nil) -> Failure {
      Failure(position: (position ?? i) + 1, reason: reason)
    }

    mutating func regExp() throws(Failure) -> String {
      var out = try branch()
      while peek == "|" {
        i += 1
        out += "|" + (try branch())
      }
      return out
    }

    mutating func branch() throws(Failure) -> String {
      var out = ""
      while let c = peek, c != "|", c != ")" {
        let start = i
        let atom = try atom()
        out += atom
        out += try quantifier(after: start, atomWasAnchor: atom == "^" || atom == "$")
      }
      return out
    }

    mutating func quantifier(after start: Int, atomWasAnchor: Bool) throws(Failure) -> String {
      guard let c = peek else { return "" }
      var q: String
      switch c {
      case "?", "*", "+":
        i += 1
        q = String(c)
      case "{":
        let open = i
        i += 1
        guard let n = number() else {
          throw fail("`{` must start a quantifier `{n}`, `{n,}` or `{n,m}` (write `\\{` for the character)", at: open)
        }
        q = "{\(n)"
        if peek == "," {
          i += 1
          if let m = number() {
            if m < n { throw fail("quantifier `{\(n),\(m)}`: the maximum is below the minimum", at: open) }
            q += ",\(m)"
          } else {
            q += ","
          }
        }
        guard peek == "}" else { throw fail("quantifier not closed by `}`", at: open) }
        i += 1
        q += "}"
      default:
        return ""
      }
      if atomWasAnchor { throw fail("a quantifier cannot follow `^` or `$`", at: start) }
      if peek == "?" {  // lazy (Python's re; the same whole-value matches)
        i += 1
        q += "?"
      }
      if let c = peek, c == "?" || c == "*" || c == "+" || c == "{" {
        throw fail("a quantifier cannot follow another quantifier")
      }
      return q
    }

    mutating func number() -> Int? {
      var n = 0
      var digits = 0
      while let c = peek, c.value >= 0x30, c.value <= 0x39, digits < 9 {
        n = n * 10 + Int(c.value - 0x30)
        digits += 1
        i += 1
      }
      return digits > 0 ? n : nil
    }

    mutating func atom() throws(Failure) -> String {
      let c = peek!
      switch c {
      case "(":
        let open = i
        i += 1
        if peek == "?" {
          guard peek(1) == ":" else {
            throw fail("only `(…)` and `(?:…)` groups are accepted (no look-around, flags or named groups)", at: open)
          }
          i += 2
        }
        let inner = try regExp()
        guard peek == ")" else { throw fail("`(` is not closed by `)`", at: open) }
        i += 1
        return "(?:" + inner + ")"
      case "[":
        return try classExpr().pcre
      case ".":
        i += 1
        return "[^\\n\\r]"
      case "\\":
        let e = try escape(inClass: false)
        switch e {
        case .char(let v): return literal(v)
        case .set(let items): return "[" + items + "]"
        }
      case "^", "$":
        i += 1
        return String(c)
      case "?", "*", "+", "{":
        throw fail("`\(c)` has nothing to repeat (write `\\\(c)` for the character)")
      case "]", "}":
        throw fail("`\(c)` must be escaped as `\\\(c)`")
      default:
        i += 1
        return literal(c.value)
      }
    }

    enum Escape {
      case char(UInt32)
      /// Class items (to go between `[` and `]`).
      case set(String)
    }

    mutating func escape(inClass: Bool) throws(Failure) -> Escape {
      let at = i
      i += 1
      guard let c = peek else { throw fail("the pattern ends with a lone `\\`", at: at) }
      i += 1
      switch c {
      case "n": return .char(0x0A)
      case "r": return .char(0x0D)
      case "t": return .char(0x09)
      case "\\", "|", ".", "?", "*", "+", "(", ")", "{", "}", "-", "[", "]", "^", "$":
        return .char(c.value)
      case "d": return .set("\\p{Nd}")
      case "D": return .set("\\P{Nd}")
      case "s": return .set(items(space))
      case "S": return .set(items(complement(space)))
      case "w": return .set("\\p{L}\\p{M}\\p{N}\\p{S}")
      case "W": return .set("\\p{P}\\p{Z}\\p{C}")
      case "i": return .set(items(nameStart))
      case "I": return .set(items(complement(nameStart)))
      case "c": return .set(items(nameChar))
      case "C": return .set(items(complement(nameChar)))
      case "p", "P":
        guard peek == "{" else { throw fail("`\\\(c)` must be followed by `{name}`", at: at) }
        i += 1
        var name = ""
        while let d = peek, d != "}" {
          name.unicodeScalars.append(d)
          i += 1
        }
        guard peek == "}" else { throw fail("`\\\(c){` is not closed by `}`", at: at) }
        i += 1
        let negated = c == "P"
        if categories.contains(name) { return .set((negated ? "\\P{" : "\\p{") + name + "}") }
        if name.hasPrefix("Is"), let block = blocks[String(name.dropFirst(2))] {
          return .set(items(negated ? complement([block]) : [block]))
        }
        if name.hasPrefix("Is") {
          throw fail("the Unicode block `\(name)` is not supported (write the range with the characters themselves, such as `[一-鿿]`, or use one of: \(blocks.keys.sorted().map { "Is" + $0 }.joined(separator: ", ")))", at: at)
        }
        throw fail("`\\\(c){\(name)}`: unknown Unicode category", at: at)
      default:
        throw fail("`\\\(c)` is not an XML Schema escape\(inClass ? "" : " (write the character itself, or `\\\\` for a backslash)")", at: at)
      }
    }

    struct ClassExpr {
      var pcre: String
    }

    /// `[…]` at `i`, with an optional subtraction.
    mutating func classExpr() throws(Failure) -> ClassExpr {
      let open = i
      i += 1
      var negated = false
      if peek == "^" {
        negated = true
        i += 1
      }
      var items = ""
      var count = 0
      var subtraction: ClassExpr?
      while true {
        guard let c = peek else { throw fail("`[` is not closed by `]`", at: open) }
        if c == "]" {
          if count == 0 { throw fail("an empty character class `[]`", at: open) }
          i += 1
          break
        }
        if c == "-", peek(1) == "[" {
          if count == 0 { throw fail("a class subtraction needs something to subtract from", at: i) }
          i += 1
          subtraction = try classExpr()
          guard peek == "]" else { throw fail("a class subtraction `-[…]` must be the last part of its class", at: i) }
          i += 1
          break
        }
        if c == "[" { throw fail("`[` inside a class must be escaped as `\\[`") }
        let low: UInt32
        if c == "\\" {
          switch try escape(inClass: true) {
          case .set(let s):
            items += s
            count += 1
            continue
          case .char(let v): low = v
          }
        } else {
          i += 1
          low = c.value
        }
        if peek == "-", let next = peek(1), next != "]", next != "[" {
          let dash = i
          i += 1
          let high: UInt32
          if next == "\\" {
            guard case .char(let v) = try escape(inClass: true) else {
              throw fail("a range cannot end with a class escape", at: dash)
            }
            high = v
          } else {
            i += 1
            high = next.value
          }
          if high < low { throw fail("the range is backwards (its end comes before its start)", at: dash) }
          items += XSDRegex.literal(low) + "-" + XSDRegex.literal(high)
        } else {
          items += XSDRegex.literal(low)
        }
        count += 1
      }
      let base = "[" + (negated ? "^" : "") + items + "]"
      guard let subtraction else { return ClassExpr(pcre: base) }
      return ClassExpr(pcre: "(?:(?!" + subtraction.pcre + ")" + base + ")")
    }
  }
}

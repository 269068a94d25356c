// ADVICE FOR HACKERS
//
// The rule language is a small, typed, side-effect-free expression language:
//
//   合计学时 == 公共法律知识学时 + 行业法律知识学时
//   fine_min <= fine_max
//   doc_year(doc_number) == year(issued_on)
//   count(role == "法制审核") >= 0.05 * count()
//
// Pipeline: `ExpressionLexer` (scalars → tokens) → `ExpressionParser` (Pratt parser, tokens →
// `SyntaxNode`) → `ExpressionChecker` (names resolved to field indices, types checked,
// regexes compiled, aggregate calls turned into accumulator slots → `RuleExpression`) →
// `RuleExpression.evaluate` over a row of `TypedValue`s.
//
// Offsets are counted in Unicode scalars from the start of the expression text, because
// libyaml (and so Yams' `Mark`) counts columns in scalars; the loader adds the offset to the
// scalar's mark to point at the exact column inside the schema file.
//
// Identifiers are ASCII letters, digits and `_`, or any alphabetic/ideographic scalar, so
// Chinese field names work unquoted (`合计学时`). Names with spaces or brackets go in
// backticks: `罚款下限(元)`. Strings use "double" or 'single' quotes (or 「」/“”) with
// backslash escapes for the quote and backslash.

/// A token of the rule language.
struct Token: Equatable {
  enum Kind: Equatable {
    case number(String)
    case string(String)
    case identifier(String)
    case keyword(String)  // and or not in matches true false null
    case op(String)  // + - * / == != < <= > >= ( ) [ ] ,
    case end
  }

  var kind: Kind
  /// Offset in Unicode scalars from the start of the expression.
  var offset: Int
}

/// An error found while lexing, parsing or checking an expression, with its scalar offset.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, in English.
  public var message: String
  /// Offset in Unicode scalars from the start of the expression text.
  public var offset: Int

  public init(_ message: String, offset: Int) {
    self.message = message
    self.offset = offset
  }

  public var description: String { "\(message) (at character \(offset + 1))" }
}

/// Turns expression text into tokens.
struct ExpressionLexer {
  static let keywords: Set<String> = ["and", "or", "not", "in", "matches", "true", "false", "null"]

  static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
    let s = Array(text.unicodeScalars)
    var tokens: [Token] = []
    var i = 0
    func isIdentStart(_ c: Unicode.Scalar) -> Bool {
      if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
      return c.properties.isAlphabetic || c.properties.isIdeographic
    }
    func isIdentPart(_ c: Unicode.Scalar) -> Bool {
      isIdentStart(c) || (c >= "0" && c <= "9")
    }
    while i < s.count {
      let c = s[i]
      if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{3000}" {
        i += 1
        continue
      }
      let start = i
      if c >= "0" && c <= "9" || (c == "." && i + 1 < s.count && s[i + 1] >= "0" && s[i + 1] <= "9") {
        var text = ""
        var sawPoint = false
        while i < s.count, (s[i] >= "0" && s[i] <= "9") || (s[i] == "." && !sawPoint) {
          if s[i] == "." { sawPoint = true }
          text.unicodeScalars.append(s[i])
          i += 1
        }
        if i < s.count, isIdentStart(s[i]) {
          throw ExpressionError("unexpected '\(s[i])' after number \(text)", offset: i)
        }
        tokens.append(Token(kind: .number(text), offset: start))
        continue
      }
      if c == "\"" || c == "'" || c == "「" || c == "“" {
        let close: Unicode.Scalar = c == "「" ? "」" : (c == "“" ? "”" : c)
        var text = ""
        i += 1
        var closed = false
        while i < s.count {
          if s[i] == "\\", i + 1 < s.count {
            text.unicodeScalars.append(s[i + 1])
            i += 2
            continue
          }
          if s[i] == close {
            closed = true
            i += 1
            break
          }
          text.unicodeScalars.append(s[i])
          i += 1
        }
        guard closed else { throw ExpressionError("unterminated string", offset: start) }
        tokens.append(Token(kind: .string(text), offset: start))
        continue
      }
      if c == "`" {
        var text = ""
        i += 1
        while i < s.count, s[i] != "`" {
          text.unicodeScalars.append(s[i])
          i += 1
        }
        guard i < s.count else { throw ExpressionError("unterminated `name`", offset: start) }
        i += 1
        guard !text.isEmpty else { throw ExpressionError("empty `name`", offset: start) }
        tokens.append(Token(kind: .identifier(text), offset: start))
        continue
      }
      if isIdentStart(c) {
        var text = ""
        while i < s.count, isIdentPart(s[i]) {
          text.unicodeScalars.append(s[i])
          i += 1
        }
        if keywords.contains(text) {
          tokens.append(Token(kind: .keyword(text), offset: start))
        } else {
          tokens.append(Token(kind: .identifier(text), offset: start))
        }
        continue
      }
      let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
      switch c {
      case "=" where next == "=", "!" where next == "=", "<" where next == "=", ">" where next == "=":
        tokens.append(Token(kind: .op(String(c) + "="), offset: start))
        i += 2
      case "<" where next == ">":
        tokens.append(Token(kind: .op("!="), offset: start))
        i += 2
      case "&" where next == "&":
        tokens.append(Token(kind: .keyword("and"), offset: start))
        i += 2
      case "|" where next == "|":
        tokens.append(Token(kind: .keyword("or"), offset: start))
        i += 2
      case "!":
        tokens.append(Token(kind: .keyword("not"), offset: start))
        i += 1
      case "=":
        tokens.append(Token(kind: .op("=="), offset: start))
        i += 1
      case "+", "-", "*", "/", "<", ">", "(", ")", "[", "]", ",":
        tokens.append(Token(kind: .op(String(c)), offset: start))
        i += 1
      case "≥":
        tokens.append(Token(kind: .op(">="), offset: start))
        i += 1
      case "≤":
        tokens.append(Token(kind: .op("<="), offset: start))
        i += 1
      case "≠":
        tokens.append(Token(kind: .op("!="), offset: start))
        i += 1
      default:
        throw ExpressionError("unexpected character '\(c)'", offset: start)
      }
    }
    tokens.append(Token(kind: .end, offset: s.count))
    return tokens
  }
}

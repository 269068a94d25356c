/// A parsed, unchecked expression node with its scalar offset.
struct SyntaxNode {
  indirect enum Kind {
    case number(ExactDecimal)
    case string(String)
    case boolean(Bool)
    case null
    case identifier(String)
    /// `-x`, `not x`.
    case unary(String, SyntaxNode)
    /// Arithmetic, comparison, `and`, `or`, `in`, `matches`.
    case binary(String, SyntaxNode, SyntaxNode)
    case list([SyntaxNode])
    case call(String, [SyntaxNode])
  }

  var kind: Kind
  var offset: Int
}

/// A Pratt parser for the rule language.
///
/// Binding powers, loosest first: `or` 1, `and` 2, prefix `not` 3, comparisons / `in` /
/// `not in` / `matches` 4 (non-associative), `+ -` 5, `* /` 6, prefix `-` 7, calls and atoms.
struct ExpressionParser {
  private var tokens: [Token]
  private var pos = 0

  /// Parses a whole expression.
  static func parse(_ text: String) throws(ExpressionError) -> SyntaxNode {
    var p = ExpressionParser(tokens: try ExpressionLexer.tokenize(text))
    if case .end = p.peek.kind { throw ExpressionError("empty expression", offset: 0) }
    let node = try p.expression(0)
    guard case .end = p.peek.kind else {
      throw ExpressionError("unexpected \(p.describe(p.peek)) after the expression", offset: p.peek.offset)
    }
    return node
  }

  private init(tokens: [Token]) { self.tokens = tokens }

  private var peek: Token { tokens[pos] }

  private mutating func advance() -> Token {
    let t = tokens[pos]
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  private func describe(_ t: Token) -> String {
    switch t.kind {
    case .number(let n): return "number \(n)"
    case .string(let s): return "string \"\(s)\""
    case .identifier(let s): return "name '\(s)'"
    case .keyword(let k): return "'\(k)'"
    case .op(let o): return "'\(o)'"
    case .end: return "end of expression"
    }
  }

  private mutating func expect(_ op: String) throws(ExpressionError) {
    guard case .op(let o) = peek.kind, o == op else {
      throw ExpressionError("expected '\(op)' but found \(describe(peek))", offset: peek.offset)
    }
    _ = advance()
  }

  /// Infix binding power of the next token, and the operator name.
  private func infix() -> (String, Int)? {
    switch peek.kind {
    case .keyword("or"): return ("or", 1)
    case .keyword("and"): return ("and", 2)
    case .keyword("in"), .keyword("matches"):
      if case .keyword(let k) = peek.kind { return (k, 4) }
      return nil
    case .keyword("not"):
      // `x not in [...]`
      if pos + 1 < tokens.count, case .keyword("in") = tokens[pos + 1].kind { return ("not in", 4) }
      return nil
    case .op(let o):
      switch o {
      case "==", "!=", "<", "<=", ">", ">=": return (o, 4)
      case "+", "-": return (o, 5)
      case "*", "/": return (o, 6)
      default: return nil
      }
    default: return nil
    }
  }

  private mutating func expression(_ minPower: Int) throws(ExpressionError) -> SyntaxNode {
    var left = try prefix()
    while let (op, power) = infix(), power > minPower {
      let opToken = advance()
      if op == "not in" { _ = advance() }
      let right = try expression(power)
      if power == 4, let (_, nextPower) = infix(), nextPower == 4 {
        throw ExpressionError("comparisons cannot be chained; use 'and'", offset: peek.offset)
      }
      left = SyntaxNode(kind: .binary(op, left, right), offset: opToken.offset)
    }
    return left
  }

  private mutating func prefix() throws(ExpressionError) -> SyntaxNode {
    let t = advance()
    switch t.kind {
    case .number(let text):
      guard let d = ExactDecimal(text) else { throw ExpressionError("number \(text) is out of range", offset: t.offset) }
      return SyntaxNode(kind: .number(d), offset: t.offset)
    case .string(let s):
      return SyntaxNode(kind: .string(s), offset: t.offset)
    case .keyword("true"):
      return SyntaxNode(kind: .boolean(true), offset: t.offset)
    case .keyword("false"):
      return SyntaxNode(kind: .boolean(false), offset: t.offset)
    case .keyword("null"):
      return SyntaxNode(kind: .null, offset: t.offset)
    case .keyword("not"):
      return SyntaxNode(kind: .unary("not", try expression(3)), offset: t.offset)
    case .op("-"):
      return SyntaxNode(kind: .unary("-", try expression(7)), offset: t.offset)
    case .op("+"):
      return try expression(7)
    case .op("("):
      let inner = try expression(0)
      try expect(")")
      return inner
    case .op("["):
      var items: [SyntaxNode] = []
      if case .op("]") = peek.kind {
        _ = advance()
        return SyntaxNode(kind: .list(items), offset: t.offset)
      }
      while true {
        items.append(try expression(0))
        if case .op(",") = peek.kind { _ = advance(); continue }
        try expect("]")
        break
      }
      return SyntaxNode(kind: .list(items), offset: t.offset)
    case .identifier(let name):
      if case .op("(") = peek.kind {
        _ = advance()
        var args: [SyntaxNode] = []
        if case .op(")") = peek.kind {
          _ = advance()
          return SyntaxNode(kind: .call(name, args), offset: t.offset)
        }
        while true {
          args.append(try expression(0))
          if case .op(",") = peek.kind { _ = advance(); continue }
          try expect(")")
          break
        }
        return SyntaxNode(kind: .call(name, args), offset: t.offset)
      }
      return SyntaxNode(kind: .identifier(name), offset: t.offset)
    default:
      throw ExpressionError("unexpected \(describe(t))", offset: t.offset)
    }
  }
}

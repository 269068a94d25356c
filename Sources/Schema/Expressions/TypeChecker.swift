/// Resolves names and checks the types of a parsed expression, producing an `RuleExpression`.
///
/// In a row rule, field names are resolved through `resolve`. In an aggregate rule
/// (`aggregate: true`) the calls `count()`, `count(cond)` and `sum(expr)` become accumulator
/// slots, and field names may appear only inside them.
struct ExpressionChecker {
  /// Looks a name up: the field index and its expression type.
  let resolve: (String) -> (Int, ExpressionType)?
  let aggregate: Bool
  private(set) var slots: [AggregateSlot] = []
  private var insideAggregate = false

  init(aggregate: Bool, resolve: @escaping (String) -> (Int, ExpressionType)?) {
    self.aggregate = aggregate
    self.resolve = resolve
  }

  /// Checks `node` and returns the compiled expression with its type.
  mutating func check(_ node: SyntaxNode) throws(ExpressionError) -> (RuleExpression, ExpressionType) {
    switch node.kind {
    case .number(let d): return (.literal(.decimal(d)), .number)
    case .string(let s): return (.literal(.string(s)), .string)
    case .boolean(let b): return (.literal(.boolean(b)), .boolean)
    case .null: return (.literal(.null), .null)
    case .identifier(let name):
      if aggregate && !insideAggregate {
        throw ExpressionError("field '\(name)' must be inside count(…) or sum(…) in an aggregate rule", offset: node.offset)
      }
      guard let (index, type) = resolve(name) else {
        throw ExpressionError("unknown field '\(name)'", offset: node.offset)
      }
      return (.field(index), type)
    case .unary(let op, let inner):
      let (e, t) = try check(inner)
      if op == "-" {
        try require(t, [.number], "'-'", inner.offset)
        return (.negate(e), .number)
      }
      try require(t, [.boolean], "'not'", inner.offset)
      return (.not(e), .boolean)
    case .binary(let op, let l, let r):
      return try binary(op, l, r, node.offset)
    case .list:
      throw ExpressionError("a list is only allowed after 'in'", offset: node.offset)
    case .call(let name, let args):
      return try call(name, args, node.offset)
    }
  }

  private func require(_ t: ExpressionType, _ allowed: [ExpressionType], _ what: String, _ offset: Int)
    throws(ExpressionError)
  {
    if t == .null || allowed.contains(t) { return }
    let names = allowed.map(\.rawValue).joined(separator: " or ")
    throw ExpressionError("\(what) needs \(names), not \(t)", offset: offset)
  }

  private mutating func binary(_ op: String, _ l: SyntaxNode, _ r: SyntaxNode, _ offset: Int)
    throws(ExpressionError) -> (RuleExpression, ExpressionType)
  {
    switch op {
    case "and", "or":
      let (a, ta) = try check(l)
      let (b, tb) = try check(r)
      try require(ta, [.boolean], "'\(op)'", l.offset)
      try require(tb, [.boolean], "'\(op)'", r.offset)
      return (op == "and" ? .and(a, b) : .or(a, b), .boolean)
    case "+", "-", "*", "/":
      let (a, ta) = try check(l)
      let (b, tb) = try check(r)
      try require(ta, [.number], "'\(op)'", l.offset)
      try require(tb, [.number], "'\(op)'", r.offset)
      return (.arithmetic(ArithmeticOperator(rawValue: op)!, a, b), .number)
    case "==", "!=", "<", "<=", ">", ">=":
      let (a, ta) = try check(l)
      let (b, tb) = try check(r)
      if ta != .null && tb != .null && ta != tb {
        throw ExpressionError("cannot compare \(ta) with \(tb)", offset: offset)
      }
      if (op != "==" && op != "!=") && (ta == .boolean || tb == .boolean) {
        throw ExpressionError("'\(op)' cannot order booleans", offset: offset)
      }
      return (.compare(ComparisonOperator(rawValue: op)!, a, b), .boolean)
    case "in", "not in":
      let (a, ta) = try check(l)
      guard case .list(let items) = r.kind else {
        throw ExpressionError("'\(op)' needs a list such as [\"a\", \"b\"]", offset: r.offset)
      }
      var compiled: [RuleExpression] = []
      for item in items {
        let (e, t) = try check(item)
        if ta != .null && t != .null && t != ta {
          throw ExpressionError("list item is \(t) but the value is \(ta)", offset: item.offset)
        }
        compiled.append(e)
      }
      return (.inList(a, compiled, negated: op == "not in"), .boolean)
    case "matches":
      let (a, ta) = try check(l)
      try require(ta, [.string], "'matches'", l.offset)
      guard case .string(let pattern) = r.kind else {
        throw ExpressionError("'matches' needs a string literal pattern", offset: r.offset)
      }
      do {
        return (.matches(a, try CompiledPattern(pattern)), .boolean)
      } catch {
        throw ExpressionError("invalid regular expression \"\(pattern)\": \(error.message)"
                                + (error.position.map { " (at character \($0))" } ?? ""), offset: r.offset)
      }
    default:
      throw ExpressionError("unknown operator '\(op)'", offset: offset)
    }
  }

  private mutating func call(_ name: String, _ args: [SyntaxNode], _ offset: Int)
    throws(ExpressionError) -> (RuleExpression, ExpressionType)
  {
    if name == "count" || name == "sum" {
      guard aggregate else {
        throw ExpressionError("\(name)(…) is only allowed in aggregate rules", offset: offset)
      }
      guard !insideAggregate else { throw ExpressionError("\(name)(…) cannot be nested", offset: offset) }
      insideAggregate = true
      defer { insideAggregate = false }
      if name == "count" {
        if args.isEmpty {
          slots.append(.count)
        } else {
          guard args.count == 1 else { throw ExpressionError("count takes at most one argument", offset: offset) }
          let (e, t) = try check(args[0])
          try require(t, [.boolean], "count(…)", args[0].offset)
          slots.append(.countIf(e))
        }
      } else {
        guard args.count == 1 else { throw ExpressionError("sum takes one argument", offset: offset) }
        let (e, t) = try check(args[0])
        try require(t, [.number], "sum(…)", args[0].offset)
        slots.append(.sum(e))
      }
      return (.slot(slots.count - 1), .number)
    }
    guard let f = ExpressionFunction(rawValue: name) else {
      throw ExpressionError("unknown function '\(name)'", offset: offset)
    }
    var compiled: [RuleExpression] = []
    var types: [ExpressionType] = []
    for a in args {
      let (e, t) = try check(a)
      compiled.append(e)
      types.append(t)
    }
    func arity(_ n: Int) throws(ExpressionError) {
      guard args.count == n else {
        throw ExpressionError("\(name) takes \(n) argument\(n == 1 ? "" : "s"), not \(args.count)", offset: offset)
      }
    }
    switch f {
    case .year, .month:
      try arity(1)
      try require(types[0], [.date, .yearmonth, .datetime], "\(name)(…)", args[0].offset)
      return (.call(f, compiled), .number)
    case .day:
      try arity(1)
      try require(types[0], [.date, .datetime], "day(…)", args[0].offset)
      return (.call(f, compiled), .number)
    case .len, .docYear:
      try arity(1)
      try require(types[0], [.string], "\(name)(…)", args[0].offset)
      return (.call(f, compiled), .number)
    case .abs:
      try arity(1)
      try require(types[0], [.number], "abs(…)", args[0].offset)
      return (.call(f, compiled), .number)
    case .round:
      try arity(2)
      try require(types[0], [.number], "round(…)", args[0].offset)
      guard case .number(let n) = args[1].kind, n.scale == 0, n.significand >= 0,
            n.significand <= Int64(ExactDecimal.quotientScale) else {
        throw ExpressionError("round's second argument must be a whole number 0…\(ExactDecimal.quotientScale) (the fraction digits kept)",
                              offset: args[1].offset)
      }
      return (.call(f, compiled), .number)
    case .approx:
      try arity(3)
      for i in 0..<3 { try require(types[i], [.number], "approx(…)", args[i].offset) }
      return (.call(f, compiled), .boolean)
    case .isNull, .present:
      try arity(1)
      return (.call(f, compiled), .boolean)
    case .coalesce:
      guard args.count >= 2 else { throw ExpressionError("coalesce takes at least 2 arguments", offset: offset) }
      var result: ExpressionType = .null
      for (i, t) in types.enumerated() where t != .null {
        if result != .null && t != result {
          throw ExpressionError("coalesce arguments must have one type (\(result) and \(t))", offset: args[i].offset)
        }
        result = t
      }
      return (.call(f, compiled), result)
    }
  }
}

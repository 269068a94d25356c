extension RuleExpression {
  /// Evaluates the expression over a row of typed values indexed by field.
  ///
  /// Nulls propagate: arithmetic with null is null, a comparison with null is null ("unknown"),
  /// `and`/`or` follow Kleene's three-valued logic (`false and null` is false, `true or null`
  /// is true), `is_null`/`present`/`coalesce` see nulls. Division by zero and overflow give null too;
  /// `fault` tells such a null apart from one that a null operand made. A quotient keeps ten
  /// fraction digits (`ExactDecimal.quotientScale`).
  /// An out-of-range field index reads as null. Never traps.
  ///
  /// - Complexity: O(size of the expression); allocates only for string results of `coalesce`.
  public func evaluate(_ row: [TypedValue], slots: [TypedValue] = []) -> TypedValue {
    row.withUnsafeBufferPointer { evaluate(buffer: $0, slots: slots) }
  }

  /// `evaluate` over values held in a buffer (the validator keeps its typed row in place).
  public func evaluate(buffer row: UnsafeBufferPointer<TypedValue>, slots: [TypedValue] = []) -> TypedValue {
    switch self {
    case .literal(let v): return v
    case .field(let i): return i >= 0 && i < row.count ? Self.numeric(row[i]) : .null
    case .slot(let i): return i >= 0 && i < slots.count ? slots[i] : .null
    case .negate(let e):
      guard let d = e.evaluate(buffer: row, slots: slots).decimal, let n = d.negated else { return .null }
      return .decimal(n)
    case .not(let e):
      if case .boolean(let b) = e.evaluate(buffer: row, slots: slots) { return .boolean(!b) }
      return .null
    case .arithmetic(let op, let a, let b):
      guard let x = a.evaluate(buffer: row, slots: slots).decimal, let y = b.evaluate(buffer: row, slots: slots).decimal else {
        return .null
      }
      return op.apply(x, y).map { .decimal($0) } ?? .null
    case .compare(let op, let a, let b):
      let x = a.evaluate(buffer: row, slots: slots)
      let y = b.evaluate(buffer: row, slots: slots)
      guard let c = Self.compare(x, y) else { return .null }
      return .boolean(op.holds(c))
    case .and(let a, let b):
      let x = a.evaluate(buffer: row, slots: slots)
      if case .boolean(false) = x { return .boolean(false) }
      let y = b.evaluate(buffer: row, slots: slots)
      if case .boolean(false) = y { return .boolean(false) }
      if case .boolean(true) = x, case .boolean(true) = y { return .boolean(true) }
      return .null
    case .or(let a, let b):
      let x = a.evaluate(buffer: row, slots: slots)
      if case .boolean(true) = x { return .boolean(true) }
      let y = b.evaluate(buffer: row, slots: slots)
      if case .boolean(true) = y { return .boolean(true) }
      if case .boolean(false) = x, case .boolean(false) = y { return .boolean(false) }
      return .null
    case .inList(let e, let items, let negated):
      let x = e.evaluate(buffer: row, slots: slots)
      if x.isNull { return .null }
      var sawNull = false
      for item in items {
        let y = item.evaluate(buffer: row, slots: slots)
        if y.isNull { sawNull = true; continue }
        if Self.compare(x, y) == 0 { return .boolean(!negated) }
      }
      return sawNull ? .null : .boolean(negated)
    case .matches(let e, let pattern):
      guard case .string(let s) = e.evaluate(buffer: row, slots: slots) else { return .null }
      return .boolean(pattern.matches(s))
    case .call(let f, let args):
      // One-argument tests read their argument directly (no argument array per call).
      if args.count == 1, f == .present || f == .isNull {
        let a = args[0].evaluate(buffer: row, slots: slots)
        if f == .isNull { return .boolean(a.isNull) }
        if a.isNull { return .boolean(false) }
        if case .string(let s) = a { return .boolean(!s.isEmpty) }
        return .boolean(true)
      }
      return Self.call(f, args.map { $0.evaluate(buffer: row, slots: slots) })
    }
  }

  /// Evaluates a boolean rule: passed, failed, or unknown when the result is null.
  ///
  /// Same result as `evaluate`, faster for the common rule shapes: comparisons of numeric
  /// fields, literals and arithmetic, `and`/`or`/`not`, and `present`/`is_null` of a field are
  /// decided without building intermediate `TypedValue`s (see `truth` and `numericValue`).
  public func outcome(_ row: [TypedValue], slots: [TypedValue] = []) -> RuleOutcome {
    row.withUnsafeBufferPointer { outcome(buffer: $0, slots: slots) }
  }

  /// `outcome` over values held in a buffer (the validator keeps its typed row in place).
  public func outcome(buffer row: UnsafeBufferPointer<TypedValue>, slots: [TypedValue] = []) -> RuleOutcome {
    switch truth(row, slots: slots) {
    case 1: return .passed
    case 0: return .failed
    default: return .unknown
    }
  }

  /// The expression's truth in three values: 1 true, 0 false, 2 null (unknown); the same as
  /// `evaluate` gives (`.boolean(true)`, `.boolean(false)`, anything else).
  func truth(_ row: UnsafeBufferPointer<TypedValue>, slots: [TypedValue]) -> UInt8 {
    switch self {
    case .compare(let op, let a, let b):
      let x = a.numericValue(row, slots: slots)
      let y = b.numericValue(row, slots: slots)
      switch (x, y) {
      case (.value(let p), .value(let q)): return op.holds(p < q ? -1 : (p == q ? 0 : 1)) ? 1 : 0
      case (.null, _), (_, .null): return 2
      default: return Self.truth(of: evaluate(buffer: row, slots: slots))
      }
    case .and(let a, let b):
      let x = a.truth(row, slots: slots)
      if x == 0 { return 0 }
      let y = b.truth(row, slots: slots)
      if y == 0 { return 0 }
      return x == 1 && y == 1 ? 1 : 2
    case .or(let a, let b):
      let x = a.truth(row, slots: slots)
      if x == 1 { return 1 }
      let y = b.truth(row, slots: slots)
      if y == 1 { return 1 }
      return x == 0 && y == 0 ? 0 : 2
    case .not(let e):
      let x = e.truth(row, slots: slots)
      return x == 2 ? 2 : 1 - x
    case .call(let f, let args) where args.count == 1 && (f == .present || f == .isNull):
      guard case .field(let i) = args[0] else { return Self.truth(of: evaluate(buffer: row, slots: slots)) }
      let present: Bool
      if i < 0 || i >= row.count {
        present = false
      } else {
        switch row[i] {
        case .null: present = false
        case .string(let s): present = f == .isNull ? true : !s.isEmpty
        default: present = true
        }
      }
      return (f == .present ? present : !present) ? 1 : 0
    default:
      return Self.truth(of: evaluate(buffer: row, slots: slots))
    }
  }

  @inline(__always)
  static func truth(of v: TypedValue) -> UInt8 {
    if case .boolean(let b) = v { return b ? 1 : 0 }
    return 2
  }

  /// A numeric sub-expression's value without boxing: a decimal, null, or `other` when the
  /// expression is not a plain numeric one (the caller then uses `evaluate`).
  enum NumericValue {
    case value(ExactDecimal)
    case null
    case other
  }

  /// The value of a field, literal, negation or arithmetic over them, as `evaluate` computes it.
  func numericValue(_ row: UnsafeBufferPointer<TypedValue>, slots: [TypedValue]) -> NumericValue {
    switch self {
    case .field(let i):
      guard i >= 0 && i < row.count else { return .null }
      return Self.numericValue(of: row[i])
    case .literal(let v):
      return Self.numericValue(of: v)
    case .slot(let i):
      guard i >= 0 && i < slots.count else { return .null }
      return Self.numericValue(of: slots[i])
    case .negate(let e):
      switch e.numericValue(row, slots: slots) {
      case .value(let d): return d.negated.map { .value($0) } ?? .null
      case .null: return .null
      case .other: return .other
      }
    case .arithmetic(let op, let a, let b):
      let x = a.numericValue(row, slots: slots)
      let y = b.numericValue(row, slots: slots)
      guard case .value(let p) = x, case .value(let q) = y else {
        if case .other = x { return .other }
        if case .other = y { return .other }
        return .null
      }
      return op.apply(p, q).map { .value($0) } ?? .null
    default:
      return .other
    }
  }

  @inline(__always)
  static func numericValue(of v: TypedValue) -> NumericValue {
    switch v {
    case .decimal(let d): return .value(d)
    case .integer(let i): return .value(ExactDecimal(i))
    case .year(let y): return .value(ExactDecimal(Int64(y)))
    case .null: return .null
    default: return .other
    }
  }

  /// Integers and years become decimals so arithmetic and comparison see one numeric kind.
  static func numeric(_ v: TypedValue) -> TypedValue {
    switch v {
    case .integer(let i): return .decimal(ExactDecimal(i))
    case .year(let y): return .decimal(ExactDecimal(Int64(y)))
    default: return v
    }
  }

  /// Three-way comparison of two values of the same kind; nil when either is null or kinds differ.
  static func compare(_ a: TypedValue, _ b: TypedValue) -> Int? {
    // The common case (two decimals) without re-wrapping either value.
    if case .decimal(let x) = a, case .decimal(let y) = b { return x < y ? -1 : (x == y ? 0 : 1) }
    switch (numeric(a), numeric(b)) {
    case (.decimal(let x), .decimal(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (x ? 1 : -1)
    case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.yearMonth(let x), .yearMonth(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.dateTime(let x), .dateTime(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.time(let x), .time(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    default: return nil
    }
  }

  static func call(_ f: ExpressionFunction, _ args: [TypedValue]) -> TypedValue {
    let a = args.first ?? .null
    switch f {
    case .year:
      switch a {
      case .date(let d): return .decimal(ExactDecimal(Int64(d.year)))
      case .yearMonth(let m): return .decimal(ExactDecimal(Int64(m.year)))
      case .dateTime(let t): return .decimal(ExactDecimal(Int64(t.date.year)))
      default: return .null
      }
    case .month:
      switch a {
      case .date(let d): return .decimal(ExactDecimal(Int64(d.month)))
      case .yearMonth(let m): return .decimal(ExactDecimal(Int64(m.month)))
      case .dateTime(let t): return .decimal(ExactDecimal(Int64(t.date.month)))
      default: return .null
      }
    case .day:
      switch a {
      case .date(let d): return .decimal(ExactDecimal(Int64(d.day)))
      case .dateTime(let t): return .decimal(ExactDecimal(Int64(t.date.day)))
      default: return .null
      }
    case .len:
      guard case .string(let s) = a else { return .null }
      return .decimal(ExactDecimal(Int64(s.count)))
    case .docYear:
      guard case .string(let s) = a, let doc = DocNumber.parse(s) else { return .null }
      return .decimal(ExactDecimal(Int64(doc.year)))
    case .abs:
      guard let d = a.decimal, let m = d.magnitude else { return .null }
      return .decimal(m)
    case .isNull:
      return .boolean(a.isNull)
    case .present:
      if a.isNull { return .boolean(false) }
      if case .string(let s) = a { return .boolean(!s.isEmpty) }
      return .boolean(true)
    case .coalesce:
      for v in args where !v.isNull { return v }
      return .null
    case .round:
      guard let d = a.decimal, args.count == 2, let n = args[1].decimal, let r = d.rounded(scale: Int(n.significand)) else {
        return .null
      }
      return .decimal(r)
    case .approx:
      guard args.count == 3, let x = a.decimal, let y = args[1].decimal, let t = args[2].decimal,
            let diff = x.subtracting(y), let m = diff.magnitude else { return .null }
      return .boolean(m <= t)
    }
  }
}

extension RuleExpression {
  /// Why the expression's value is null for this row although no null made it so: a division
  /// by zero, an overflow, or a value that is not a number. Nil when the expression has a value,
  /// or when it is null only because a value it reads is null (three-valued logic: such a row
  /// is skipped).
  ///
  /// The validator asks only when `outcome` is `unknown`, so the common path pays nothing.
  public func fault(buffer row: UnsafeBufferPointer<TypedValue>, slots: [TypedValue] = []) -> EvaluationFault? {
    checked(row, slots).fault
  }

  /// `fault` over an array (tests, aggregates).
  public func fault(_ row: [TypedValue], slots: [TypedValue] = []) -> EvaluationFault? {
    row.withUnsafeBufferPointer { fault(buffer: $0, slots: slots) }
  }

  /// The value as `evaluate` computes it, with the fault that made it null, if any.
  private func checked(_ row: UnsafeBufferPointer<TypedValue>, _ slots: [TypedValue]) -> (value: TypedValue, fault: EvaluationFault?) {
    switch self {
    case .literal, .field, .slot, .matches:
      return (evaluate(buffer: row, slots: slots), nil)
    case .negate(let e):
      let (v, f) = e.checked(row, slots)
      if let f { return (.null, f) }
      if v.isNull { return (.null, nil) }
      guard let d = v.decimal else { return (.null, .notANumber) }
      guard let n = d.negated else { return (.null, .overflow) }
      return (.decimal(n), nil)
    case .not(let e):
      let (v, f) = e.checked(row, slots)
      if case .boolean(let b) = v { return (.boolean(!b), nil) }
      return (.null, f)
    case .arithmetic(let op, let a, let b):
      let (x, fx) = a.checked(row, slots)
      let (y, fy) = b.checked(row, slots)
      if let f = fx ?? fy { return (.null, f) }
      if x.isNull || y.isNull { return (.null, nil) }
      guard let p = x.decimal, let q = y.decimal else { return (.null, .notANumber) }
      if op == .divide && q.significand == 0 { return (.null, .divisionByZero) }
      guard let r = op.apply(p, q) else { return (.null, .overflow) }
      return (.decimal(r), nil)
    case .compare(let op, let a, let b):
      let (x, fx) = a.checked(row, slots)
      let (y, fy) = b.checked(row, slots)
      if let f = fx ?? fy { return (.null, f) }
      if x.isNull || y.isNull { return (.null, nil) }
      guard let c = Self.compare(x, y) else { return (.null, .notANumber) }
      return (.boolean(op.holds(c)), nil)
    case .and(let a, let b):
      let (x, fx) = a.checked(row, slots)
      if case .boolean(false) = x { return (x, nil) }
      let (y, fy) = b.checked(row, slots)
      if case .boolean(false) = y { return (y, nil) }
      if case .boolean(true) = x, case .boolean(true) = y { return (x, nil) }
      return (.null, fx ?? fy)
    case .or(let a, let b):
      let (x, fx) = a.checked(row, slots)
      if case .boolean(true) = x { return (x, nil) }
      let (y, fy) = b.checked(row, slots)
      if case .boolean(true) = y { return (y, nil) }
      if case .boolean(false) = x, case .boolean(false) = y { return (x, nil) }
      return (.null, fx ?? fy)
    case .inList(let e, let items, _):
      let (_, f) = e.checked(row, slots)
      if let f { return (.null, f) }
      for item in items { if let f = item.checked(row, slots).fault { return (.null, f) } }
      return (evaluate(buffer: row, slots: slots), nil)
    case .call(let fn, let args):
      var values: [TypedValue] = []
      values.reserveCapacity(args.count)
      for a in args {
        let (v, f) = a.checked(row, slots)
        if let f, fn != .coalesce && fn != .isNull && fn != .present { return (.null, f) }
        values.append(v)
      }
      let v = Self.call(fn, values)
      if !v.isNull { return (v, nil) }
      switch fn {
      case .abs, .round:
        if let d = values.first?.decimal, d.significand == Int64.min { return (.null, .overflow) }
        return (.null, nil)
      case .docYear:
        if case .string(let t)? = values.first, !t.isEmpty { return (.null, .notADocumentNumber) }
        return (.null, nil)
      case .approx:
        if values.contains(where: \.isNull) { return (.null, nil) }
        return (.null, values.allSatisfy { $0.decimal != nil } ? .overflow : .notANumber)
      default:
        return (.null, nil)
      }
    }
  }
}

import Diagnostics
import Schema
import Tabular

/// How rules read a field, found by walking the compiled expressions once.
enum FieldUsage: UInt8, Comparable {
  /// No rule reads it.
  case none
  /// Only `present(f)` / `is_null(f)` read it: whether it has a value is enough.
  case presence
  /// A rule reads its value.
  case value

  static func < (a: FieldUsage, b: FieldUsage) -> Bool { a.rawValue < b.rawValue }
}

/// What the validator precomputes for one field so the per-cell path does no set-up work.
///
/// Built once per table. The byte forms (`missingValues`, `enumBytes`) let the common cells
/// be checked without making a `String`. A class, so the per-cell loop shares it instead of
/// copying (and retaining) its many arrays.
final class FieldPlan {
  /// The field's index in the schema.
  let index: Int
  let field: Field
  /// The zero-based source column, or nil when the header lacks the field.
  let column: Int?
  /// The display name put into diagnostics (shared, not copied per diagnostic).
  let title: String
  /// True for a `string` field with the default format whose only normalisation is trimming:
  /// a clean cell's bytes are then its value (its `pattern`, if any, is matched on those bytes).
  let plainString: Bool
  /// The field's `pattern`, with this plan's own match data (a plan is used by one thread at a time).
  let matcher: PatternMatcher?
  /// Missing-value spellings as bytes.
  let missingValues: [[UInt8]]
  /// Enum values as bytes (for `plainString` fields with an `enum` constraint), with their typed values.
  let enumBytes: [[UInt8]]
  let enumValues: [TypedValue]
  /// Synonym spellings as bytes: a cell equal to one goes to the full coercion, which maps and reports it.
  let synonymBytes: [[UInt8]]
  /// How rules and aggregates read the field.
  let usage: FieldUsage
  /// True when the field is part of a unique key, the primary key or a foreign key.
  var inKey = false
  /// A format whose canonical spellings are recognised from bytes (`FastFormat`), when the
  /// field has no pattern, enum or synonyms that would need the full coercion.
  let fastFormat: FastFormat?
  /// For `number`/`integer` fields without synonyms: plain ASCII decimals (`32.5`, `-7`) are
  /// parsed straight from the cell's bytes into `ExactDecimal`.
  let numberKind: FieldType?
  /// For `date` fields without synonyms: `yyyy-mm-dd` text is read straight from the bytes.
  let isoDate: Bool
  /// The field's `required` constraint.
  let required: Bool
  /// True when the only constraints besides `required`/`unique` are numeric `minimum`/`maximum`
  /// (held in `minimum`/`maximum`), so a passing number is recognised without `Field.violation`.
  let boundsOnly: Bool
  let minimum: ExactDecimal?
  let maximum: ExactDecimal?
  /// The field's `minLength`/`maxLength`, read per cell without copying the field's constraints.
  let minLength: Int?
  let maxLength: Int?

  init(index: Int, field: Field, column: Int?, usage: FieldUsage) {
    self.index = index
    self.field = field
    self.column = column
    self.title = field.displayName
    self.usage = usage
    let steps = field.effectiveNormalize
    plainString = (field.type == .string || field.type == .any) && field.format == .default
      && steps == [.trim]
    matcher = field.constraints.pattern?.makeMatcher()
    missingValues = field.missingValues.map { Array($0.utf8) }
    var eb: [[UInt8]] = []
    var ev: [TypedValue] = []
    if let values = field.constraints.enumValues {
      for v in values { if case .string(let s) = v { eb.append(Array(s.utf8)); ev.append(v) } }
    }
    enumBytes = eb
    enumValues = ev
    synonymBytes = field.enumSynonyms.keys.sorted().map { Array($0.utf8) }
    if field.type == .string, field.constraints.pattern == nil, field.constraints.enumValues == nil,
       field.enumSynonyms.isEmpty, field.normalize.isEmpty {
      switch field.format {
      case .certNumber: fastFormat = .certNumber
      case .idCard: fastFormat = .idCard
      case .personName: fastFormat = .personName
      default: fastFormat = nil
      }
    } else {
      fastFormat = nil
    }
    let plainSteps = field.normalize.allSatisfy { $0 == .trim || $0 == .nfkc }
    numberKind = (field.type == .number || field.type == .integer) && field.enumSynonyms.isEmpty && plainSteps
      ? field.type : nil
    isoDate = field.type == .date && field.enumSynonyms.isEmpty && plainSteps
    let c = field.constraints
    required = c.required
    minimum = c.minimum?.decimal
    maximum = c.maximum?.decimal
    minLength = c.minLength
    maxLength = c.maxLength
    boundsOnly = c.minLength == nil && c.maxLength == nil && c.pattern == nil && c.enumValues == nil
      && (c.minimum == nil || minimum != nil) && (c.maximum == nil || maximum != nil)
  }

  /// A plan equal to this one that shares no reference count with it (for another thread).
  func copy() -> FieldPlan {
    let p = FieldPlan(index: index, field: field, column: column, usage: usage)
    p.inKey = inKey
    return p
  }

  /// True when a non-null numeric value passes `minimum` and `maximum` (only meaningful when `boundsOnly`).
  @inline(__always)
  func withinBounds(_ d: ExactDecimal) -> Bool {
    if let m = minimum, d < m { return false }
    if let m = maximum, m < d { return false }
    return true
  }

  /// True when the trimmed text is one of the field's missing values.
  @inline(__always)
  func isMissing(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for mv in missingValues where mv.count == b.count {
      if mv.withUnsafeBufferPointer({ memEqual($0, b) }) { return true }
    }
    return false
  }

  /// The index of the enum value whose bytes equal `b`, or nil.
  @inline(__always)
  func enumIndex(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    for (i, e) in enumBytes.enumerated() where e.count == b.count {
      if e.withUnsafeBufferPointer({ memEqual($0, b) }) { return i }
    }
    return nil
  }

  /// True when `b` is spelled like one of the synonyms.
  @inline(__always)
  func isSynonym(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for e in synonymBytes where e.count == b.count {
      if e.withUnsafeBufferPointer({ memEqual($0, b) }) { return true }
    }
    return false
  }
}

/// Formats whose already-canonical spellings the validator recognises from the cell's bytes.
///
/// Each accepts only text that Schema's coercion would accept unchanged (so nothing would be
/// reported as normalised); anything else goes to the full coercion, which decides and reports.
enum FastFormat {
  /// 4–30 ASCII digits, upper-case letters or `-`, at least one digit.
  case certNumber
  /// 18 characters: 17 digits and a digit or `X`; checked by `IDCard.validate`.
  case idCard
  /// 2–20 CJK ideographs (U+4E00–U+9FFF) with single `·` between them.
  case personName

  /// True when `b` is a canonical spelling of the format (`idCard` is only pre-screened here).
  @inline(__always)
  func accepts(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    switch self {
    case .certNumber:
      guard b.count >= 4, b.count <= 30 else { return false }
      var digits = 0
      for c in b {
        if c >= 0x30 && c <= 0x39 { digits += 1 } else if !((c >= 0x41 && c <= 0x5A) || c == 0x2D) { return false }
      }
      return digits > 0
    case .idCard:
      guard b.count == 18 else { return false }
      for i in 0..<17 where !(b[i] >= 0x30 && b[i] <= 0x39) { return false }
      return (b[17] >= 0x30 && b[17] <= 0x39) || b[17] == 0x58
    case .personName:
      var i = 0
      var chars = 0
      var cjk = 0
      var lastWasDot = true  // no dot first
      while i < b.count {
        let c = b[i]
        if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xB7 {
          if lastWasDot { return false }
          lastWasDot = true
          chars += 1
          i += 2
          continue
        }
        // U+4E00–U+9FFF: E4 B8 80 … E9 BF BF.
        guard c >= 0xE4, c <= 0xE9, i + 2 < b.count else { return false }
        let c1 = b[i + 1]
        let c2 = b[i + 2]
        guard c1 & 0xC0 == 0x80, c2 & 0xC0 == 0x80, c != 0xE4 || c1 >= 0xB8 else { return false }
        cjk += 1
        chars += 1
        lastWasDot = false
        i += 3
      }
      return !lastWasDot && cjk >= 2 && chars <= 20
    }
  }
}

/// True when `b` is a non-empty run of ASCII digits, `.`, `+` and `-` only (so trimming and
/// folding leave it unchanged and `ExactDecimal.parse` decides it alone).
@inline(__always)
func isPlainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
  guard !b.isEmpty else { return false }
  for c in b where !((c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2B || c == 0x2D) { return false }
  return true
}

/// The date in `yyyy-mm-dd` text (exactly ten ASCII bytes), or nil for any other spelling.
@inline(__always)
func isoDate(_ b: UnsafeBufferPointer<UInt8>) -> LocalDate? {
  guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
  @inline(__always) func num(_ from: Int, _ to: Int) -> Int? {
    var v = 0
    for i in from..<to {
      let d = Int(b[i]) &- 0x30
      guard d >= 0 && d <= 9 else { return nil }
      v = v * 10 + d
    }
    return v
  }
  guard let y = num(0, 4), let m = num(5, 7), let d = num(8, 10) else { return nil }
  return LocalDate(year: y, month: m, day: d)
}

/// Byte-wise equality of two buffers of the same length.
@inline(__always)
func memEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
  guard a.count == b.count else { return false }
  var i = 0
  while i < a.count {
    if a[i] != b[i] { return false }
    i += 1
  }
  return true
}

/// True when `b` needs no trimming: it is non-empty and neither starts nor ends with ASCII
/// whitespace, U+3000, NBSP, BOM or ZWSP (the characters Schema's coercion trims).
@inline(__always)
func isTrimmed(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
  let n = b.count
  guard n > 0 else { return false }
  let f = b[0]
  if f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0D || f == 0xC2 { return false }
  if n >= 3, (f == 0xE3 && b[1] == 0x80 && b[2] == 0x80) || (f == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
    || (f == 0xE2 && b[1] == 0x80 && b[2] == 0x8B) { return false }
  let l = b[n - 1]
  if l == 0x20 || l == 0x09 || l == 0x0A || l == 0x0D { return false }
  if n >= 2, b[n - 2] == 0xC2, l == 0xA0 { return false }
  if n >= 3 {
    let (x, y) = (b[n - 3], b[n - 2])
    if (x == 0xE3 && y == 0x80 && l == 0x80) || (x == 0xEF && y == 0xBB && l == 0xBF)
      || (x == 0xE2 && y == 0x80 && l == 0x8B) { return false }
  }
  return true
}

/// The number of Unicode scalars in valid UTF-8 `b` (bytes that are not continuation bytes).
@inline(__always)
func scalarCount(_ b: UnsafeBufferPointer<UInt8>) -> Int {
  var n = 0
  for c in b where c & 0xC0 != 0x80 { n += 1 }
  return n
}

extension RuleExpression {
  /// Raises `usage[i]` for every field the expression reads.
  func collectUsage(into usage: inout [FieldUsage]) {
    func raise(_ i: Int, _ u: FieldUsage) { if i >= 0 && i < usage.count && usage[i] < u { usage[i] = u } }
    switch self {
    case .literal, .slot: return
    case .field(let i): raise(i, .value)
    case .negate(let e), .not(let e): e.collectUsage(into: &usage)
    case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b):
      a.collectUsage(into: &usage)
      b.collectUsage(into: &usage)
    case .inList(let e, let items, _):
      e.collectUsage(into: &usage)
      for i in items { i.collectUsage(into: &usage) }
    case .matches(let e, _): e.collectUsage(into: &usage)
    case .call(let f, let args):
      if (f == .present || f == .isNull), args.count == 1, case .field(let i) = args[0] {
        raise(i, .presence)
      } else {
        for a in args { a.collectUsage(into: &usage) }
      }
    }
  }
}

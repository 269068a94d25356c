/// An obviously-correct CSV tokenizer over a whole input, transcribed from the state machine of
/// CPython's `Modules/_csv.c` (`parse_process_char`) after splitting the input into lines the way
/// `open(newline='')` does. Slow; used only to check `CSVTokenizer`.
enum ReferenceTokenizer {
  static func records(_ input: [UInt8], delimiter: UInt8 = 0x2C) -> [[[UInt8]]] {
    // Split into lines, each keeping its terminator (CR LF, CR or LF).
    var lines: [[UInt8]] = []
    var cur: [UInt8] = []
    var i = 0
    while i < input.count {
      let c = input[i]
      cur.append(c)
      if c == 0x0D {
        if i + 1 < input.count && input[i + 1] == 0x0A { cur.append(0x0A); i += 1 }
        lines.append(cur); cur = []
      } else if c == 0x0A {
        lines.append(cur); cur = []
      }
      i += 1
    }
    if !cur.isEmpty { lines.append(cur) }

    enum S { case startRecord, startField, inField, inQuoted, quoteInQuoted, eatCRNL }
    var out: [[[UInt8]]] = []
    var fields: [[UInt8]] = []
    var field: [UInt8] = []
    var state = S.startRecord
    func save() { fields.append(field); field = [] }
    // `nil` is Python's EOL pseudo-character.
    func process(_ ch: UInt8?) {
      switch state {
      case .startRecord:
        guard let c = ch else { return }
        if c == 0x0A || c == 0x0D { state = .eatCRNL; return }
        state = .startField
        process(c)
      case .startField:
        if ch == nil || ch == 0x0A || ch == 0x0D { save(); state = ch == nil ? .startRecord : .eatCRNL }
        else if ch == 0x22 { state = .inQuoted }
        else if ch == delimiter { save() }
        else { field.append(ch!); state = .inField }
      case .inField:
        if ch == nil || ch == 0x0A || ch == 0x0D { save(); state = ch == nil ? .startRecord : .eatCRNL }
        else if ch == delimiter { save(); state = .startField }
        else { field.append(ch!) }
      case .inQuoted:
        if ch == nil { }
        else if ch == 0x22 { state = .quoteInQuoted }
        else { field.append(ch!) }
      case .quoteInQuoted:
        if ch == 0x22 { field.append(0x22); state = .inQuoted }
        else if ch == delimiter { save(); state = .startField }
        else if ch == nil || ch == 0x0A || ch == 0x0D { save(); state = ch == nil ? .startRecord : .eatCRNL }
        else { field.append(ch!); state = .inField }
      case .eatCRNL:
        if ch == nil { state = .startRecord }
      }
    }
    var li = 0
    while li < lines.count {
      repeat {
        guard li < lines.count else {
          if !field.isEmpty || state == .inQuoted || state == .quoteInQuoted || state == .startField || state == .inField { save() }
          out.append(fields); return out
        }
        for c in lines[li] { process(c) }
        process(nil)
        li += 1
      } while state != .startRecord
      out.append(fields); fields = []
    }
    return out
  }
}

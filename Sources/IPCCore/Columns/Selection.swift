import Glibc
package import IPCModel

/// What a column's values are when a filter compares them.
package enum FilterType: Sendable, Hashable {
  /// Ids, counts, sizes, pids, seconds: compared as integers.
  case number
  /// Names, words, command lines: compared byte by byte; matched by regular expressions.
  case text
  /// A time the kernel recorded: compared with times, or with an integer as seconds since the epoch.
  case time
  /// `KEY`: compared as its unsigned 32-bit value with an integer or with a key in a string (`"0x1234"`); matched
  /// as `0x%08x`.
  case key
  /// `PERMS`: equal or not to a mode in a string, octal (`"0640"`) or letters (`"rw-r-----"`); matched as letters.
  case permissions
  /// `true` and `false`.
  case boolean

  var noun: String {
    switch self {
    case .number: "a number"
    case .text: "text"
    case .time: "a time"
    case .key: "a key"
    case .permissions: "a mode"
    case .boolean: "a boolean"
    }
  }
}

/// A filter bound to the column registry: columns resolved, types checked, regular expressions compiled; then
/// evaluated on objects.
///
/// Binding happens while the command line is read, so that any mistake is reported before anything is shown or
/// removed; it is repeated, identically, where the filter is used.
package final class Selection {
  package typealias Predicate = (IPCObject, inout RowContext) -> Bool

  /// The expression as given (the options ANDed), for the report.
  package let expression: FilterExpression
  private let predicate: Predicate
  /// The compiled patterns, freed with the selection.
  private let patterns: [CompiledPattern]

  /// Each object column's type in filters. A column missing here cannot be filtered on (the test checks that every
  /// object column is here).
  package static let columnTypes: [String: FilterType] = {
    var types: [String: FilterType] = [:]
    for name in [
      "ID", "CUID", "CGID", "UID", "GID", "AGE", "IDLE", "SIZE", "NATTCH", "CPID", "LPID", "RSS", "SWAP",
      "USEDBYTES", "MSGS", "LSPID", "LRPID", "QBYTES", "NSEMS",
    ] {
      types[name] = .number
    }
    for name in ["OWNER", "CUSER", "CGROUP", "USER", "GROUP", "KIND", "STATUS", "COMMAND"] { types[name] = .text }
    for name in ["CTIME", "ATTACH", "DETACH", "SEND", "RECV", "OTIME"] { types[name] = .time }
    types["KEY"] = .key
    types["PERMS"] = .permissions
    return types
  }()

  /// Binds `expression`; a message (without the option's name) and its position when it does not bind.
  package init(_ expression: FilterExpression) throws(FilterSyntaxError) {
    var compiler = Compiler()
    predicate = try compiler.compile(expression)
    patterns = compiler.patterns
    self.expression = expression
  }

  /// Whether `object` is selected.
  package func matches(_ object: IPCObject, _ context: inout RowContext) -> Bool { predicate(object, &context) }

  /// The canonical text of the expression.
  package var text: [UInt8] { FilterPrinter.text(expression) }
}

/// A pattern compiled by glibc's `regcomp` (POSIX extended, no sub-matches), freed with the object.
private final class CompiledPattern {
  var regex = regex_t()

  init(_ pattern: [UInt8], position: Int) throws(FilterSyntaxError) {
    if let problem = SelectionValues.unsafePattern(pattern) { throw FilterSyntaxError(problem, at: position) }
    let code = (pattern.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
      regcomp(&regex, $0.baseAddress, REG_EXTENDED | REG_NOSUB)
    }
    guard code == 0 else {
      var buffer = [CChar](repeating: 0, count: 256)
      regerror(code, &regex, &buffer, buffer.count)
      let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw FilterSyntaxError("the regular expression does not compile: \(reason)", at: position)
    }
  }

  deinit { regfree(&regex) }

  func matches(_ text: [UInt8]) -> Bool {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
      for index in text.indices { buffer[index] = CChar(bitPattern: text[index]) }
      buffer[text.count] = 0
      return regexec(&regex, buffer.baseAddress, 0, nil, 0) == 0
    }
  }
}

/// Bytes ordered as `memcmp` orders them.
private struct Bytes: Comparable {
  var bytes: [UInt8]
  static func < (left: Bytes, right: Bytes) -> Bool { left.bytes.lexicographicallyPrecedes(right.bytes) }
}

/// One side of a comparison, read from the object or fixed.
private enum Side<Value> {
  case constant(Value?)
  case read((IPCObject, inout RowContext) -> Value?)

  func value(_ object: IPCObject, _ context: inout RowContext) -> Value? {
    switch self {
    case .constant(let value): value
    case .read(let get): get(object, &context)
    }
  }
}

private struct Compiler {
  var patterns: [CompiledPattern] = []

  /// An operand resolved: its type, and the column when it is one.
  struct Operand {
    var type: FilterType
    var column: Column?
    var source: FilterOperand

    var shown: String {
      switch source.value {
      case .column: column?.name ?? "?"
      case .number(let number): "\(number)"
      case .string(let bytes): "\"\(String(decoding: bytes, as: UTF8.self))\""
      case .boolean(let value): "\(value)"
      }
    }
  }

  func resolve(_ operand: FilterOperand) throws(FilterSyntaxError) -> Operand {
    switch operand.value {
    case .column(let name):
      let text = String(decoding: name, as: UTF8.self)
      guard let column = ColumnRegistry.column(named: text, in: ColumnRegistry.objectColumns),
        let type = Selection.columnTypes[column.name]
      else {
        let valid = ColumnRegistry.objectColumns.map(\.name).filter { Selection.columnTypes[$0] != nil }
        let known = ColumnRegistry.column(named: text) != nil ? " (a --global column)" : ""
        throw FilterSyntaxError(
          "unknown column '\(text)'\(known); valid columns: \(valid.joined(separator: ", "))",
          at: operand.position
        )
      }
      return Operand(type: type, column: column, source: operand)
    case .number: return Operand(type: .number, column: nil, source: operand)
    case .string: return Operand(type: .text, column: nil, source: operand)
    case .boolean: return Operand(type: .boolean, column: nil, source: operand)
    }
  }

  mutating func compile(_ expression: FilterExpression) throws(FilterSyntaxError) -> Selection.Predicate {
    switch expression {
    case .and(let left, let right):
      let (l, r) = (try compile(left), try compile(right))
      return { object, context in l(object, &context) && r(object, &context) }
    case .or(let left, let right):
      let (l, r) = (try compile(left), try compile(right))
      return { object, context in l(object, &context) || r(object, &context) }
    case .not(let inner):
      let predicate = try compile(inner)
      return { object, context in !predicate(object, &context) }
    case .value(let operand):
      return try truth(resolve(operand))
    case .match(let left, let pattern, let negated):
      return try match(resolve(left), pattern, negated: negated)
    case .compare(let left, let comparison, let right):
      return try compare(resolve(left), comparison, resolve(right))
    }
  }

  // MARK: Values

  static func isString(_ operand: FilterOperand) -> Bool {
    if case .string = operand.value { return true }
    return false
  }

  static func number(_ cell: CellValue) -> Int128? {
    switch cell {
    case .integer(let value): Int128(value)
    case .count(let value), .size(let value): Int128(value)
    case .pid(let pid): Int128(pid.rawValue)
    case .figure(let value), .byteFigure(let value): value.map { Int128($0) }
    default: nil
    }
  }

  static func text(_ cell: CellValue) -> [UInt8]? {
    if case .text(let text) = cell { return text ?? [] }
    return nil
  }

  static func time(_ cell: CellValue) -> Int64? {
    if case .time(let time) = cell { return time?.rawValue }
    return nil
  }

  static func key(_ cell: CellValue) -> UInt32? {
    if case .key(let key) = cell { return key.bitPattern }
    return nil
  }

  static func mode(_ cell: CellValue) -> UInt32? {
    if case .permissions(let mode) = cell { return mode.accessBits }
    return nil
  }

  /// `0x%08x`.
  static func keyText(_ key: UInt32) -> [UInt8] {
    let digits = Array("0123456789abcdef".utf8)
    return [UInt8(ascii: "0"), UInt8(ascii: "x")] + (0..<8).reversed().map { digits[Int((key >> ($0 * 4)) & 15)] }
  }

  /// `rw-r-----`.
  static func modeText(_ bits: UInt32) -> [UInt8] {
    let letters = Array("rwxrwxrwx".utf8)
    return (0..<9).map { bits & (0o400 >> UInt32($0)) != 0 ? letters[$0] : UInt8(ascii: "-") }
  }

  /// A column's reader in the type's own values.
  static func reader<Value>(_ column: Column, _ convert: @escaping (CellValue) -> Value?) -> Side<Value> {
    let cell = column.cell
    return .read { object, context in convert(cell(object, &context)) }
  }

  // MARK: Nodes

  func truth(_ operand: Operand) throws(FilterSyntaxError) -> Selection.Predicate {
    guard let column = operand.column else {
      let value: Bool =
        switch operand.source.value {
        case .number(let number): number != 0
        case .string(let bytes): !bytes.isEmpty
        case .boolean(let value): value
        case .column: false
        }
      return { _, _ in value }
    }
    let cell = column.cell
    switch operand.type {
    case .number: return { object, context in (Self.number(cell(object, &context)) ?? 0) != 0 }
    case .text: return { object, context in !(Self.text(cell(object, &context)) ?? []).isEmpty }
    case .time: return { object, context in Self.time(cell(object, &context)) != nil }
    case .key: return { object, context in (Self.key(cell(object, &context)) ?? 0) != 0 }
    case .permissions: return { object, context in (Self.mode(cell(object, &context)) ?? 0) != 0 }
    case .boolean: return { _, _ in false }
    }
  }

  mutating func match(_ left: Operand, _ pattern: FilterOperand, negated: Bool) throws(FilterSyntaxError)
    -> Selection.Predicate
  {
    guard case .string(let bytes) = pattern.value else {
      throw FilterSyntaxError("expected a string (the regular expression)", at: pattern.position)
    }
    let side: Side<[UInt8]>
    switch (left.type, left.column) {
    case (.text, let column?): side = Self.reader(column, Self.text)
    case (.key, let column?): side = Self.reader(column) { Self.key($0).map(Self.keyText) }
    case (.permissions, let column?): side = Self.reader(column) { Self.mode($0).map(Self.modeText) }
    case (.text, nil) where Self.isString(left.source):
      guard case .string(let literal) = left.source.value else { return { _, _ in false } }
      side = .constant(literal)
    default:
      throw FilterSyntaxError(
        "\(left.shown) is \(left.type.noun) and cannot be matched with a regular expression (only text, KEY and "
          + "PERMS can)",
        at: left.source.position
      )
    }
    let compiled = try CompiledPattern(bytes, position: pattern.position)
    patterns.append(compiled)
    return { object, context in
      guard let text = side.value(object, &context) else { return false }
      return compiled.matches(text) != negated
    }
  }

  func compare(_ left: Operand, _ comparison: FilterComparison, _ right: Operand) throws(FilterSyntaxError)
    -> Selection.Predicate
  {
    let mismatch = FilterSyntaxError(
      "cannot compare \(left.shown) (\(left.type.noun)) with \(right.shown) (\(right.type.noun))",
      at: left.source.position
    )
    switch (left.type, right.type) {
    case (.number, .number):
      return Self.predicate(numbers(left), comparison, numbers(right))
    case (.time, .time), (.time, .number), (.number, .time):
      // An integer against a time is seconds since the epoch; a number column against a time is not allowed.
      guard left.type == right.type || (left.type == .number ? left.column == nil : right.column == nil) else {
        throw mismatch
      }
      return Self.predicate(times(left), comparison, times(right))
    case (.text, .text):
      return Self.predicate(texts(left), comparison, texts(right))
    case (.key, .key), (.key, .number), (.number, .key), (.key, .text), (.text, .key):
      guard left.type == right.type || (left.type == .key ? right.column == nil : left.column == nil) else {
        throw mismatch
      }
      return Self.predicate(try keys(left), comparison, try keys(right))
    case (.permissions, .permissions), (.permissions, .text), (.text, .permissions):
      guard left.type == right.type || (left.type == .permissions ? right.column == nil : left.column == nil) else {
        throw mismatch
      }
      guard comparison == .equal || comparison == .notEqual else {
        throw FilterSyntaxError("PERMS can only be compared with == and !=", at: left.source.position)
      }
      return Self.predicate(try modes(left), comparison, try modes(right))
    case (.boolean, .boolean):
      func value(_ operand: Operand) -> Side<Int> {
        if case .boolean(let value) = operand.source.value { return .constant(value ? 1 : 0) }
        return .constant(nil)
      }
      return Self.predicate(value(left), comparison, value(right))
    default:
      throw mismatch
    }
  }

  static func predicate<Value: Comparable>(_ left: Side<Value>, _ comparison: FilterComparison, _ right: Side<Value>)
    -> Selection.Predicate
  {
    // The usual shape, a column against a literal, without a call for the literal.
    if case .read(let get) = left, case .constant(let fixed) = right {
      guard let fixed else { return { _, _ in false } }
      return { object, context in
        guard let value = get(object, &context) else { return false }
        return comparison.holds(FilterOrder(value, fixed))
      }
    }
    return { object, context in
      guard let l = left.value(object, &context), let r = right.value(object, &context) else { return false }
      return comparison.holds(FilterOrder(l, r))
    }
  }

  func numbers(_ operand: Operand) -> Side<Int128> {
    if let column = operand.column { return Self.reader(column, Self.number) }
    if case .number(let number) = operand.source.value { return .constant(Int128(number)) }
    return .constant(nil)
  }

  func times(_ operand: Operand) -> Side<Int128> {
    if let column = operand.column { return Self.reader(column) { Self.time($0).map { Int128($0) } } }
    return numbers(operand)
  }

  func texts(_ operand: Operand) -> Side<Bytes> {
    if let column = operand.column { return Self.reader(column) { Self.text($0).map(Bytes.init) } }
    if case .string(let bytes) = operand.source.value { return .constant(Bytes(bytes: bytes)) }
    return .constant(nil)
  }

  func keys(_ operand: Operand) throws(FilterSyntaxError) -> Side<Int128> {
    if let column = operand.column { return Self.reader(column) { Self.key($0).map { Int128($0) } } }
    switch operand.source.value {
    case .number(let number): return .constant(Int128(number))
    case .string(let bytes):
      guard case .success(let key) = CommandLineNumber.key(bytes) else {
        throw FilterSyntaxError(
          "\(operand.shown) is not a key (decimal, 0x hexadecimal or 0 octal, within 32 bits)",
          at: operand.source.position
        )
      }
      return .constant(Int128(key.bitPattern))
    default: return .constant(nil)
    }
  }

  func modes(_ operand: Operand) throws(FilterSyntaxError) -> Side<UInt32> {
    if let column = operand.column { return Self.reader(column, Self.mode) }
    guard case .string(let bytes) = operand.source.value, let bits = Self.parseMode(bytes) else {
      throw FilterSyntaxError(
        "\(operand.shown) is not a mode (octal as \"0640\", or letters as \"rw-r-----\")",
        at: operand.source.position
      )
    }
    return .constant(bits)
  }

  /// `0640`, `640` (octal, up to 0777) or `rw-r-----`.
  static func parseMode(_ bytes: [UInt8]) -> UInt32? {
    if !bytes.isEmpty && bytes.count <= 4 && bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
      let value = bytes.reduce(UInt32(0)) { $0 * 8 + UInt32($1 - UInt8(ascii: "0")) }
      return value <= 0o777 ? value : nil
    }
    guard bytes.count == 9 else { return nil }
    let letters = Array("rwxrwxrwx".utf8)
    var bits: UInt32 = 0
    for (index, byte) in bytes.enumerated() {
      if byte == letters[index] {
        bits |= 0o400 >> UInt32(index)
      } else if byte != UInt8(ascii: "-") {
        return nil
      }
    }
    return bits
  }
}

/// A selection applied to snapshots: the objects it rejects are taken out before anything is written.
package struct SnapshotFilter {
  package let selection: Selection?
  package var context: RowContext

  /// With the time now, for AGE and IDLE; `expression` nil selects everything.
  package init(_ expression: FilterExpression?, files: any FileSource, now: Timestamp = .now) {
    // Bound once already, while the command line was read: it cannot fail differently here.
    selection = expression.flatMap { try? Selection($0) }
    context = RowContext(now: now, files: files)
  }

  /// Keeps the objects the selection selects, in their order.
  package mutating func apply(_ snapshot: inout Snapshot) {
    guard let selection else { return }
    snapshot.queues.rows.removeAll { !selection.matches(.messageQueue($0), &context) }
    snapshot.segments.rows.removeAll { !selection.matches(.sharedMemorySegment($0), &context) }
    snapshot.semaphoreSets.rows.removeAll { !selection.matches(.semaphoreSet($0), &context) }
  }
}

extension Timestamp {
  /// The time now (`CLOCK_REALTIME`), in whole seconds.
  package static var now: Timestamp {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Timestamp(rawValue: Int64(now.tv_sec))
  }
}

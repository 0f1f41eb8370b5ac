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
///
/// The expression is compiled once for each kind, over that kind's own struct: a column that does not apply to the
/// kind becomes a constant, and the columns compared most (ids, owners, sizes, counts, times, keys, modes) are read
/// straight from the struct's fields; the others go through the registry's getters. `SelectionTests` checks that
/// both give the same values.
package final class Selection {
  /// The expression as given (the options ANDed), for the report.
  package let expression: FilterExpression
  private let queues: FilterProgram<MessageQueue>
  private let segments: FilterProgram<SharedMemorySegment>
  private let sets: FilterProgram<SemaphoreSet>
  fileprivate let posixSharedMemory: FilterProgram<PosixSharedMemory>
  fileprivate let posixQueues: FilterProgram<PosixMessageQueue>
  fileprivate let posixSemaphores: FilterProgram<PosixSemaphore>

  /// Each object column's type in filters.
  ///
  /// A column missing here cannot be filtered on (the test checks that every object column is here).
  package static let columnTypes: [String: FilterType] = {
    var types: [String: FilterType] = [:]
    for name in [
      "ID", "CUID", "CGID", "UID", "GID", "AGE", "IDLE", "SIZE", "NATTCH", "CPID", "LPID", "RSS", "SWAP",
      "USEDBYTES", "MSGS", "LSPID", "LRPID", "QBYTES", "NSEMS", "NS",
    ] {
      types[name] = .number
    }
    for name in ["OWNER", "CUSER", "CGROUP", "USER", "GROUP", "KIND", "STATUS", "COMMAND", "NAME"] {
      types[name] = .text
    }
    for name in ["CTIME", "ATTACH", "DETACH", "SEND", "RECV", "OTIME", "MTIME"] { types[name] = .time }
    types["SVAL"] = .number
    types["ATTACHED"] = .text
    for name in ["ORPHANED", "ATTACHED-COMPLETE", "CPID-ALIVE", "LPID-ALIVE", "LSPID-ALIVE", "LRPID-ALIVE"] {
      types[name] = .boolean
    }
    types["KEY"] = .key
    types["PERMS"] = .permissions
    return types
  }()

  /// Binds `expression`; a message (without the option's name) and its position when it does not bind.
  ///
  /// AGE and IDLE count from the `now` of the row context the selection is evaluated with.
  package init(_ expression: FilterExpression) throws(FilterSyntaxError) {
    let patterns = PatternCache()
    func program<Row: FilterFields>(_: Row.Type) throws(FilterSyntaxError) -> FilterProgram<Row> {
      var compiler = Compiler<Row>(patterns: patterns)
      return try compiler.compile(expression)
    }
    queues = try program(MessageQueue.self)
    segments = try program(SharedMemorySegment.self)
    sets = try program(SemaphoreSet.self)
    posixSharedMemory = try program(PosixSharedMemory.self)
    posixQueues = try program(PosixMessageQueue.self)
    posixSemaphores = try program(PosixSemaphore.self)
    self.expression = expression
  }

  /// Whether `object` is selected.
  package func matches(_ object: IPCObject, _ context: inout RowContext) -> Bool {
    switch object {
    case .messageQueue(let queue): matches(queue, &context)
    case .sharedMemorySegment(let segment): matches(segment, &context)
    case .semaphoreSet(let set): matches(set, &context)
    case .posixSharedMemory(let object): withUnsafePointer(to: object) { posixSharedMemory.evaluate($0, &context) }
    case .posixMessageQueue(let queue): withUnsafePointer(to: queue) { posixQueues.evaluate($0, &context) }
    case .posixSemaphore(let semaphore): withUnsafePointer(to: semaphore) { posixSemaphores.evaluate($0, &context) }
    }
  }

  /// Whether `row`, an object as a walk delivers it, is selected (without making an `IPCObject` of it).
  package func matches<Row: SysVListable>(_ row: Row, _ context: inout RowContext) -> Bool {
    if let queue = row as? MessageQueue { return matches(queue, &context) }
    if let segment = row as? SharedMemorySegment { return matches(segment, &context) }
    if let set = row as? SemaphoreSet { return matches(set, &context) }
    return matches(row.object, &context)
  }

  // The compiled readers take the object by address: passed by value through the layers of closures, a struct of
  // a hundred bytes would be copied at each.
  package func matches(at queue: UnsafePointer<MessageQueue>, _ context: inout RowContext) -> Bool {
    queues.evaluate(queue, &context)
  }
  package func matches(at segment: UnsafePointer<SharedMemorySegment>, _ context: inout RowContext) -> Bool {
    segments.evaluate(segment, &context)
  }
  package func matches(at set: UnsafePointer<SemaphoreSet>, _ context: inout RowContext) -> Bool {
    sets.evaluate(set, &context)
  }
  package func matches(_ queue: MessageQueue, _ context: inout RowContext) -> Bool {
    withUnsafePointer(to: queue) { queues.evaluate($0, &context) }
  }
  package func matches(_ segment: SharedMemorySegment, _ context: inout RowContext) -> Bool {
    withUnsafePointer(to: segment) { segments.evaluate($0, &context) }
  }
  package func matches(_ set: SemaphoreSet, _ context: inout RowContext) -> Bool {
    withUnsafePointer(to: set) { sets.evaluate($0, &context) }
  }

  /// The canonical text of the expression.
  package var text: [UInt8] { FilterPrinter.text(expression) }
}

/// The patterns of one selection, each compiled once whatever the number of kinds it is compiled for.
private final class PatternCache {
  var compiled: [[UInt8]: CompiledPattern] = [:]

  func pattern(_ bytes: [UInt8], position: Int) throws(FilterSyntaxError) -> CompiledPattern {
    if let known = compiled[bytes] { return known }
    let made = try CompiledPattern(bytes, position: position)
    compiled[bytes] = made
    return made
  }
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

  /// Results for texts already matched: the texts columns hold (names, kinds, states) repeat across objects.
  private var known: [[UInt8]: Bool] = [:]

  deinit { regfree(&regex) }

  func matches(_ text: [UInt8]) -> Bool {
    if let result = known[text] { return result }
    let result = execute(text)
    if known.count < 4096 { known[text] = result }
    return result
  }

  private func execute(_ text: [UInt8]) -> Bool {
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
private enum Side<Row, Value> {
  case constant(Value?)
  case read((UnsafePointer<Row>, inout RowContext) -> Value?)

  func value(_ object: UnsafePointer<Row>, _ context: inout RowContext) -> Value? {
    switch self {
    case .constant(let value): value
    case .read(let get): get(object, &context)
    }
  }
}

/// Compiles an expression for the objects of one kind.
private struct Compiler<Row: FilterFields> {
  typealias Predicate = (UnsafePointer<Row>, inout RowContext) -> Bool
  typealias Reader<Value> = (UnsafePointer<Row>, inout RowContext) -> Value?

  let patterns: PatternCache

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

  /// The program being built.
  var nodes: [ProgramNode] = []
  var children: [Int] = []
  var tests: [Predicate] = []

  mutating func compile(_ expression: FilterExpression) throws(FilterSyntaxError) -> FilterProgram<Row> {
    let root: Int
    switch try compileTree(expression) {
    case .constant(let value): root = add(.constant(value))
    case .node(let index): root = index
    }
    return FilterProgram(nodes: nodes, children: children, tests: tests, root: root)
  }

  /// A node of the program, or a constant, kept recognisable so that `&&`, `||` and `!` of constants fold.
  enum Compiled {
    case constant(Bool)
    case node(Int)
  }

  mutating func add(_ node: ProgramNode) -> Int {
    nodes.append(node)
    return nodes.count - 1
  }

  /// A leaf: a node the program evaluates itself, or a closure.
  enum Leaf {
    case node(ProgramNode)
    case test(Predicate)
  }

  mutating func add(_ leaf: Leaf) -> Compiled {
    switch leaf {
    case .node(.constant(let value)): return .constant(value)
    case .node(let node): return .node(add(node))
    case .test(let predicate):
      tests.append(predicate)
      return .node(add(.test(tests.count - 1)))
    }
  }

  mutating func compileTree(_ expression: FilterExpression) throws(FilterSyntaxError) -> Compiled {
    switch expression {
    case .and, .or:
      // A chain of one operator (`A && B && C`, left-nested) as one list, its constants folded away.
      let isAnd: Bool = if case .and = expression { true } else { false }
      var parts: [Int] = []
      for part in Self.chain(expression, and: isAnd) {
        switch try compileTree(part) {
        case .constant(let value) where value == isAnd: continue
        case .constant: return .constant(!isAnd)
        case .node(let index): parts.append(index)
        }
      }
      if parts.isEmpty { return .constant(isAnd) }
      if parts.count == 1 { return .node(parts[0]) }
      let start = children.count
      children += parts
      return .node(add(isAnd ? .all(start..<children.count) : .any(start..<children.count)))
    case .not(let inner):
      switch try compileTree(inner) {
      case .constant(let value): return .constant(!value)
      case .node(let index): return .node(add(.not(index)))
      }
    default:
      return add(try compileLeaf(expression))
    }
  }

  /// The operands of a chain of `&&` (or `||`), left to right.
  static func chain(_ expression: FilterExpression, and: Bool) -> [FilterExpression] {
    var parts: [FilterExpression] = []
    var rest = expression
    while true {
      switch (rest, and) {
      case (.and(let left, let right), true), (.or(let left, let right), false):
        parts.append(right)
        rest = left
      default:
        parts.append(rest)
        return parts.reversed()
      }
    }
  }

  mutating func compileLeaf(_ expression: FilterExpression) throws(FilterSyntaxError) -> Leaf {
    switch expression {
    case .and, .or, .not:
      preconditionFailure("compileTree handles the operators")
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

  static func text(_ cell: CellValue) -> [UInt8]? { Selection.text(of: cell) }

  /// Yes (1), no (0), or unknown (none): ORPHANED, ATTACHED-COMPLETE, and the `*-ALIVE` columns (alive is yes).
  static func boolean(_ cell: CellValue) -> Int? {
    switch cell {
    case .boolean(let value): value.map { $0 ? 1 : 0 }
    case .liveness(.alive): 1
    case .liveness(.dead): 0
    default: nil
    }
  }
}

extension Selection {
  /// A text column's value in filters; ATTACHED's is its pids, comma-separated, as the table shows them.
  package static func text(of cell: CellValue) -> [UInt8]? {
    switch cell {
    case .text(let text): return text ?? []
    // ATTACHED: the pids, comma-separated, as the table shows them.
    case .list(let values):
      var bytes: [UInt8] = []
      for value in values {
        guard case .record(let fields) = value, case .pid(let pid)? = fields.first?.value else { continue }
        if !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: String(pid.rawValue).utf8)
      }
      return bytes
    default: return nil
    }
  }
}

extension Compiler {

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

  /// A column's reader in the type's own values: a constant none where the column does not apply to the kind,
  /// the struct's field where there is a direct reader, else the registry's getter.
  func reader<Value>(
    _ column: Column,
    direct: Reader<Value>?,
    _ convert: @escaping (CellValue) -> Value?
  ) -> Side<Row, Value> {
    guard column.scope.applies(to: Row.kind) else { return .constant(nil) }
    if let direct { return .read(direct) }
    let value = column.value
    return .read { row, context in convert(value(row.pointee.object, &context)) }
  }

  /// Whole seconds from `time` to now, as AGE and IDLE count them: none when never, 0 for a time in the future.
  static func seconds(_ time: Timestamp?, now: Timestamp) -> Int128? {
    time.map { Int128(max(0, now.rawValue - $0.rawValue)) }
  }

  func directNumber(_ name: String) -> Reader<Int128>? {
    switch name {
    case "ID": return { row, _ in row.pointee.filterID }
    case "UID": return { row, _ in Int128(row.pointee.ownership.owner.rawValue) }
    case "GID": return { row, _ in Int128(row.pointee.ownership.group.rawValue) }
    case "CUID": return { row, _ in Int128(row.pointee.ownership.creator.rawValue) }
    case "CGID": return { row, _ in Int128(row.pointee.ownership.creatorGroup.rawValue) }
    case "AGE": return { row, context in Self.seconds(row.pointee.ageStart, now: context.now) }
    case "IDLE": return { row, context in Self.seconds(row.pointee.lastActivity, now: context.now) }
    default:
      guard let index = Row.ownNumberIndex(name) else { return nil }
      return { row, _ in Row.ownNumber(index, row) }
    }
  }

  func directTime(_ name: String) -> Reader<Int128>? {
    if name == "CTIME" { return { row, _ in row.pointee.filterChangeTime.map { Int128($0.rawValue) } } }
    guard let index = Row.ownTimeIndex(name) else { return nil }
    return { row, _ in Row.ownTime(index, row).map { Int128($0.rawValue) } }
  }

  func directText(_ name: String) -> Reader<[UInt8]>? {
    switch name {
    case "KIND":
      let word = Array(Row.kind.typeWord.utf8)
      return { _, _ in word }
    case "OWNER":
      return { row, context in
        let owner = row.pointee.ownership.owner
        return context.names.userName(owner) ?? Array(String(owner.rawValue).utf8)
      }
    case "USER": return { row, context in context.names.userName(row.pointee.ownership.owner) ?? [] }
    case "CUSER": return { row, context in context.names.userName(row.pointee.ownership.creator) ?? [] }
    case "GROUP": return { row, context in context.names.groupName(row.pointee.ownership.group) ?? [] }
    case "CGROUP": return { row, context in context.names.groupName(row.pointee.ownership.creatorGroup) ?? [] }
    default: return nil
    }
  }

  // MARK: Nodes

  func truth(_ operand: Operand) throws(FilterSyntaxError) -> Leaf {
    guard let column = operand.column else {
      let value: Bool =
        switch operand.source.value {
        case .number(let number): number != 0
        case .string(let bytes): !bytes.isEmpty
        case .boolean(let value): value
        case .column: false
        }
      return .node(.constant(value))
    }
    if !column.scope.applies(to: Row.kind) { return .node(.constant(false)) }
    if let field = Self.field(operand) {
      return .node(operand.type == .time ? .isSet(field) : .compare(field, .notEqual, 0))
    }
    switch operand.type {
    case .number: return Self.truth(numbers(operand)) { $0 != 0 }
    case .text: return Self.truth(texts(operand)) { !$0.bytes.isEmpty }
    case .time: return Self.truth(times(operand)) { _ in true }
    case .key: return Self.truth(try keys(operand)) { $0 != 0 }
    case .permissions: return Self.truth(try modes(operand)) { $0 != 0 }
    case .boolean: return Self.truth(booleans(operand)) { $0 != 0 }
    }
  }

  static func truth<Value>(_ side: Side<Row, Value>, _ test: @escaping (Value) -> Bool) -> Leaf {
    switch side {
    case .constant(let value): return .node(.constant(value.map(test) ?? false))
    case .read(let get): return .test { row, context in get(row, &context).map(test) ?? false }
    }
  }

  /// The field a column operand reads straight from the struct, if it is one of those.
  static func field(_ operand: Operand) -> ProgramField? {
    guard let name = operand.column?.name else { return nil }
    switch name {
    case "ID": return .id
    case "UID": return .uid
    case "GID": return .gid
    case "CUID": return .cuid
    case "CGID": return .cgid
    case "AGE": return .age
    case "IDLE": return .idle
    case "KEY": return .key
    case "PERMS": return .mode
    case "CTIME": return .changeTime
    default:
      if operand.type == .number, let index = Row.ownNumberIndex(name) { return .own(index) }
      if operand.type == .time, let index = Row.ownTimeIndex(name) { return .ownTime(index) }
      return nil
    }
  }

  /// A column read straight from the struct against a literal, as a node of the program; nil for other shapes.
  func fastCompare(
    _ left: Operand,
    _ comparison: FilterComparison,
    _ right: Operand
  ) throws(FilterSyntaxError)
    -> Leaf?
  {
    let (column, literal, op) = left.column != nil ? (left, right, comparison) : (right, left, comparison.mirrored)
    guard literal.column == nil, let columnInfo = column.column else { return nil }
    if !columnInfo.scope.applies(to: Row.kind) { return .node(.constant(false)) }
    guard let field = Self.field(column) else { return nil }
    let value: Int128?
    switch column.type {
    case .number, .time:
      guard case .number(let number) = literal.source.value else { return nil }
      value = Int128(number)
    case .key:
      guard case .constant(let key) = try keys(literal) else { return nil }
      value = key
    case .permissions:
      guard case .constant(let mode) = try modes(literal) else { return nil }
      value = mode.map { Int128($0) }
    default: return nil
    }
    guard let value else { return .node(.constant(false)) }
    return .node(.compare(field, op, value))
  }

  mutating func match(
    _ left: Operand,
    _ pattern: FilterOperand,
    negated: Bool
  ) throws(FilterSyntaxError)
    -> Leaf
  {
    guard case .string(let bytes) = pattern.value else {
      throw FilterSyntaxError("expected a string (the regular expression)", at: pattern.position)
    }
    let side: Side<Row, [UInt8]>
    switch (left.type, left.column) {
    case (.text, let column?): side = reader(column, direct: directText(column.name), Self.text)
    case (.key, let column?):
      side = reader(column, direct: { row, _ in row.pointee.filterKey.map { Self.keyText(UInt32($0)) } }) {
        Self.key($0).map(Self.keyText)
      }
    case (.permissions, let column?):
      side = reader(column, direct: { row, _ in Self.modeText(row.pointee.ownership.mode.accessBits) }) {
        Self.mode($0).map(Self.modeText)
      }
    case (.text, nil) where Self.isString(left.source):
      guard case .string(let literal) = left.source.value else { return .node(.constant(false)) }
      side = .constant(literal)
    default:
      throw FilterSyntaxError(
        "\(left.shown) is \(left.type.noun) and cannot be matched with a regular expression (only text, KEY and "
          + "PERMS can)",
        at: left.source.position
      )
    }
    let compiled = try patterns.pattern(bytes, position: pattern.position)
    if case .constant(let value) = side {
      return .node(.constant(value.map { compiled.matches($0) != negated } ?? false))
    }
    return .test { object, context in
      guard let text = side.value(object, &context) else { return false }
      return compiled.matches(text) != negated
    }
  }

  func compare(
    _ left: Operand,
    _ comparison: FilterComparison,
    _ right: Operand
  ) throws(FilterSyntaxError)
    -> Leaf
  {
    let mismatch = FilterSyntaxError(
      "cannot compare \(left.shown) (\(left.type.noun)) with \(right.shown) (\(right.type.noun))",
      at: left.source.position
    )
    switch (left.type, right.type) {
    case (.number, .number):
      if let fast = try fastCompare(left, comparison, right) { return fast }
      return Self.predicate(numbers(left), comparison, numbers(right))
    case (.time, .time), (.time, .number), (.number, .time):
      // An integer against a time is seconds since the epoch; a number column against a time is not allowed.
      guard left.type == right.type || (left.type == .number ? left.column == nil : right.column == nil) else {
        throw mismatch
      }
      if let fast = try fastCompare(left, comparison, right) { return fast }
      return Self.predicate(times(left), comparison, times(right))
    case (.text, .text):
      return Self.predicate(texts(left), comparison, texts(right))
    case (.key, .key), (.key, .number), (.number, .key), (.key, .text), (.text, .key):
      guard left.type == right.type || (left.type == .key ? right.column == nil : left.column == nil) else {
        throw mismatch
      }
      if let fast = try fastCompare(left, comparison, right) { return fast }
      return Self.predicate(try keys(left), comparison, try keys(right))
    case (.permissions, .permissions), (.permissions, .text), (.text, .permissions):
      guard left.type == right.type || (left.type == .permissions ? right.column == nil : left.column == nil) else {
        throw mismatch
      }
      guard comparison == .equal || comparison == .notEqual else {
        throw FilterSyntaxError("PERMS can only be compared with == and !=", at: left.source.position)
      }
      if let fast = try fastCompare(left, comparison, right) { return fast }
      return Self.predicate(try modes(left), comparison, try modes(right))
    case (.boolean, .boolean):
      return Self.predicate(booleans(left), comparison, booleans(right))
    default:
      throw mismatch
    }
  }

  static func predicate<Value: Comparable>(
    _ left: Side<Row, Value>,
    _ comparison: FilterComparison,
    _ right: Side<Row, Value>
  ) -> Leaf {
    if case .constant(let l) = left, case .constant(let r) = right {
      return .node(.constant(l.flatMap { l in r.map { comparison.holds(FilterOrder(l, $0)) } } ?? false))
    }
    // A column against a literal (either way round): one closure per operator, so that each object costs a read
    // and one comparison.
    if case .read(let get) = left, case .constant(let fixed) = right {
      guard let fixed else { return .node(.constant(false)) }
      return .test(against(get, comparison, fixed))
    }
    if case .constant(let fixed) = left, case .read(let get) = right {
      guard let fixed else { return .node(.constant(false)) }
      return .test(against(get, comparison.mirrored, fixed))
    }
    return .test { object, context in
      guard let l = left.value(object, &context), let r = right.value(object, &context) else { return false }
      return comparison.holds(FilterOrder(l, r))
    }
  }

  /// `get(object) <comparison> fixed`, false where the object has no value.
  static func against<Value: Comparable>(
    _ get: @escaping Reader<Value>,
    _ comparison: FilterComparison,
    _ fixed: Value
  ) -> Predicate {
    switch comparison {
    case .equal: { object, context in get(object, &context).map { $0 == fixed } ?? false }
    case .notEqual: { object, context in get(object, &context).map { $0 != fixed } ?? false }
    case .less: { object, context in get(object, &context).map { $0 < fixed } ?? false }
    case .lessOrEqual: { object, context in get(object, &context).map { $0 <= fixed } ?? false }
    case .greater: { object, context in get(object, &context).map { $0 > fixed } ?? false }
    case .greaterOrEqual: { object, context in get(object, &context).map { $0 >= fixed } ?? false }
    }
  }

  func booleans(_ operand: Operand) -> Side<Row, Int> {
    if let column = operand.column { return reader(column, direct: nil, Self.boolean) }
    if case .boolean(let value) = operand.source.value { return .constant(value ? 1 : 0) }
    return .constant(nil)
  }

  func numbers(_ operand: Operand) -> Side<Row, Int128> {
    if let column = operand.column { return reader(column, direct: directNumber(column.name), Self.number) }
    if case .number(let number) = operand.source.value { return .constant(Int128(number)) }
    return .constant(nil)
  }

  func times(_ operand: Operand) -> Side<Row, Int128> {
    if let column = operand.column {
      return reader(column, direct: directTime(column.name)) { Self.time($0).map { Int128($0) } }
    }
    return numbers(operand)
  }

  func texts(_ operand: Operand) -> Side<Row, Bytes> {
    if let column = operand.column {
      let direct = directText(column.name).map { read in
        { (row: UnsafePointer<Row>, context: inout RowContext) in read(row, &context).map(Bytes.init) }
      }
      return reader(column, direct: direct) { Self.text($0).map(Bytes.init) }
    }
    if case .string(let bytes) = operand.source.value { return .constant(Bytes(bytes: bytes)) }
    return .constant(nil)
  }

  func keys(_ operand: Operand) throws(FilterSyntaxError) -> Side<Row, Int128> {
    if let column = operand.column {
      return reader(column, direct: { row, _ in row.pointee.filterKey }) {
        Self.key($0).map { Int128($0) }
      }
    }
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

  func modes(_ operand: Operand) throws(FilterSyntaxError) -> Side<Row, UInt32> {
    if let column = operand.column {
      return reader(column, direct: { row, _ in row.pointee.ownership.mode.accessBits }, Self.mode)
    }
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
  ///
  /// The row context it evaluates with is also the one the column views read their cells with.
  package init(
    _ expression: FilterExpression?,
    files: any FileSource,
    processes: any ProcessSource = LiveProcesses(),
    sysV: (any SysVSource)? = nil,
    now: Timestamp = .now
  ) {
    // Bound once already, while the command line was read: it cannot fail differently here.
    selection = expression.flatMap { try? Selection($0) }
    context = RowContext(now: now, files: files, processes: processes, sysV: sysV)
  }

  /// Keeps the objects the selection selects, in their order; the row context takes the snapshot's namespace.
  package mutating func apply(_ snapshot: inout Snapshot) {
    context.namespace = snapshot.namespace
    context.processes.namespace = snapshot.namespace
    // The POSIX holders are looked for among the files of the snapshot only (ATTACHED, ORPHANED).
    let files =
      snapshot.posixSharedMemory.rows.map(\.file) + snapshot.posixQueues.rows.map(\.file)
      + snapshot.posixSemaphores.rows.map(\.file)
    if !files.isEmpty { context.processes.holderFiles = Set(files) }
    guard let selection else { return }
    Self.keep(&snapshot.queues.rows) { selection.matches(at: $0, &context) }
    Self.keep(&snapshot.segments.rows) { selection.matches(at: $0, &context) }
    Self.keep(&snapshot.semaphoreSets.rows) { selection.matches(at: $0, &context) }
    Self.keep(&snapshot.posixSharedMemory.rows) { selection.posixSharedMemory.evaluate($0, &context) }
    Self.keep(&snapshot.posixQueues.rows) { selection.posixQueues.evaluate($0, &context) }
    Self.keep(&snapshot.posixSemaphores.rows) { selection.posixSemaphores.evaluate($0, &context) }
  }

  /// Keeps the rows `test` accepts, in their order, each tested where it lies (a row of a hundred bytes is not
  /// copied to be tested).
  private static func keep<Row>(_ rows: inout [Row], _ test: (UnsafePointer<Row>) -> Bool) {
    let kept = rows.withUnsafeMutableBufferPointer { buffer -> Int in
      guard let base = buffer.baseAddress else { return 0 }
      var kept = 0
      for index in 0..<buffer.count where test(base + index) {
        if kept != index { buffer.swapAt(kept, index) }
        kept += 1
      }
      return kept
    }
    rows.removeLast(rows.count - kept)
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

/// What the compiled filters read straight from each kind's struct.
///
/// Its own number and time columns (by a small index, so that the program reads them with a switch), and its
/// newest activity (IDLE's start). A column not named here is read through the registry.
private protocol FilterFields {
  static var kind: ObjectKind { get }
  var object: IPCObject { get }
  var ownership: Ownership { get }
  /// ID, KEY and CTIME: a System V object's; none for a POSIX object.
  var filterID: Int128? { get }
  var filterKey: Int128? { get }
  var filterChangeTime: Timestamp? { get }
  /// AGE's start: CTIME, or a POSIX object's MTIME.
  var ageStart: Timestamp? { get }
  static func ownNumberIndex(_ column: String) -> UInt8?
  static func ownNumber(_ index: UInt8, _ row: UnsafePointer<Self>) -> Int128?
  static func ownTimeIndex(_ column: String) -> UInt8?
  static func ownTime(_ index: UInt8, _ row: UnsafePointer<Self>) -> Timestamp?
  var lastActivity: Timestamp? { get }
}

extension FilterFields where Self: SysVListable {
  var filterID: Int128? { Int128(id) }
  var filterKey: Int128? { Int128(key.bitPattern) }
  var filterChangeTime: Timestamp? { changeTime }
  var ageStart: Timestamp? { changeTime }
}

/// The POSIX kinds: no id, key or CTIME; AGE and IDLE count from MTIME; their own columns through the registry.
extension FilterFields where Self: PosixObject {
  var filterID: Int128? { nil }
  var filterKey: Int128? { nil }
  var filterChangeTime: Timestamp? { nil }
  var ageStart: Timestamp? { modificationTime }
  var lastActivity: Timestamp? { modificationTime }
  static func ownNumberIndex(_ column: String) -> UInt8? { nil }
  static func ownNumber(_ index: UInt8, _ row: UnsafePointer<Self>) -> Int128? { nil }
  static func ownTimeIndex(_ column: String) -> UInt8? { nil }
  static func ownTime(_ index: UInt8, _ row: UnsafePointer<Self>) -> Timestamp? { nil }
}

extension PosixSharedMemory: FilterFields {
  var object: IPCObject { .posixSharedMemory(self) }
}

extension PosixMessageQueue: FilterFields {
  var object: IPCObject { .posixMessageQueue(self) }
}

extension PosixSemaphore: FilterFields {
  var object: IPCObject { .posixSemaphore(self) }
}

extension SharedMemorySegment: FilterFields {
  private static let numbers = ["SIZE", "NATTCH", "CPID", "LPID"]
  private static let times = ["ATTACH", "DETACH"]
  static func ownNumberIndex(_ column: String) -> UInt8? { numbers.firstIndex(of: column).map { UInt8($0) } }
  static func ownNumber(_ index: UInt8, _ row: UnsafePointer<Self>) -> Int128? {
    switch index {
    case 0: Int128(row.pointee.size)
    case 1: Int128(row.pointee.attachCount)
    case 2: Int128(row.pointee.creatorPID.rawValue)
    default: Int128(row.pointee.lastOperationPID.rawValue)
    }
  }
  static func ownTimeIndex(_ column: String) -> UInt8? { times.firstIndex(of: column).map { UInt8($0) } }
  static func ownTime(_ index: UInt8, _ row: UnsafePointer<Self>) -> Timestamp? {
    index == 0 ? row.pointee.attachTime : row.pointee.detachTime
  }
  var lastActivity: Timestamp? { latest(latest(attachTime, detachTime), changeTime) }
}

extension MessageQueue: FilterFields {
  private static let numbers = ["USEDBYTES", "MSGS", "LSPID", "LRPID", "QBYTES"]
  private static let times = ["SEND", "RECV"]
  static func ownNumberIndex(_ column: String) -> UInt8? { numbers.firstIndex(of: column).map { UInt8($0) } }
  static func ownNumber(_ index: UInt8, _ row: UnsafePointer<Self>) -> Int128? {
    switch index {
    case 0: Int128(row.pointee.usedBytes)
    case 1: Int128(row.pointee.messageCount)
    case 2: Int128(row.pointee.lastSendPID.rawValue)
    case 3: Int128(row.pointee.lastReceivePID.rawValue)
    default: row.pointee.capacityBytes.map { Int128($0) }
    }
  }
  static func ownTimeIndex(_ column: String) -> UInt8? { times.firstIndex(of: column).map { UInt8($0) } }
  static func ownTime(_ index: UInt8, _ row: UnsafePointer<Self>) -> Timestamp? {
    index == 0 ? row.pointee.sendTime : row.pointee.receiveTime
  }
  var lastActivity: Timestamp? { latest(latest(sendTime, receiveTime), changeTime) }
}

extension SemaphoreSet: FilterFields {
  static func ownNumberIndex(_ column: String) -> UInt8? { column == "NSEMS" ? 0 : nil }
  static func ownNumber(_ index: UInt8, _ row: UnsafePointer<Self>) -> Int128? { Int128(row.pointee.semaphoreCount) }
  static func ownTimeIndex(_ column: String) -> UInt8? { column == "OTIME" ? 0 : nil }
  static func ownTime(_ index: UInt8, _ row: UnsafePointer<Self>) -> Timestamp? { row.pointee.operationTime }
  var lastActivity: Timestamp? { latest(operationTime, changeTime) }
}

/// A field a program node reads straight from an object.
private enum ProgramField: Hashable {
  case id, uid, gid, cuid, cgid, age, idle, key, mode, changeTime
  /// A number column of the kind's own (`FilterFields.ownNumber`).
  case own(UInt8)
  /// A time column of the kind's own.
  case ownTime(UInt8)
}

/// A node of a compiled program.
private enum ProgramNode {
  case constant(Bool)
  /// All (or any) of the nodes listed in `children[range]`, left to right, stopping at the first that decides.
  case all(Range<Int>)
  case any(Range<Int>)
  case not(Int)
  /// `tests[index]`: a closure, for what the program does not read itself (text, patterns, two columns).
  case test(Int)
  /// A field against a value; false where the object has no value.
  case compare(ProgramField, FilterComparison, Int128)
  /// A time field that is set.
  case isSet(ProgramField)
}

/// An expression compiled for one kind: a flat array of nodes, evaluated without a closure call (or a reference
/// count) for the comparisons of fields with literals.
private final class FilterProgram<Row: FilterFields> {
  let nodes: [ProgramNode]
  let children: [Int]
  let tests: [(UnsafePointer<Row>, inout RowContext) -> Bool]
  let root: Int

  init(nodes: [ProgramNode], children: [Int], tests: [(UnsafePointer<Row>, inout RowContext) -> Bool], root: Int) {
    self.nodes = nodes
    self.children = children
    self.tests = tests
    self.root = root
  }

  func evaluate(_ row: UnsafePointer<Row>, _ context: inout RowContext) -> Bool {
    nodes.withUnsafeBufferPointer { nodes in
      children.withUnsafeBufferPointer { children in
        evaluate(root, nodes, children, row, &context)
      }
    }
  }

  private func evaluate(
    _ index: Int,
    _ nodes: UnsafeBufferPointer<ProgramNode>,
    _ children: UnsafeBufferPointer<Int>,
    _ row: UnsafePointer<Row>,
    _ context: inout RowContext
  ) -> Bool {
    switch nodes[index] {
    case .constant(let value): return value
    case .compare(let field, let comparison, let value):
      guard let actual = read(field, row, now: context.now) else { return false }
      return comparison.test(actual, value)
    case .isSet(let field): return read(field, row, now: context.now) != nil
    case .all(let range):
      // The chains of comparisons the shorthands and most expressions make: each comparison tested here, without a
      // call.
      for child in range {
        let node = children[child]
        if case .compare(let field, let comparison, let value) = nodes[node] {
          guard let actual = read(field, row, now: context.now), comparison.test(actual, value) else { return false }
        } else if !evaluate(node, nodes, children, row, &context) {
          return false
        }
      }
      return true
    case .any(let range):
      for child in range where evaluate(children[child], nodes, children, row, &context) { return true }
      return false
    case .not(let inner): return !evaluate(inner, nodes, children, row, &context)
    case .test(let test): return tests[test](row, &context)
    }
  }

  @inline(__always)
  private func read(_ field: ProgramField, _ row: UnsafePointer<Row>, now: Timestamp) -> Int128? {
    switch field {
    case .id: row.pointee.filterID
    case .uid: Int128(row.pointee.ownership.owner.rawValue)
    case .gid: Int128(row.pointee.ownership.group.rawValue)
    case .cuid: Int128(row.pointee.ownership.creator.rawValue)
    case .cgid: Int128(row.pointee.ownership.creatorGroup.rawValue)
    case .age: row.pointee.ageStart.map { Int128(max(0, now.rawValue - $0.rawValue)) }
    case .idle: row.pointee.lastActivity.map { Int128(max(0, now.rawValue - $0.rawValue)) }
    case .key: row.pointee.filterKey
    case .mode: Int128(row.pointee.ownership.mode.accessBits)
    case .changeTime: row.pointee.filterChangeTime.map { Int128($0.rawValue) }
    case .own(let index): Row.ownNumber(index, row)
    case .ownTime(let index): Row.ownTime(index, row).map { Int128($0.rawValue) }
    }
  }
}

extension FilterComparison {
  @inline(__always)
  fileprivate func test(_ actual: Int128, _ value: Int128) -> Bool {
    switch self {
    case .equal: actual == value
    case .notEqual: actual != value
    case .less: actual < value
    case .lessOrEqual: actual <= value
    case .greater: actual > value
    case .greaterOrEqual: actual >= value
    }
  }
}

/// The later of two times, never (nil) counting as earlier than any.
private func latest(_ first: Timestamp?, _ second: Timestamp?) -> Timestamp? {
  guard let first else { return second }
  guard let second else { return first }
  return Swift.max(first, second)
}

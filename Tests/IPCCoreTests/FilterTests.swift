import IPCCore
import IPCModel
import Testing

/// The filter language: the parser (positions, precedence, bounds), the printer (text that parses to the same
/// tree), durations, the pattern checks, and the binding to the columns with its evaluation on objects.
struct FilterTests {
  static func parse(_ text: String) throws(FilterSyntaxError) -> FilterExpression {
    try FilterParser.parse(Array(text.utf8))
  }

  static func error(_ text: String) -> FilterSyntaxError? {
    do throws(FilterSyntaxError) {
      _ = try Selection(parse(text))
      return nil
    } catch {
      return error
    }
  }

  static func column(_ name: String) -> FilterOperand { FilterOperand(.column(Array(name.utf8))) }
  static func number(_ value: UInt64) -> FilterOperand { FilterOperand(.number(value)) }

  @Test("precedence: || loosest, then &&, then !, then the comparisons")
  func precedence() throws {
    let a = FilterExpression.compare(Self.column("A"), .equal, Self.number(1))
    let b = FilterExpression.value(Self.column("B"))
    let c = FilterExpression.value(Self.column("C"))
    #expect(try Self.parse("A == 1 || B && C").withoutPositions == .or(a, .and(b, c)))
    #expect(try Self.parse("A eq 1 OR B and C").withoutPositions == .or(a, .and(b, c)))
    #expect(try Self.parse("(A == 1 || B) && C").withoutPositions == .and(.or(a, b), c))
    #expect(try Self.parse("! A == 1").withoutPositions == .not(a))
    #expect(try Self.parse("not not B").withoutPositions == .not(.not(b)))
    #expect(try Self.parse("B && C && A == 1").withoutPositions == .and(.and(b, c), a))
  }

  @Test("literals: suffixes in powers of 1024, hexadecimal, both quotes, booleans")
  func literals() throws {
    func value(_ text: String) throws -> FilterOperand.Value? {
      if case .compare(_, _, let right) = try Self.parse("SIZE == " + text) { return right.value }
      return nil
    }
    #expect(try value("1K") == .number(1024))
    #expect(try value("2MiB") == .number(2 << 20))
    #expect(try value("3G") == .number(3 << 30))
    #expect(try value("1T") == .number(1 << 40))
    #expect(try value("0x162e") == .number(0x162e))
    #expect(try value("'a\"b'") == .string(Array("a\"b".utf8)))
    #expect(try value("\"it's\"") == .string(Array("it's".utf8)))
    #expect(try value("TRUE") == .boolean(true))
    #expect(try value("false") == .boolean(false))
    #expect(try value("USE%") == .column(Array("USE%".utf8)))
  }

  @Test(
    "every syntax error names what is wrong and where",
    arguments: [
      ("(ID == 1 && KEY ", "expected ')' at column 17"),
      ("", "the expression is empty"),
      ("   ", "the expression is empty"),
      ("OWNER == \"root", "unterminated string at column 10"),
      ("ID = 1", "unexpected '=' (use == to compare) at column 4"),
      ("ID == 1 & KEY", "unexpected '&' (use &&) at column 9"),
      ("ID ==", "expected a column name or a value after '==' at column 6"),
      ("ID == && KEY", "expected a column name or a value after '==', found '&&' at column 7"),
      ("ID < 2 < 3", "unexpected '<'; comparisons do not chain (use && between them) at column 8"),
      ("ID 1", "unexpected '1'; use && or || between conditions at column 4"),
      ("SIZE > 5k", "invalid number '5k' (suffixes are K, M, G, T, P, E, powers of 1024) at column 8"),
      ("SIZE > 1.5", "invalid number '1.5' (fractions are not supported: no column has them) at column 8"),
      ("SIZE > 99999999999999999999", "number '99999999999999999999' is too large at column 8"),
      ("SIZE > 16E", "number '16E' is too large at column 8"),
      ("OWNER =~ 3", "expected a string (the regular expression) after '=~' at column 10"),
      ("ID == 1 && $", "unexpected character '$' at column 12"),
      ("&& ID", "expected a condition, found '&&' at column 1"),
      ("()", "expected a condition, found ')' at column 2"),
    ]
  )
  func syntaxErrors(text: String, message: String) {
    #expect(Self.error(text)?.description == message)
  }

  @Test("binding errors: unknown columns list the valid ones, mismatches name their operands")
  func bindingErrors() throws {
    let unknown = try #require(Self.error("ID == 1 && FOO"))
    #expect(unknown.position == 12)
    #expect(unknown.message.hasPrefix("unknown column 'FOO'; valid columns: KEY, ID, OWNER, PERMS, "))
    #expect(Self.error("LIMIT > 3")?.message.hasPrefix("unknown column 'LIMIT' (a --global column); valid") == true)
    #expect(
      Self.error("SIZE =~ \"x\"")?.description
        == "SIZE is a number and cannot be matched with a regular expression (only text, KEY and PERMS can) at column 1"
    )
    #expect(Self.error("OWNER > 3")?.description == "cannot compare OWNER (text) with 3 (a number) at column 1")
    #expect(
      Self.error("NATTCH == \"0\"")?.description == "cannot compare NATTCH (a number) with \"0\" (text) at column 1"
    )
    #expect(Self.error("CTIME == AGE")?.description == "cannot compare CTIME (a time) with AGE (a number) at column 1")
    #expect(Self.error("CTIME > \"today\"")?.message == "cannot compare CTIME (a time) with \"today\" (text)")
    #expect(Self.error("KEY == \"zz\"")?.message.hasPrefix("\"zz\" is not a key") == true)
    #expect(Self.error("PERMS == \"rwz------\"")?.message.hasPrefix("\"rwz------\" is not a mode") == true)
    #expect(Self.error("PERMS > \"0600\"")?.message == "PERMS can only be compared with == and !=")
    #expect(Self.error("true == 1")?.message == "cannot compare true (a boolean) with 1 (a number)")
    #expect(
      Self.error("OWNER =~ \"(\"")?.description
        == "the regular expression does not compile: Unmatched ( or \\( at column 10"
    )
    #expect(Self.error("OWNER =~ \"(a+)+\"")?.message == "the regular expression repeats a group that repeats")
    #expect(Self.error("OWNER =~ \"a**\"")?.message == "the regular expression repeats a repetition ('**')")
    #expect(Self.error("OWNER =~ \"a{1,9999}\"")?.message == "the regular expression repeats more than 1024 times")
    #expect(Self.error("OWNER =~ \"[*+]x+\"") == nil)
    #expect(Self.error("OWNER =~ \"^(www-data|nginx)$\"") == nil)
  }

  @Test("bounds: length, operands and operators, nesting")
  func bounds() {
    #expect(Self.error(String(repeating: " ", count: 1025) + "ID")?.message.contains("longer than 1024") == true)
    let many = Array(repeating: "ID", count: 129).joined(separator: " || ")
    #expect(Self.error(many)?.message.contains("more than 256 operands") == true)
    let deep = String(repeating: "(", count: 65) + "ID" + String(repeating: ")", count: 65)
    #expect(Self.error(deep)?.message.contains("more than 64 parentheses") == true)
    let negations = String(repeating: "!", count: 70) + "ID"
    #expect(Self.error(negations)?.message.contains("more than 64") == true)
    #expect(Self.error(String(repeating: "(", count: 60) + "ID" + String(repeating: ")", count: 60)) == nil)
    let pattern = String(repeating: "a", count: 257)
    #expect(Self.error("OWNER =~ \"\(pattern)\"")?.message.contains("longer than 256") == true)
  }

  @Test(
    "the printer's text parses to the same tree",
    arguments: [
      "A == 1 || B && C", "!(A) && (B || !C)", "KEY == 0x162e", "OWNER =~ 'a\"b' || USER !~ \"^x$\"",
      "SIZE >= 1G and not (NATTCH gt 0)", "true", "\"text\"", "ID != 4294967295 || AGE <= 18446744073709551615",
      "A || (B || C)", "A && (B && C)", "!(A || B) && !!C", "(A || B) && C && (D || E && F)",
      Array(repeating: "ID", count: 120).joined(separator: " || "),
    ]
  )
  func printerRoundTrip(text: String) throws {
    let tree = try Self.parse(text)
    let printed = FilterPrinter.text(tree)
    #expect(try FilterParser.parse(printed).withoutPositions == tree.withoutPositions, "\(printed.text)")
  }

  @Test("durations: seconds, s, m, h, d; nothing else")
  func durations() {
    #expect(SelectionValues.duration(Array("90s".utf8)) == 90)
    #expect(SelectionValues.duration(Array("15m".utf8)) == 900)
    #expect(SelectionValues.duration(Array("2h".utf8)) == 7200)
    #expect(SelectionValues.duration(Array("7d".utf8)) == 604_800)
    #expect(SelectionValues.duration(Array("3600".utf8)) == 3600)
    for bad in ["1x", "-5m", "", "m", "1.5h", "1 h", "+5", "99999999999999999999", "999999999999999999d"] {
      #expect(SelectionValues.duration(Array(bad.utf8)) == nil, "\(bad)")
    }
  }

  // MARK: Evaluation

  static let now = Timestamp(rawValue: 1_700_001_000)

  static func segment(
    id: Int32,
    key: Int32 = 0,
    owner: UInt32 = 0,
    size: UInt64 = 4096,
    attached: UInt64 = 0,
    mode: UInt32 = 0o600,
    attachTime: Int64 = 0
  ) -> IPCObject {
    var segment = FakeSysV.segment(id, key: key, owner: owner)
    segment.size = size
    segment.attachCount = attached
    segment.ownership.mode = IPCMode(rawValue: mode)
    segment.attachTime = Timestamp(kernelValue: attachTime)
    return .sharedMemorySegment(segment)
  }

  static let queue = IPCObject.messageQueue(
    MessageQueue(
      id: 7,
      key: IPCKey(rawValue: 0x162e),
      ownership: Ownership(
        owner: UserID(rawValue: 0),
        group: GroupID(rawValue: 0),
        creator: UserID(rawValue: 0),
        creatorGroup: GroupID(rawValue: 0),
        mode: IPCMode(rawValue: 0o644)
      ),
      usedBytes: 10,
      messageCount: 2,
      capacityBytes: nil,
      lastSendPID: ProcessID(rawValue: 0),
      lastReceivePID: ProcessID(rawValue: 0),
      sendTime: nil,
      receiveTime: nil,
      changeTime: Timestamp(kernelValue: 1_700_000_000)
    )
  )

  static func matches(_ text: String, _ object: IPCObject) throws -> Bool {
    let selection = try Selection(try parse(text))
    var context = RowContext(now: now, files: FakeFiles(), processes: FakeProcesses())
    return selection.matches(object, &context)
  }

  @Test("typed comparisons on objects")
  func evaluation() throws {
    let big = Self.segment(id: 1, key: 0x162e, size: 3 << 30, attached: 2, mode: 0o640, attachTime: 1_700_000_500)
    let small = Self.segment(id: 2, owner: 4242, size: 100)
    #expect(try Self.matches("SIZE >= 3G && NATTCH == 2", big))
    #expect(try !Self.matches("SIZE > 3G", big))
    #expect(try Self.matches("KEY == 0x162e && KEY == \"0x0000162e\" && KEY == 5678 && KEY =~ \"^0x0000162e$\"", big))
    #expect(try Self.matches("PERMS == \"0640\" && PERMS == \"rw-r-----\" && PERMS =~ \"^rw-r\"", big))
    #expect(try Self.matches("AGE == 1000 && IDLE == 500 && ATTACH == 1700000500 && ATTACH > CTIME", big))
    #expect(try Self.matches("KIND == \"shm\" && OWNER == \"0\" || OWNER == \"root\"", big))
    #expect(try Self.matches("UID == 4242 && !NATTCH && !KEY && !ATTACH", small))
    #expect(try Self.matches("NATTCH && KEY && ATTACH", big))
    #expect(try Self.matches("OWNER < \"z\" && USER >= \"\"", small))
    // Not applicable, and unknown: every comparison is false; negation of it true.
    #expect(try !Self.matches("SIZE > 0", Self.queue))
    #expect(try !Self.matches("SIZE != 0", Self.queue))
    #expect(try Self.matches("!(SIZE > 0)", Self.queue))
    #expect(try !Self.matches("STATUS !~ \"dest\"", Self.queue))
    #expect(try !Self.matches("QBYTES >= 0", Self.queue))
    #expect(try !Self.matches("SEND > 0 || SEND <= 0", Self.queue))
    #expect(try Self.matches("MSGS == 2 && USEDBYTES == 10 && KIND == 'msg'", Self.queue))
    #expect(try Self.matches("1 < 2 && \"a\" < \"b\" && false == false && !false", Self.queue))
  }

  static let posixOwnership = Ownership(
    owner: UserID(rawValue: 4242),
    group: GroupID(rawValue: 7),
    creator: UserID(rawValue: 4242),
    creatorGroup: GroupID(rawValue: 7),
    mode: IPCMode(rawValue: 0o640)
  )
  static let posixObjects: [IPCObject] = [
    .posixSharedMemory(
      PosixSharedMemory(
        name: PosixName(bytes: Array("app.shm".utf8)),
        ownership: posixOwnership,
        size: 8192,
        modificationTime: Timestamp(kernelValue: 1_700_000_400),
        file: PosixFileIdentity(device: 25, inode: 7)
      )
    ),
    .posixMessageQueue(
      PosixMessageQueue(
        name: PosixName(bytes: Array("jobs".utf8)),
        ownership: posixOwnership,
        usedBytes: 12,
        messageCount: 3,
        modificationTime: Timestamp(kernelValue: 1_700_000_900),
        file: PosixFileIdentity(device: 26, inode: 8)
      )
    ),
    .posixSemaphore(
      PosixSemaphore(
        name: PosixName(bytes: Array("lock".utf8)),
        ownership: posixOwnership,
        value: nil,
        modificationTime: nil,
        file: PosixFileIdentity(device: 25, inode: 9)
      )
    ),
  ]

  @Test("POSIX objects: their own columns, the shared ones, and none of System V's")
  func posixEvaluation() throws {
    let (shared, queue, semaphore) = (Self.posixObjects[0], Self.posixObjects[1], Self.posixObjects[2])
    #expect(try Self.matches("NAME == \"app.shm\" && SIZE == 8K && KIND == \"pshm\" && UID == 4242", shared))
    #expect(try Self.matches("AGE == 600 && IDLE == 600 && MTIME == 1700000400 && PERMS == \"0640\"", shared))
    #expect(try Self.matches("NAME =~ \"^/jo\" && MSGS == 3 && USEDBYTES == 12 && AGE == 100", queue))
    // Not applicable: KEY, ID, CTIME, NATTCH; an unreadable value (SVAL) and a time never set match nothing.
    for object in Self.posixObjects {
      #expect(try !Self.matches("KEY == 0 || KEY != 0 || ID >= 0 || CTIME > 0 || NATTCH >= 0", object))
    }
    #expect(try !Self.matches("SVAL == 0 || SVAL != 0 || MTIME > 0 || AGE >= 0", semaphore))
    #expect(try Self.matches("!(SVAL >= 0) && NAME == \"lock\"", semaphore))
    #expect(try !Self.matches("SIZE > 0", queue))
  }

  @Test("every object column has a filter type, and its values are of that type")
  func everyColumnTyped() throws {
    let objects = [Self.segment(id: 1, attachTime: 1_700_000_500), Self.queue] + Self.posixObjects
    for column in ColumnRegistry.objectColumns {
      let type = try #require(Selection.columnTypes[column.name], "\(column.name) has no filter type")
      var context = RowContext(now: Self.now, files: FakeFiles(), processes: FakeProcesses())
      for object in objects where column.scope.applies(to: object.kind) {
        let cell = column.cell(object, &context)
        let fits: Bool =
          switch (type, cell) {
          case (.number, .integer), (.number, .count), (.number, .size), (.number, .pid), (.number, .text(nil)): true
          case (.text, .text), (.time, .time), (.key, .key), (.permissions, .permissions): true
          case (.text, .list), (.boolean, .boolean), (.boolean, .liveness): true
          default: false
          }
        #expect(fits, "\(column.name): \(cell) is not \(type)")
      }
    }
    #expect(Set(Selection.columnTypes.keys) == Set(ColumnRegistry.objectColumns.map(\.name)))
  }

  static let semaphoreSet = IPCObject.semaphoreSet(
    SemaphoreSet(
      id: 9,
      key: IPCKey(rawValue: -5),
      ownership: Ownership(
        owner: UserID(rawValue: 4242),
        group: GroupID(rawValue: 7),
        creator: UserID(rawValue: 0),
        creatorGroup: GroupID(rawValue: 0),
        mode: IPCMode(rawValue: 0o640)
      ),
      semaphoreCount: 3,
      operationTime: Timestamp(kernelValue: 1_700_000_900),
      changeTime: Timestamp(kernelValue: 1_700_000_000)
    )
  )

  /// The literal a filter compares `cell` with to select it; nil where the cell has no value to compare.
  static func literal(_ cell: CellValue, type: FilterType?) -> String? {
    switch cell {
    case .integer(let value): return "\(value < 0 ? 0 : value)"
    case .count(let value), .size(let value): return "\(value)"
    case .pid(let pid): return "\(pid.rawValue)"
    case .time(let time?): return "\(time.rawValue)"
    case .text(let text?): return quoted(text)
    case .text(nil): return type == .text ? "\"\"" : nil
    case .key(let key): return "\(key.bitPattern)"
    case .permissions(let mode): return "\"0" + String(mode.accessBits, radix: 8) + "\""
    case .boolean(let value?): return "\(value)"
    case .liveness(.alive): return "true"
    case .liveness(.dead): return "false"
    case .list: return Selection.text(of: cell).map(quoted)
    default: return nil
    }
  }

  static func quoted(_ text: [UInt8]) -> String { "\"" + String(decoding: text, as: UTF8.self) + "\"" }

  /// The compiled filters read many columns straight from the structs: for every column and kind, `COL == v`
  /// holds exactly for the value v the registry's getter gives (and nothing holds where it gives none).
  @Test("the filters' direct readers agree with the registry's getters")
  func directReadersAgree() throws {
    let objects =
      [
        Self.segment(id: 1, key: 0x162e, owner: 0, size: 3 << 30, attached: 2, mode: 0o1640, attachTime: 1_700_000_500),
        Self.queue, Self.semaphoreSet,
      ] + Self.posixObjects
    for object in objects {
      for column in ColumnRegistry.objectColumns where column.name != "COMMAND" {
        var context = RowContext(now: Self.now, files: FakeFiles(), processes: FakeProcesses())
        let cell = column.cell(object, &context)
        let literal = Self.literal(cell, type: Selection.columnTypes[column.name])
        let kind = object.kind
        if let literal {
          #expect(try Self.matches("\(column.name) == \(literal)", object), "\(column.name) of \(kind)")
          #expect(try !Self.matches("\(column.name) != \(literal)", object), "\(column.name) of \(kind)")
        } else {
          let type = Selection.columnTypes[column.name]
          let other =
            type == .permissions ? "\"0600\"" : type == .text ? "\"x\"" : type == .boolean ? "true" : "0"
          #expect(try !Self.matches("\(column.name) == \(other)", object), "\(column.name) of \(kind): no value")
          #expect(try !Self.matches("\(column.name) != \(other)", object), "\(column.name) of \(kind): no value")
        }
      }
    }
  }
}

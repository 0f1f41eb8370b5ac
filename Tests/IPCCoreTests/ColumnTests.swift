import Glibc
import IPCCore
import IPCModel
import Testing

/// The column registry, the cell formats and the table forms, without a kernel.
struct ColumnRegistryTests {
  static func read(_ path: String) throws -> String { try DocumentationTests.read(path) }

  @Test("every column is in the JSON schema with its type, in the man page and in every completion")
  func declaredEverywhere() throws {
    let schema = try Self.read("docs/swipcs.schema.json")
    let man = try Self.read("man/swipcs.1")
    let columns = man[try #require(man.firstRange(of: ".SH COLUMNS")).upperBound...]
    for column in ColumnRegistry.all {
      let key = "\"\(column.jsonName)\": {"
      let entry = try #require(schema.firstRange(of: key), "\(column.name) not in the schema")
      let type = schema[entry.upperBound...].prefix(60)
      switch column.json {
      case .number: #expect(type.contains("integer") || type.contains("\"number\""), "\(column.name): \(type)")
      case .string: #expect(type.contains("\"string\""), "\(column.name): \(type)")
      case .boolean: #expect(type.contains("\"boolean\""), "\(column.name): \(type)")
      case .array: #expect(type.contains("\"array\""), "\(column.name): \(type)")
      }
      #expect(columns.contains(".B \(column.name)\n"), "man: \(column.name)")
      // As a word of the column list: between blanks or quotes.
      let word = try Regex("[ '\"]\(column.name)[ '\"\n]")
      for file in ["completions/swipcs.bash", "completions/_swipcs", "completions/swipcs.fish"] {
        #expect(try Self.read(file).contains(word), "\(file): \(column.name)")
      }
    }
    #expect(Set(ColumnRegistry.all.map(\.name)).count == ColumnRegistry.all.count, "column names are unique")
  }

  @Test("lsipc's defaults, -c and -t columns, +LIST and -o")
  func columnSelection() {
    var posix = ColumnOptions()
    #expect(posix.columns(for: .posixSharedMemory).map(\.name) == ["NAME", "PERMS", "OWNER", "SIZE", "MTIME"])
    #expect(
      posix.columns(for: .posixMessageQueue).map(\.name) == ["NAME", "PERMS", "OWNER", "MTIME", "USEDBYTES", "MSGS"]
    )
    posix.creators = true
    posix.times = true
    // util-linux master: -c adds the creator's ids alone for a POSIX kind, -t nothing.
    #expect(
      posix.columns(for: .posixSemaphore).map(\.name) == ["NAME", "PERMS", "OWNER", "MTIME", "SVAL", "CUID", "CGID"]
    )
    var options = ColumnOptions()
    #expect(options.columns(for: .semaphoreSet).map(\.name) == ["KEY", "ID", "PERMS", "OWNER", "NSEMS"])
    options.times = true
    options.creators = true
    #expect(
      options.columns(for: .sharedMemorySegment).map(\.name) == [
        "KEY", "ID", "PERMS", "OWNER", "SIZE", "NATTCH", "STATUS", "CTIME", "CPID", "LPID", "COMMAND", "CUID", "CGID",
        "UID", "GID", "ATTACH", "DETACH",
      ]
    )
    options.creators = false
    #expect(options.columns(for: .sharedMemorySegment).map(\.name).suffix(3) == ["ATTACH", "DETACH", "COMMAND"])
    options.selection = .replace(["ID", "NSEMS"])
    #expect(options.columns(for: .messageQueue).map(\.name) == ["ID", "NSEMS"])
  }

  static func cells(_ format: TimeFormat = .short, bytes: Bool = false, numeric: Bool = false) -> CellText {
    setenv("TZ", "UTC", 1)
    return CellText(
      bytes: bytes,
      timeFormat: format,
      numericPermissions: numeric,
      decimalPoint: Array(".".utf8),
      now: Timestamp(rawValue: 1_795_388_679)  // Sun Nov 22 2026, 23:04:39 UTC
    )
  }

  static func text(
    _ format: TimeFormat = .short,
    bytes: Bool = false,
    numeric: Bool = false,
    _ cell: CellValue
  )
    -> [UInt8]
  {
    var cells = Self.cells(format, bytes: bytes, numeric: numeric)
    return cells.text(cell)
  }

  @Test("cells as lsipc writes them, and as typed JSON")
  func cellText() {
    var cells = Self.cells()
    #expect(cells.text(.size(89743)).text == "87.6K")
    #expect(Self.text(bytes: true, .size(89743)).text == "89743")
    #expect(cells.text(.permissions(IPCMode(rawValue: 0o1640))).text == "rw-r-----")
    #expect(Self.text(numeric: true, .permissions(IPCMode(rawValue: 0o640))).text == "0640")
    #expect(Self.text(numeric: true, .permissions(IPCMode(rawValue: 0))).text == "0")
    #expect(cells.text(.key(IPCKey(rawValue: -1))).text == "0xffffffff")
    #expect(cells.text(.pid(ProcessID(rawValue: 0))).text == "0")
    #expect(cells.text(.time(nil)).text.isEmpty)
    #expect(cells.text(.time(Timestamp(rawValue: 1_795_388_000))).text == "22:53")
    #expect(cells.text(.time(Timestamp(rawValue: 1_795_000_000))).text == "Nov18")
    #expect(cells.text(.time(Timestamp(rawValue: 1_700_000_000))).text == "2023-Nov14")
    #expect(Self.text(.full, .time(Timestamp(rawValue: 1_700_000_000))).text == "Tue Nov 14 22:13:20 2023")
    #expect(Self.text(.iso, .time(Timestamp(rawValue: 1_700_000_000))).text == "2023-11-14T22:13:20+00:00")
    #expect(cells.text(.percentage(0.03125)).text == "0.03%")
    #expect(cells.text(.percentage(nil)).text == "-")
    #expect(cells.text(.figure(nil)).text == "-")
    #expect(cells.text(.byteFigure(8192)).text == "8K")
    var json = OutputBuffer()
    for cell: CellValue in [
      .pid(ProcessID(rawValue: 0)), .pid(ProcessID(rawValue: 7)), .time(nil), .text(nil), .size(5), .percentage(0.5),
      .text(Array("a\"b\\c\u{1}".utf8)), .text([0xff]), .notApplicable,
    ] {
      cells.appendJSON(cell, to: &json)
      json.append(" ")
    }
    #expect(json.bytes.text == #"null 7 null null 5 0.50 "a\"b\\c\u0001" "�" null "#)
  }

  @Test("--raw and --export escape as util-linux does; the table aligns")
  func forms() {
    let columns = ["KEY", "OWNER", "COMMAND"].compactMap(ColumnRegistry.column(named:))
    let table = Table(name: "sharedmemory", columns: columns, count: 2)
    let rows: [[CellValue]] = [
      [.key(IPCKey(rawValue: 1)), .text(Array("root".utf8)), .text(Array("a b\\c$\"`".utf8))],
      [.key(IPCKey(rawValue: 2)), .text(Array("averylongname".utf8)), .text(nil)],
    ]
    func render(_ form: TableForm, headings: Bool = true) -> String {
      var writer = TableWriter(form: form, headings: headings, truncate: false, cells: Self.cells())
      var out = OutputBuffer()
      writer.begin(to: &out)
      writer.write(table, to: &out) { index, cells in cells = rows[index] }
      writer.end(to: &out)
      return out.bytes.text
    }
    #expect(render(.raw) == "KEY OWNER COMMAND\n0x00000001 root a\\x20b\\x5cc$\"`\n0x00000002 averylongname \n")
    #expect(render(.raw, headings: false).hasPrefix("0x00000001 "))
    #expect(
      render(.export)
        == "KEY=\"0x00000001\" OWNER=\"root\" COMMAND=\"a b\\x5cc\\x24\\x22\\x60\"\n"
        + "KEY=\"0x00000002\" OWNER=\"averylongname\" COMMAND=\"\"\n"
    )
    #expect(
      render(.table)
        == "KEY                OWNER COMMAND\n0x00000001          root a b\\c$\"`\n0x00000002 averylongname \n"
    )
  }
}

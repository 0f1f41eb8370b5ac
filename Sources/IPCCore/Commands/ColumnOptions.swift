package import IPCModel

/// The column views' options (lsipc's output options), declared once: `-o`, `--json`, `--raw`, `--export`,
/// `--noheadings`, `--notruncate`, `--time-format`, `--numeric-perms`, `--global`.
///
/// Any of them turns swipcs from ipcs's fixed text to the column views; `-b` gives sizes in bytes there too.
package struct ColumnOptions: Equatable, Sendable {
  /// What `-o` asked for: columns instead of the defaults, or added to them (`+LIST`).
  package enum Selection: Equatable, Sendable {
    case defaults
    case replace([String])
    case append([String])
  }

  package var form: TableForm = .table
  package var selection: Selection = .defaults
  package var headings = true
  package var truncate = true
  /// nil: lsipc's short form, and ISO 8601 in JSON.
  package var timeFormat: TimeFormat?
  package var numericPermissions = false
  package var global = false
  /// `-t` and `-c` in a column view add lsipc's time and creator columns.
  package var times = false
  package var creators = false
  /// `--all-namespaces` in a text form: NS comes first in every table, unless the columns have it already, so that
  /// each row says which namespace it is of.
  package var namespaceFirst = false

  package init() {}

  static let output = OptionSpec(
    "output",
    short: "o",
    argument: .required("<list>"),
    help: "define the columns to output (+list to add)",
    completion: .words(ColumnRegistry.objectColumns.map(\.name))
  )
  static let json = OptionSpec("json", short: "J", help: "use the JSON output format")
  static let raw = OptionSpec("raw", short: "r", help: "display in raw mode")
  static let export = OptionSpec("export", short: "e", help: "display in an export-able output format")
  static let noheadings = OptionSpec("noheadings", code: 300, help: "don't print headings")
  static let notruncate = OptionSpec("notruncate", code: 301, help: "don't truncate output")
  static let timeFormatOption = OptionSpec(
    "time-format",
    code: 302,
    argument: .required("<type>"),
    help: "display dates in short, full or iso format",
    completion: .words(["short", "full", "iso"])
  )
  static let numericPerms = OptionSpec("numeric-perms", short: "P", help: "print numeric permissions (PERMS column)")
  static let globalOption = OptionSpec(
    "global",
    short: "g",
    help: "info about system-wide usage (may be used with -m, -q and -s)"
  )

  /// In the order of the help text; appended to ipcs's getopt table, after its own options.
  package static let options: [OptionSpec] = [
    output, json, raw, export, noheadings, notruncate, timeFormatOption, numericPerms, globalOption,
  ]

  /// The forms that exclude each other, as util-linux's `err_exclusive_options` lists them (ASCII order).
  private static let exclusiveForms: [OptionSpec] = [json, export, raw]

  /// Takes one option of this group; nil when `code` is not one of its options, false after a message.
  package mutating func accept(_ code: Int32, _ argument: [UInt8]?, program: Program) -> Bool? {
    switch code {
    case Self.output:
      guard let list = Self.columnList(argument ?? [], program: program) else { return false }
      selection = list
    case Self.json, Self.raw, Self.export:
      let chosen: TableForm = code == Self.json.code ? .json : code == Self.raw.code ? .raw : .export
      if form != .table && form != chosen {
        let names = Self.exclusiveForms.map { "--\($0.long)" }.joined(separator: " ")
        program.warn("mutually exclusive arguments: \(names)")
        return false
      }
      form = chosen
    case Self.noheadings: headings = false
    case Self.notruncate: truncate = false
    case Self.timeFormatOption:
      switch String(decoding: argument ?? [], as: UTF8.self) {
      case "short": timeFormat = .short
      case "full": timeFormat = .full
      case "iso": timeFormat = .iso
      default:
        program.warn("unknown time format: \(argument ?? [])")
        return false
      }
    case Self.numericPerms: numericPermissions = true
    case Self.globalOption: global = true
    default: return nil
    }
    return true
  }

  /// `-o LIST`: column names, case-insensitive, comma-separated; `+LIST` adds to the defaults.
  private static func columnList(_ text: [UInt8], program: Program) -> Selection? {
    let appending = text.first == UInt8(ascii: "+")
    let list = appending ? text.dropFirst() : text[...]
    let words = list.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
    guard !list.isEmpty else {
      program.warn("no column names in '\(text)'")
      return nil
    }
    var names: [String] = []
    for word in words {
      guard let name = String(validating: word, as: UTF8.self), let column = ColumnRegistry.column(named: name) else {
        program.warn("unknown column: \(Array(word))")
        program.warn("valid columns: \(ColumnRegistry.all.map(\.name).joined(separator: ", "))")
        return nil
      }
      names.append(column.name)
    }
    return appending ? .append(names) : .replace(names)
  }

  /// The columns of the table of `kind`, in lsipc's order: the defaults, `-c`'s creator columns, `-t`'s times
  /// (COMMAND kept last when it is), then what `+LIST` adds; or `-o LIST` alone.
  package func columns(for kind: ObjectKind) -> [Column] {
    withNamespace(chosenColumns(for: kind))
  }

  /// NS first when `namespaceFirst` asks for it and the columns do not have it.
  private func withNamespace(_ columns: [Column]) -> [Column] {
    guard namespaceFirst, !columns.contains(where: { $0.name == ColumnRegistry.namespace.name }) else {
      return columns
    }
    return [ColumnRegistry.namespace] + columns
  }

  private func chosenColumns(for kind: ObjectKind) -> [Column] {
    if case .replace(let names) = selection { return names.compactMap(ColumnRegistry.column(named:)) }
    var columns = ColumnRegistry.defaults(for: kind)
    if creators {
      // A POSIX object is a file, with one owner: util-linux master's lsipc adds its creator columns only.
      let names = kind.family == .posix ? ["CUID", "CGID"] : ["CUID", "CGID", "UID", "GID"]
      columns += names.compactMap(ColumnRegistry.column(named:))
    }
    if times {
      let command = columns.last?.name == "COMMAND" ? columns.removeLast() : nil
      let names: [String] =
        switch kind {
        case .messageQueue: ["SEND", "RECV", "CTIME"]
        case .sharedMemorySegment: ["ATTACH", "DETACH"]
        case .semaphoreSet: ["OTIME", "CTIME"]
        case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: []
        }
      columns += names.compactMap(ColumnRegistry.column(named:))
      if let command { columns.append(command) }
    }
    if case .append(let names) = selection { columns += names.compactMap(ColumnRegistry.column(named:)) }
    return columns
  }

  /// The columns of the `--global` table: its own, and NS; `-o` picks among them.
  package var globalColumns: [Column] {
    let names: [String]
    switch selection {
    case .replace(let picked): names = picked
    case .defaults: names = ColumnRegistry.global.map(\.name)
    case .append(let added): names = ColumnRegistry.global.map(\.name) + added
    }
    let available = ColumnRegistry.global + [ColumnRegistry.namespace]
    return withNamespace(names.compactMap { ColumnRegistry.column(named: $0, in: available) })
  }
}

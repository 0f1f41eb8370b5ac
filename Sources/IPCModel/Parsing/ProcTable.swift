/// Why a line of a `/proc/sysvipc` file could not be read: the file, the 1-based line, and the reason.
package struct ProcParseError: Error, Hashable, Sendable, CustomStringConvertible {
  package var file: String
  package var line: Int
  package var reason: String

  package init(file: String, line: Int, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  package var description: String { "\(file):\(line): \(reason)" }
}

/// What a `/proc/sysvipc` file held: the rows that parsed, and the lines that did not.
///
/// A line that does not parse is left out, as util-linux leaves it out; unlike util-linux, the reason is kept so
/// that a caller can report it.
package struct ProcTable<Row: Sendable>: Sendable {
  package var rows: [Row]
  package var skipped: [ProcParseError]
}

/// A column of a `/proc/sysvipc` file, found by its header name so that the 14-, 15- and 16-column shm layouts
/// and any columns a future kernel adds all parse.
protocol ProcColumn: RawRepresentable<Int>, CaseIterable, Sendable {
  /// The column's name in the header line.
  var header: String { get }
  /// Whether a file may lack this column (shm `rss`/`swap` arrived in Linux 2.6.36).
  var isOptional: Bool { get }
}

/// Why one field could not be read.
struct ProcFieldError: Error {
  var reason: String
}

/// One data line, split into fields, with the header's column positions.
struct ProcRecord<Column: ProcColumn> {
  var fields: [ArraySlice<UInt8>]
  /// Field position of each column, indexed by the column's raw value; nil for an optional column the header lacks.
  var positions: [Int?]

  private func field(_ column: Column) throws(ProcFieldError) -> ArraySlice<UInt8> {
    guard let position = positions[column.rawValue], position < fields.count else {
      throw ProcFieldError(reason: "no '\(column.header)' field")
    }
    return fields[position]
  }

  private func invalid(_ column: Column, _ text: ArraySlice<UInt8>, _ what: String) -> ProcFieldError {
    ProcFieldError(reason: "'\(column.header)' is not \(what): '\(String(decoding: text, as: UTF8.self))'")
  }

  /// A signed decimal field.
  func signed<T: FixedWidthInteger & SignedInteger>(_ column: Column, as type: T.Type) throws(ProcFieldError) -> T {
    let text = try field(column)
    guard let value = Digits.signed(text, as: T.self) else { throw invalid(column, text, "a \(T.bitWidth)-bit number") }
    return value
  }

  /// An unsigned decimal field that must fit `T`.
  func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ column: Column, as type: T.Type) throws(ProcFieldError) -> T {
    let text = try field(column)
    guard let value = Digits.unsigned(text), let narrowed = T(exactly: value) else {
      throw invalid(column, text, "an unsigned \(T.bitWidth)-bit number")
    }
    return narrowed
  }

  /// A process ID, printed by the kernel as unsigned (`%5u`) and stored as `pid_t`.
  func processID(_ column: Column) throws(ProcFieldError) -> Int32 {
    Int32(bitPattern: try unsigned(column, as: UInt32.self))
  }

  /// A time: seconds since the epoch, printed by the kernel as `%10llu` and read by util-linux as `%SCNi64`, so
  /// `18446744073709551615` is read as `Int64.max` and `-1` as -1 (``ScanfNumber/longField(_:)``).
  func time(_ column: Column) throws(ProcFieldError) -> Int64 {
    let text = try field(column)
    guard let time = ScanfNumber.longField(text) else { throw invalid(column, text, "a time") }
    return time
  }

  /// The `perms` field: the full mode in octal.
  func mode(_ column: Column) throws(ProcFieldError) -> IPCMode {
    let text = try field(column)
    guard let value = Digits.unsigned(text, radix: 8), let mode = UInt32(exactly: value) else {
      throw invalid(column, text, "an octal mode")
    }
    return IPCMode(rawValue: mode)
  }

  /// An optional unsigned column: nil when the header or this line lacks it.
  func optionalUnsigned(_ column: Column) throws(ProcFieldError) -> UInt64? {
    guard let position = positions[column.rawValue], position < fields.count else { return nil }
    return try unsigned(column, as: UInt64.self)
  }
}

package enum ProcTableParser {
  /// Splits `bytes` into lines, finds `Column`'s positions in the header, and builds one row per data line.
  ///
  /// Throws when the header is missing or lacks a required column (nothing in the file can be trusted then);
  /// a bad data line is recorded in `skipped` and the rest go on.
  static func parse<Column: ProcColumn, Row: Sendable>(
    _ bytes: [UInt8],
    file: String,
    columns: Column.Type,
    row build: (ProcRecord<Column>) throws(ProcFieldError) -> Row
  ) throws(ProcParseError) -> ProcTable<Row> {
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)[...]
    guard let headerLine = lines.popFirst(), !headerLine.isEmpty else {
      throw ProcParseError(file: file, line: 1, reason: "no header line")
    }
    let header = fields(of: headerLine)
    var positions = [Int?](repeating: nil, count: Column.allCases.count)
    for column in Column.allCases {
      let position = header.firstIndex { $0.elementsEqual(column.header.utf8) }
      if position == nil && !column.isOptional {
        throw ProcParseError(file: file, line: 1, reason: "the header has no '\(column.header)' column")
      }
      positions[column.rawValue] = position
    }
    var table = ProcTable<Row>(rows: [], skipped: [])
    table.rows.reserveCapacity(lines.count)
    for (offset, line) in lines.enumerated() {
      let record = ProcRecord<Column>(fields: fields(of: line), positions: positions)
      if record.fields.isEmpty { continue }
      do throws(ProcFieldError) {
        table.rows.append(try build(record))
      } catch {
        table.skipped.append(ProcParseError(file: file, line: offset + 2, reason: error.reason))
      }
    }
    return table
  }

  /// The whitespace-separated fields of a line (the kernel pads with spaces; widths are only minimums).
  ///
  /// Whitespace is what util-linux's `sscanf` skips: space and `\t \n \v \f \r` (the fuzz target found `\v`).
  package static func fields(of line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
    line.split(whereSeparator: CommandLineNumber.isSpace)
  }
}

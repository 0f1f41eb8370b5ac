import Glibc
package import IPCModel

/// The output forms of the column views, lsipc's: an aligned table, `--raw`, `--export` and `--json`.
package enum TableForm: Sendable, Equatable {
  case table
  case raw
  case export
  case json
}

/// One table of a column view: its name, its columns, and its rows, made on demand (the aligned form asks for
/// each row twice, once to measure and once to write; the other forms once), so that no form holds a listing's
/// cells in memory.
package struct Table {
  /// The name lsipc gives it in JSON: `messages`, `sharedmemory`, `semaphores`, `ipclimits`.
  package var name: String
  package var columns: [Column]
  package var count: Int

  package init(name: String, columns: [Column], count: Int) {
    self.name = name
    self.columns = columns
    self.count = count
  }
}

/// Writes tables in one of the forms; several tables make one JSON document, or blocks one after another.
package struct TableWriter {
  package var form: TableForm
  package var headings: Bool
  /// Cut a truncatable column (COMMAND) so that a table fits the terminal (`--notruncate` turns it off).
  package var truncate: Bool
  package var cells: CellText
  /// Spaces before every JSON line: the tables of a namespace's object under `--all-namespaces --json`.
  package var jsonIndent = 0
  private var tablesWritten = 0

  package init(form: TableForm, headings: Bool, truncate: Bool, cells: CellText) {
    self.form = form
    self.headings = headings
    self.truncate = truncate
    self.cells = cells
  }

  /// Starts the output, which writes nothing yet.
  ///
  /// JSON's opening brace comes with the first table, so that a view none of whose tables could be read (its
  /// reasons on stderr) writes no document rather than an empty one.
  package func begin(to out: inout OutputBuffer) {}

  /// Ends the output (JSON's closing brace, after at least one table).
  package func end(to out: inout OutputBuffer) {
    if form == .json && tablesWritten > 0 { out.append("\n}\n") }
  }

  /// Starts a new group of tables (a namespace's): the next table is written as the first.
  package mutating func startGroup() { tablesWritten = 0 }

  /// Writes `table`: `row(n, &cells)` puts row `n`'s cells into `cells`, which comes empty, its memory kept
  /// from row to row.
  package mutating func write(_ table: Table, to out: inout OutputBuffer, row fill: (Int, inout [CellValue]) -> Void) {
    defer { tablesWritten += 1 }
    var cells: [CellValue] = []
    cells.reserveCapacity(table.columns.count)
    let row = { (index: Int) -> [CellValue] in
      cells.removeAll(keepingCapacity: true)
      fill(index, &cells)
      return cells
    }
    switch form {
    case .json: writeJSON(table, row, to: &out)
    case .raw: writeRaw(table, row, to: &out)
    case .export: writeExport(table, row, to: &out)
    case .table: writeAligned(table, row, to: &out)
    }
  }

  // MARK: JSON

  /// The first table of a document opens it; the first of a namespace's object (`jsonIndent`) follows the
  /// object's last member, which has no comma of its own.
  private mutating func writeJSON(_ table: Table, _ row: (Int) -> [CellValue], to out: inout OutputBuffer) {
    out.append(tablesWritten > 0 || jsonIndent > 0 ? ",\n" : "{\n")
    out.appendSpaces(jsonIndent + 3)
    CellText.appendJSONString(Array(table.name.utf8), to: &out)
    out.append(": [")
    let names = table.columns.map { column -> [UInt8] in
      var quoted = OutputBuffer()
      CellText.appendJSONString(Array(column.jsonName.utf8), to: &quoted)
      return quoted.bytes
    }
    for index in 0..<table.count {
      let values = row(index)
      if index == 0 {
        out.append("\n")
        out.appendSpaces(jsonIndent + 6)
        out.append("{\n")
      } else {
        out.append(",{\n")
      }
      for (position, name) in names.enumerated() {
        out.appendSpaces(jsonIndent + 9)
        out.append(name)
        out.append(": ")
        cells.appendJSON(values[position], to: &out)
        out.append(position == table.columns.count - 1 ? "\n" : ",\n")
      }
      out.appendSpaces(jsonIndent + 6)
      out.append("}")
      out.flushIfFull()
    }
    if table.count == 0 {
      out.append("]")
    } else {
      out.append("\n")
      out.appendSpaces(jsonIndent + 3)
      out.append("]")
    }
  }

  // MARK: Raw and export

  /// util-linux `fputs_nonblank`: blanks, `\` and what is not printable as `\xHH`.
  private static func appendNonblank(_ text: some Sequence<UInt8>, to out: inout OutputBuffer) {
    for byte in text {
      if byte == 0x20 || byte == 0x09 || byte == 0x5c || byte < 0x20 || byte >= 0x7f {
        appendHex(byte, to: &out)
      } else {
        out.append(byte)
      }
    }
  }

  /// util-linux `fputs_quoted`: in double quotes, with `"`, `\`, `` ` ``, `$` and what is not printable as `\xHH`.
  private static func appendQuoted(_ text: some Sequence<UInt8>, to out: inout OutputBuffer) {
    out.append("\"")
    for byte in text {
      if byte == 0x22 || byte == 0x5c || byte == 0x60 || byte == 0x24 || byte < 0x20 || byte >= 0x7f {
        appendHex(byte, to: &out)
      } else {
        out.append(byte)
      }
    }
    out.append("\"")
  }

  private static func appendHex(_ byte: UInt8, to out: inout OutputBuffer) {
    out.append("\\x")
    out.appendHexDigits(byte)
  }

  private mutating func writeRaw(_ table: Table, _ row: (Int) -> [CellValue], to out: inout OutputBuffer) {
    if headings {
      for (index, column) in table.columns.enumerated() {
        if index > 0 { out.append(" ") }
        Self.appendNonblank(Array(column.name.utf8), to: &out)
      }
      out.append("\n")
    }
    var scratch = OutputBuffer()
    for rowIndex in 0..<table.count {
      for (index, cell) in row(rowIndex).enumerated() {
        if index > 0 { out.append(" ") }
        scratch.removeAll()
        cells.append(cell, to: &scratch)
        scratch.withBytes { Self.appendNonblank($0, to: &out) }
      }
      out.append("\n")
      out.flushIfFull()
    }
  }

  private mutating func writeExport(_ table: Table, _ row: (Int) -> [CellValue], to out: inout OutputBuffer) {
    var scratch = OutputBuffer()
    for rowIndex in 0..<table.count {
      for (index, cell) in row(rowIndex).enumerated() {
        if index > 0 { out.append(" ") }
        out.append(Array(table.columns[index].name.utf8))
        out.append("=")
        scratch.removeAll()
        cells.append(cell, to: &scratch)
        scratch.withBytes { Self.appendQuoted($0, to: &out) }
      }
      out.append("\n")
      out.flushIfFull()
    }
  }

  // MARK: Aligned

  /// What the aligned table shows of a cell: control characters (C1 too) and bytes that are not UTF-8 as `\xHH`,
  /// as libsmartcols shows them, so that no name or command line sends a control sequence to the terminal.
  private mutating func shown(_ cell: CellValue) -> [UInt8] {
    let text = cells.text(cell)
    return SafeText.isPlain(text) ? text : SafeText.encode(text)
  }

  /// The number of terminal cells `text` takes: UTF-8 continuation bytes take none.
  private static func width(_ text: [UInt8]) -> Int { text.reduce(0) { $0 + ($1 & 0xc0 == 0x80 ? 0 : 1) } }

  private mutating func writeAligned(_ table: Table, _ row: (Int) -> [CellValue], to out: inout OutputBuffer) {
    if tablesWritten > 0 { out.append("\n") }
    var widths = table.columns.map { headings ? Self.width(Array($0.name.utf8)) : 0 }
    for rowIndex in 0..<table.count {
      for (index, cell) in row(rowIndex).enumerated() { widths[index] = max(widths[index], Self.width(shown(cell))) }
    }
    if truncate, let terminal = Self.terminalWidth(), let cut = table.columns.firstIndex(where: \.truncatable) {
      let others = widths.enumerated().reduce(0) { $0 + ($1.offset == cut ? 0 : $1.element + 1) }
      let minimum = Self.width(Array(table.columns[cut].name.utf8))
      widths[cut] = max(minimum, min(widths[cut], terminal - others))
    }
    if headings { writeAlignedRow(table.columns.map { Array($0.name.utf8) }, table.columns, widths, to: &out) }
    for rowIndex in 0..<table.count {
      let texts = row(rowIndex).map { shown($0) }
      writeAlignedRow(texts, table.columns, widths, to: &out)
    }
  }

  private func writeAlignedRow(_ row: [[UInt8]], _ columns: [Column], _ widths: [Int], to out: inout OutputBuffer) {
    for (index, text) in row.enumerated() {
      let last = index == row.count - 1
      var shown = text
      if Self.width(shown) > widths[index] {
        // Cut to the column's width, at a character boundary.
        var cells = 0
        shown = Array(
          shown.prefix { byte in
            if byte & 0xc0 != 0x80 { cells += 1 }
            return cells <= widths[index]
          }
        )
      }
      let padding = widths[index] - Self.width(shown)
      if columns[index].alignRight { out.appendSpaces(padding) }
      out.append(shown)
      if !columns[index].alignRight && !last { out.appendSpaces(padding) }
      if !last { out.append(" ") }
    }
    out.append("\n")
    out.flushIfFull()
  }

  /// The terminal's width when stdout is one, else nil (no truncation into a pipe or a file).
  private static func terminalWidth() -> Int? {
    guard isatty(1) == 1 else { return nil }
    var size = winsize()
    guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }
}

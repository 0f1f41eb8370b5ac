package import IPCModel

/// One value of one column for one object, typed: the renderers decide how each type is written as text, as
/// JSON, or as a Prometheus sample.
package enum CellValue: Equatable, Sendable {
  /// A signed number: an id.
  case integer(Int64)
  /// A count: attachments, messages, semaphores, seconds.
  case count(UInt64)
  /// Bytes: human-readable in the table unless `--bytes`, a number in JSON.
  case size(UInt64)
  /// A pid the kernel recorded; 0 (never set, or not visible from here) is `null` in JSON.
  case pid(ProcessID)
  /// A time, or never (`nil`): empty in text, `null` in JSON.
  case time(Timestamp?)
  /// Text as bytes; `nil` is empty in text and `null` in JSON.
  case text([UInt8]?)
  /// The permission bits: `rw-r-----`, or `0640` with `--numeric-perms`; a string in JSON.
  case permissions(IPCMode)
  /// `0x%08x`; a string in JSON.
  case key(IPCKey)
  /// A percentage (`USE%`), or not applicable.
  case percentage(Double?)
  /// A limit figure that is a plain number (`-` where there is none in lsipc's text: `nil`).
  case figure(UInt64?)
  /// A limit figure in bytes (human-readable in the table unless `--bytes`).
  case byteFigure(UInt64?)
  /// Yes or no, or not known (`nil`): `yes`, `no` or empty in text; `true`, `false`, `null` in JSON.
  case boolean(Bool?)
  /// Whether a recorded pid's process is alive: `alive`, `dead`, `unknown` in text; `true`, `false`, `null` in
  /// JSON.
  case liveness(Liveness)
  /// Several values: in text each value's text, separated by commas (a record shows its first field); a JSON
  /// array.
  case list([CellValue])
  /// Named values: in text the first field's text; a JSON object.
  case record([CellField])
  /// The column does not apply to this object's kind: empty in text, `null` in JSON.
  case notApplicable
}

/// One named value of a `.record`: `pid` and `command` of an attached process.
package struct CellField: Equatable, Sendable {
  package var name: String
  package var value: CellValue

  package init(_ name: String, _ value: CellValue) {
    self.name = name
    self.value = value
  }
}

/// How a column's values appear in JSON.
package enum JSONType: Sendable {
  case number
  case string
  case boolean
  /// A list of objects (ATTACHED).
  case array
}

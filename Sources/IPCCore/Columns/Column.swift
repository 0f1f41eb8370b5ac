package import IPCModel

/// Which rows a column belongs to.
package enum ColumnScope: Sendable, Hashable {
  /// Every object, whatever its kind (lsipc's generic columns).
  case objects
  /// Objects of these kinds only.
  case kinds(Set<ObjectKind>)
  /// The `--global` table of limits.
  case global

  package func applies(to kind: ObjectKind) -> Bool {
    switch self {
    case .objects: true
    case .kinds(let kinds): kinds.contains(kind)
    case .global: false
    }
  }
}

/// One column, declared once: its name, what it means, the rows it applies to, how it aligns and how it
/// appears in JSON, and how its value is read from an object.
///
/// `-o`, the table, `--raw`, `--export`, `--json`,
/// `--help`'s column list, the man page and the completions all read the registry of these.
package struct Column: Sendable {
  /// The name on the command line and in headings, as lsipc's (`KEY`, `USE%`).
  package let name: String
  package let help: String
  package let scope: ColumnScope
  package let alignRight: Bool
  package let json: JSONType
  /// Whether a long value may be cut to fit a terminal (lsipc's `COMMAND`), unless `--notruncate`.
  package let truncatable: Bool
  /// The value for an object of a kind the column applies to.
  package let value: @Sendable (IPCObject, inout RowContext) -> CellValue
  /// The value for a row of the `--global` table.
  package let globalValue: @Sendable (GlobalResource) -> CellValue

  package init(
    _ name: String,
    _ help: String,
    scope: ColumnScope,
    alignRight: Bool = false,
    json: JSONType,
    truncatable: Bool = false,
    value: @escaping @Sendable (IPCObject, inout RowContext) -> CellValue = { _, _ in .notApplicable },
    globalValue: @escaping @Sendable (GlobalResource) -> CellValue = { _ in .notApplicable }
  ) {
    self.name = name
    self.help = help
    self.scope = scope
    self.alignRight = alignRight
    self.json = json
    self.truncatable = truncatable
    self.value = value
    self.globalValue = globalValue
  }

  /// The key in JSON: the name in lower case, as lsipc writes it (`use%`).
  package var jsonName: String { String(name.lowercased()) }

  /// The value for `object`, or `.notApplicable` when the column is not one of its kind's.
  package func cell(_ object: IPCObject, _ context: inout RowContext) -> CellValue {
    scope.applies(to: object.kind) ? value(object, &context) : .notApplicable
  }
}

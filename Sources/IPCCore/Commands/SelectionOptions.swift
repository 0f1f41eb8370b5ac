import Glibc
package import IPCModel

/// The selection options both tools take, declared once: `--filter EXPR` and the shorthands, each of which becomes
/// a part of one expression; the parts are ANDed in command-line order.
///
/// Every part is parsed and bound to the columns as it is read, so that a mistake is reported (exit 1) before
/// anything is shown or removed.
package struct SelectionOptions: Equatable, Sendable {
  /// The parts, in command-line order.
  package var parts: [FilterExpression] = []
  /// The first selection option given, for messages.
  package var firstOption: String?

  package init() {}

  /// All parts ANDed; nil when no selection option was given.
  package var expression: FilterExpression? { FilterExpression.all(parts) }

  static let filter = OptionSpec(
    "filter",
    code: 320,
    argument: .required("<expr>"),
    help: "select the objects for which <expr> is true",
    completion: .words(ColumnRegistry.objectColumns.map(\.name).filter { Selection.columnTypes[$0] != nil })
  )
  static let owner = OptionSpec(
    "owner",
    code: 321,
    argument: .required("<user>"),
    help: "select objects owned by <user> (name or uid)"
  )
  static let creator = OptionSpec(
    "creator",
    code: 322,
    argument: .required("<user>"),
    help: "select objects created by <user> (name or uid)"
  )
  static let group = OptionSpec(
    "group",
    code: 323,
    argument: .required("<group>"),
    help: "select objects of <group> (name or gid)"
  )
  static let key = OptionSpec("key", code: 324, argument: .required("<key>"), help: "select the object of <key>")
  static let olderThan = OptionSpec(
    "older-than",
    code: 325,
    argument: .required("<duration>"),
    help: "select objects unchanged for at least <duration>"
  )
  static let idleFor = OptionSpec(
    "idle-for",
    code: 326,
    argument: .required("<duration>"),
    help: "select objects unused for at least <duration>"
  )
  static let unattached = OptionSpec("unattached", code: 327, help: "select segments no process has attached")
  static let deadCreator = OptionSpec("dead-creator", code: 328, help: "select segments whose creator has exited")
  static let orphaned = OptionSpec("orphaned", code: 329, help: "select objects nothing alive uses or waits on")

  /// swipcrm's, in the order of the help text.
  package static let options: [OptionSpec] = [
    filter, owner, creator, group, key, olderThan, idleFor, unattached, deadCreator, orphaned,
  ]

  /// swipcs's: all but `--creator`, which is ipcs's `-c` there (`--filter 'CUID == 1000'` selects by creator).
  package static let swipcsOptions: [OptionSpec] = options.filter { $0.code != creator.code }

  /// Takes one option of this group; nil when `code` is not one of its options, false after a message.
  package mutating func accept(_ code: Int32, _ argument: [UInt8]?, program: Program) -> Bool? {
    guard let spec = Self.options.first(where: { $0.code == code }) else { return nil }
    let text = argument ?? []
    let name = "--\(spec.long)"
    func fail(_ message: Message) -> Bool {
      program.warn("\(name): \(message)")
      return false
    }
    let part: FilterExpression
    switch code {
    case Self.filter:
      do throws(FilterSyntaxError) {
        part = try FilterParser.parse(text)
        _ = try Selection(part)
      } catch {
        return fail("\(error.description)")
      }
    case Self.owner, Self.creator:
      guard let uid = Self.userID(text) else { return fail("no such user: '\(text)'") }
      part = Self.equal(code == Self.owner.code ? "UID" : "CUID", .number(UInt64(uid)))
    case Self.group:
      guard let gid = Self.groupID(text) else { return fail("no such group: '\(text)'") }
      part = Self.equal("GID", .number(UInt64(gid)))
    case Self.key:
      guard case .success(let key) = CommandLineNumber.key(text) else {
        return fail("'\(text)' is not a key (decimal, 0x hexadecimal or 0 octal, within 32 bits)")
      }
      part = Self.equal("KEY", .number(UInt64(key.bitPattern)))
    case Self.olderThan, Self.idleFor:
      guard let seconds = SelectionValues.duration(text) else {
        return fail("'\(text)' is not a duration (such as 90s, 15m, 2h, 7d, or plain seconds)")
      }
      let column = code == Self.olderThan.code ? "AGE" : "IDLE"
      part = .compare(FilterOperand(.column(Array(column.utf8))), .greaterOrEqual, FilterOperand(.number(seconds)))
    case Self.unattached:
      part = Self.equal("NATTCH", .number(0))
    case Self.deadCreator:
      // Dead by the reuse rule: a creator whose pid is unknown or alive is not selected.
      part = Self.equal("CPID-ALIVE", .boolean(false))
    default:
      part = Self.equal("ORPHANED", .boolean(true))
    }
    parts.append(part)
    firstOption = firstOption ?? name
    return true
  }

  private static func equal(_ column: String, _ value: FilterOperand.Value) -> FilterExpression {
    .compare(FilterOperand(.column(Array(column.utf8))), .equal, FilterOperand(value))
  }

  /// A decimal number (taken as the id itself, whether or not it has a name), else a name the user database
  /// knows.
  static func numericID(_ text: [UInt8]) -> UInt32? {
    guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return nil }
    let value = text.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
    // (uid_t)-1 is "no id" to the kernel.
    return value < UInt64(UInt32.max) ? UInt32(value) : nil
  }

  static func userID(_ text: [UInt8]) -> UInt32? {
    if let id = numericID(text) { return id }
    return lookUp(text) { name, buffer, size in
      var entry = passwd()
      var result: UnsafeMutablePointer<passwd>?
      let code = getpwnam_r(name, &entry, buffer, size, &result)
      return (code, result == nil ? nil : entry.pw_uid)
    }
  }

  static func groupID(_ text: [UInt8]) -> UInt32? {
    if let id = numericID(text) { return id }
    return lookUp(text) { name, buffer, size in
      var entry = Glibc.group()
      var result: UnsafeMutablePointer<Glibc.group>?
      let code = getgrnam_r(name, &entry, buffer, size, &result)
      return (code, result == nil ? nil : entry.gr_gid)
    }
  }

  /// One `get*nam_r` call, with a larger buffer while the entry does not fit (up to 64 MiB).
  private static func lookUp(
    _ name: [UInt8],
    _ call: (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>, Int) -> (Int32, UInt32?)
  ) -> UInt32? {
    guard !name.isEmpty, !name.contains(0) else { return nil }
    let cName = name.map { CChar(bitPattern: $0) } + [0]
    var size = 4096
    while size <= 64 << 20 {
      var buffer = [CChar](repeating: 0, count: size)
      let (code, id) = cName.withUnsafeBufferPointer { namePointer in
        buffer.withUnsafeMutableBufferPointer {
          call(namePointer.baseAddress.unsafelyUnwrapped, $0.baseAddress.unsafelyUnwrapped, size)
        }
      }
      if code == ERANGE {
        size *= 2
        continue
      }
      return id
    }
    return nil
  }
}

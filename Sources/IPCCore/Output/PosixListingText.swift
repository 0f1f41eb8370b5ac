import Glibc
package import IPCModel

/// The POSIX listings of `swipcs --posix-*`: plain aligned text in util-linux master lsipc's default columns for
/// those kinds, until the column registry brings `-o`, `--json`, `--raw` and `--export`.
///
/// - `--posix-shmems`: NAME PERMS OWNER SIZE MTIME
/// - `--posix-mqueues`: NAME PERMS OWNER MTIME USEDBYTES MSGS
/// - `--posix-semaphores`: NAME PERMS OWNER MTIME SVAL
///
/// As lsipc prints them: a header line, one space between columns, NAME and MSGS left-aligned and the rest right-
/// aligned, no trailing blanks; PERMS as `rw-r-----` (the nine bits), OWNER the user name or else the uid, sizes
/// as `size_to_human_string` (`4K`) or with `-b` in bytes, MTIME as `strtime_short` (`14:05` today, `Nov30` this
/// year, `2025-Nov30` before) and empty for a time of 0, a value that could not be read (SVAL, USEDBYTES, MSGS
/// without read permission) empty. A name's control characters, backslashes and bytes that are not UTF-8 are
/// shown as `\xHH`, as libsmartcols shows them.
package struct PosixListingText {
  package var inBytes: Bool
  package var decimalPoint: [UInt8]
  /// The time "today" and "this year" are measured from.
  package var now: Int64
  private var names = NameCache()

  package init(inBytes: Bool, decimalPoint: [UInt8], now: Int64 = Int64(Glibc.time(nil))) {
    self.inBytes = inBytes
    self.decimalPoint = decimalPoint
    self.now = now
    tzset()
  }

  private enum Alignment { case left, right }

  private struct Column {
    var header: String
    var alignment: Alignment
  }

  package mutating func append(_ objects: [PosixSharedMemory], to out: inout OutputBuffer) {
    let columns = [
      Column(header: "NAME", alignment: .left), Column(header: "PERMS", alignment: .right),
      Column(header: "OWNER", alignment: .right), Column(header: "SIZE", alignment: .right),
      Column(header: "MTIME", alignment: .right),
    ]
    var rows: [[[UInt8]]] = []
    for object in objects {
      rows.append([
        SafeText.encode(object.name.shown(.posixSharedMemory)), permissions(object.ownership),
        owner(object.ownership), size(object.size), time(object.modificationTime),
      ])
    }
    Self.table(columns, rows, to: &out)
  }

  package mutating func append(_ queues: [PosixMessageQueue], to out: inout OutputBuffer) {
    let columns = [
      Column(header: "NAME", alignment: .left), Column(header: "PERMS", alignment: .right),
      Column(header: "OWNER", alignment: .right), Column(header: "MTIME", alignment: .right),
      Column(header: "USEDBYTES", alignment: .right), Column(header: "MSGS", alignment: .left),
    ]
    var rows: [[[UInt8]]] = []
    for queue in queues {
      rows.append([
        SafeText.encode(queue.name.shown(.posixMessageQueue)), permissions(queue.ownership), owner(queue.ownership),
        time(queue.modificationTime), queue.usedBytes.map(size) ?? [],
        queue.messageCount.map { Array(String($0).utf8) } ?? [],
      ])
    }
    Self.table(columns, rows, to: &out)
  }

  package mutating func append(_ semaphores: [PosixSemaphore], to out: inout OutputBuffer) {
    let columns = [
      Column(header: "NAME", alignment: .left), Column(header: "PERMS", alignment: .right),
      Column(header: "OWNER", alignment: .right), Column(header: "MTIME", alignment: .right),
      Column(header: "SVAL", alignment: .right),
    ]
    var rows: [[[UInt8]]] = []
    for semaphore in semaphores {
      rows.append([
        SafeText.encode(semaphore.name.shown(.posixSemaphore)), permissions(semaphore.ownership),
        owner(semaphore.ownership), time(semaphore.modificationTime),
        semaphore.value.map { Array(String($0).utf8) } ?? [],
      ])
    }
    Self.table(columns, rows, to: &out)
  }

  private static func table(_ columns: [Column], _ rows: [[[UInt8]]], to out: inout OutputBuffer) {
    var widths = columns.map(\.header.utf8.count)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
    }
    let lines = [columns.map { Array($0.header.utf8) }] + rows
    for line in lines {
      var text: [UInt8] = []
      for (index, cell) in line.enumerated() {
        let padding = [UInt8](repeating: UInt8(ascii: " "), count: widths[index] - displayWidth(cell))
        if index > 0 { text.append(UInt8(ascii: " ")) }
        switch columns[index].alignment {
        case .right: text += padding + cell
        case .left: text += cell + padding
        }
      }
      // No trailing blanks, also where the last cells are empty.
      while text.last == UInt8(ascii: " ") { text.removeLast() }
      out.append(text)
      out.append(UInt8(ascii: "\n"))
      out.flushIfFull()
    }
  }

  /// Columns a cell takes: one per character (UTF-8 lead byte); names are safe-encoded first.
  private static func displayWidth(_ cell: [UInt8]) -> Int { cell.count { $0 & 0xc0 != 0x80 } }

  /// `xstrmode(mode & 0777)`: nine characters, no file type.
  private func permissions(_ ownership: Ownership) -> [UInt8] {
    let bits = ownership.mode.accessBits
    let letters = Array("rwxrwxrwx".utf8)
    return (0..<9).map { index in bits & (0o400 >> UInt32(index)) != 0 ? letters[index] : UInt8(ascii: "-") }
  }

  private mutating func owner(_ ownership: Ownership) -> [UInt8] {
    names.userName(ownership.owner) ?? Array(String(ownership.owner.rawValue).utf8)
  }

  private func size(_ bytes: UInt64) -> [UInt8] {
    inBytes ? Array(String(bytes).utf8) : HumanSize.text(bytes, decimalPoint: decimalPoint)
  }

  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// util-linux `strtime_short`, with the C locale's month names.
  private func time(_ time: Timestamp?) -> [UInt8] {
    guard let time else { return [] }
    var seconds = time_t(time.rawValue)
    var current = time_t(now)
    var then = tm()
    var today = tm()
    guard localtime_r(&seconds, &then) != nil, localtime_r(&current, &today) != nil else { return [] }
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let month = (0..<12).contains(then.tm_mon) ? Self.months[Int(then.tm_mon)] : "???"
    if then.tm_year == today.tm_year && then.tm_yday == today.tm_yday {
      return Array("\(two(then.tm_hour)):\(two(then.tm_min))".utf8)
    }
    if then.tm_year == today.tm_year { return Array("\(month)\(two(then.tm_mday))".utf8) }
    return Array("\(Int(then.tm_year) + 1900)-\(month)\(two(then.tm_mday))".utf8)
  }
}

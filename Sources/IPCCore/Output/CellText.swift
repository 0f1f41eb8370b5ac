import Glibc
package import IPCModel

/// How lsipc writes times: `--time-format`.
package enum TimeFormat: Sendable, Equatable {
  /// Today `HH:MM`, this year `Nov29`, else `2025-Nov29` (util-linux `strtime_short`).
  case short
  /// asctime's text without its newline: `Sun Nov 29 00:50:12 2026`.
  case full
  /// ISO 8601 with the zone: `2026-11-29T00:50:12+00:00` (util-linux `strtime_iso`).
  case iso
}

/// How cells become text and JSON: lsipc's formats, and swipcs's typed JSON.
package struct CellText {
  /// `--bytes`: sizes as plain numbers in text.
  package var bytes: Bool
  package var timeFormat: TimeFormat
  /// `--numeric-perms`: `0640` rather than `rw-r-----`.
  package var numericPermissions: Bool
  package var decimalPoint: [UInt8]
  /// The local date of "now", for the short time format's "today" and "this year".
  private let today: (year: Int32, day: Int32)
  private var lastTime: Timestamp?
  private var lastTimeText: [UInt8] = []

  package init(bytes: Bool, timeFormat: TimeFormat, numericPermissions: Bool, decimalPoint: [UInt8], now: Timestamp) {
    self.bytes = bytes
    self.timeFormat = timeFormat
    self.numericPermissions = numericPermissions
    self.decimalPoint = decimalPoint
    tzset()
    let parts = Self.localTime(now.rawValue)
    today = (parts?.tm_year ?? -1, parts?.tm_yday ?? -1)
  }

  private static func localTime(_ seconds: Int64) -> tm? {
    var time = time_t(seconds)
    var parts = tm()
    return localtime_r(&time, &parts) == nil ? nil : parts
  }

  /// The cell as lsipc prints it in the table, `--raw` and `--export` (before their escaping).
  ///
  /// Absent values are empty, but for `--global`'s figures, which lsipc shows as `-`.
  package mutating func text(_ cell: CellValue) -> [UInt8] {
    var out = OutputBuffer()
    append(cell, to: &out)
    return out.bytes
  }

  /// Appends what `text(_:)` returns.
  package mutating func append(_ cell: CellValue, to out: inout OutputBuffer) {
    switch cell {
    case .integer(let value): out.appendDecimal(value)
    case .count(let value): out.appendDecimal(value)
    case .size(let value):
      if bytes { out.appendDecimal(value) } else { out.append(HumanSize.text(value, decimalPoint: decimalPoint)) }
    case .pid(let pid): out.appendDecimal(UInt32(bitPattern: pid.rawValue))
    case .time(let time): if let time { appendTime(time, to: &out) }
    case .text(let text): if let text { out.append(text) }
    case .permissions(let mode): appendPermissions(mode, to: &out)
    case .key(let key): out.appendHexKey(key.bitPattern)
    case .percentage(let value):
      if let value {
        out.append(percentage(value, point: decimalPoint))
        out.append(UInt8(ascii: "%"))
      } else {
        out.append(UInt8(ascii: "-"))
      }
    case .figure(let value):
      if let value { out.appendDecimal(value) } else { out.append(UInt8(ascii: "-")) }
    case .byteFigure(let value):
      if let value {
        if bytes { out.appendDecimal(value) } else { out.append(HumanSize.text(value, decimalPoint: decimalPoint)) }
      } else {
        out.append(UInt8(ascii: "-"))
      }
    case .boolean(let value): if let value { out.append(value ? "yes" : "no") }
    case .liveness(let liveness):
      switch liveness {
      case .alive: out.append("alive")
      case .dead: out.append("dead")
      case .unknown: out.append("unknown")
      }
    case .list(let items):
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        append(item, to: &out)
      }
    case .record(let fields): if let first = fields.first { append(first.value, to: &out) }
    case .notApplicable: break
    }
  }

  /// The cell as a JSON value: numbers for counts, ids, pids and sizes (in bytes), strings for the rest, `null`
  /// for what does not exist (never, pid 0, no name, not applicable).
  package mutating func appendJSON(_ cell: CellValue, to out: inout OutputBuffer) {
    switch cell {
    case .integer(let value): out.appendDecimal(value)
    case .count(let value), .size(let value): out.appendDecimal(value)
    case .pid(let pid):
      if pid.rawValue == 0 { out.append("null") } else { out.appendDecimal(UInt32(bitPattern: pid.rawValue)) }
    case .time(let time):
      if let time {
        out.append(UInt8(ascii: "\""))
        appendTime(time, to: &out)
        out.append(UInt8(ascii: "\""))
      } else {
        out.append("null")
      }
    case .text(let text):
      if let text { Self.appendJSONString(text, to: &out) } else { out.append("null") }
    case .permissions(let mode):
      out.append(UInt8(ascii: "\""))
      appendPermissions(mode, to: &out)
      out.append(UInt8(ascii: "\""))
    case .key(let key):
      out.append("\"")
      out.appendHexKey(key.bitPattern)
      out.append("\"")
    case .percentage(let value):
      if let value { out.append(percentage(value, point: [UInt8(ascii: ".")])) } else { out.append("null") }
    case .figure(let value), .byteFigure(let value):
      if let value { out.appendDecimal(value) } else { out.append("null") }
    case .boolean(let value): out.append(value.map { $0 ? "true" : "false" } ?? "null")
    case .liveness(let liveness): out.append(liveness.isAlive.map { $0 ? "true" : "false" } ?? "null")
    case .list(let items):
      out.append("[")
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(", ") }
        appendJSON(item, to: &out)
      }
      out.append("]")
    case .record(let fields):
      out.append("{")
      for (index, field) in fields.enumerated() {
        if index > 0 { out.append(", ") }
        Self.appendJSONString(Array(field.name.utf8), to: &out)
        out.append(": ")
        appendJSON(field.value, to: &out)
      }
      out.append("}")
    case .notApplicable: out.append("null")
    }
  }

  /// `%2.2f` of `value`, with `point` as the decimal point (lsipc's `USE%`).
  private func percentage(_ value: Double, point: [UInt8]) -> [UInt8] {
    var buffer = [CChar](repeating: 0, count: 64)
    let count = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%2.2f", $0) }
    var text = buffer.prefix(Int(max(0, min(count, 63)))).map { UInt8(bitPattern: $0) }
    // The C library writes the locale's decimal point; put the one asked for in its place.
    let localePoint = decimalPoint
    if localePoint != point, let index = text.firstIndex(of: localePoint.first ?? UInt8(ascii: ".")) {
      text.replaceSubrange(index..<(index + localePoint.count), with: point)
    }
    return text
  }

  /// `rw-r-----` (util-linux `xstrmode` of the 0777 bits), or `%#o` with `--numeric-perms`.
  private func appendPermissions(_ mode: IPCMode, to out: inout OutputBuffer) {
    if numericPermissions { return out.appendOctal(mode.accessBits, alternate: true) }
    let letters: StaticString = "rwxrwxrwx"
    letters.withUTF8Buffer { letters in
      for index in 0..<9 {
        out.append(mode.accessBits & (0o400 >> UInt32(index)) != 0 ? letters[index] : UInt8(ascii: "-"))
      }
    }
  }

  /// Appends a time, converting each distinct time once: rows made in the same second share a conversion.
  private mutating func appendTime(_ time: Timestamp, to out: inout OutputBuffer) {
    if time != lastTime {
      lastTime = time
      lastTimeText = self.time(time)
    }
    out.append(lastTimeText)
  }

  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
  private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

  /// A time in the chosen format, in the local time zone; empty where the C library cannot convert it.
  package func time(_ time: Timestamp) -> [UInt8] {
    guard let parts = Self.localTime(time.rawValue) else { return [] }
    let month = (0..<12).contains(parts.tm_mon) ? Self.months[Int(parts.tm_mon)] : "???"
    var out = OutputBuffer()
    func two(_ value: Int32) {
      if value < 10 && value >= 0 { out.append("0") }
      out.appendDecimal(value)
    }
    switch timeFormat {
    case .short:
      if parts.tm_year == today.year && parts.tm_yday == today.day {
        two(parts.tm_hour)
        out.append(":")
        two(parts.tm_min)
      } else {
        if parts.tm_year != today.year {
          out.appendDecimal(Int64(parts.tm_year) + 1900)
          out.append("-")
        }
        out.append(Array(month.utf8))
        two(parts.tm_mday)
      }
    case .full:
      out.append(Array(((0..<7).contains(parts.tm_wday) ? Self.days[Int(parts.tm_wday)] : "???").utf8))
      out.append(" ")
      out.append(Array(month.utf8))
      out.appendDecimal(parts.tm_mday, width: 3, alignRight: true)
      out.append(" ")
      two(parts.tm_hour)
      out.append(":")
      two(parts.tm_min)
      out.append(":")
      two(parts.tm_sec)
      out.append(" ")
      out.appendDecimal(Int64(parts.tm_year) + 1900)
    case .iso:
      out.appendDecimal(Int64(parts.tm_year) + 1900, width: 4, alignRight: true)
      out.append("-")
      two(parts.tm_mon + 1)
      out.append("-")
      two(parts.tm_mday)
      out.append("T")
      two(parts.tm_hour)
      out.append(":")
      two(parts.tm_min)
      out.append(":")
      two(parts.tm_sec)
      let minutes = Int64(parts.tm_gmtoff) / 60
      out.append(minutes < 0 ? "-" : "+")
      two(Int32(abs(minutes) / 60))
      out.append(":")
      two(Int32(abs(minutes) % 60))
    }
    return out.bytes
  }

  /// A JSON string of `bytes`: `"` and `\` escaped, control characters as `\u00XX`; bytes that are not UTF-8
  /// are replaced with U+FFFD, as a JSON document must be UTF-8.
  package static func appendJSONString(_ bytes: [UInt8], to out: inout OutputBuffer) {
    out.append("\"")
    var text = bytes
    if bytes.contains(where: { $0 >= 0x80 }) && String(validating: bytes, as: UTF8.self) == nil {
      text = Array(String(decoding: bytes, as: UTF8.self).utf8)
    }
    var start = 0
    for (index, byte) in text.enumerated() where byte < 0x20 || byte == 0x7f || byte == 0x22 || byte == 0x5c {
      // The run before this byte needs no escaping: one copy.
      out.append(text[start..<index])
      start = index + 1
      switch byte {
      case UInt8(ascii: "\""): out.append("\\\"")
      case UInt8(ascii: "\\"): out.append("\\\\")
      case 0x0a: out.append("\\n")
      case 0x09: out.append("\\t")
      case 0x0d: out.append("\\r")
      default:
        out.append("\\u00")
        out.appendHexDigits(byte)
      }
    }
    out.append(text[start...])
    out.append("\"")
  }
}

import Glibc

/// Times as ipcs prints them: ctime(3) in the local time zone (TZ is honoured), with C-locale names.
package struct TimeText {
  private var lastTime: Int64 = .min
  private var lastText: [UInt8] = []

  package init() { tzset() }

  private static let days: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months: [StaticString] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// The text of `ctime(time)` without its newline, such as `Sun Nov 22 21:32:32 2026`.
  ///
  /// It is `(null)` where ctime fails, as printf prints the NULL that util-linux passes it then. Objects made in the same second share one lookup.
  package mutating func ctime(_ time: Int64) -> [UInt8] {
    if time == lastTime { return lastText }
    var seconds = time_t(time)
    var parts = tm()
    var out = OutputBuffer()
    if localtime_r(&seconds, &parts) == nil || !(0..<7).contains(parts.tm_wday) || !(0..<12).contains(parts.tm_mon) {
      out.append("(null)")
    } else {
      // asctime's format: "%.3s %.3s%3d %.2d:%.2d:%.2d %d"
      out.append(Self.days[Int(parts.tm_wday)])
      out.append(" ")
      out.append(Self.months[Int(parts.tm_mon)])
      out.appendDecimal(parts.tm_mday, width: 3, alignRight: true)
      out.append(" ")
      Self.twoDigits(parts.tm_hour, &out)
      out.append(":")
      Self.twoDigits(parts.tm_min, &out)
      out.append(":")
      Self.twoDigits(parts.tm_sec, &out)
      out.append(" ")
      out.appendDecimal(Int64(parts.tm_year) + 1900)
    }
    lastTime = time
    lastText = out.bytes
    return lastText
  }

  private static func twoDigits(_ value: Int32, _ out: inout OutputBuffer) {
    if (0..<10).contains(value) { out.append("0") }
    out.appendDecimal(value)
  }

  /// `%-20.16s` of `ctime(time) + 4`, or of `Not set` for 0: the list views' short form (`Nov 22 21:32:32 `).
  package mutating func appendShort(_ time: Int64, to out: inout OutputBuffer) {
    if time == 0 {
      out.append(Array("Not set".utf8), width: 20)
    } else {
      out.append(ctime(time).dropFirst(4).prefix(16), width: 20)
    }
  }

  /// `%-26.24s` of `ctime(time)`, or of `Not set` for 0 unless `always`: the long form.
  package mutating func appendLong(_ time: Int64, always: Bool = false, to out: inout OutputBuffer) {
    if time == 0 && !always {
      out.append(Array("Not set".utf8), width: 26)
    } else {
      out.append(ctime(time), width: 26, truncate: true)
    }
  }
}

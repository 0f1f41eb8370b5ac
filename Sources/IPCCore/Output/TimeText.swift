import Glibc
package import IPCModel

/// Times as ipcs prints them: ctime(3) in the local time zone (TZ is honoured), with C-locale names.
package struct TimeText {
  private var lastTime: Int64 = .min
  private var lastText: [UInt8] = []
  /// Whether `tzset()` has run: only when the first time is converted, as ipcs reads the zone only when it
  /// prints a time (a listing without times never opens /etc/localtime).
  private var zoneLoaded = false

  package init() {}

  private static let days: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months: [StaticString] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// What util-linux's 26-byte `ctime_r` buffer holds for `time`: such as `Sun Nov 22 21:32:32 2026\n`.
  ///
  /// glibc writes asctime's text with `snprintf(buf, 26, …)`, so a year of five or more digits is cut to 25 bytes
  /// (`Sat Jan  1 00:00:00 10000`, no newline) although `ctime_r` then reports EOVERFLOW: util-linux ignores the
  /// failure and prints the buffer. Where glibc writes nothing (`localtime_r` fails beyond a 32-bit year, or the
  /// year is above INT_MAX − 1900) util-linux prints whatever its static buffer last held: nothing the first
  /// time, an earlier row's time after that. swipcs always prints an empty field then: this returns an empty
  /// text. Objects made in the same second share one lookup.
  package mutating func ctime(_ time: Int64) -> [UInt8] {
    if time == lastTime { return lastText }
    if !zoneLoaded {
      tzset()
      zoneLoaded = true
    }
    var seconds = time_t(time)
    var parts = tm()
    var out = OutputBuffer()
    if localtime_r(&seconds, &parts) != nil && parts.tm_year <= Int32.max - 1900 {
      // asctime's format: "%.3s %.3s%3d %.2d:%.2d:%.2d %d\n"; glibc prints ??? for a day or month out of range.
      out.append((0..<7).contains(parts.tm_wday) ? Self.days[Int(parts.tm_wday)] : "???")
      out.append(" ")
      out.append((0..<12).contains(parts.tm_mon) ? Self.months[Int(parts.tm_mon)] : "???")
      out.appendDecimal(parts.tm_mday, width: 3, alignRight: true)
      out.append(" ")
      Self.twoDigits(parts.tm_hour, &out)
      out.append(":")
      Self.twoDigits(parts.tm_min, &out)
      out.append(":")
      Self.twoDigits(parts.tm_sec, &out)
      out.append(" ")
      out.appendDecimal(parts.tm_year + 1900)
      out.append("\n")
    }
    lastTime = time
    lastText = Array(out.bytes.prefix(25))
    return lastText
  }

  /// `%.2d`: at least two digits, a minus sign before them.
  private static func twoDigits(_ value: Int32, _ out: inout OutputBuffer) {
    if value < 0 { out.append("-") }
    if value > -10 && value < 10 { out.append("0") }
    out.appendDecimal(value.magnitude)
  }

  /// `%-20.16s` of `ctime(time) + 4`, or of `Not set` for "never": the list views' short form
  /// (`Nov 22 21:32:32 `).
  package mutating func appendShort(_ time: Timestamp?, to out: inout OutputBuffer) {
    guard let time else { return out.append(Array("Not set".utf8), width: 20) }
    out.append(ctime(time.rawValue).dropFirst(4).prefix(16), width: 20)
  }

  /// `%-26.24s` of `ctime(time)`, or of `Not set` for "never" unless `always`: the long form.
  ///
  /// With `always`,
  /// "never" is shown as the epoch, as util-linux's `-i` views print a change time of 0.
  package mutating func appendLong(_ time: Timestamp?, always: Bool = false, to out: inout OutputBuffer) {
    guard time != nil || always else { return out.append(Array("Not set".utf8), width: 26) }
    out.append(ctime(time?.rawValue ?? 0).prefix(24), width: 26)
  }
}

internal import CIPCShim
import Glibc

/// The locale util-linux sets first, `setlocale(LC_ALL, "")`, adopted when it is first needed rather than at start.
///
/// In both tools the locale shows only in what libc writes or returns: getopt's messages, `strerror`, and the
/// decimal point of `--human` (`localeconv`). Those three adopt it first (`OptionParser`, `Errno.messageBytes`,
/// `decimalPoint()`), so every byte is what it would be with the locale set at start, while a run that prints
/// none of them (`swipcs -m`, `swipcrm -m ID` that succeeds) never loads it: loading it was over a quarter of
/// such a run's instructions and a dozen files mapped (issue 18).
package enum ProcessLocale {
  /// Sets the locale from the environment, once per process.
  package static func adoptEnvironment() { cipc_adopt_locale() }

  /// Whether the locale has been set.
  package static var isAdopted: Bool { cipc_locale_adopted() != 0 }

  /// The locale's decimal point (`localeconv()->decimal_point`), `.` when it has none.
  package static func decimalPoint() -> [UInt8] {
    adoptEnvironment()
    guard let conventions = localeconv(), let point = conventions.pointee.decimal_point, point.pointee != 0 else {
      return [UInt8(ascii: ".")]
    }
    return cStringBytes(point)
  }
}

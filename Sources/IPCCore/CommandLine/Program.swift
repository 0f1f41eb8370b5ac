import Glibc

/// The running tool's name and its messages, in util-linux's forms.
package struct Program: Sendable {
  /// The basename of argv[0], as util-linux's `program_invocation_short_name`.
  package var name: String

  package init(name: String) { self.name = name }

  /// The program named by this process's argv[0].
  package static func current() -> Program {
    let path = CommandLine.arguments.first ?? "swipcs"
    return Program(name: String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""))
  }

  /// `name: message` on stderr (util-linux `warnx`).
  package func warn(_ message: String) {
    writeStandardError("\(name): \(message)\n")
  }

  /// `name: message` followed by raw bytes and the rest, on stderr: for messages that quote an argument, which
  /// need not be UTF-8 and is echoed as given.
  package func warn(_ prefix: String, quoting argument: [UInt8], _ suffix: String) {
    writeStandardError(Array("\(name): \(prefix)".utf8) + argument + Array("\(suffix)\n".utf8))
  }

  /// `Try 'name --help' for more information.` (util-linux `errtryhelp`).
  package func tryHelp() {
    writeStandardError("Try '\(name) --help' for more information.\n")
  }

  /// One unbuffered write loop to fd 2, as stderr is unbuffered in C.
  package func writeStandardError(_ text: String) {
    writeStandardError(Array(text.utf8))
  }

  package func writeStandardError(_ bytes: [UInt8]) {
    // A failed write to stderr has nowhere to be reported, as in C.
    _ = bytes.withUnsafeBytes { OutputBuffer.writeAll(2, $0) }
  }
}

/// The process-wide set-up util-linux does first: `setlocale(LC_ALL, "")`, so that libc's messages (getopt,
/// strerror) and the decimal point of `--human` follow the environment as they do for util-linux.
package enum Locale {
  package static func adoptEnvironment() {
    _ = setlocale(LC_ALL, "")
  }

  /// The locale's decimal point (`localeconv()->decimal_point`), `.` when it has none.
  package static func decimalPoint() -> [UInt8] {
    guard let conventions = localeconv(), let point = conventions.pointee.decimal_point, point.pointee != 0 else {
      return [UInt8(ascii: ".")]
    }
    return Array(UnsafeRawBufferPointer(start: point, count: Glibc.strlen(point)))
  }
}

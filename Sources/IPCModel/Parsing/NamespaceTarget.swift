/// What `--ns` names: a process, whose IPC namespace is `/proc/PID/ns/ipc`, or an nsfs file (such as a
/// bind-mounted `/proc/PID/ns/ipc`).
package enum NamespaceTarget: Hashable, Sendable {
  case process(Int32)
  case file([UInt8])

  /// A word of decimal digits alone is a pid (it must be a positive 32-bit number); any other non-empty word is a
  /// path.
  package static func parse(_ word: [UInt8]) -> Result<NamespaceTarget, NumberError> {
    if word.isEmpty { return .failure(.invalid) }
    guard word.allSatisfy({ (48...57).contains($0) }) else { return .success(.file(word)) }
    var value: Int32 = 0
    for digit in word {
      let (times, overflow) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times.addingReportingOverflow(Int32(digit - 48))
      if overflow || overflow2 { return .failure(.outOfRange) }
      value = sum
    }
    return value > 0 ? .success(.process(value)) : .failure(.invalid)
  }

  /// The nsfs file to open.
  package var path: [UInt8] {
    switch self {
    case .process(let pid): Array("/proc/\(pid)/ns/ipc".utf8)
    case .file(let path): path
    }
  }
}

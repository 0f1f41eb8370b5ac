import CIPCShim
import Glibc
package import IPCModel

/// A failed system call: which operation, and the errno it returned.
package struct IPCError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The call as util-linux names it in messages, such as `semctl(GETVAL)` or `open(/proc/sysvipc/shm)`.
  package var operation: String
  /// The errno value.
  package var code: Int32

  package init(_ operation: String, code: Int32) {
    self.operation = operation
    self.code = code
  }

  /// `<operation> failed: <strerror>`, the wording of util-linux's `err(…, "%s failed", …)`.
  package var description: String { message.description }

  /// The same, with strerror's bytes as libc gives them in the current locale.
  package var message: Message { "\(operation) failed: \(errno: code)" }
}

/// errno helpers.
///
/// `errno` is read in one place, right after the call that set it.
package enum Errno {
  package static let invalidArgument = EINVAL
  package static let identifierRemoved = EIDRM
  package static let permissionDenied = EACCES
  package static let notPermitted = EPERM
  package static let notFound = ENOENT
  package static let noSuchProcess = ESRCH
  package static let outOfRange = ERANGE
  package static let nameTooLong = ENAMETOOLONG

  /// `strerror(code)`'s bytes, in the current locale as util-linux prints them (not necessarily UTF-8).
  package static func messageBytes(_ code: Int32) -> [UInt8] {
    ProcessLocale.adoptEnvironment()
    guard let text = strerror(code) else { return Array("Unknown error \(code)".utf8) }
    return cStringBytes(text)
  }

  /// Runs `call`; on -1 reads errno at once and throws it with `operation`.
  @inline(never)  // nothing may run between the call and the read of errno
  static func check(_ operation: @autoclosure () -> String, _ call: () -> Int32) throws(IPCError) -> Int32 {
    let result = call()
    guard result == -1 else { return result }
    let code = cipc_errno()
    throw IPCError(operation(), code: code)
  }

  /// As `check`, repeating the call while it fails with EINTR (read, write, open).
  @inline(never)
  static func retrying(_ operation: @autoclosure () -> String, _ call: () -> Int) throws(IPCError) -> Int {
    while true {
      let result = call()
      if result != -1 { return result }
      let code = cipc_errno()
      if code != EINTR { throw IPCError(operation(), code: code) }
    }
  }
}

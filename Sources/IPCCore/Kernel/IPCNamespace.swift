internal import CIPCShim
import Glibc
package import IPCModel

/// Why a namespace could not be opened, entered or left.
package struct NamespaceError: Error {
  package enum Stage: Sendable {
    /// The nsfs file could not be opened, or is not an IPC namespace's.
    case open
    /// `setns` refused (no CAP_SYS_ADMIN over the namespace's user namespace).
    case enter
    /// Coming back to the original namespace failed: nothing more may be done in this process.
    case restore
  }

  package var stage: Stage
  /// The errno, 0 where the error is not a failed call (a file of the wrong type).
  package var code: Int32
  /// What to print after `program: `.
  package var message: Message
}

/// An IPC namespace, held open.
///
/// Its nsfs file is opened once, checked to be an IPC namespace's, and every later step (its id, entering it)
/// uses that descriptor, never the path again. A pid that exits and is reused after
/// the open cannot redirect anything.
///
/// This file holds the namespace calls (`open`, `fstat`, `fstatfs`, the `NS_GET_NSTYPE` ioctl, `setns`).
package final class IPCNamespace {
  /// The inode of its nsfs file: what `readlink /proc/PID/ns/ipc` shows as `ipc:[ID]`.
  package let id: NamespaceID
  /// How it was named.
  package let target: NamespaceTarget
  private let descriptor: Int32

  private init(id: NamespaceID, target: NamespaceTarget, descriptor: Int32) {
    self.id = id
    self.target = target
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// The nsfs file of the calling thread's IPC namespace.
  static let ownPaths = ["/proc/thread-self/ns/ipc", "/proc/self/ns/ipc"]

  /// Whether process `pid`'s mount namespace belongs to the caller's own user namespace (`NS_GET_USERNS`); an
  /// error when that cannot be told.
  package static func mountNamespaceIsOwn(pid: Int32) -> Result<Bool, IPCError> {
    let path = "/proc/\(pid)/ns/mnt"
    switch cipc_namespace_owned_by_own_user_namespace(path) {
    case 1: return .success(true)
    case 0: return .success(false)
    default: return .failure(IPCError("ioctl(\(path), NS_GET_USERNS)", code: cipc_errno()))
    }
  }

  /// The id of the IPC namespace this thread is in, nil where /proc cannot tell.
  package static func currentID() -> NamespaceID? {
    for path in ownPaths {
      var info = stat()
      if stat(path, &info) == 0 { return NamespaceID(rawValue: UInt64(info.st_ino)) }
    }
    return nil
  }

  /// Opens the namespace `target` names and checks that it is an IPC namespace.
  ///
  /// A process: `/proc/PID/ns/ipc`, opened once. A path: it must be a regular file (so that a FIFO or a device is
  /// never opened) on nsfs, of an IPC namespace.
  package static func open(_ target: NamespaceTarget) throws(NamespaceError) -> IPCNamespace {
    let path = target.path
    let shown: Message = "'\(path)'"
    if case .file = target {
      var info = stat()
      let found = withCPath(path) { stat($0, &info) }
      if found != 0 {
        let code = errno
        throw NamespaceError(stage: .open, code: code, message: "cannot open \(shown): \(errno: code)")
      }
      if info.st_mode & S_IFMT != S_IFREG {
        throw NamespaceError(stage: .open, code: 0, message: "\(shown) is not an IPC namespace file (not on nsfs)")
      }
    }
    let descriptor = withCPath(path) { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
    if descriptor < 0 {
      let code = errno
      throw NamespaceError(stage: .open, code: code, message: openFailure(target, code: code))
    }
    let kind = cipc_ns_file_kind(descriptor)
    let kindErrno = errno
    var info = stat()
    let statted = fstat(descriptor, &info)
    let statErrno = errno
    guard kind == Int32(CIPC_NS_IPC.rawValue), statted == 0 else {
      close(descriptor)
      let message: Message =
        if kind < 0 {
          "cannot check \(shown) is an IPC namespace file: \(errno: kindErrno)"
        } else if kind == Int32(CIPC_NS_OTHER.rawValue) {
          "\(shown) is a namespace file, but not of an IPC namespace"
        } else if kind == Int32(CIPC_NS_NOT_NSFS.rawValue) {
          "\(shown) is not an IPC namespace file (not on nsfs)"
        } else {
          "cannot check \(shown) is an IPC namespace file: \(errno: statErrno)"
        }
      throw NamespaceError(stage: .open, code: kind < 0 ? kindErrno : 0, message: message)
    }
    return IPCNamespace(id: NamespaceID(rawValue: UInt64(info.st_ino)), target: target, descriptor: descriptor)
  }

  /// `path` as a NUL-terminated C string (argv cannot hold a NUL, so none is cut).
  private static func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (path + [0]).withUnsafeBytes { body($0.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: CChar.self)) }
  }

  private static func openFailure(_ target: NamespaceTarget, code: Int32) -> Message {
    switch (target, code) {
    case (.process(let pid), ENOENT):
      return "no process with pid \(pid) (cannot open /proc/\(pid)/ns/ipc: \(errno: code))"
    case (.process(let pid), EACCES), (.process(let pid), EPERM):
      return "cannot open /proc/\(pid)/ns/ipc: \(errno: code) (entering another process's IPC namespace needs "
        + "CAP_SYS_ADMIN over it)"
    case (.process(let pid), _):
      return "cannot open /proc/\(pid)/ns/ipc: \(errno: code)"
    case (.file(let path), _):
      return "cannot open '\(path)': \(errno: code)"
    }
  }

  /// `IPC namespace 4026532180 of pid 1234` or `IPC namespace 4026532180 ('PATH')`.
  package var name: Message {
    switch target {
    case .process(let pid): "IPC namespace \(id.rawValue) of pid \(pid)"
    case .file(let path): "IPC namespace \(id.rawValue) ('\(path)')"
    }
  }

  /// Moves this thread into the namespace for good, as `nsenter --ipc` does (`--ns`).
  ///
  /// Nothing is done when the thread is already there: `setns` would need CAP_SYS_ADMIN even for that.
  package func enter() throws(NamespaceError) {
    if IPCNamespace.currentID() == id { return }
    try setns()
  }

  private func setns() throws(NamespaceError) {
    guard cipc_setns_ipc(descriptor) == 0 else {
      let code = errno
      let why: Message =
        code == EPERM ? " (needs CAP_SYS_ADMIN over its user namespace)" : ""
      throw NamespaceError(stage: .enter, code: code, message: "cannot enter \(name): \(errno: code)\(why)")
    }
  }

  /// Runs `body` inside this namespace and comes back to the namespace the thread was in, through a descriptor
  /// of it opened first.
  ///
  /// - Throws: `.open` when the thread's own namespace cannot be opened and `.enter` when this one cannot be
  ///   entered (`body` has not run); `.restore` when coming back failed (`body` has run): the caller must stop,
  ///   since anything more would act in the wrong namespace.
  package func withEntered<T>(_ body: () -> T) throws(NamespaceError) -> T {
    let own = try IPCNamespace.openOwn()
    if own.id == id { return body() }
    try setns()
    let result = body()
    guard cipc_setns_ipc(own.descriptor) == 0 else {
      let code = errno
      throw NamespaceError(
        stage: .restore,
        code: code,
        message: "cannot return to IPC namespace \(own.id.rawValue) from \(name): \(errno: code)"
      )
    }
    return result
  }

  /// The calling thread's own namespace, held open.
  package static func openOwn() throws(NamespaceError) -> IPCNamespace {
    var failure = NamespaceError(stage: .open, code: 0, message: "")
    for path in ownPaths {
      do throws(NamespaceError) {
        return try open(.file(Array(path.utf8)))
      } catch {
        failure = error
      }
    }
    throw failure
  }
}

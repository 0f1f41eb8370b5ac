import Glibc
package import IPCModel

/// One process's directory of `/proc`, held open.
///
/// The descriptor pins the process, not its pid: once that process has exited, every read through the handle fails
/// (`ENOENT` or `ESRCH`), even after the pid has gone to a newer process. So files read through one handle are
/// all of one process.
package struct ProcessHandle: Sendable, Hashable {
  package var pid: Int32
  package var descriptor: Int32

  package init(pid: Int32, descriptor: Int32) {
    self.pid = pid
    self.descriptor = descriptor
  }
}

/// The processes the process columns read, behind a seam: what `/proc` lists and holds, and `kill(pid, 0)`.
///
/// `LiveProcesses` reads the running system; unit tests pass a fake with processes that exit mid-scan, maps that
/// cannot be read, and a `/proc` of another pid namespace. Every failure names its call and errno.
package protocol ProcessSource {
  /// The numeric entries of `/proc`: the processes (thread groups) of `/proc`'s pid namespace.
  func processIDs() throws(IPCError) -> [Int32]
  /// Opens `/proc/PID`.
  func open(_ pid: Int32) throws(IPCError) -> ProcessHandle
  /// The numeric entries of the process's `task` directory: its threads.
  func taskIDs(_ process: ProcessHandle) throws(IPCError) -> [Int32]
  /// A whole file of the process (`maps`, `stat`, `cmdline`, `status`).
  func read(_ process: ProcessHandle, _ file: String) throws(IPCError) -> [UInt8]
  /// The inode of the process's namespace file `ns/NAME` (`ipc`): the namespace's id.
  func namespace(_ process: ProcessHandle, _ name: String) throws(IPCError) -> UInt64
  func close(_ process: ProcessHandle)
  /// `kill(pid, 0)` in the reader's pid namespace: false only when no process has the pid (`ESRCH`).
  ///
  /// Unlike `/proc`, it is not hidden by `hidepid` and always speaks of the reader's own pid namespace.
  func exists(_ pid: Int32) -> Bool
  /// `/proc/stat`.
  func systemStatistics() throws(IPCError) -> [UInt8]
  /// `sysconf(_SC_CLK_TCK)`: the unit of `/proc/PID/stat`'s start time.
  var ticksPerSecond: Int64 { get }
  /// Whether `/proc` is the reader's pid namespace's (`/proc/self` names the reader's own pid). Only then do the
  /// pids the kernel reports, which are the reader's, name the same processes in `/proc`.
  func procShowsOwnPIDNamespace() -> Bool
  /// Whether the reader is in the initial pid namespace, and so sees every process: a pid 0 then means "never
  /// set", never "not visible from here".
  func seesEveryPID() -> Bool
}

/// `/proc` and `kill` of the running system.
package struct LiveProcesses: ProcessSource {
  package let procDirectory: String

  package init(procDirectory: String = "/proc") { self.procDirectory = procDirectory }

  package func processIDs() throws(IPCError) -> [Int32] {
    guard let directory = opendir(procDirectory) else {
      let code = errno
      throw IPCError("opendir(\(procDirectory))", code: code)
    }
    return Self.numericEntries(directory)
  }

  package func taskIDs(_ process: ProcessHandle) throws(IPCError) -> [Int32] {
    let name = "\(procDirectory)/\(process.pid)/task"
    let fd = try Errno.retrying("open(\(name))") {
      Int(openat(process.descriptor, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC))
    }
    guard let directory = fdopendir(Int32(fd)) else {
      let code = errno
      Glibc.close(Int32(fd))
      throw IPCError("fdopendir(\(name))", code: code)
    }
    return Self.numericEntries(directory)
  }

  /// The entries of `directory` whose names are positive decimal numbers; closes it.
  private static func numericEntries(_ directory: OpaquePointer) -> [Int32] {
    defer { closedir(directory) }
    var pids: [Int32] = []
    while let entry = readdir(directory) {
      let pid = withUnsafeBytes(of: entry.pointee.d_name) { name -> Int32? in
        var value: Int32 = 0
        for byte in name {
          if byte == 0 { break }
          guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
          let (times, o1) = value.multipliedReportingOverflow(by: 10)
          let (sum, o2) = times.addingReportingOverflow(Int32(byte - UInt8(ascii: "0")))
          if o1 || o2 { return nil }
          value = sum
        }
        return value > 0 ? value : nil
      }
      if let pid { pids.append(pid) }
    }
    return pids
  }

  package func open(_ pid: Int32) throws(IPCError) -> ProcessHandle {
    let path = "\(procDirectory)/\(pid)"
    let fd = try Errno.retrying("open(\(path))") { Int(Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) }
    return ProcessHandle(pid: pid, descriptor: Int32(fd))
  }

  package func read(_ process: ProcessHandle, _ file: String) throws(IPCError) -> [UInt8] {
    let name = "\(procDirectory)/\(process.pid)/\(file)"
    let fd = try Errno.retrying("open(\(name))") { Int(openat(process.descriptor, file, O_RDONLY | O_CLOEXEC)) }
    defer { Glibc.close(Int32(fd)) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 15)
    while true {
      let count = try Errno.retrying("read(\(name))") {
        chunk.withUnsafeMutableBytes { Glibc.read(Int32(fd), $0.baseAddress, $0.count) }
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
    }
  }

  package func namespace(_ process: ProcessHandle, _ name: String) throws(IPCError) -> UInt64 {
    var info = stat()
    _ = try Errno.check("stat(\(procDirectory)/\(process.pid)/ns/\(name))") {
      fstatat(process.descriptor, "ns/" + name, &info, 0)
    }
    return UInt64(info.st_ino)
  }

  package func close(_ process: ProcessHandle) { Glibc.close(process.descriptor) }

  package func exists(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    if kill(pid, 0) == 0 { return true }
    return errno != ESRCH
  }

  package func systemStatistics() throws(IPCError) -> [UInt8] { try LiveFiles().read(procDirectory + "/stat") }

  package var ticksPerSecond: Int64 { Int64(sysconf(Int32(_SC_CLK_TCK))) }

  package func procShowsOwnPIDNamespace() -> Bool {
    var buffer = [CChar](repeating: 0, count: 32)
    let length = readlink(procDirectory + "/self", &buffer, buffer.count - 1)
    guard length > 0 else { return false }
    let text = buffer[..<length].map { UInt8(bitPattern: $0) }
    return Digits.unsigned(text[...]) == UInt64(getpid())
  }

  /// The initial pid namespace's nsfs inode is fixed by the kernel (`PROC_PID_INIT_INO`).
  package func seesEveryPID() -> Bool {
    var info = stat()
    return stat(procDirectory + "/self/ns/pid", &info) == 0 && info.st_ino == 0xEFFF_FFFC
  }
}

import CIPCShim
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
  /// The lines of `/proc/PID/maps` that can name a System V segment (`sharedOnly`: its shared, file-backed
  /// mappings) or a POSIX object's file (every file-backed mapping: a private mapping holds the file too), or all
  /// of them where the kernel cannot select (before Linux 6.11).
  func maps(_ process: ProcessHandle, sharedOnly: Bool) throws(IPCError) -> [UInt8]
  /// The files the process has open: the device (`st_dev`) and inode of what each entry of its `fd` directory
  /// refers to, in the directory's order (a file open twice is listed twice).
  ///
  /// The files are stat'ed through the `/proc` links, never opened. A descriptor closed while the directory is read
  /// is not listed; a directory the caller may not read (another user's process) throws.
  func openFiles(_ process: ProcessHandle) throws(IPCError) -> [PosixFileIdentity]
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
    let directory = try Self.openDirectory(process, "task", name: "\(procDirectory)/\(process.pid)/task")
    return Self.numericEntries(directory)
  }

  /// `fstatat` without `AT_SYMLINK_NOFOLLOW` follows each `fd/N` link to the open file itself, without opening it
  /// (the kernel resolves the descriptor, whatever the file's path or mount namespace).
  package func openFiles(_ process: ProcessHandle) throws(IPCError) -> [PosixFileIdentity] {
    let name = "\(procDirectory)/\(process.pid)/fd"
    let directory = try Self.openDirectory(process, "fd", name: name)
    defer { closedir(directory) }
    let listed = dirfd(directory)
    var files: [PosixFileIdentity] = []
    while true {
      errno = 0
      guard let entry = readdir(directory) else {
        let code = errno
        if code != 0 { throw IPCError("readdir(\(name))", code: code) }
        return files
      }
      guard let fd = Self.number(entry) else { continue }
      var info = stat()
      do throws(IPCError) {
        _ = try Errno.check("stat(\(name)/\(fd))") { fstatat(listed, String(fd), &info, 0) }
      } catch {
        // Closed since readdir listed it.
        if error.code == ENOENT { continue }
        throw error
      }
      files.append(PosixFileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }
  }

  /// `openat(process, file)` as a directory stream, for `numericEntries` and `openFiles`.
  private static func openDirectory(
    _ process: ProcessHandle,
    _ file: String,
    name: String
  ) throws(IPCError) -> OpaquePointer {
    let fd = try Errno.retrying("open(\(name))") {
      Int(openat(process.descriptor, file, O_RDONLY | O_DIRECTORY | O_CLOEXEC))
    }
    guard let directory = fdopendir(Int32(fd)) else {
      let code = errno
      Glibc.close(Int32(fd))
      throw IPCError("fdopendir(\(name))", code: code)
    }
    return directory
  }

  /// The entries of `directory` whose names are positive decimal numbers; closes it.
  private static func numericEntries(_ directory: OpaquePointer) -> [Int32] {
    defer { closedir(directory) }
    var pids: [Int32] = []
    while let entry = readdir(directory) {
      if let pid = number(entry), pid > 0 { pids.append(pid) }
    }
    return pids
  }

  /// The entry's name as a decimal number of 31 bits (descriptor 0 too); nil for any other name (`.`, `self`).
  private static func number(_ entry: UnsafeMutablePointer<dirent>) -> Int32? {
    withUnsafeBytes(of: entry.pointee.d_name) { name -> Int32? in
      var value: Int32 = 0
      guard let first = name.first, first != 0 else { return nil }
      for byte in name {
        if byte == 0 { break }
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
        let (times, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times.addingReportingOverflow(Int32(byte - UInt8(ascii: "0")))
        if o1 || o2 { return nil }
        value = sum
      }
      return value
    }
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

  /// `PROCMAP_QUERY` on `/proc/PID/maps` asks the kernel for the file-backed (and with `sharedOnly` shared)
  /// mappings only, and the lines are written here in the maps format: without it, the kernel formats every
  /// mapping as text (a process of 130 mappings has about 3 that are shared), which made most of the scan's cost
  /// (bench/processes.sh).
  package func maps(_ process: ProcessHandle, sharedOnly: Bool) throws(IPCError) -> [UInt8] {
    let name = "\(procDirectory)/\(process.pid)/maps"
    let fd = Int32(
      try Errno.retrying("open(\(name))") { Int(openat(process.descriptor, "maps", O_RDONLY | O_CLOEXEC)) }
    )
    defer { Glibc.close(fd) }
    var lines = OutputLines()
    var address: UInt64 = 0
    var mapping = cipc_mapping()
    var path = [CChar](repeating: 0, count: 4096)
    while true {
      let result = path.withUnsafeMutableBufferPointer { buffer in
        cipc_next_file_mapping(fd, address, sharedOnly ? 1 : 0, &mapping, buffer.baseAddress, UInt32(buffer.count))
      }
      if result == 0 {
        let length = Int(mapping.name_size > 0 ? mapping.name_size - 1 : 0)
        lines.append(mapping, name: path.prefix(length).map { UInt8(bitPattern: $0) })
        guard mapping.end > address else { break }
        address = mapping.end
        continue
      }
      let code = errno
      if code == ENOENT { return lines.bytes }
      guard (code == ENOTTY || code == EINVAL) && address == 0 else {
        throw IPCError("ioctl(\(name), PROCMAP_QUERY)", code: code)
      }
      // A kernel without PROCMAP_QUERY: the whole text, for the parser to pick from.
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 1 << 15)
      while true {
        let count = try Errno.retrying("read(\(name))") {
          chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        }
        if count == 0 { return bytes }
        bytes.append(contentsOf: chunk[..<count])
      }
    }
    return lines.bytes
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

/// Lines of the `/proc/PID/maps` format, as the kernel's `show_map_vma` writes them (`%08lx-%08lx %c%c%c%c %08llx
/// %02x:%02x %lu `, the name after padding).
private struct OutputLines {
  var bytes: [UInt8] = []

  private mutating func hex(_ value: UInt64, width: Int) {
    let digits = Array(String(value, radix: 16).utf8)
    if digits.count < width { bytes += repeatElement(UInt8(ascii: "0"), count: width - digits.count) }
    bytes += digits
  }

  mutating func append(_ mapping: cipc_mapping, name: [UInt8]) {
    hex(mapping.start, width: 8)
    bytes.append(UInt8(ascii: "-"))
    hex(mapping.end, width: 8)
    bytes.append(UInt8(ascii: " "))
    let flags = mapping.flags
    bytes.append(flags & 1 != 0 ? UInt8(ascii: "r") : UInt8(ascii: "-"))
    bytes.append(flags & 2 != 0 ? UInt8(ascii: "w") : UInt8(ascii: "-"))
    bytes.append(flags & 4 != 0 ? UInt8(ascii: "x") : UInt8(ascii: "-"))
    bytes.append(flags & 8 != 0 ? UInt8(ascii: "s") : UInt8(ascii: "p"))
    bytes.append(UInt8(ascii: " "))
    hex(mapping.offset, width: 8)
    bytes.append(UInt8(ascii: " "))
    hex(UInt64(mapping.dev_major), width: 2)
    bytes.append(UInt8(ascii: ":"))
    hex(UInt64(mapping.dev_minor), width: 2)
    bytes.append(UInt8(ascii: " "))
    bytes += String(mapping.inode).utf8
    bytes.append(UInt8(ascii: " "))
    bytes += name
    bytes.append(0x0a)
  }
}

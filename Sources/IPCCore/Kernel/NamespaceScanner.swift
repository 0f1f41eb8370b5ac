import Glibc
package import IPCModel

/// The processes of `/proc`, behind a seam: `LiveNamespaceProcesses` reads them, unit tests pass fixtures.
package protocol NamespaceProcessSource {
  /// The pids of `/proc/[0-9]*`, in ascending order.
  func processIDs() throws(IPCError) -> [Int32]
  /// The IPC namespace of `pid`: the inode of `/proc/PID/ns/ipc`.
  func ipcNamespace(of pid: Int32) throws(IPCError) -> NamespaceID
  /// `/proc/PID/comm`, without its newline.
  func command(of pid: Int32) -> [UInt8]?
  /// `/proc/PID/cgroup`.
  func cgroup(of pid: Int32) -> [UInt8]?
}

/// One IPC namespace in use, and the processes in it.
package struct NamespaceMembers: Equatable, Sendable {
  package var id: NamespaceID
  /// In ascending order.
  package var pids: [Int32]

  package init(id: NamespaceID, pids: [Int32]) {
    self.id = id
    self.pids = pids
  }
}

/// What a walk over `/proc` found.
package struct NamespaceScan: Equatable, Sendable {
  /// Each namespace once, in the order of its lowest pid.
  package var namespaces: [NamespaceMembers] = []
  /// Processes whose namespace could not be read (not gone: refused, such as another user's process without
  /// CAP_SYS_PTRACE), and the errno of the first of them.
  package var unreadable = 0
  package var unreadableErrno: Int32 = 0
}

/// A process that stands for a namespace in a header: its pid, command and container.
package struct NamespaceDescription: Equatable, Sendable {
  package var pid: Int32
  package var command: [UInt8]
  package var container: ContainerIdentity?
}

/// Finds every IPC namespace in use: the distinct inodes of `/proc/[0-9]*/ns/ipc` (threads are not looked at).
package struct NamespaceScanner<Processes: NamespaceProcessSource> {
  package let processes: Processes

  package init(processes: Processes) { self.processes = processes }

  package func scan() throws(IPCError) -> NamespaceScan {
    var scan = NamespaceScan()
    var index: [NamespaceID: Int] = [:]
    for pid in try processes.processIDs() {
      let id: NamespaceID
      do throws(IPCError) {
        id = try processes.ipcNamespace(of: pid)
      } catch {
        // A process that exited since the directory was read is no namespace in use.
        if error.code == Errno.notFound || error.code == Errno.noSuchProcess { continue }
        if scan.unreadable == 0 { scan.unreadableErrno = error.code }
        scan.unreadable += 1
        continue
      }
      if let slot = index[id] {
        scan.namespaces[slot].pids.append(pid)
      } else {
        index[id] = scan.namespaces.count
        scan.namespaces.append(NamespaceMembers(id: id, pids: [pid]))
      }
    }
    return scan
  }

  /// `pid`'s command (control characters shown as `?`) and container, for a header line.
  package func describe(_ pid: Int32) -> NamespaceDescription {
    NamespaceDescription(
      pid: pid,
      command: shownCommand(pid),
      container: processes.cgroup(of: pid).flatMap { ContainerIdentity.parse(cgroupFile: $0) }
    )
  }

  /// `pid`'s command, control characters shown as `?`; `?` when it cannot be read.
  package func shownCommand(_ pid: Int32) -> [UInt8] {
    var command = processes.command(of: pid) ?? Array("?".utf8)
    if command.last == UInt8(ascii: "\n") { command.removeLast() }
    return command.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }
  }
}

/// `/proc` as it is.
package struct LiveNamespaceProcesses: NamespaceProcessSource {
  package let files = LiveFiles()

  package init() {}

  package func processIDs() throws(IPCError) -> [Int32] {
    guard let directory = opendir("/proc") else { throw IPCError("opendir(/proc)", code: errno) }
    defer { closedir(directory) }
    var pids: [Int32] = []
    while let entry = readdir(directory) {
      let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32? in
        var value: Int32 = 0
        var digits = 0
        for byte in raw {
          if byte == 0 { break }
          guard (48...57).contains(byte), digits < 9 else { return nil }
          value = value * 10 + Int32(byte - 48)
          digits += 1
        }
        return digits > 0 ? value : nil
      }
      if let pid { pids.append(pid) }
    }
    return pids.sorted()
  }

  package func ipcNamespace(of pid: Int32) throws(IPCError) -> NamespaceID {
    var info = stat()
    let path = "/proc/\(pid)/ns/ipc"
    _ = try Errno.check("stat(\(path))") { stat(path, &info) }
    return NamespaceID(rawValue: UInt64(info.st_ino))
  }

  package func command(of pid: Int32) -> [UInt8]? { try? files.read("/proc/\(pid)/comm") }

  package func cgroup(of pid: Int32) -> [UInt8]? { try? files.read("/proc/\(pid)/cgroup") }
}

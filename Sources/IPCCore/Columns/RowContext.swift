package import IPCModel

/// What column values are read with besides the object: names, the time now, and what is read from /proc only
/// when a column asks for it (a creator's command line, a segment's resident and swapped bytes).
package struct RowContext {
  package var names = NameCache()
  /// The time the rows are made at, for AGE and IDLE.
  package let now: Timestamp
  /// The IPC namespace the rows were read in, for NS: the snapshot's.
  ///
  /// Another namespace has other segments, so what was read of `/proc/sysvipc/shm` is read again.
  package var namespace: NamespaceID? {
    didSet { if namespace != oldValue { residency = nil } }
  }
  private let files: any FileSource
  private let procDirectory: String
  private var commandLines: [Int32: [UInt8]?] = [:]
  private var residency: [Int32: (resident: UInt64?, swapped: UInt64?)]?

  package init(now: Timestamp, files: any FileSource, procDirectory: String = "/proc") {
    self.now = now
    self.files = files
    self.procDirectory = procDirectory
  }

  /// `/proc/PID/cmdline` with its NULs as spaces (util-linux `pid_get_cmdline`), nil when there is none to read:
  /// pid 0, a process gone, a kernel thread, or one the caller may not read.
  package mutating func commandLine(_ pid: ProcessID) -> [UInt8]? {
    guard pid.rawValue > 0 else { return nil }
    if let known = commandLines[pid.rawValue] { return known }
    var text = (try? files.read("\(procDirectory)/\(pid.rawValue)/cmdline")) ?? []
    while text.last == 0 { text.removeLast() }
    for index in text.indices where text[index] == 0 { text[index] = UInt8(ascii: " ") }
    let result: [UInt8]? = text.isEmpty ? nil : text
    commandLines[pid.rawValue] = result
    return result
  }

  /// A segment's resident and swapped bytes from `/proc/sysvipc/shm`, read once when first asked (the kernel
  /// calls give neither).
  package mutating func residency(of segment: SharedMemorySegment) -> (resident: UInt64?, swapped: UInt64?) {
    if segment.residentBytes != nil || segment.swappedBytes != nil {
      return (segment.residentBytes, segment.swappedBytes)
    }
    if residency == nil {
      var table: [Int32: (resident: UInt64?, swapped: UInt64?)] = [:]
      let path = procDirectory + "/sysvipc/shm"
      if let bytes = try? files.read(path), let rows = try? SharedMemorySegment.parseProcFile(bytes, file: path) {
        for row in rows.rows { table[row.id] = (row.residentBytes, row.swappedBytes) }
      }
      residency = table
    }
    return residency?[segment.id] ?? (nil, nil)
  }
}

package import IPCModel

/// What column values are read with besides the object: names, the time now, and what is read from /proc or the
/// kernel only when a column asks for it (processes, a segment's resident and swapped bytes, a semaphore set's
/// waiters).
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
  /// Processes: attachments, liveness by the reuse rule, command lines.
  package var processes: ProcessFacts
  private let files: any FileSource
  private let sysV: (any SysVSource)?
  private let procDirectory: String
  private var residency: [Int32: (resident: UInt64?, swapped: UInt64?)]?

  package init(
    now: Timestamp,
    files: any FileSource,
    processes: any ProcessSource,
    sysV: (any SysVSource)? = nil,
    namespace: NamespaceID? = nil,
    procDirectory: String = "/proc"
  ) {
    self.now = now
    self.files = files
    self.sysV = sysV
    self.processes = ProcessFacts(source: processes, namespace: namespace)
    self.procDirectory = procDirectory
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

  /// The semaphores of `set`, one `semctl` of each kind per semaphore; nil when they cannot be read (no read
  /// permission, the set removed meanwhile).
  package mutating func semaphoreValues(of set: SemaphoreSet) -> [SemaphoreValue]? {
    guard let sysV else { return nil }
    return try? sysV.semaphoreValues(id: set.id, count: Int(clamping: set.semaphoreCount))
  }
}

import CIPCShim
import Glibc
package import IPCModel

/// The System V calls, made: the only Swift file that reaches `shmctl`, `msgctl` and `semctl` (through the shim)
/// and `shmget`, `msgget` and `semget`.
package struct LiveSysV: SysVSource {
  package init() {}

  package func highestIndex(_ kind: ObjectKind) throws(IPCError) -> Int32 {
    switch kind {
    case .sharedMemorySegment:
      var limits = cipc_shm_limits()
      return try Errno.check("shmctl(IPC_INFO)") { cipc_shm_limits(&limits) }
    case .messageQueue:
      var limits = cipc_msg_limits()
      return try Errno.check("msgctl(IPC_INFO)") { cipc_msg_limits(&limits) }
    case .semaphoreSet:
      var limits = cipc_sem_limits()
      return try Errno.check("semctl(IPC_INFO)") { cipc_sem_limits(&limits) }
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: throw notSystemV(kind)
    }
  }

  /// A POSIX kind asked of the System V calls: EINVAL, as the kernel answers an unknown command.
  private func notSystemV(_ kind: ObjectKind) -> IPCError { IPCError("\(kind.typeWord): not System V", code: EINVAL) }

  package func count(_ kind: ObjectKind) throws(IPCError) -> Int32 {
    switch kind {
    case .sharedMemorySegment: try sharedMemoryUsage().segments
    case .messageQueue: try messageQueueUsage().queues
    case .semaphoreSet: try semaphoreUsage().sets
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: throw notSystemV(kind)
    }
  }

  /// One stat call through the shim: `call` fills `row` for `target` as `lookup` says.
  ///
  /// The operation's name
  /// (`shmctl(SHM_STAT_ANY)`) is built only when the call fails.
  private func stat<Row>(
    _ function: StaticString,
    _ prefix: StaticString,
    _ target: Int32,
    _ lookup: IPCLookup,
    into row: Row,
    _ call: (Int32, cipc_lookup, UnsafeMutablePointer<Row>) -> Int32
  ) throws(IPCError) -> Row {
    var row = row
    let how: cipc_lookup =
      switch lookup {
      case .slotIgnoringPermissions: CIPC_BY_INDEX_ANY
      case .readableSlot: CIPC_BY_INDEX
      case .identifier: CIPC_BY_ID
      }
    _ = try Errno.check(Self.operation(function, prefix, lookup)) { call(target, how, &row) }
    return row
  }

  /// `shmctl(SHM_STAT_ANY)`, `msgctl(MSG_STAT)`, `semctl(IPC_STAT)`: a stat call's name in messages.
  private static func operation(_ function: StaticString, _ prefix: StaticString, _ lookup: IPCLookup) -> String {
    switch lookup {
    case .slotIgnoringPermissions: "\(function)(\(prefix)_STAT_ANY)"
    case .readableSlot: "\(function)(\(prefix)_STAT)"
    case .identifier: "\(function)(IPC_STAT)"
    }
  }

  /// The corresponding C call is `shmctl(target, SHM_STAT_ANY | SHM_STAT | IPC_STAT, …)`.
  package func statSegment(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> SharedMemorySegment {
    let row = try stat("shmctl", "SHM", target, lookup, into: cipc_shm()) { cipc_shm_stat($0, $1, $2) }
    return SharedMemorySegment(
      id: row.perm.id,
      key: IPCKey(rawValue: row.perm.key),
      ownership: Ownership(row.perm),
      size: row.size,
      attachCount: row.nattch,
      creatorPID: ProcessID(rawValue: row.cpid),
      lastOperationPID: ProcessID(rawValue: row.lpid),
      attachTime: Timestamp(kernelValue: row.atime),
      detachTime: Timestamp(kernelValue: row.dtime),
      changeTime: Timestamp(kernelValue: row.ctime)
    )
  }

  /// The corresponding C call is `msgctl(target, MSG_STAT_ANY | MSG_STAT | IPC_STAT, …)`.
  package func statQueue(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> MessageQueue {
    let row = try stat("msgctl", "MSG", target, lookup, into: cipc_msg()) { cipc_msg_stat($0, $1, $2) }
    return MessageQueue(
      id: row.perm.id,
      key: IPCKey(rawValue: row.perm.key),
      ownership: Ownership(row.perm),
      usedBytes: row.cbytes,
      messageCount: row.qnum,
      capacityBytes: row.qbytes,
      lastSendPID: ProcessID(rawValue: row.lspid),
      lastReceivePID: ProcessID(rawValue: row.lrpid),
      sendTime: Timestamp(kernelValue: row.stime),
      receiveTime: Timestamp(kernelValue: row.rtime),
      changeTime: Timestamp(kernelValue: row.ctime)
    )
  }

  /// The corresponding C call is `semctl(target, 0, SEM_STAT_ANY | SEM_STAT | IPC_STAT, …)`.
  package func statSemaphoreSet(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> SemaphoreSet {
    let row = try stat("semctl", "SEM", target, lookup, into: cipc_sem()) { cipc_sem_stat($0, $1, $2) }
    return SemaphoreSet(
      id: row.perm.id,
      key: IPCKey(rawValue: row.perm.key),
      ownership: Ownership(row.perm),
      semaphoreCount: row.nsems,
      operationTime: Timestamp(kernelValue: row.otime),
      changeTime: Timestamp(kernelValue: row.ctime)
    )
  }

  /// The corresponding C calls are `shmctl`, `msgctl` and `semctl` with `IPC_RMID`.
  package func remove(_ kind: ObjectKind, id: Int32) throws(IPCError) {
    switch kind {
    case .sharedMemorySegment: _ = try Errno.check("shmctl(IPC_RMID)") { cipc_shm_remove(id) }
    case .messageQueue: _ = try Errno.check("msgctl(IPC_RMID)") { cipc_msg_remove(id) }
    case .semaphoreSet: _ = try Errno.check("semctl(IPC_RMID)") { cipc_sem_remove(id) }
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: throw notSystemV(kind)
    }
  }

  /// The corresponding C calls are `shmget(key, 0, 0)`, `msgget(key, 0)` and `semget(key, 0, 0)`.
  package func lookUp(_ kind: ObjectKind, key: IPCKey) throws(IPCError) -> Int32 {
    switch kind {
    case .sharedMemorySegment: try Errno.check("shmget") { shmget(key.rawValue, 0, 0) }
    case .messageQueue: try Errno.check("msgget") { msgget(key.rawValue, 0) }
    case .semaphoreSet: try Errno.check("semget") { semget(key.rawValue, 0, 0) }
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: throw notSystemV(kind)
    }
  }

  /// Asked one by one in util-linux's order, so that a failure names the same call (`semctl(GETVAL) failed:
  /// Permission denied` without read permission; a set removed meanwhile fails the same way with EINVAL or EIDRM).
  ///
  /// The corresponding C calls are `semctl(id, n, GETVAL | GETNCNT | GETZCNT | GETPID)`.
  package func semaphoreValues(id: Int32, count: Int) throws(IPCError) -> [SemaphoreValue] {
    var values: [SemaphoreValue] = []
    values.reserveCapacity(count)
    for number in 0..<Int32(clamping: count) {
      values.append(
        SemaphoreValue(
          value: try Errno.check("semctl(GETVAL)") { cipc_sem_query(id, number, CIPC_SEM_VALUE) },
          waitingForIncrease: try Errno.check("semctl(GETNCNT)") { cipc_sem_query(id, number, CIPC_SEM_NCOUNT) },
          waitingForZero: try Errno.check("semctl(GETZCNT)") { cipc_sem_query(id, number, CIPC_SEM_ZCOUNT) },
          lastPID: ProcessID(
            rawValue: try Errno.check("semctl(GETPID)") { cipc_sem_query(id, number, CIPC_SEM_PID) }
          )
        )
      )
    }
    return values
  }

  /// The corresponding C call is `msgctl(0, IPC_INFO, …)`.
  package func messageQueueInfo() throws(IPCError) -> MessageQueueLimits {
    var info = cipc_msg_limits()
    _ = try Errno.check("msgctl(IPC_INFO)") { cipc_msg_limits(&info) }
    return MessageQueueLimits(
      maxQueues: info.msgmni,
      maxMessageSize: UInt64(truncatingIfNeeded: Int64(info.msgmax)),
      defaultQueueSize: info.msgmnb
    )
  }

  /// The corresponding C call is `shmctl(0, IPC_INFO, …)`.
  package func sharedMemoryInfo() throws(IPCError) -> SharedMemoryLimits {
    var info = cipc_shm_limits()
    _ = try Errno.check("shmctl(IPC_INFO)") { cipc_shm_limits(&info) }
    return SharedMemoryLimits(
      maxSegments: info.shmmni,
      maxSegmentSize: info.shmmax,
      maxTotalPages: info.shmall,
      minSegmentSize: info.shmmin
    )
  }

  /// The corresponding C call is `semctl(0, 0, IPC_INFO, …)`.
  package func semaphoreInfo() throws(IPCError) -> SemaphoreLimits {
    var info = cipc_sem_limits()
    _ = try Errno.check("semctl(IPC_INFO)") { cipc_sem_limits(&info) }
    return SemaphoreLimits(
      maxSets: info.semmni,
      maxPerSet: info.semmsl,
      maxTotal: info.semmns,
      maxOperationsPerCall: info.semopm,
      maxValue: UInt32(truncatingIfNeeded: info.semvmx)
    )
  }

  /// The corresponding C call is `msgctl(0, MSG_INFO, …)`.
  package func messageQueueUsage() throws(IPCError) -> MessageQueueUsage {
    var usage = cipc_msg_usage()
    _ = try Errno.check("msgctl(MSG_INFO)") { cipc_msg_usage(&usage) }
    return MessageQueueUsage(queues: usage.queues, messages: usage.messages, bytes: usage.bytes)
  }

  /// The corresponding C call is `shmctl(0, SHM_INFO, …)`.
  package func sharedMemoryUsage() throws(IPCError) -> SharedMemoryUsage {
    var usage = cipc_shm_usage()
    _ = try Errno.check("shmctl(SHM_INFO)") { cipc_shm_usage(&usage) }
    return SharedMemoryUsage(
      segments: usage.used_ids,
      pagesAllocated: usage.total_pages,
      pagesResident: usage.resident_pages,
      pagesSwapped: usage.swapped_pages,
      swapAttempts: usage.swap_attempts,
      swapSuccesses: usage.swap_successes
    )
  }

  /// The corresponding C call is `semctl(0, 0, SEM_INFO, …)`.
  package func semaphoreUsage() throws(IPCError) -> SemaphoreUsage {
    var usage = cipc_sem_usage()
    _ = try Errno.check("semctl(SEM_INFO)") { cipc_sem_usage(&usage) }
    return SemaphoreUsage(sets: usage.sets, semaphores: usage.semaphores)
  }
}

extension Ownership {
  init(_ perm: cipc_perm) {
    self.init(
      owner: UserID(rawValue: perm.uid),
      group: GroupID(rawValue: perm.gid),
      creator: UserID(rawValue: perm.cuid),
      creatorGroup: GroupID(rawValue: perm.cgid),
      mode: IPCMode(rawValue: perm.mode)
    )
  }
}

/// Files read whole, to EOF (`stat` reports size 0 for the files of /proc).
package struct LiveFiles: FileSource {
  package init() {}

  package func read(_ path: String) throws(IPCError) -> [UInt8] {
    let fd = try Errno.retrying("open(\(path))") { Int(open(path, O_RDONLY | O_CLOEXEC)) }
    defer { close(Int32(fd)) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = try Errno.retrying("read(\(path))") {
        chunk.withUnsafeMutableBytes { Glibc.read(Int32(fd), $0.baseAddress, $0.count) }
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
    }
  }

  package func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  package func inode(_ path: String) -> UInt64? {
    var info = stat()
    return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
  }
}

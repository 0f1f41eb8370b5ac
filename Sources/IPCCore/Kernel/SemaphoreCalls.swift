import CIPCShim
import Glibc

/// The semaphore calls: the only file that reaches `semctl` (through the shim, as it is variadic).
package enum SemaphoreCalls {
  /// Removes set `id`.
  ///
  /// The corresponding C call is `semctl(id, 0, IPC_RMID)`.
  package static func remove(id: Int32) throws(IPCError) {
    _ = try Errno.check("semctl(IPC_RMID)") { cipc_sem_remove(id) }
  }

  /// The identifier of the set with `key`.
  ///
  /// The corresponding C call is `semget(key, 0, 0)`.
  package static func lookUp(key: IPCKey) throws(IPCError) -> Int32 {
    try Errno.check("semget") { semget(key.rawValue, 0, 0) }
  }

  /// Each semaphore's value, waiter counts and last pid, asked one by one in util-linux's order so that a
  /// failure names the same call (`semctl(GETVAL) failed: Permission denied` without read permission; a set
  /// removed meanwhile fails the same way with EINVAL or EIDRM).
  ///
  /// The corresponding C calls are `semctl(id, n, GETVAL | GETNCNT | GETZCNT | GETPID)`.
  package static func values(id: Int32, count: Int) throws(IPCError) -> [SemaphoreValue] {
    var values: [SemaphoreValue] = []
    values.reserveCapacity(count)
    for number in 0..<Int32(clamping: count) {
      values.append(
        SemaphoreValue(
          value: try Errno.check("semctl(GETVAL)") { cipc_sem_query(id, number, CIPC_SEM_VALUE) },
          waitingForIncrease: try Errno.check("semctl(GETNCNT)") { cipc_sem_query(id, number, CIPC_SEM_NCOUNT) },
          waitingForZero: try Errno.check("semctl(GETZCNT)") { cipc_sem_query(id, number, CIPC_SEM_ZCOUNT) },
          lastPID: try Errno.check("semctl(GETPID)") { cipc_sem_query(id, number, CIPC_SEM_PID) }
        )
      )
    }
    return values
  }
}

extension SemaphoreSet: KernelListable {
  package static var kind: IPCKind { .semaphores }

  /// The corresponding C call is `semctl(0, 0, IPC_INFO, …)`.
  package static func highestIndex() throws(IPCError) -> Int32 {
    var limits = cipc_sem_limits()
    return try Errno.check("semctl(IPC_INFO)") { cipc_sem_limits(&limits) }
  }

  /// The corresponding C call is `semctl(0, 0, SEM_INFO, …)`.
  package static func count() throws(IPCError) -> Int32 {
    var usage = cipc_sem_usage()
    _ = try Errno.check("semctl(SEM_INFO)") { cipc_sem_usage(&usage) }
    return usage.sets
  }

  /// The corresponding C call is `semctl(target, 0, SEM_STAT_ANY | SEM_STAT | IPC_STAT, …)`.
  package static func stat(_ target: Int32, lookup: IPCLookup) throws(IPCError) -> SemaphoreSet {
    var row = cipc_sem()
    _ = try Errno.check("semctl(\(lookup.commandName("SEM")))") { cipc_sem_stat(target, lookup.shim, &row) }
    return SemaphoreSet(
      permissions: IPCPermissions(row.perm),
      count: row.nsems,
      operationTime: row.otime,
      changeTime: row.ctime
    )
  }
}

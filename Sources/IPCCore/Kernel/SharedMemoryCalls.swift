import CIPCShim
import Glibc

/// The shared-memory calls: the only file that reaches `shmctl`.
package enum SharedMemoryCalls {
  /// Removes segment `id`, or marks an attached one for removal.
  ///
  /// The corresponding C call is `shmctl(id, IPC_RMID)`.
  package static func remove(id: Int32) throws(IPCError) {
    _ = try Errno.check("shmctl(IPC_RMID)") { cipc_shm_remove(id) }
  }

  /// The identifier of the segment with `key`.
  ///
  /// The corresponding C call is `shmget(key, 0, 0)`.
  package static func lookUp(key: IPCKey) throws(IPCError) -> Int32 {
    try Errno.check("shmget") { shmget(key.rawValue, 0, 0) }
  }
}

extension SharedMemorySegment: KernelListable {
  package static var kind: IPCKind { .sharedMemory }

  /// The corresponding C call is `shmctl(0, IPC_INFO, …)`.
  package static func highestIndex() throws(IPCError) -> Int32 {
    var limits = cipc_shm_limits()
    return try Errno.check("shmctl(IPC_INFO)") { cipc_shm_limits(&limits) }
  }

  /// The corresponding C call is `shmctl(0, SHM_INFO, …)`.
  package static func count() throws(IPCError) -> Int32 {
    var usage = cipc_shm_usage()
    _ = try Errno.check("shmctl(SHM_INFO)") { cipc_shm_usage(&usage) }
    return usage.used_ids
  }

  /// The corresponding C call is `shmctl(target, SHM_STAT_ANY | SHM_STAT | IPC_STAT, …)`.
  package static func stat(_ target: Int32, lookup: IPCLookup) throws(IPCError) -> SharedMemorySegment {
    var row = cipc_shm()
    _ = try Errno.check("shmctl(\(lookup.commandName("SHM")))") { cipc_shm_stat(target, lookup.shim, &row) }
    return SharedMemorySegment(
      permissions: IPCPermissions(row.perm),
      size: row.size,
      attachCount: row.nattch,
      creatorPID: row.cpid,
      lastOperationPID: row.lpid,
      attachTime: row.atime,
      detachTime: row.dtime,
      changeTime: row.ctime
    )
  }
}

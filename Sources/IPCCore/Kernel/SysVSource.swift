package import IPCModel

/// How a stat call names its object.
package enum IPCLookup: Sendable, Hashable {
  /// A kernel slot index, with no read-permission check: `*_STAT_ANY` (Linux 4.17 and later).
  case slotIgnoringPermissions
  /// A kernel slot index, only if the caller may read the object: `*_STAT`.
  case readableSlot
  /// An identifier, only if the caller may read the object: `IPC_STAT`.
  case identifier
}

/// The System V calls swipcs makes, behind one seam.
///
/// `LiveSysV` makes them; unit tests pass fakes (a kernel without `*_STAT_ANY`, a security module that refuses
/// it, objects that vanish mid-walk) and so test every fallback without privilege.
package protocol SysVSource {
  /// `IPC_INFO`: the highest slot index in use, or 0 when none is (the kernel does not return -1 here).
  ///
  /// `IPC_INFO` answers in constant time; `SHM_INFO` returns the same index but first sums the resident and
  /// swapped pages of every segment (8–16 ms at 32,000 segments, measured), so walks do not use it.
  func highestIndex(_ kind: ObjectKind) throws(IPCError) -> Int32
  /// `*_INFO`: how many objects of the kind exist.
  func count(_ kind: ObjectKind) throws(IPCError) -> Int32
  /// `SHM_STAT_ANY`, `SHM_STAT` or `IPC_STAT` of one slot or id.
  func statSegment(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> SharedMemorySegment
  /// `MSG_STAT_ANY`, `MSG_STAT` or `IPC_STAT`.
  func statQueue(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> MessageQueue
  /// `SEM_STAT_ANY`, `SEM_STAT` or `IPC_STAT`.
  func statSemaphoreSet(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> SemaphoreSet
  /// `IPC_RMID`.
  func remove(_ kind: ObjectKind, id: Int32) throws(IPCError)
  /// `shmget`/`msgget`/`semget(key, 0, 0)`: the id `key` names now.
  func lookUp(_ kind: ObjectKind, key: IPCKey) throws(IPCError) -> Int32
  /// Each semaphore of set `id`: `semctl(GETVAL|GETNCNT|GETZCNT|GETPID)` one by one.
  func semaphoreValues(id: Int32, count: Int) throws(IPCError) -> [SemaphoreValue]
  /// `IPC_INFO` limits.
  func messageQueueInfo() throws(IPCError) -> MessageQueueLimits
  func sharedMemoryInfo() throws(IPCError) -> SharedMemoryLimits
  func semaphoreInfo() throws(IPCError) -> SemaphoreLimits
  /// `MSG_INFO`, `SHM_INFO`, `SEM_INFO` usage.
  func messageQueueUsage() throws(IPCError) -> MessageQueueUsage
  func sharedMemoryUsage() throws(IPCError) -> SharedMemoryUsage
  func semaphoreUsage() throws(IPCError) -> SemaphoreUsage
}

/// Whole files, such as `/proc/sysvipc/shm` and `/proc/sys/kernel/shmmax`, behind a seam for the same reason.
package protocol FileSource {
  func read(_ path: String) throws(IPCError) -> [UInt8]
  func exists(_ path: String) -> Bool
  /// The inode number of what `path` names (for an nsfs file such as `/proc/self/ns/ipc`, the namespace's id).
  func inode(_ path: String) -> UInt64?
}

/// A kind of System V object as the sources deliver it: by slot or id from the kernel, or from its
/// `/proc/sysvipc` file.
///
/// Lets one generic walk serve the three kinds without a per-kind switch.
package protocol SysVListable: SystemVObject {
  static func stat(_ source: some SysVSource, _ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> Self
  static func parseProcFile(_ bytes: [UInt8], file: String) throws(ProcParseError) -> ProcTable<Self>
  /// The object as the kind-independent `IPCObject`.
  var object: IPCObject { get }
}

extension SharedMemorySegment: SysVListable {
  package static func stat(_ source: some SysVSource, _ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> Self {
    try source.statSegment(target, lookup)
  }
  package var object: IPCObject { .sharedMemorySegment(self) }
}

extension MessageQueue: SysVListable {
  package static func stat(_ source: some SysVSource, _ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> Self {
    try source.statQueue(target, lookup)
  }
  package var object: IPCObject { .messageQueue(self) }
}

extension SemaphoreSet: SysVListable {
  package static func stat(_ source: some SysVSource, _ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> Self {
    try source.statSemaphoreSet(target, lookup)
  }
  package var object: IPCObject { .semaphoreSet(self) }
}

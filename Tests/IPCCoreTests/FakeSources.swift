import IPCCore
import IPCModel

/// A kernel in memory: slots of segments, each readable by the caller or not, and switches for the ways real
/// kernels and security modules answer.
///
/// Nothing here needs privilege or touches the machine's IPC objects.
struct FakeSysV: SysVSource {
  /// A slot's object and whether the caller may read it (`*_STAT`, `IPC_STAT`).
  struct Slot {
    var segment: SharedMemorySegment
    var readable = true
  }

  var slots: [Int32: Slot] = [:]
  /// How `*_STAT_ANY` answers: normally, as a kernel before 4.17 (EINVAL for every slot), or refused (EPERM).
  enum StatAny { case works, unknownCommand, refused }
  var statAny = StatAny.works
  /// `IPC_INFO` fails: the kernel has no System V shared memory.
  var noFacility = false
  /// Slots whose object goes away between `IPC_INFO` and the stat of the slot.
  var vanishing: Set<Int32> = []
  /// What `IPC_RMID` was called on, in order.
  final class Log { var removed: [Int32] = [] }
  let log = Log()
  /// Objects changed after the fake was made (shared by its copies): a segment here replaces the slot's one of
  /// the same slot whenever it is read, and `gone` slots read as empty.
  final class Changes {
    var segments: [Int32: SharedMemorySegment] = [:]
    var gone: Set<Int32> = []
  }
  let changes = Changes()

  /// The object in `slot` as it is now.
  private func current(_ slot: Int32) -> Slot? {
    guard var found = slots[slot], !changes.gone.contains(slot) else { return nil }
    if let changed = changes.segments[slot] { found.segment = changed }
    return found
  }

  static func segment(_ id: Int32, key: Int32 = 0, owner: UInt32 = 0) -> SharedMemorySegment {
    SharedMemorySegment(
      id: id,
      key: IPCKey(rawValue: key),
      ownership: Ownership(
        owner: UserID(rawValue: owner),
        group: GroupID(rawValue: owner),
        creator: UserID(rawValue: owner),
        creatorGroup: GroupID(rawValue: owner),
        mode: IPCMode(rawValue: 0o600)
      ),
      size: 4096,
      attachCount: 0,
      creatorPID: ProcessID(rawValue: 1),
      lastOperationPID: ProcessID(rawValue: 0),
      attachTime: nil,
      detachTime: nil,
      changeTime: Timestamp(kernelValue: 1_700_000_000)
    )
  }

  private static func failure(_ code: Int32) -> IPCError { IPCError("fake", code: code) }

  func highestIndex(_ kind: ObjectKind) throws(IPCError) -> Int32 {
    if noFacility || kind != .sharedMemorySegment { throw Self.failure(Errno.invalidArgument) }
    return slots.keys.max() ?? 0
  }

  func count(_ kind: ObjectKind) throws(IPCError) -> Int32 { Int32(slots.count) }

  func statSegment(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> SharedMemorySegment {
    switch lookup {
    case .slotIgnoringPermissions:
      switch statAny {
      case .unknownCommand: throw Self.failure(Errno.invalidArgument)
      case .refused: throw Self.failure(Errno.notPermitted)
      case .works: break
      }
      guard let slot = current(target), !vanishing.contains(target) else { throw Self.failure(Errno.invalidArgument) }
      return slot.segment
    case .readableSlot:
      guard let slot = current(target), !vanishing.contains(target) else { throw Self.failure(Errno.invalidArgument) }
      guard slot.readable else { throw Self.failure(Errno.permissionDenied) }
      return slot.segment
    case .identifier:
      guard let slot = slots.keys.compactMap(current).first(where: { $0.segment.id == target }) else {
        throw Self.failure(Errno.invalidArgument)
      }
      guard slot.readable else { throw Self.failure(Errno.permissionDenied) }
      return slot.segment
    }
  }

  func statQueue(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> MessageQueue {
    throw Self.failure(Errno.invalidArgument)
  }

  func statSemaphoreSet(_ target: Int32, _ lookup: IPCLookup) throws(IPCError) -> SemaphoreSet {
    throw Self.failure(Errno.invalidArgument)
  }

  func remove(_ kind: ObjectKind, id: Int32) throws(IPCError) {
    guard slots.keys.compactMap(current).contains(where: { $0.segment.id == id }) else {
      throw Self.failure(Errno.invalidArgument)
    }
    log.removed.append(id)
  }

  func lookUp(_ kind: ObjectKind, key: IPCKey) throws(IPCError) -> Int32 {
    guard let slot = slots.values.first(where: { $0.segment.key == key }) else {
      throw Self.failure(Errno.notFound)
    }
    return slot.segment.id
  }

  func semaphoreValues(id: Int32, count: Int) throws(IPCError) -> [SemaphoreValue] { [] }
  func messageQueueInfo() throws(IPCError) -> MessageQueueLimits { throw Self.failure(Errno.invalidArgument) }
  func sharedMemoryInfo() throws(IPCError) -> SharedMemoryLimits { throw Self.failure(Errno.invalidArgument) }
  func semaphoreInfo() throws(IPCError) -> SemaphoreLimits { throw Self.failure(Errno.invalidArgument) }
  func messageQueueUsage() throws(IPCError) -> MessageQueueUsage { throw Self.failure(Errno.invalidArgument) }
  func sharedMemoryUsage() throws(IPCError) -> SharedMemoryUsage { throw Self.failure(Errno.invalidArgument) }
  func semaphoreUsage() throws(IPCError) -> SemaphoreUsage { throw Self.failure(Errno.invalidArgument) }
}

/// Files in memory: a path maps to its bytes, or to the errno reading it fails with.
struct FakeFiles: FileSource {
  var contents: [String: [UInt8]] = [:]
  var failures: [String: Int32] = [:]

  func read(_ path: String) throws(IPCError) -> [UInt8] {
    if let code = failures[path] { throw IPCError("open(\(path))", code: code) }
    guard let bytes = contents[path] else { throw IPCError("open(\(path))", code: Errno.notFound) }
    return bytes
  }

  func exists(_ path: String) -> Bool { contents[path] != nil || failures[path] != nil }

  var inodes: [String: UInt64] = [:]
  func inode(_ path: String) -> UInt64? { inodes[path] }
}

/// `/dev/shm` and an mqueue filesystem in memory: entries of any file type, file contents, readable or not, and
/// whether the queues can be reached at all.
struct FakePosix: PosixSource {
  var sharedMemoryDirectory = "/dev/shm"
  /// `/dev/shm`'s entries by name.
  var entries: [[UInt8]: PosixFileStatus] = [:]
  /// The contents of the regular files the caller may read.
  var contents: [[UInt8]: [UInt8]] = [:]
  /// `/dev/shm` cannot be opened.
  var directoryError: Int32?
  var queues: [PosixQueueEntry] = []
  var queueError: PosixQueueListingError?
  /// Errno of `unlinkat`, by name (a file the caller may not remove).
  var unlinkErrors: [[UInt8]: Int32] = [:]
  /// Errno of `mq_unlink`, by name; a queue not in `queues` is ENOENT.
  var queueUnlinkErrors: [[UInt8]: Int32] = [:]

  final class Log {
    var unlinked: [[UInt8]] = []
    var queuesUnlinked: [[UInt8]] = []
    /// Entries replaced after the fake was made (another file took the name): they win over `entries`.
    var replaced: [[UInt8]: PosixFileStatus] = [:]
  }

  /// The entry of `fileName` now.
  func current(_ fileName: [UInt8]) -> PosixFileStatus? { log.replaced[fileName] ?? entries[fileName] }
  let log = Log()

  static func status(
    _ type: PosixFileStatus.FileType = .regular,
    size: UInt64 = 0,
    owner: UInt32 = 0,
    permissions: UInt32 = 0o600,
    inode: UInt64 = 1,
    mtime: Int64 = 1_700_000_000
  ) -> PosixFileStatus {
    PosixFileStatus(
      type: type,
      owner: UserID(rawValue: owner),
      group: GroupID(rawValue: owner),
      permissions: permissions,
      size: size,
      modificationTime: mtime,
      file: PosixFileIdentity(device: 25, inode: inode)
    )
  }

  func sharedMemoryEntries() throws(IPCError) -> [PosixDirectoryEntry] {
    if let code = directoryError { throw IPCError("open(/dev/shm)", code: code) }
    return entries.map { PosixDirectoryEntry(fileName: $0.key, status: log.replaced[$0.key] ?? $0.value) }
  }

  func sharedMemoryDirectoryIdentity() throws(IPCError) -> PosixFileIdentity {
    if let code = directoryError { throw IPCError("open(/dev/shm)", code: code) }
    return PosixFileIdentity(device: 25, inode: 1)
  }

  func readSharedMemoryFile(_ fileName: [UInt8], file: PosixFileIdentity, limit: Int) -> [UInt8]? {
    guard let status = current(fileName), status.type == .regular, status.file == file else { return nil }
    return contents[fileName].map { Array($0.prefix(limit)) }
  }

  func unlinkSharedMemoryEntry(
    _ fileName: [UInt8],
    if shouldUnlink: (PosixFileStatus) -> Bool
  ) throws(IPCError) -> PosixFileStatus {
    guard let status = current(fileName) else { throw IPCError("fstatat", code: Errno.notFound) }
    if shouldUnlink(status) {
      if let code = unlinkErrors[fileName] { throw IPCError("unlinkat", code: code) }
      log.unlinked.append(fileName)
    }
    return status
  }

  func queueEntries() throws(PosixQueueListingError) -> [PosixQueueEntry] {
    if let queueError { throw queueError }
    return queues
  }

  func unlinkQueue(_ name: PosixName) throws(IPCError) {
    if let code = queueUnlinkErrors[name.bytes] { throw IPCError("mq_unlink", code: code) }
    guard queues.contains(where: { $0.entry.fileName == name.bytes }) else {
      throw IPCError("mq_unlink", code: Errno.notFound)
    }
    log.queuesUnlinked.append(name.bytes)
  }
}

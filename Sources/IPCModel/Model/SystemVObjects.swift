/// What names a System V object: its kind, its id and its key.
///
/// An id is unique only within its IPC namespace and only while the object lives (the kernel reuses slots, and
/// after the sequence number wraps, ids), so removal re-reads an object and compares the whole identity.
package struct SysVIdentity: Hashable, Sendable {
  package var kind: ObjectKind
  package var id: Int32
  package var key: IPCKey

  package init(kind: ObjectKind, id: Int32, key: IPCKey) {
    self.kind = kind
    self.id = id
    self.key = key
  }
}

/// A reference to one object: its name within its family, and the namespace that name means something in (an id
/// or a name means nothing outside its namespace).
package struct ObjectRef: Hashable, Sendable {
  /// How the object is named within its family.
  package enum Name: Hashable, Sendable {
    case systemV(SysVIdentity)
    /// A POSIX kind and the object's name (without the leading `/`, and for a semaphore without `sem.`).
    case posix(ObjectKind, PosixName)
  }

  package var name: Name
  /// The namespace the name is looked up in.
  ///
  /// The IPC namespace for System V objects and POSIX message queues; the mount namespace (whose `/dev/shm` holds
  /// them) for POSIX shared memory and semaphores. nil where the namespace could not be read (no /proc).
  package var namespace: NamespaceID?

  package init(_ name: Name, namespace: NamespaceID?) {
    self.name = name
    self.namespace = namespace
  }

  package var kind: ObjectKind {
    switch name {
    case .systemV(let identity): identity.kind
    case .posix(let kind, _): kind
    }
  }
}

/// What every System V object has, whatever its kind.
package protocol SystemVObject: Sendable, Hashable {
  static var kind: ObjectKind { get }
  var id: Int32 { get }
  var key: IPCKey { get }
  var ownership: Ownership { get }
  /// The last IPC_SET, or creation.
  var changeTime: Timestamp? { get }
}

extension SystemVObject {
  package var identity: SysVIdentity { SysVIdentity(kind: Self.kind, id: id, key: key) }
}

/// One shared-memory segment (a row of `/proc/sysvipc/shm`, or `SHM_STAT_ANY`).
package struct SharedMemorySegment: SystemVObject {
  package static var kind: ObjectKind { .sharedMemorySegment }
  package var id: Int32
  package var key: IPCKey
  package var ownership: Ownership
  /// Size in bytes.
  package var size: UInt64
  package var attachCount: UInt64
  package var creatorPID: ProcessID
  package var lastOperationPID: ProcessID
  package var attachTime: Timestamp?
  package var detachTime: Timestamp?
  package var changeTime: Timestamp?
  /// Resident bytes: `nil` where the source does not say (kernels before 2.6.36, and the syscalls).
  package var residentBytes: UInt64?
  /// Swapped bytes: `nil` where the source does not say.
  package var swappedBytes: UInt64?

  package init(
    id: Int32,
    key: IPCKey,
    ownership: Ownership,
    size: UInt64,
    attachCount: UInt64,
    creatorPID: ProcessID,
    lastOperationPID: ProcessID,
    attachTime: Timestamp?,
    detachTime: Timestamp?,
    changeTime: Timestamp?,
    residentBytes: UInt64? = nil,
    swappedBytes: UInt64? = nil
  ) {
    self.id = id
    self.key = key
    self.ownership = ownership
    self.size = size
    self.attachCount = attachCount
    self.creatorPID = creatorPID
    self.lastOperationPID = lastOperationPID
    self.attachTime = attachTime
    self.detachTime = detachTime
    self.changeTime = changeTime
    self.residentBytes = residentBytes
    self.swappedBytes = swappedBytes
  }
}

/// One message queue (a row of `/proc/sysvipc/msg`, or `MSG_STAT_ANY`).
package struct MessageQueue: SystemVObject {
  package static var kind: ObjectKind { .messageQueue }
  package var id: Int32
  package var key: IPCKey
  package var ownership: Ownership
  /// Bytes currently queued.
  package var usedBytes: UInt64
  package var messageCount: UInt64
  /// The queue's capacity in bytes: `nil` where the source does not say (`/proc` has no such column).
  package var capacityBytes: UInt64?
  package var lastSendPID: ProcessID
  package var lastReceivePID: ProcessID
  package var sendTime: Timestamp?
  package var receiveTime: Timestamp?
  package var changeTime: Timestamp?

  package init(
    id: Int32,
    key: IPCKey,
    ownership: Ownership,
    usedBytes: UInt64,
    messageCount: UInt64,
    capacityBytes: UInt64?,
    lastSendPID: ProcessID,
    lastReceivePID: ProcessID,
    sendTime: Timestamp?,
    receiveTime: Timestamp?,
    changeTime: Timestamp?
  ) {
    self.id = id
    self.key = key
    self.ownership = ownership
    self.usedBytes = usedBytes
    self.messageCount = messageCount
    self.capacityBytes = capacityBytes
    self.lastSendPID = lastSendPID
    self.lastReceivePID = lastReceivePID
    self.sendTime = sendTime
    self.receiveTime = receiveTime
    self.changeTime = changeTime
  }
}

/// One semaphore set (a row of `/proc/sysvipc/sem`, or `SEM_STAT_ANY`).
package struct SemaphoreSet: SystemVObject {
  package static var kind: ObjectKind { .semaphoreSet }
  package var id: Int32
  package var key: IPCKey
  package var ownership: Ownership
  package var semaphoreCount: UInt64
  /// The newest semop time of any semaphore in the set.
  package var operationTime: Timestamp?
  package var changeTime: Timestamp?

  package init(
    id: Int32,
    key: IPCKey,
    ownership: Ownership,
    semaphoreCount: UInt64,
    operationTime: Timestamp?,
    changeTime: Timestamp?
  ) {
    self.id = id
    self.key = key
    self.ownership = ownership
    self.semaphoreCount = semaphoreCount
    self.operationTime = operationTime
    self.changeTime = changeTime
  }
}

/// Any object: what a snapshot holds and what selection, columns and removal work on.
package enum IPCObject: Hashable, Sendable {
  case messageQueue(MessageQueue)
  case sharedMemorySegment(SharedMemorySegment)
  case semaphoreSet(SemaphoreSet)
  case posixSharedMemory(PosixSharedMemory)
  case posixMessageQueue(PosixMessageQueue)
  case posixSemaphore(PosixSemaphore)

  // Each accessor switches on the case: going through `system` would box the struct in an existential, a heap
  // allocation per access, which the column views make for every cell.

  package var kind: ObjectKind {
    switch self {
    case .messageQueue: .messageQueue
    case .sharedMemorySegment: .sharedMemorySegment
    case .semaphoreSet: .semaphoreSet
    case .posixSharedMemory: .posixSharedMemory
    case .posixMessageQueue: .posixMessageQueue
    case .posixSemaphore: .posixSemaphore
    }
  }

  package var name: ObjectRef.Name {
    if let identity { return .systemV(identity) }
    return .posix(kind, posix.unsafelyUnwrapped.name)
  }

  /// The System V object inside, or nil for a POSIX object.
  package var system: (any SystemVObject)? {
    switch self {
    case .messageQueue(let queue): queue
    case .sharedMemorySegment(let segment): segment
    case .semaphoreSet(let set): set
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: nil
    }
  }

  /// The POSIX object inside, or nil for a System V object.
  package var posix: (any PosixObject)? {
    switch self {
    case .messageQueue, .sharedMemorySegment, .semaphoreSet: nil
    case .posixSharedMemory(let object): object
    case .posixMessageQueue(let queue): queue
    case .posixSemaphore(let semaphore): semaphore
    }
  }

  /// A System V object's id; nil for a POSIX object, which has a name instead.
  package var id: Int32? {
    switch self {
    case .messageQueue(let queue): queue.id
    case .sharedMemorySegment(let segment): segment.id
    case .semaphoreSet(let set): set.id
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: nil
    }
  }

  /// A System V object's key; nil for a POSIX object.
  package var key: IPCKey? {
    switch self {
    case .messageQueue(let queue): queue.key
    case .sharedMemorySegment(let segment): segment.key
    case .semaphoreSet(let set): set.key
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: nil
    }
  }

  package var ownership: Ownership {
    switch self {
    case .messageQueue(let queue): queue.ownership
    case .sharedMemorySegment(let segment): segment.ownership
    case .semaphoreSet(let set): set.ownership
    case .posixSharedMemory(let object): object.ownership
    case .posixMessageQueue(let queue): queue.ownership
    case .posixSemaphore(let semaphore): semaphore.ownership
    }
  }

  /// A System V object's last IPC_SET or creation; nil for a POSIX object (which has MTIME).
  package var changeTime: Timestamp? {
    switch self {
    case .messageQueue(let queue): queue.changeTime
    case .sharedMemorySegment(let segment): segment.changeTime
    case .semaphoreSet(let set): set.changeTime
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: nil
    }
  }

  /// A POSIX object's MTIME; nil for a System V object.
  package var modificationTime: Timestamp? {
    switch self {
    case .messageQueue, .sharedMemorySegment, .semaphoreSet: nil
    case .posixSharedMemory(let object): object.modificationTime
    case .posixMessageQueue(let queue): queue.modificationTime
    case .posixSemaphore(let semaphore): semaphore.modificationTime
    }
  }

  /// A System V object's identity; nil for a POSIX object.
  package var identity: SysVIdentity? {
    guard let id, let key else { return nil }
    return SysVIdentity(kind: kind, id: id, key: key)
  }
}

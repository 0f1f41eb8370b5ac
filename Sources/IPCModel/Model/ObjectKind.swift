/// The family an object kind belongs to: how it is named and reached.
///
/// Every place that must treat the families differently switches on this.
package enum ObjectFamily: Sendable, Hashable {
  /// Named by a key and an id, reached through the System V calls (`shmctl`, `msgctl`, `semctl`).
  case systemV
  /// Named by a name (`shm_open`, `mq_open`, `sem_open`), reached as files: `/dev/shm` for shared memory and
  /// semaphores, the mqueue filesystem for queues.
  case posix
}

/// A kind of IPC object.
///
/// Deliberately not `CaseIterable`: "every kind" means different things to different commands, so each such set
/// is named below and a new kind joins only the sets it is added to.
package enum ObjectKind: Sendable, Hashable {
  case messageQueue
  case sharedMemorySegment
  case semaphoreSet
  /// A POSIX shared-memory object: a regular file in `/dev/shm` whose name does not start with `sem.`.
  case posixSharedMemory
  /// A POSIX message queue: a file of the mqueue filesystem of the IPC namespace.
  case posixMessageQueue
  /// A POSIX named semaphore: the regular file `/dev/shm/sem.NAME`.
  case posixSemaphore

  package var family: ObjectFamily {
    switch self {
    case .messageQueue, .sharedMemorySegment, .semaphoreSet: .systemV
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: .posix
    }
  }

  /// The kinds ipcs lists and in its order: queues, segments, semaphore sets.
  package static let ipcsSections: [ObjectKind] = [.messageQueue, .sharedMemorySegment, .semaphoreSet]
  /// The kinds `ipcrm -a` removes without a type (util-linux 2.38.1: System V only), in its order: segments,
  /// semaphore sets, queues.
  ///
  /// util-linux master's bare `-a` also removes every POSIX object; swipcrm needs the POSIX types named.
  package static let ipcrmAll: [ObjectKind] = [.sharedMemorySegment, .semaphoreSet, .messageQueue]
  /// The POSIX kinds swipcs lists, in ipcs's order of the System V kinds: queues, shared memory, semaphores.
  package static let posixSections: [ObjectKind] = [.posixMessageQueue, .posixSharedMemory, .posixSemaphore]
  /// The kinds in the order of util-linux master lsipc's tables: queues, shared memory, semaphores, each System V
  /// kind before its POSIX counterpart.
  package static let tableOrder: [ObjectKind] = [
    .messageQueue, .posixMessageQueue, .sharedMemorySegment, .posixSharedMemory, .semaphoreSet, .posixSemaphore,
  ]
  /// Every type `-a` takes, in the order util-linux master removes them: each System V kind followed by its POSIX
  /// counterpart (shm, pshm, sem, psem, msg, pmsg).
  package static let removalOrder: [ObjectKind] = [
    .sharedMemorySegment, .posixSharedMemory, .semaphoreSet, .posixSemaphore, .messageQueue, .posixMessageQueue,
  ]

  /// The word that names the kind on the command line (`-a shm`, `-a pshm`, `ipcrm shm ID`); for the System V
  /// kinds also its `/proc/sysvipc` file.
  package var typeWord: String {
    switch self {
    case .messageQueue: "msg"
    case .sharedMemorySegment: "shm"
    case .semaphoreSet: "sem"
    case .posixMessageQueue: "pmsg"
    case .posixSharedMemory: "pshm"
    case .posixSemaphore: "psem"
    }
  }

  /// The System V kind a type word names (`shm`, `msg`, `sem`: the old form `ipcrm shm ID...`), or nil.
  package init?(typeWord: [UInt8]) {
    guard let kind = Self.ipcrmAll.first(where: { Array($0.typeWord.utf8) == typeWord }) else { return nil }
    self = kind
  }

  /// The kind a type word of `-a` names, System V or POSIX (`shm`, `pshm`, …), or nil.
  package init?(removalTypeWord word: [UInt8]) {
    guard let kind = Self.removalOrder.first(where: { Array($0.typeWord.utf8) == word }) else { return nil }
    self = kind
  }

  /// ipcrm's name for one object (`removing shared memory segment id ...`, `removing POSIX semaphore `...'`).
  package var objectNoun: String {
    switch self {
    case .messageQueue: "message queue"
    case .sharedMemorySegment: "shared memory segment"
    case .semaphoreSet: "semaphore"
    case .posixMessageQueue: "POSIX message queue"
    case .posixSharedMemory: "POSIX shared memory"
    case .posixSemaphore: "POSIX semaphore"
    }
  }

  /// ipcs's and ipcrm's name for the facility (`kernel not configured for shared memory`).
  package var facilityName: String {
    switch self {
    case .messageQueue: "message queues"
    case .sharedMemorySegment: "shared memory"
    case .semaphoreSet: "semaphores"
    case .posixMessageQueue: "POSIX message queues"
    case .posixSharedMemory: "POSIX shared memory"
    case .posixSemaphore: "POSIX semaphores"
    }
  }
}

/// A set of object kinds, as one bit each.
///
/// The commands keep the kinds named on the command line in one of these rather than a `Set<ObjectKind>`: a
/// `Set` instantiates its storage's generic metadata at run time, and with it a search of every protocol
/// conformance in the binary for `ObjectKind: Hashable`, about 90,000 instructions at each start (issue 18).
package struct ObjectKindSet: Sendable, Hashable, ExpressibleByArrayLiteral {
  private var bits: UInt8 = 0

  package init() {}

  package init(_ kinds: [ObjectKind]) { formUnion(kinds) }

  package init(arrayLiteral kinds: ObjectKind...) { self.init(kinds) }

  private static func bit(_ kind: ObjectKind) -> UInt8 {
    switch kind {
    case .messageQueue: 1
    case .sharedMemorySegment: 2
    case .semaphoreSet: 4
    case .posixMessageQueue: 8
    case .posixSharedMemory: 16
    case .posixSemaphore: 32
    }
  }

  package func contains(_ kind: ObjectKind) -> Bool { bits & Self.bit(kind) != 0 }

  package mutating func insert(_ kind: ObjectKind) { bits |= Self.bit(kind) }

  /// An array rather than `some Sequence`: a generic function called from another module runs unspecialised and
  /// looks up its associated types at run time, the cost this type is here to avoid.
  package mutating func formUnion(_ kinds: [ObjectKind]) {
    for kind in kinds { insert(kind) }
  }

  package func isDisjoint(with other: ObjectKindSet) -> Bool { bits & other.bits == 0 }

  package func subtracting(_ other: ObjectKindSet) -> ObjectKindSet {
    var result = self
    result.bits &= ~other.bits
    return result
  }

  /// The kinds whose objects are files of `/dev/shm`.
  package static let sharedMemoryDirectory: ObjectKindSet = [.posixSharedMemory, .posixSemaphore]

  package var isEmpty: Bool { bits == 0 }

  package var count: Int { bits.nonzeroBitCount }
}

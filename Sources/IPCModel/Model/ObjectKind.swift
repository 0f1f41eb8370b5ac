/// The family an object kind belongs to: how it is named (a key and an id) and reached (the System V calls).
///
/// POSIX kinds, named by a path and reached through files, are a family of their own when they arrive; every
/// place that must treat the families differently switches on this.
package enum ObjectFamily: Sendable, Hashable {
  case systemV
}

/// A kind of IPC object.
///
/// Deliberately not `CaseIterable`: "every kind" means different things to different commands, so each such set
/// is named below and a new kind joins only the sets it is added to.
package enum ObjectKind: Sendable, Hashable {
  case messageQueue
  case sharedMemorySegment
  case semaphoreSet

  package var family: ObjectFamily { .systemV }

  /// The kinds ipcs lists and in its order: queues, segments, semaphore sets.
  package static let ipcsSections: [ObjectKind] = [.messageQueue, .sharedMemorySegment, .semaphoreSet]
  /// The kinds `ipcrm -a` removes without a type (util-linux 2.38.1: System V only), in its order: segments,
  /// semaphore sets, queues.
  package static let ipcrmAll: [ObjectKind] = [.sharedMemorySegment, .semaphoreSet, .messageQueue]

  /// The word that names the kind on the command line (`-a shm`, `ipcrm shm ID`), and its `/proc/sysvipc` file.
  package var typeWord: String {
    switch self {
    case .messageQueue: "msg"
    case .sharedMemorySegment: "shm"
    case .semaphoreSet: "sem"
    }
  }

  /// The kind a type word names, or nil.
  package init?(typeWord: [UInt8]) {
    guard let kind = Self.ipcrmAll.first(where: { Array($0.typeWord.utf8) == typeWord }) else { return nil }
    self = kind
  }

  /// ipcrm's name for one object (`removing shared memory segment id ...`).
  package var objectNoun: String {
    switch self {
    case .messageQueue: "message queue"
    case .sharedMemorySegment: "shared memory segment"
    case .semaphoreSet: "semaphore"
    }
  }

  /// ipcs's and ipcrm's name for the facility (`kernel not configured for shared memory`).
  package var facilityName: String {
    switch self {
    case .messageQueue: "message queues"
    case .sharedMemorySegment: "shared memory"
    case .semaphoreSet: "semaphores"
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
    }
  }

  package func contains(_ kind: ObjectKind) -> Bool { bits & Self.bit(kind) != 0 }

  package mutating func insert(_ kind: ObjectKind) { bits |= Self.bit(kind) }

  /// An array rather than `some Sequence`: a generic function called from another module runs unspecialised and
  /// looks up its associated types at run time, the cost this type is here to avoid.
  package mutating func formUnion(_ kinds: [ObjectKind]) {
    for kind in kinds { insert(kind) }
  }

  package var isEmpty: Bool { bits == 0 }

  package var count: Int { bits.nonzeroBitCount }
}

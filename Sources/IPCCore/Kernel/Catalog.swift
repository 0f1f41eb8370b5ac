package import IPCModel

/// Where a listing came from.
package enum ListingSource: Hashable, Sendable {
  /// `IPC_INFO` then `*_STAT_ANY` on every slot: every object, whatever its permissions.
  case kernelSlotsIgnoringPermissions
  /// `/proc/sysvipc/<kind>`: every object, whatever its permissions.
  case procFile
  /// `IPC_INFO` then `*_STAT` on every slot: only the objects the caller may read (util-linux's own fallback).
  case kernelReadableSlots
}

/// The objects of one kind, in kernel slot order, and how they were found.
package struct Listing<Row: Sendable>: Sendable {
  package var rows: [Row]
  /// nil when no source answered: the listing is then empty, as util-linux's is.
  package var source: ListingSource?
  /// Lines of `/proc/sysvipc` that did not parse and were left out.
  package var skipped: [ProcParseError]

  package init(rows: [Row] = [], source: ListingSource? = nil, skipped: [ProcParseError] = []) {
    self.rows = rows
    self.source = source
    self.skipped = skipped
  }
}

/// The objects of the current IPC namespace, gathered once, that both tools work from: swipcs prints it and
/// swipcrm `-a` removes from it.
package struct Snapshot: Sendable {
  /// The IPC namespace the objects were read in; nil where it could not be read, or the reader said not to.
  package var namespace: NamespaceID?
  /// The mount namespace whose `/dev/shm` the POSIX shared memory and semaphores were read in.
  package var mountNamespace: NamespaceID?
  package var queues = Listing<MessageQueue>()
  package var segments = Listing<SharedMemorySegment>()
  package var semaphoreSets = Listing<SemaphoreSet>()
  package var posixQueues = PosixListing<PosixMessageQueue>()
  package var posixSharedMemory = PosixListing<PosixSharedMemory>()
  package var posixSemaphores = PosixListing<PosixSemaphore>()

  package init() {}

  /// For a POSIX kind, what its listing could not show: the reason it could not be listed at all, and the directory
  /// entries that are no object; nil for a System V kind.
  package func posixProblems(_ kind: ObjectKind) -> (failure: Message?, skipped: [PosixSkippedEntry])? {
    switch kind {
    case .messageQueue, .sharedMemorySegment, .semaphoreSet: nil
    case .posixMessageQueue: (posixQueues.failure, posixQueues.skipped)
    case .posixSharedMemory: (posixSharedMemory.failure, posixSharedMemory.skipped)
    case .posixSemaphore: (posixSemaphores.failure, posixSemaphores.skipped)
    }
  }

  /// How many objects of `kind` it holds.
  package func count(_ kind: ObjectKind) -> Int {
    switch kind {
    case .messageQueue: queues.rows.count
    case .sharedMemorySegment: segments.rows.count
    case .semaphoreSet: semaphoreSets.rows.count
    case .posixMessageQueue: posixQueues.rows.count
    case .posixSharedMemory: posixSharedMemory.rows.count
    case .posixSemaphore: posixSemaphores.rows.count
    }
  }

  /// The object of `kind` at `index` (System V objects in slot order, POSIX objects in name order).
  package func object(_ kind: ObjectKind, at index: Int) -> IPCObject {
    switch kind {
    case .messageQueue: queues.rows[index].object
    case .sharedMemorySegment: segments.rows[index].object
    case .semaphoreSet: semaphoreSets.rows[index].object
    case .posixMessageQueue: .posixMessageQueue(posixQueues.rows[index])
    case .posixSharedMemory: .posixSharedMemory(posixSharedMemory.rows[index])
    case .posixSemaphore: .posixSemaphore(posixSemaphores.rows[index])
    }
  }

  /// The objects of `kind`: System V objects in slot order, POSIX objects in name order.
  package func objects(_ kind: ObjectKind) -> [IPCObject] {
    switch kind {
    case .messageQueue: queues.rows.map(\.object)
    case .sharedMemorySegment: segments.rows.map(\.object)
    case .semaphoreSet: semaphoreSets.rows.map(\.object)
    case .posixMessageQueue: posixQueues.rows.map(IPCObject.posixMessageQueue)
    case .posixSharedMemory: posixSharedMemory.rows.map(IPCObject.posixSharedMemory)
    case .posixSemaphore: posixSemaphores.rows.map(IPCObject.posixSemaphore)
    }
  }

  /// A reference to `object`, which this snapshot holds, that stays meaningful outside its namespace: the IPC
  /// namespace for System V objects and POSIX queues, the mount namespace for `/dev/shm`'s objects.
  package func ref(_ object: IPCObject) -> ObjectRef {
    switch object.kind {
    case .posixSharedMemory, .posixSemaphore: ObjectRef(object.name, namespace: mountNamespace)
    case .messageQueue, .sharedMemorySegment, .semaphoreSet, .posixMessageQueue:
      ObjectRef(object.name, namespace: namespace)
    }
  }

  /// The identities of the System V objects of `kind`, in slot order (none for a POSIX kind).
  package func identities(_ kind: ObjectKind) -> [SysVIdentity] {
    switch kind {
    case .messageQueue: queues.rows.map(\.identity)
    case .sharedMemorySegment: segments.rows.map(\.identity)
    case .semaphoreSet: semaphoreSets.rows.map(\.identity)
    case .posixMessageQueue, .posixSharedMemory, .posixSemaphore: []
    }
  }

  /// Every `/proc/sysvipc` line that was left out, in the order the kinds were read.
  ///
  /// None, the usual case, without copying the three arrays: that copy went through `Array<ProcParseError>`'s
  /// generic metadata, instantiated at run time for every listing (issue 18).
  package var skipped: [ProcParseError] {
    if queues.skipped.isEmpty && segments.skipped.isEmpty && semaphoreSets.skipped.isEmpty { return [] }
    return queues.skipped + segments.skipped + semaphoreSets.skipped
  }
}

/// What is known now of one object, looked up by id whatever the caller's permissions.
package enum ObjectState: Sendable {
  case present(IPCObject)
  case absent
  /// Neither `*_STAT_ANY` nor `IPC_STAT` could say (an old kernel and no read permission).
  case unknown
}

/// Gathers objects from the fastest source that works, and finds single objects again.
///
/// util-linux reads `/proc/sysvipc` first. swipcs asks the kernel first: `*_STAT_ANY` gives the same rows, in the
/// same slot order, regardless of permissions, without the kernel formatting text that is then parsed again; at
/// 32,000 objects of each kind it takes less than half the time of reading the three files (see the README's
/// benchmark). `/proc/sysvipc` is used where `*_STAT_ANY` is missing (Linux before 4.17) or refused (a security
/// module), and util-linux's `*_STAT` walk where `/proc` cannot be read either.
package struct Catalog<SysV: SysVSource, Files: FileSource> {
  package static var defaultSources: [ListingSource] {
    [.kernelSlotsIgnoringPermissions, .procFile, .kernelReadableSlots]
  }

  package let sysV: SysV
  package let files: Files
  /// The POSIX objects' source; nil where the catalog reads System V objects only.
  package let posix: (any PosixSource)?
  package var sources: [ListingSource]
  package var procDirectory: String
  /// The nsfs file whose inode names the IPC namespace the catalog reads.
  package var namespacePath = "/proc/self/ns/ipc"
  /// The nsfs file whose inode names the mount namespace whose `/dev/shm` the catalog reads.
  package var mountNamespacePath = "/proc/self/ns/mnt"

  package init(
    sysV: SysV,
    files: Files,
    posix: (any PosixSource)? = nil,
    sources: [ListingSource] = defaultSources,
    procDirectory: String = "/proc/sysvipc"
  ) {
    self.sysV = sysV
    self.files = files
    self.posix = posix
    self.sources = sources
    self.procDirectory = procDirectory
  }

  /// The IPC namespace the catalog reads (the inode of `namespacePath`); nil where it cannot be read.
  package func namespace() -> NamespaceID? {
    files.inode(namespacePath).map(NamespaceID.init(rawValue:))
  }

  /// The objects of `kinds`, each System V kind from the first source that answers.
  ///
  /// - Parameters:
  ///   - kinds: the kinds to read, in the order they are read.
  ///   - recordingNamespace: whether to read which IPC namespace this is (`namespace`, and so the references of
  ///     `ref(_:)`). ipcs's own listings pass false: they print nothing that needs it, and the lookup of
  ///     /proc/self/ns/ipc alone was 3 % of a `swipcs -m` run (issue 18).
  /// - Returns: the objects of each kind, and the `/proc` lines left out.
  package func snapshot(_ kinds: some Sequence<ObjectKind>, recordingNamespace: Bool = true) -> Snapshot {
    var snapshot = Snapshot()
    if recordingNamespace { snapshot.namespace = namespace() }
    for kind in kinds {
      switch kind {
      case .messageQueue: snapshot.queues = listing(MessageQueue.self)
      case .sharedMemorySegment: snapshot.segments = listing(SharedMemorySegment.self)
      case .semaphoreSet: snapshot.semaphoreSets = listing(SemaphoreSet.self)
      case .posixMessageQueue: snapshot.posixQueues = posixQueues()
      case .posixSharedMemory:
        snapshot.mountNamespace = files.inode(mountNamespacePath).map(NamespaceID.init(rawValue:))
        snapshot.posixSharedMemory = posixSharedMemory()
      case .posixSemaphore:
        snapshot.mountNamespace = files.inode(mountNamespacePath).map(NamespaceID.init(rawValue:))
        snapshot.posixSemaphores = posixSemaphores()
      }
    }
    return snapshot
  }

  package func listing<Row: SysVListable>(_ type: Row.Type) -> Listing<Row> {
    var rows: [Row] = []
    let (source, skipped) = visit(Row.self, reserve: { rows.reserveCapacity($0) }) { rows.append($0) }
    return Listing(rows: rows, source: source, skipped: skipped)
  }

  /// Hands every object of `Row`'s kind to `body` as soon as it is read, in slot order, from the first source
  /// that works; returns that source (nil when none did) and the `/proc` lines left out.
  ///
  /// A walk that fails part-way (a source refused after some slots) hands the next source's objects over too, so
  /// `body` can see an object twice; a caller that acts on objects reads each again first.
  package func visit<Row: SysVListable, Failure: Error>(
    _ type: Row.Type,
    reserve: (Int) -> Void = { _ in },
    _ body: (Row) throws(Failure) -> Void
  ) throws(Failure) -> (ListingSource?, [ProcParseError]) {
    for source in sources {
      switch source {
      case .kernelSlotsIgnoringPermissions, .kernelReadableSlots:
        let ignoringPermissions = source == .kernelSlotsIgnoringPermissions
        if try walkSlots(Row.self, ignoringPermissions: ignoringPermissions, reserve: reserve, body) {
          return (source, [])
        }
      case .procFile:
        let path = procDirectory + "/" + Row.kind.typeWord
        guard let bytes = try? files.read(path), let table = try? Row.parseProcFile(bytes, file: path) else {
          continue
        }
        reserve(table.rows.count)
        for row in table.rows { try body(row) }
        return (source, table.skipped)
      }
    }
    return (nil, [])
  }

  /// Stats every slot up to the highest one in use, handing each object on as it is read; false when this way
  /// of asking does not work here.
  private func walkSlots<Row: SysVListable, Failure: Error>(
    _ type: Row.Type,
    ignoringPermissions: Bool,
    reserve: (Int) -> Void,
    _ body: (Row) throws(Failure) -> Void
  ) throws(Failure) -> Bool {
    guard let highest = try? sysV.highestIndex(Row.kind), highest >= 0 else { return false }
    // Slots hold at most one object each; the cap keeps a sparse table (ipcmni_extend allows 16M slots) cheap.
    reserve(min(Int(highest) + 1, 1 << 16))
    let lookup: IPCLookup = ignoringPermissions ? .slotIgnoringPermissions : .readableSlot
    var found = false
    for index in 0...highest {
      let row: Row
      do throws(IPCError) {
        row = try Row.stat(sysV, index, lookup)
      } catch {
        switch error.code {
        case Errno.invalidArgument, Errno.identifierRemoved:
          continue  // an empty slot, or an object removed while we walk
        default:
          // *_STAT_ANY refused (a security module) or failing otherwise: the next source takes over. *_STAT: an
          // object the caller may not read is left out, and util-linux's walk passes over any failure.
          if ignoringPermissions { return false }
          continue
        }
      }
      found = true
      try body(row)
    }
    // A kernel before 4.17 answers EINVAL for the unknown *_STAT_ANY command on every slot, used or not: an empty
    // walk is only believed when the kernel also counts no object.
    if ignoringPermissions && !found && (try? sysV.count(Row.kind)) != 0 { return false }
    return true
  }

  /// Object `id` of `kind` as it is now, without needing read permission: `*_STAT_ANY` on the slots an id can map
  /// to (the low 15 bits, or 24 with `ipcmni_extend`), then `IPC_STAT` by id.
  package func find(_ kind: ObjectKind, id: Int32) -> ObjectState {
    switch kind {
    case .messageQueue: find(MessageQueue.self, id: id)
    case .sharedMemorySegment: find(SharedMemorySegment.self, id: id)
    case .semaphoreSet: find(SemaphoreSet.self, id: id)
    case .posixMessageQueue, .posixSharedMemory, .posixSemaphore: .absent  // named, not numbered
    }
  }

  private func find<Row: SysVListable>(_ type: Row.Type, id: Int32) -> ObjectState {
    guard id >= 0 else { return .absent }
    for index in Set([id & 0x7fff, id & 0xff_ffff]) {
      if let row = try? Row.stat(sysV, index, .slotIgnoringPermissions), row.id == id { return .present(row.object) }
    }
    do throws(IPCError) {
      return .present(try Row.stat(sysV, id, .identifier).object)
    } catch {
      return error.code == Errno.permissionDenied ? .unknown : .absent
    }
  }
}

/// The catalog of the running system.
package typealias LiveCatalog = Catalog<LiveSysV, LiveFiles>

extension Catalog where SysV == LiveSysV, Files == LiveFiles {
  package init() { self.init(sysV: LiveSysV(), files: LiveFiles(), posix: LivePosix()) }
}

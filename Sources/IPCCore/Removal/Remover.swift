package import IPCModel

/// Carries out removals, each object read just before its `IPC_RMID` and removed only while it is still the
/// object that was selected.
///
/// The reporter owns every word printed.
package struct Remover<SysV: SysVSource, Files: FileSource> {
  package let catalog: Catalog<SysV, Files>
  package let dryRun: Bool
  package var reporter: RemovalReporter

  package init(catalog: Catalog<SysV, Files>, program: Program, dryRun: Bool) {
    self.catalog = catalog
    self.dryRun = dryRun
    reporter = RemovalReporter(program: program)
  }

  /// Removes object `id`, as util-linux `remove_id` does: an id names the object it names now.
  ///
  /// `byKey` only changes the wording of failures.
  package mutating func remove(
    _ kind: ObjectKind,
    id: Int32,
    byKey: Bool,
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    if verbose || dryRun { reporter.announce(kind, id: id, to: &out) }
    let subject = RemovalReporter.Subject.id(id, byKey: byKey)
    if dryRun {
      if case .absent = catalog.find(kind, id: id) { reporter.report(.invalid, subject) }
      return
    }
    do throws(IPCError) {
      try catalog.sysV.remove(kind, id: id)
    } catch {
      switch error.code {
      case Errno.permissionDenied, Errno.notPermitted: reporter.report(.permissionDenied, subject)
      case Errno.invalidArgument: reporter.report(.invalid, subject)
      case Errno.identifierRemoved: reporter.report(.alreadyRemoved, subject)
      default: throw reporter.fatal(subject, error)
      }
    }
  }

  /// Removes the object `key` names (util-linux `key_to_id` then `remove_id`), and only while it still has that
  /// key: the key is resolved, then the object found again just before the removal.
  package mutating func remove(
    _ kind: ObjectKind,
    key: IPCKey,
    typed: [UInt8],
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    let subject = RemovalReporter.Subject.key(typed: typed)
    if key == .ipcPrivate { return reporter.report(.illegal, subject) }
    let id: Int32
    do throws(IPCError) {
      id = try catalog.sysV.lookUp(kind, key: key)
    } catch {
      switch error.code {
      case Errno.permissionDenied: return reporter.report(.permissionDenied, subject)
      case Errno.identifierRemoved: return reporter.report(.alreadyRemoved, subject)
      case Errno.notFound: return reporter.report(.invalid, subject)
      default: throw reporter.fatal(subject, error)
      }
    }
    switch catalog.find(kind, id: id) {
    case .present(let object) where object.name != .systemV(SysVIdentity(kind: kind, id: id, key: key)):
      // Removed and its id reused by another object since the lookup: as if the key had not been found.
      return reporter.report(.invalid, subject)
    case .absent:
      return reporter.report(.invalid, subject)
    case .present, .unknown:
      try remove(kind, id: id, byKey: true, verbose: verbose, to: &out)
    }
  }

  /// Removes every object of `kind` the caller may read (util-linux `remove_all`: objects it may not read are
  /// left alone without a word; those it may read but not remove are reported).
  ///
  /// The objects come from the catalog's walk, the code swipcs lists with, here over its readable source
  /// (`*_STAT`, util-linux's own): the kernel decides what the caller may read in the same call that reads the
  /// object, just before its `IPC_RMID`, so each object removed is the one just read, as it is now. A walk over
  /// the `*_STAT_ANY` snapshot would need a second read per object to learn the same (measured: 1.27 × ipcrm's
  /// time against 0.9 ×, `bench/removal.sh`).
  ///
  /// `selected` decides, on the object as just read, whether it goes: every object for `-a`; a selection
  /// (`--filter`, still to come) for `--all-namespaces -a`.
  package mutating func removeAll(
    _ kind: ObjectKind,
    verbose: Bool,
    selected: (IPCObject) -> Bool = { _ in true },
    to out: inout OutputBuffer
  )
    throws(FatalRemovalError)
  {
    let source =
      switch kind {
      case .messageQueue: try removeAll(MessageQueue.self, verbose: verbose, selected: selected, to: &out)
      case .sharedMemorySegment:
        try removeAll(SharedMemorySegment.self, verbose: verbose, selected: selected, to: &out)
      case .semaphoreSet: try removeAll(SemaphoreSet.self, verbose: verbose, selected: selected, to: &out)
      case .posixMessageQueue, .posixSharedMemory, .posixSemaphore:
        try removeAllPosix(kind, verbose: verbose, selected: selected, to: &out)
      }
    if source == nil { throw reporter.notConfigured(kind) }
  }

  /// The POSIX objects of `kind` as listed now: their names, and the directory entries that are no object; throws
  /// when the kind cannot be listed (no private mqueue mount and no `/dev/mqueue`, no `/dev/shm`).
  package func posixNames(_ kind: ObjectKind) throws(FatalRemovalError) -> ([PosixName], [PosixSkippedEntry]) {
    try posixNames(kind, in: catalog.snapshot([kind]))
  }

  /// The names of `snapshot`'s POSIX objects of `kind`, in its order, and the entries that are no object.
  private func posixNames(
    _ kind: ObjectKind,
    in snapshot: Snapshot
  ) throws(FatalRemovalError) -> ([PosixName], [PosixSkippedEntry]) {
    let (names, skipped, failure): ([PosixName], [PosixSkippedEntry], Message?) =
      switch kind {
      case .posixSharedMemory:
        (
          snapshot.posixSharedMemory.rows.map(\.name), snapshot.posixSharedMemory.skipped,
          snapshot.posixSharedMemory.failure
        )
      case .posixSemaphore:
        (snapshot.posixSemaphores.rows.map(\.name), snapshot.posixSemaphores.skipped, snapshot.posixSemaphores.failure)
      default: (snapshot.posixQueues.rows.map(\.name), snapshot.posixQueues.skipped, snapshot.posixQueues.failure)
      }
    if let failure { throw FatalRemovalError(message: failure) }
    return (names, skipped)
  }

  /// Removes every POSIX object of `kind`, each by its name.
  ///
  /// As util-linux master's `remove_all`, it tries every object and reports those it may not remove. Entries that are no object (a symlink, a directory) are named on
  /// stderr and left alone; they are not failures, as they were not asked for.
  private mutating func removeAllPosix(
    _ kind: ObjectKind,
    verbose: Bool,
    selected: (IPCObject) -> Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) -> ListingSource? {
    let snapshot = catalog.snapshot([kind])
    let (names, skipped) = try posixNames(kind, in: snapshot)
    for entry in skipped { reporter.program.warn("\(entry.message); left alone") }
    for (index, name) in names.enumerated() where selected(snapshot.object(kind, at: index)) {
      try remove(kind, name: name, typed: name.shown(kind), verbose: verbose, to: &out)
    }
    return .procFile
  }

  /// Removes the POSIX object `name` of `kind`, as util-linux master's `remove_name`, but only that object.
  ///
  /// - Shared memory and semaphores: the entry of `/dev/shm` (`NAME`, `sem.NAME`) is stat'ed without following a
  ///   symlink just before `unlinkat` on the same directory descriptor, and unlinked only if it is a regular file.
  ///   A symlink, directory or FIFO of that name is reported and left alone, and what a symlink points to is never
  ///   reached.
  /// - Queues: `mq_unlink`, which acts on the IPC namespace's queue of that name and nothing else.
  package mutating func remove(
    _ kind: ObjectKind,
    name: PosixName,
    typed: [UInt8],
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    if verbose || dryRun { reporter.announce(kind, name: typed, to: &out) }
    guard let posix = catalog.posix else { throw FatalRemovalError(message: "\(kind.facilityName) cannot be reached") }
    do throws(IPCError) {
      switch kind {
      case .posixSharedMemory, .posixSemaphore:
        let fileName = name.fileName(kind)
        let removing = !dryRun
        let found = try posix.unlinkSharedMemoryEntry(fileName) { $0.type == .regular && removing }
        if found.type != .regular {
          let path = Array(posix.sharedMemoryDirectory.utf8) + [UInt8(ascii: "/")] + fileName
          reporter.report(.notAnObject(kind, path: path, found.type), name: typed)
        }
      default:
        if dryRun {
          // Predicted only where the queues can be listed (root); permission errors are never predicted.
          if let (names, _) = try? posixNames(kind), !names.contains(name) { reporter.report(.notFound, name: typed) }
          return
        }
        try posix.unlinkQueue(name)
      }
    } catch {
      switch error.code {
      case Errno.permissionDenied, Errno.notPermitted: reporter.report(.permissionDenied, name: typed)
      case Errno.notFound: reporter.report(.notFound, name: typed)
      case Errno.nameTooLong: reporter.report(.tooLong, name: typed)
      default: throw reporter.fatalName(error)
      }
    }
  }

  private mutating func removeAll<Row: SysVListable>(
    _ type: Row.Type,
    verbose: Bool,
    selected: (IPCObject) -> Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) -> ListingSource? {
    var readable = catalog
    readable.sources = [.kernelReadableSlots]
    let (source, _) = try readable.visit(Row.self) { (row: Row) throws(FatalRemovalError) in
      guard selected(row.object) else { return }
      try remove(Row.kind, id: row.id, byKey: false, verbose: verbose, to: &out)
    }
    return source
  }
}

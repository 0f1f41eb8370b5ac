internal import CIPCShim
import Glibc
package import IPCModel

/// What became of one object swipcrm was asked to remove (the `outcome` of `--json`'s report).
package enum RemovalOutcome: String, Sendable, CaseIterable {
  case removed
  /// `--dry-run`: it would be removed.
  case wouldRemove = "would-remove"
  /// It does not exist (any more): an id or key not found, or removed by someone else first.
  case gone
  /// The caller may not remove it (with `--dry-run`: would not be allowed to).
  case denied
  /// Selected, but when read again just before its removal it no longer matched, or its key had changed.
  case changed
  /// Named on the command line, but the selection does not select it.
  case skipped
}

/// One entry of the report: the object as last read (what is known of it) and its outcome.
package struct RemovalRecord: Sendable, Equatable {
  package var kind: ObjectKind
  package var id: Int32?
  package var key: IPCKey?
  /// A POSIX object's name, as listed (`/q` for a queue); nil for a System V object.
  package var name: [UInt8]?
  package var owner: UserID?
  package var outcome: RemovalOutcome

  package init(
    kind: ObjectKind,
    id: Int32?,
    key: IPCKey?,
    name: [UInt8]? = nil,
    owner: UserID?,
    outcome: RemovalOutcome
  ) {
    self.kind = kind
    self.id = id
    self.key = key
    self.name = name
    self.owner = owner
    self.outcome = outcome
  }

  init(_ object: IPCObject, _ outcome: RemovalOutcome) {
    self.init(
      kind: object.kind,
      id: object.id,
      key: object.key,
      name: object.posix.map { $0.name.shown(object.kind) },
      owner: object.ownership.owner,
      outcome: outcome
    )
  }

  /// A POSIX object known only by its name.
  init(_ kind: ObjectKind, name: PosixName, _ outcome: RemovalOutcome) {
    self.init(kind: kind, id: nil, key: nil, name: name.shown(kind), owner: nil, outcome: outcome)
  }
}

/// Whether the caller may remove an object, as the kernel decides `IPC_RMID` (`ipcctl_obtain_check`): its
/// effective uid is the object's owner or creator, or it holds CAP_SYS_ADMIN in the user namespace that owns the
/// IPC namespace.
package struct RemovalPermission: Sendable, Equatable {
  package var effectiveUser: UInt32
  package var privileged: Bool

  package init(effectiveUser: UInt32, privileged: Bool) {
    self.effectiveUser = effectiveUser
    self.privileged = privileged
  }

  /// This process's: its effective uid, and CAP_SYS_ADMIN from `capget` where the IPC namespace belongs to its
  /// user namespace or one below it (where that cannot be told, as it is in the common case, it is assumed).
  package static func current() -> RemovalPermission {
    let capable = cipc_has_cap_sys_admin() == 1 && cipc_ipc_namespace_in_own_user_namespace() != 0
    return RemovalPermission(effectiveUser: geteuid(), privileged: capable)
  }

  package func allows(_ ownership: Ownership) -> Bool {
    privileged || ownership.owner.rawValue == effectiveUser || ownership.creator.rawValue == effectiveUser
  }
}

/// Carries out removals, each object read just before its `IPC_RMID` and removed only while it is still the
/// object that was selected.
///
/// The reporter owns every word printed.
package struct Remover<SysV: SysVSource, Files: FileSource> {
  /// An object named on the command line and selected, waiting for its removal.
  package struct Candidate {
    /// How the command line named it.
    package enum Naming {
      /// A System V object: its id and key as read, and the id or key as named.
      case systemV(id: Int32, key: IPCKey, subject: RemovalReporter.Subject)
      /// A POSIX object: the name as typed.
      case posix(typed: [UInt8])
    }

    package var object: IPCObject
    package var naming: Naming
    package var verbose: Bool
  }

  package let catalog: Catalog<SysV, Files>
  package let dryRun: Bool
  package var reporter: RemovalReporter
  /// `--filter` and the shorthands; nil removes what the command line names, as ipcrm does.
  package var selection: Selection?
  /// What the selection is evaluated with (names, the time now).
  package var context: RowContext
  /// `--ignore-missing`: an id or key that does not exist is not a failure, and not reported.
  package var ignoreMissing = false
  /// `--json`: every outcome is recorded, and nothing but the report goes to stdout.
  package var recording = false
  package var permission: RemovalPermission
  /// The report's entries, in the order of the outcomes.
  package private(set) var records: [RemovalRecord] = []
  /// Called once between the selection of the objects the command line names and their removal.
  ///
  /// Tests change objects here to show that a removal re-reads and re-checks each one.
  package var afterSelection: (() -> Void)?

  package init(
    catalog: Catalog<SysV, Files>,
    program: Program,
    dryRun: Bool,
    permission: RemovalPermission = .current(),
    processes: any ProcessSource = LiveProcesses(),
    now: Timestamp = .now
  ) {
    self.catalog = catalog
    self.dryRun = dryRun
    self.permission = permission
    reporter = RemovalReporter(program: program)
    context = RowContext(now: now, files: catalog.files, processes: processes, sysV: catalog.sysV)
  }

  /// Gives the selection's row context the IPC namespace the catalog reads: the process columns look only at
  /// processes of that namespace.
  package mutating func readNamespace() {
    let namespace = catalog.namespace()
    context.namespace = namespace
    context.processes.namespace = namespace
  }

  // MARK: Outcomes

  private mutating func record(_ record: RemovalRecord) {
    if recording { records.append(record) }
  }

  /// An id or key that does not exist, or an object already removed: a failure unless `--ignore-missing`.
  private mutating func missing(
    _ failure: RemovalReporter.Failure,
    _ subject: RemovalReporter.Subject,
    _ entry: RemovalRecord
  ) {
    record(entry)
    if !ignoreMissing { reporter.report(failure, subject, predicted: dryRun) }
  }

  /// `--dry-run`: what the removal of `object` (as just read) would come to.
  private mutating func predict(_ object: IPCObject, _ subject: RemovalReporter.Subject, to out: inout OutputBuffer) {
    if permission.allows(object.ownership) {
      record(RemovalRecord(object, .wouldRemove))
      if !recording { reporter.wouldRemove(object, owner: context.names.userName(object.ownership.owner), to: &out) }
    } else {
      record(RemovalRecord(object, .denied))
      reporter.report(.permissionDenied, subject, predicted: true)
    }
  }

  /// `IPC_RMID` on `id`, its failures reported in ipcrm's words; `object` is what was read of it, if anything.
  private mutating func removeNow(
    _ kind: ObjectKind,
    id: Int32,
    subject: RemovalReporter.Subject,
    object: IPCObject?,
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    let entry = { (outcome: RemovalOutcome) in
      object.map { RemovalRecord($0, outcome) }
        ?? RemovalRecord(kind: kind, id: id, key: nil, owner: nil, outcome: outcome)
    }
    if verbose && !recording { reporter.announce(kind, id: id, to: &out) }
    do throws(IPCError) {
      try catalog.sysV.remove(kind, id: id)
      record(entry(.removed))
    } catch {
      switch error.code {
      case Errno.permissionDenied, Errno.notPermitted:
        record(entry(.denied))
        reporter.report(.permissionDenied, subject)
      case Errno.invalidArgument: missing(.invalid, subject, entry(.gone))
      case Errno.identifierRemoved: missing(.alreadyRemoved, subject, entry(.gone))
      default: throw reporter.fatal(subject, error)
      }
    }
  }

  // MARK: What the command line names, without a selection (ipcrm's way)

  /// Removes object `id`, as util-linux `remove_id` does: an id names the object it names now.
  ///
  /// `byKey` only changes the wording of failures; `object` is the object as just read, when it was.
  package mutating func remove(
    _ kind: ObjectKind,
    id: Int32,
    byKey: Bool,
    verbose: Bool,
    object: IPCObject? = nil,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    let subject = RemovalReporter.Subject.id(id, byKey: byKey)
    // The dry run predicts from the object as it is; the report names its key and owner.
    var object = object
    if object == nil && (dryRun || recording) {
      switch catalog.find(kind, id: id) {
      case .present(let found): object = found
      case .absent:
        return missing(.invalid, subject, RemovalRecord(kind: kind, id: id, key: nil, owner: nil, outcome: .gone))
      case .unknown: break
      }
    }
    if dryRun {
      if let object { return predict(object, subject, to: &out) }
      // Not readable here (a kernel before 4.17 and no read permission): the removal would be tried.
      record(RemovalRecord(kind: kind, id: id, key: nil, owner: nil, outcome: .wouldRemove))
      if !recording { reporter.wouldRemove(kind, id: id, to: &out) }
      return
    }
    try removeNow(kind, id: id, subject: subject, object: object, verbose: verbose, to: &out)
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
    guard let (id, object) = try resolve(kind, key: key, typed: typed) else { return }
    try remove(kind, id: id, byKey: true, verbose: verbose, object: object, to: &out)
  }

  /// The id `key` names now and the object as read (nil where it cannot be read), or nil after reporting why
  /// there is none.
  private mutating func resolve(
    _ kind: ObjectKind,
    key: IPCKey,
    typed: [UInt8]
  ) throws(FatalRemovalError)
    -> (id: Int32, object: IPCObject?)?
  {
    let subject = RemovalReporter.Subject.key(typed: typed)
    let entry = { (outcome: RemovalOutcome) in
      RemovalRecord(kind: kind, id: nil, key: key, owner: nil, outcome: outcome)
    }
    if key == .ipcPrivate {
      record(entry(.gone))
      reporter.report(.illegal, subject, predicted: dryRun)
      return nil
    }
    let id: Int32
    do throws(IPCError) {
      id = try catalog.sysV.lookUp(kind, key: key)
    } catch {
      switch error.code {
      case Errno.permissionDenied:
        record(entry(.denied))
        reporter.report(.permissionDenied, subject, predicted: dryRun)
        return nil
      case Errno.identifierRemoved:
        missing(.alreadyRemoved, subject, entry(.gone))
        return nil
      case Errno.notFound:
        missing(.invalid, subject, entry(.gone))
        return nil
      default: throw reporter.fatal(subject, error)
      }
    }
    switch catalog.find(kind, id: id) {
    case .present(let object) where object.name == .systemV(SysVIdentity(kind: kind, id: id, key: key)):
      return (id, object)
    case .present, .absent:
      // Removed, and its id reused by another object, since the lookup: as if the key had not been found.
      missing(.invalid, subject, entry(.gone))
      return nil
    case .unknown:
      // Not readable here (a kernel before 4.17 and no read permission): the id the key named, as util-linux
      // removes it.
      return (id, nil)
    }
  }

  // MARK: What the command line names, narrowed by a selection

  /// Reads each object `steps` name and keeps those the selection selects.
  ///
  /// The others are reported (missing, skipped) now. Nothing is removed here.
  package mutating func select(_ steps: [RemovalStep]) throws(FatalRemovalError) -> [Candidate] {
    var candidates: [Candidate] = []
    for step in steps {
      let object: IPCObject
      let subject: RemovalReporter.Subject
      switch step.target {
      case .id(let id):
        subject = .id(id, byKey: false)
        switch catalog.find(step.kind, id: id) {
        case .present(let found): object = found
        case .absent:
          missing(.invalid, subject, RemovalRecord(kind: step.kind, id: id, key: nil, owner: nil, outcome: .gone))
          continue
        case .unknown:
          record(RemovalRecord(kind: step.kind, id: id, key: nil, owner: nil, outcome: .skipped))
          reporter.skipped(step.kind, id: id, reason: "it cannot be read to check the selection")
          continue
        }
      case .key(let key, let typed):
        guard let (id, found) = try resolve(step.kind, key: key, typed: typed) else { continue }
        subject = .id(id, byKey: true)
        guard let found else {
          record(RemovalRecord(kind: step.kind, id: id, key: key, owner: nil, outcome: .skipped))
          reporter.skipped(step.kind, id: id, reason: "it cannot be read to check the selection")
          continue
        }
        object = found
      case .name(let name, let typed):
        guard let found = try findPosix(step.kind, name, typed: typed) else { continue }
        if selection?.matches(found, &context) ?? true {
          candidates.append(Candidate(object: found, naming: .posix(typed: typed), verbose: step.verbose))
        } else {
          record(RemovalRecord(found, .skipped))
          reporter.skipped(step.kind, name: typed, reason: "it does not match the selection")
        }
        continue
      }
      // What the kernel calls of a System V kind return has both.
      guard let id = object.id, let key = object.key else { continue }
      if selection?.matches(object, &context) ?? true {
        candidates.append(
          Candidate(object: object, naming: .systemV(id: id, key: key, subject: subject), verbose: step.verbose)
        )
      } else {
        record(RemovalRecord(object, .skipped))
        reporter.skipped(object.kind, id: id, reason: "it does not match the selection")
      }
    }
    return candidates
  }

  /// Reads `candidate` again by id just before its removal, and removes it only if it is still the object that
  /// was selected (same key) and still matches; otherwise reports it as changed.
  package mutating func remove(_ candidate: Candidate, to out: inout OutputBuffer) throws(FatalRemovalError) {
    let selected = candidate.object
    let fresh: IPCObject
    guard case .systemV(let id, let selectedKey, let subject) = candidate.naming else {
      return try removePosix(candidate, to: &out)
    }
    switch catalog.find(selected.kind, id: id) {
    case .present(let object): fresh = object
    case .absent:
      return missing(.alreadyRemoved, subject, RemovalRecord(selected, .gone))
    case .unknown:
      record(RemovalRecord(selected, .changed))
      return reporter.skipped(selected.kind, id: id, reason: "it can no longer be read to check it again")
    }
    if fresh.key != selectedKey {
      record(RemovalRecord(fresh, .changed))
      let now = fresh.key ?? .ipcPrivate
      let reason: Message = "its key changed from \(Self.keyText(selectedKey)) to \(Self.keyText(now))"
      return reporter.skipped(selected.kind, id: id, reason: reason)
    }
    if let selection, !selection.matches(fresh, &context) {
      record(RemovalRecord(fresh, .changed))
      return reporter.skipped(selected.kind, id: id, reason: "it no longer matches the selection")
    }
    if dryRun { return predict(fresh, subject, to: &out) }
    try removeNow(
      fresh.kind,
      id: id,
      subject: subject,
      object: fresh,
      verbose: candidate.verbose,
      to: &out
    )
  }

  /// Selects among `steps`, then removes what was selected, each re-read and re-checked first.
  package mutating func removeSelected(_ steps: [RemovalStep], to out: inout OutputBuffer) throws(FatalRemovalError) {
    let candidates = try select(steps)
    afterSelection?()
    for candidate in candidates { try remove(candidate, to: &out) }
  }

  private static func keyText(_ key: IPCKey) -> Message {
    var out = OutputBuffer()
    out.appendHexKey(key.bitPattern)
    return Message(bytes: out.bytes)
  }

  // MARK: -a

  /// Removes every object of `kind` the caller may read and the selection selects (util-linux `remove_all`:
  /// objects it may not read are left alone without a word; those it may read but not remove are reported).
  ///
  /// The objects come from the catalog's walk, the code swipcs lists with, here over its readable source
  /// (`*_STAT`, util-linux's own): each object is read by the kernel just before its `IPC_RMID`, and that read is
  /// both the selection and the re-check. A walk over a `*_STAT_ANY` snapshot would need a second read per object
  /// to learn the same (measured: 1.27 × ipcrm's time against 0.9 ×, `bench/removal.sh`).
  package mutating func removeAll(
    _ kind: ObjectKind,
    verbose: Bool,
    to out: inout OutputBuffer
  )
    throws(FatalRemovalError)
  {
    let source =
      switch kind {
      case .messageQueue: try removeAll(MessageQueue.self, verbose: verbose, to: &out)
      case .sharedMemorySegment:
        try removeAll(SharedMemorySegment.self, verbose: verbose, to: &out)
      case .semaphoreSet: try removeAll(SemaphoreSet.self, verbose: verbose, to: &out)
      case .posixMessageQueue, .posixSharedMemory, .posixSemaphore:
        try removeAllPosix(kind, verbose: verbose, to: &out)
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
    let names = snapshot.objects(kind).compactMap { $0.posix?.name }
    let (failure, skipped) = snapshot.posixProblems(kind) ?? (nil, [])
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
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) -> ListingSource? {
    let snapshot = catalog.snapshot([kind])
    let (names, skipped) = try posixNames(kind, in: snapshot)
    for entry in skipped { reporter.program.warn("\(entry.message); left alone") }
    guard let selection else {
      if dryRun {
        // The objects as just listed: the prediction names their owners and judges the permission.
        for object in snapshot.objects(kind) {
          try unlink(object, typed: object.posix.unsafelyUnwrapped.name.shown(kind), verbose: verbose, to: &out)
        }
        return .procFile
      }
      for name in names { try remove(kind, name: name, typed: name.shown(kind), verbose: verbose, to: &out) }
      return .procFile
    }
    // The listing was just read: it is the read the selection is evaluated on, and each object is unlinked only
    // while its name still names the file that was read.
    for object in snapshot.objects(kind) where selection.matches(object, &context) {
      try unlink(object, typed: object.posix.unsafelyUnwrapped.name.shown(kind), verbose: verbose, to: &out)
    }
    return .procFile
  }

  /// The POSIX object of `kind` named `name`, as listed now; nil after reporting that there is none.
  ///
  /// An entry of that name that is no object (a symbolic link, a directory) is reported as such. Throws when the
  /// kind cannot be listed.
  private mutating func findPosix(
    _ kind: ObjectKind,
    _ name: PosixName,
    typed: [UInt8]
  ) throws(FatalRemovalError) -> IPCObject? {
    let snapshot = catalog.snapshot([kind])
    let (failure, skipped) = snapshot.posixProblems(kind) ?? (nil, [])
    if let failure { throw FatalRemovalError(message: failure) }
    if let found = snapshot.objects(kind).first(where: { $0.posix?.name == name }) { return found }
    let path = Array((catalog.posix?.sharedMemoryDirectory ?? "").utf8) + [UInt8(ascii: "/")] + name.fileName(kind)
    if kind != .posixMessageQueue, let entry = skipped.first(where: { $0.path == path }) {
      record(RemovalRecord(kind, name: name, .skipped))
      reporter.report(.notAnObject(kind, path: path, entry.type), name: typed)
    } else {
      record(RemovalRecord(kind, name: name, .gone))
      if !ignoreMissing { reporter.report(.notFound, name: typed) }
    }
    return nil
  }

  /// A selected POSIX object: read again by name just before its removal, and removed only while the name still
  /// names the same file (device and inode) and the object still matches.
  private mutating func removePosix(_ candidate: Candidate, to out: inout OutputBuffer) throws(FatalRemovalError) {
    guard case .posix(let typed) = candidate.naming, let selected = candidate.object.posix else { return }
    let kind = candidate.object.kind
    guard let fresh = try findPosix(kind, selected.name, typed: typed), let freshFile = fresh.posix?.file else {
      return
    }
    if freshFile != selected.file {
      record(RemovalRecord(fresh, .changed))
      return reporter.skipped(kind, name: typed, reason: "its name now names another object")
    }
    if let selection, !selection.matches(fresh, &context) {
      record(RemovalRecord(fresh, .changed))
      return reporter.skipped(kind, name: typed, reason: "it no longer matches the selection")
    }
    try unlink(fresh, typed: typed, verbose: candidate.verbose, to: &out)
  }

  /// Unlinks POSIX `object`, just read, only while its name still names its file; a dry run predicts.
  ///
  /// Shared memory and semaphores: the entry is `fstatat`'ed just before `unlinkat` on the same directory
  /// descriptor and unlinked only if it is the same regular file. Queues: `mq_unlink` takes a name only, so the
  /// queue read just before is the check.
  private mutating func unlink(
    _ object: IPCObject,
    typed: [UInt8],
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    let kind = object.kind
    guard let posixObject = object.posix, let posix = catalog.posix else { return }
    if dryRun {
      guard permission.allows(object.ownership) else {
        record(RemovalRecord(object, .denied))
        return reporter.report(.permissionDenied, name: typed, predicted: true)
      }
      record(RemovalRecord(object, .wouldRemove))
      let owner = context.names.userName(object.ownership.owner)
      if !recording { reporter.wouldRemove(kind, name: typed, owner: owner, uid: object.ownership.owner, to: &out) }
      return
    }
    if verbose && !recording { reporter.announce(kind, name: typed, to: &out) }
    do throws(IPCError) {
      switch kind {
      case .posixMessageQueue:
        try posix.unlinkQueue(posixObject.name)
      default:
        let found = try posix.unlinkSharedMemoryEntry(posixObject.name.fileName(kind)) {
          $0.type == .regular && $0.file == posixObject.file
        }
        if found.type != .regular || found.file != posixObject.file {
          record(RemovalRecord(object, .changed))
          return reporter.skipped(kind, name: typed, reason: "its name now names another object")
        }
      }
      record(RemovalRecord(object, .removed))
    } catch {
      if let failure = Self.unreachableDirectory(error, kind) { throw failure }
      switch error.code {
      case Errno.permissionDenied, Errno.notPermitted:
        record(RemovalRecord(object, .denied))
        reporter.report(.permissionDenied, name: typed)
      case Errno.notFound:
        record(RemovalRecord(object, .gone))
        if !ignoreMissing { reporter.report(.notFound, name: typed) }
      default: throw reporter.fatalName(error)
      }
    }
  }

  /// The error of opening the shared-memory directory itself, which ends the run: it is about no name.
  ///
  /// The directory may be gone, or be a symlinked `/dev` in another process's root that leads nowhere inside it.
  /// Errors of the entry (`fstatat`, `unlinkat`) and of `mq_unlink` are about the name, and nil here.
  private static func unreachableDirectory(_ error: IPCError, _ kind: ObjectKind) -> FatalRemovalError? {
    guard kind != .posixMessageQueue, !error.operation.hasPrefix("fstatat"), !error.operation.hasPrefix("unlinkat")
    else { return nil }
    return FatalRemovalError(message: "\(kind.facilityName) cannot be reached: \(error.message)")
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
    // Where the kind can be listed, the dry run predicts from the object as it is (owner, permission).
    if dryRun, let object = catalog.snapshot([kind]).objects(kind).first(where: { $0.posix?.name == name }) {
      return try unlink(object, typed: typed, verbose: verbose, to: &out)
    }
    if verbose && !dryRun && !recording { reporter.announce(kind, name: typed, to: &out) }
    guard let posix = catalog.posix else { throw FatalRemovalError(message: "\(kind.facilityName) cannot be reached") }
    do throws(IPCError) {
      switch kind {
      case .posixSharedMemory, .posixSemaphore:
        let fileName = name.fileName(kind)
        let removing = !dryRun
        let found = try posix.unlinkSharedMemoryEntry(fileName) { $0.type == .regular && removing }
        if found.type != .regular {
          let path = Array(posix.sharedMemoryDirectory.utf8) + [UInt8(ascii: "/")] + fileName
          record(RemovalRecord(kind, name: name, .skipped))
          reporter.report(.notAnObject(kind, path: path, found.type), name: typed)
          return
        }
        record(RemovalRecord(kind, name: name, dryRun ? .wouldRemove : .removed))
        if dryRun && !recording {
          let owner = context.names.userName(found.owner)
          reporter.wouldRemove(kind, name: typed, owner: owner, uid: found.owner, to: &out)
        }
      default:
        if dryRun {
          // Predicted only where the queues can be listed (root); permission errors are never predicted.
          if let (names, _) = try? posixNames(kind), !names.contains(name) {
            record(RemovalRecord(kind, name: name, .gone))
            if !ignoreMissing { reporter.report(.notFound, name: typed) }
          } else {
            record(RemovalRecord(kind, name: name, .wouldRemove))
            if !recording { reporter.wouldRemove(kind, name: typed, owner: nil, uid: nil, to: &out) }
          }
          return
        }
        try posix.unlinkQueue(name)
        record(RemovalRecord(kind, name: name, .removed))
      }
    } catch {
      if let failure = Self.unreachableDirectory(error, kind) { throw failure }
      switch error.code {
      case Errno.permissionDenied, Errno.notPermitted:
        record(RemovalRecord(kind, name: name, .denied))
        reporter.report(.permissionDenied, name: typed)
      case Errno.notFound:
        record(RemovalRecord(kind, name: name, .gone))
        if !ignoreMissing { reporter.report(.notFound, name: typed) }
      case Errno.nameTooLong:
        record(RemovalRecord(kind, name: name, .gone))
        reporter.report(.tooLong, name: typed)
      default: throw reporter.fatalName(error)
      }
    }
  }

  private mutating func removeAll<Row: SysVListable>(
    _ type: Row.Type,
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) -> ListingSource? {
    var readable = catalog
    readable.sources = [.kernelReadableSlots]
    let (source, _) = try readable.visit(Row.self) { (row: Row) throws(FatalRemovalError) in
      if let selection, !selection.matches(row, &context) { return }
      let subject = RemovalReporter.Subject.id(row.id, byKey: false)
      if dryRun { return predict(row.object, subject, to: &out) }
      // Without --json the object's values are not needed: the removal goes exactly as ipcrm's.
      try removeNow(
        Row.kind,
        id: row.id,
        subject: subject,
        object: recording ? row.object : nil,
        verbose: verbose,
        to: &out
      )
    }
    return source
  }
}

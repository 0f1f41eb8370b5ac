package import IPCModel

/// Every column swipcs can show, filter on or export, each declared once.
///
/// lsipc 2.38.1's columns keep its names, meanings and order (its `--help` lists them so); swipcs's own come
/// after them in each group.
package enum ColumnRegistry {
  private static let systemV: ColumnScope = .kinds(Set(ObjectKind.ipcsSections))
  private static let shm: ColumnScope = .kinds([.sharedMemorySegment])
  private static let msg: ColumnScope = .kinds([.messageQueue])
  private static let sem: ColumnScope = .kinds([.semaphoreSet])
  private static let posix: ColumnScope = .kinds(Set(ObjectKind.posixSections))
  /// ATTACHED and ATTACHED-COMPLETE: who has a segment attached, or a POSIX object open or mapped.
  private static let held: ColumnScope = .kinds([
    .sharedMemorySegment, .posixSharedMemory, .posixMessageQueue, .posixSemaphore,
  ])
  /// SIZE: System V segments and POSIX shared memory.
  private static let sizes: ColumnScope = .kinds([.sharedMemorySegment, .posixSharedMemory])
  /// USEDBYTES and MSGS: queues of both families.
  private static let queues: ColumnScope = .kinds([.messageQueue, .posixMessageQueue])

  /// lsipc's generic columns, then swipcs's.
  package static let generic: [Column] = [
    Column("KEY", "Resource key", scope: systemV, json: .string) { object, _ in
      object.key.map { .key($0) } ?? .notApplicable
    },
    Column("ID", "Resource ID", scope: systemV, json: .number) { object, _ in
      object.id.map { .integer(Int64($0)) } ?? .notApplicable
    },
    Column("OWNER", "Owner's username or UID", scope: .objects, alignRight: true, json: .string) { object, context in
      let owner = object.ownership.owner
      return .text(context.names.userName(owner) ?? Array(String(owner.rawValue).utf8))
    },
    Column("PERMS", "Permissions", scope: .objects, alignRight: true, json: .string) { object, _ in
      .permissions(object.ownership.mode)
    },
    Column("CUID", "Creator UID", scope: .objects, alignRight: true, json: .number) { object, _ in
      .count(UInt64(object.ownership.creator.rawValue))
    },
    Column("CUSER", "Creator user", scope: .objects, json: .string) { object, context in
      .text(context.names.userName(object.ownership.creator))
    },
    Column("CGID", "Creator GID", scope: .objects, alignRight: true, json: .number) { object, _ in
      .count(UInt64(object.ownership.creatorGroup.rawValue))
    },
    Column("CGROUP", "Creator group", scope: .objects, json: .string) { object, context in
      .text(context.names.groupName(object.ownership.creatorGroup))
    },
    Column("UID", "User ID", scope: .objects, alignRight: true, json: .number) { object, _ in
      .count(UInt64(object.ownership.owner.rawValue))
    },
    Column("USER", "User name", scope: .objects, json: .string) { object, context in
      .text(context.names.userName(object.ownership.owner))
    },
    Column("GID", "Group ID", scope: .objects, alignRight: true, json: .number) { object, _ in
      .count(UInt64(object.ownership.group.rawValue))
    },
    Column("GROUP", "Group name", scope: .objects, json: .string) { object, context in
      .text(context.names.groupName(object.ownership.group))
    },
    Column("CTIME", "Time of the last change", scope: systemV, alignRight: true, json: .string) { object, _ in
      .time(object.changeTime)
    },
    Column("KIND", "Kind of object (shm, msg, sem, pshm, pmsg, psem)", scope: .objects, json: .string) { object, _ in
      .text(Array(object.kind.typeWord.utf8))
    },
    Column("AGE", "Seconds since the last change (POSIX: MTIME)", scope: .objects, alignRight: true, json: .number) {
      object,
      context in
      seconds(since: changed(object), now: context.now)
    },
    Column("IDLE", "Seconds since the last activity", scope: .objects, alignRight: true, json: .number) {
      object,
      context in
      seconds(since: lastActivity(object), now: context.now)
    },
    namespace,
    Column("ORPHANED", "Nothing alive uses it or waits on it", scope: .objects, json: .boolean) {
      object,
      context in
      .boolean(orphaned(object, &context))
    },
  ]

  /// `NS`: the inode of the IPC namespace the object was read in (`readlink /proc/PID/ns/ipc` shows it as
  /// `ipc:[NS]`); in the `--global` table too, where the limits are the namespace's.
  package static let namespace = Column(
    "NS",
    "IPC namespace (inode)",
    scope: .objects,
    alignRight: true,
    json: .number,
    value: { _, context in context.namespace.map { .count($0.rawValue) } ?? .text(nil) },
    globalValue: { resource in resource.namespace.map { .count($0.rawValue) } ?? .text(nil) }
  )

  /// lsipc's shared-memory columns, then swipcs's.
  package static let sharedMemory: [Column] = [
    Column("SIZE", "Segment size", scope: sizes, alignRight: true, json: .number) { object, _ in
      switch object {
      case .sharedMemorySegment(let segment): .size(segment.size)
      case .posixSharedMemory(let object): .size(object.size)
      default: .notApplicable
      }
    },
    Column("NATTCH", "Number of attached processes", scope: shm, alignRight: true, json: .number) { object, _ in
      segment(object).map { .count($0.attachCount) } ?? .notApplicable
    },
    Column("STATUS", "Status", scope: shm, json: .string) { object, _ in
      segment(object).map { .text(status($0.ownership.mode)) } ?? .notApplicable
    },
    Column("ATTACH", "Attach time", scope: shm, alignRight: true, json: .string) { object, _ in
      segment(object).map { .time($0.attachTime) } ?? .notApplicable
    },
    Column("DETACH", "Detach time", scope: shm, alignRight: true, json: .string) { object, _ in
      segment(object).map { .time($0.detachTime) } ?? .notApplicable
    },
    Column("COMMAND", "Creator command line", scope: shm, json: .string, truncatable: true) { object, context in
      // Only the creator's own: a process that has the creator's pid now but started after the segment was
      // created is another program (lsipc shows its command line).
      segment(object).map { .text(context.processes.details(of: $0.creatorPID, recordedAt: $0.changeTime)?.command) }
        ?? .notApplicable
    },
    Column("CPID", "PID of the creator", scope: shm, alignRight: true, json: .number) { object, _ in
      segment(object).map { .pid($0.creatorPID) } ?? .notApplicable
    },
    Column("LPID", "PID of last user", scope: shm, alignRight: true, json: .number) { object, _ in
      segment(object).map { .pid($0.lastOperationPID) } ?? .notApplicable
    },
    Column("RSS", "Resident bytes", scope: shm, alignRight: true, json: .number) { object, context in
      segment(object).map { optionalSize(context.residency(of: $0).resident) } ?? .notApplicable
    },
    Column("SWAP", "Swapped bytes", scope: shm, alignRight: true, json: .number) { object, context in
      segment(object).map { optionalSize(context.residency(of: $0).swapped) } ?? .notApplicable
    },
    Column("ATTACHED", "Processes that have it attached (POSIX: open or mapped)", scope: held, json: .array) {
      object,
      context in
      if let segment = segment(object) {
        return .list(
          context.processes.attachers(of: segment).attachers.map {
            .record([CellField("pid", .pid($0.pid)), CellField("command", .text($0.command))])
          }
        )
      }
      guard let file = object.posix?.file else { return .notApplicable }
      return .list(
        context.processes.holders(of: file).holders.map {
          .record([CellField("pid", .pid($0.pid)), CellField("command", .text($0.command))])
        }
      )
    },
    Column("ATTACHED-COMPLETE", "Whether ATTACHED lists them all", scope: held, json: .boolean) { object, context in
      if let segment = segment(object) { return .boolean(context.processes.attachers(of: segment).complete) }
      guard let file = object.posix?.file else { return .notApplicable }
      return .boolean(context.processes.holders(of: file).complete)
    },
    Column("CPID-ALIVE", "Whether the creator is alive", scope: shm, json: .boolean) { object, context in
      segment(object).map { .liveness(context.processes.liveness($0.creatorPID, recordedAt: $0.changeTime)) }
        ?? .notApplicable
    },
    Column("LPID-ALIVE", "Whether the last user is alive", scope: shm, json: .boolean) { object, context in
      segment(object).map {
        .liveness(context.processes.liveness($0.lastOperationPID, recordedAt: lastUse($0)))
      } ?? .notApplicable
    },
  ]

  /// lsipc's message-queue columns, then swipcs's.
  package static let messageQueue: [Column] = [
    Column("USEDBYTES", "Bytes used", scope: queues, alignRight: true, json: .number) { object, _ in
      switch object {
      case .messageQueue(let queue): .size(queue.usedBytes)
      case .posixMessageQueue(let queue): optionalSize(queue.usedBytes)
      default: .notApplicable
      }
    },
    Column("MSGS", "Number of messages", scope: queues, json: .number) { object, _ in
      switch object {
      case .messageQueue(let queue): .count(queue.messageCount)
      case .posixMessageQueue(let queue): queue.messageCount.map { .count($0) } ?? .text(nil)
      default: .notApplicable
      }
    },
    Column("SEND", "Time of last msg sent", scope: msg, alignRight: true, json: .string) { object, _ in
      queue(object).map { .time($0.sendTime) } ?? .notApplicable
    },
    Column("RECV", "Time of last msg received", scope: msg, alignRight: true, json: .string) { object, _ in
      queue(object).map { .time($0.receiveTime) } ?? .notApplicable
    },
    Column("LSPID", "PID of the last msg sender", scope: msg, alignRight: true, json: .number) { object, _ in
      queue(object).map { .pid($0.lastSendPID) } ?? .notApplicable
    },
    Column("LRPID", "PID of the last msg receiver", scope: msg, alignRight: true, json: .number) { object, _ in
      queue(object).map { .pid($0.lastReceivePID) } ?? .notApplicable
    },
    Column("QBYTES", "Capacity of the queue in bytes", scope: msg, alignRight: true, json: .number) { object, _ in
      queue(object).map { optionalSize($0.capacityBytes) } ?? .notApplicable
    },
    Column("LSPID-ALIVE", "Whether the last sender is alive", scope: msg, json: .boolean) { object, context in
      queue(object).map { .liveness(context.processes.liveness($0.lastSendPID, recordedAt: $0.sendTime)) }
        ?? .notApplicable
    },
    Column("LRPID-ALIVE", "Whether the last receiver is alive", scope: msg, json: .boolean) { object, context in
      queue(object).map { .liveness(context.processes.liveness($0.lastReceivePID, recordedAt: $0.receiveTime)) }
        ?? .notApplicable
    },
  ]

  /// lsipc's semaphore columns.
  package static let semaphore: [Column] = [
    Column("NSEMS", "Number of semaphores", scope: sem, alignRight: true, json: .number) { object, _ in
      semaphoreSet(object).map { .count($0.semaphoreCount) } ?? .notApplicable
    },
    Column("OTIME", "Time of the last operation", scope: sem, alignRight: true, json: .string) { object, _ in
      semaphoreSet(object).map { .time($0.operationTime) } ?? .notApplicable
    },
  ]

  /// util-linux master lsipc's POSIX columns (`-M`, `-Q`, `-S` there; `--posix-*` here).
  ///
  /// SIZE, USEDBYTES and MSGS are the System V kinds' columns, and apply to POSIX shared memory and queues too.
  package static let posixColumns: [Column] = [
    Column("NAME", "POSIX resource name", scope: posix, json: .string) { object, _ in
      object.posix.map { .text($0.name.shown(object.kind)) } ?? .notApplicable
    },
    Column("MTIME", "Time of last action", scope: posix, alignRight: true, json: .string) { object, _ in
      .time(object.modificationTime)
    },
    Column("SVAL", "Semaphore value", scope: .kinds([.posixSemaphore]), alignRight: true, json: .number) {
      object,
      _ in
      guard case .posixSemaphore(let semaphore) = object else { return .notApplicable }
      return semaphore.value.map { .integer(Int64($0)) } ?? .text(nil)
    },
  ]

  /// lsipc's `--global` columns.
  package static let global: [Column] = [
    Column("RESOURCE", "Resource name", scope: .global, json: .string, globalValue: { .text(Array($0.name.utf8)) }),
    Column(
      "DESCRIPTION",
      "Resource description",
      scope: .global,
      json: .string,
      globalValue: { .text(Array($0.description.utf8)) }
    ),
    Column(
      "LIMIT",
      "System-wide limit",
      scope: .global,
      alignRight: true,
      json: .number,
      globalValue: { $0.inBytes ? .byteFigure($0.limit) : .figure($0.limit) }
    ),
    Column(
      "USED",
      "Currently used",
      scope: .global,
      alignRight: true,
      json: .number,
      globalValue: { $0.inBytes ? .byteFigure($0.used) : .figure($0.used) }
    ),
    Column(
      "USE%",
      "Currently use percentage",
      scope: .global,
      alignRight: true,
      json: .number,
      globalValue: { resource in .percentage(resource.usedRatio.map { $0 * 100 }) }
    ),
  ]

  /// The groups as `--help` lists them, with their titles.
  package static let groups: [(title: String, columns: [Column])] = [
    ("Generic columns", generic),
    ("Shared-memory columns (--shmems)", sharedMemory),
    ("Message-queue columns (--queues)", messageQueue),
    ("Semaphore columns (--semaphores)", semaphore),
    ("POSIX columns (--posix-shmems, --posix-mqueues, --posix-semaphores)", posixColumns),
    ("Summary columns (--global)", global),
  ]

  /// Every object column.
  package static let objectColumns: [Column] = generic + sharedMemory + messageQueue + semaphore + posixColumns

  /// Every column, the `--global` ones included.
  package static let all: [Column] = objectColumns + global

  /// The column `name` names, case-insensitively.
  package static func column(named name: String) -> Column? { column(named: name, in: all) }

  /// The column `name` names, case-insensitively, among `columns`.
  package static func column(named name: some StringProtocol, in columns: [Column]) -> Column? {
    let wanted = name.uppercased()
    return columns.first { $0.name == wanted }
  }

  /// lsipc's name for a kind's table in JSON.
  package static func tableName(_ kind: ObjectKind) -> String {
    switch kind {
    case .messageQueue: "messages"
    case .sharedMemorySegment: "sharedmemory"
    case .semaphoreSet: "semaphores"
    // util-linux master lsipc's names.
    case .posixSharedMemory: "posix-sharedmemory"
    case .posixMessageQueue: "posix-messages"
    case .posixSemaphore: "posix-semaphores"
    }
  }

  /// lsipc's default columns for a kind.
  package static func defaults(for kind: ObjectKind) -> [Column] {
    let names: [String] =
      switch kind {
      case .sharedMemorySegment:
        ["KEY", "ID", "PERMS", "OWNER", "SIZE", "NATTCH", "STATUS", "CTIME", "CPID", "LPID", "COMMAND"]
      case .messageQueue: ["KEY", "ID", "PERMS", "OWNER", "USEDBYTES", "MSGS", "LSPID", "LRPID"]
      case .semaphoreSet: ["KEY", "ID", "PERMS", "OWNER", "NSEMS"]
      // util-linux master lsipc's (`-M`, `-Q`, `-S`).
      case .posixSharedMemory: ["NAME", "PERMS", "OWNER", "SIZE", "MTIME"]
      case .posixMessageQueue: ["NAME", "PERMS", "OWNER", "MTIME", "USEDBYTES", "MSGS"]
      case .posixSemaphore: ["NAME", "PERMS", "OWNER", "MTIME", "SVAL"]
      }
    return names.compactMap(column(named:))
  }

  // MARK: Values

  private static func segment(_ object: IPCObject) -> SharedMemorySegment? {
    if case .sharedMemorySegment(let segment) = object { segment } else { nil }
  }

  private static func queue(_ object: IPCObject) -> MessageQueue? {
    if case .messageQueue(let queue) = object { queue } else { nil }
  }

  private static func semaphoreSet(_ object: IPCObject) -> SemaphoreSet? {
    if case .semaphoreSet(let set) = object { set } else { nil }
  }

  private static func optionalSize(_ bytes: UInt64?) -> CellValue { bytes.map { .size($0) } ?? .text(nil) }

  /// Whole seconds from `time` to `now`; none when `time` is never, 0 for a time in the future.
  private static func seconds(since time: Timestamp?, now: Timestamp) -> CellValue {
    guard let time else { return .text(nil) }
    return .count(UInt64(max(0, now.rawValue - time.rawValue)))
  }

  /// AGE's start: a System V object's CTIME, a POSIX object's MTIME (its file records no other change).
  static func changed(_ object: IPCObject) -> Timestamp? {
    object.kind.family == .posix ? object.modificationTime : object.changeTime
  }

  /// The newest activity: shm max(ATTACH, DETACH, CTIME), msg max(SEND, RECV, CTIME), sem max(OTIME, CTIME); a
  /// POSIX object's MTIME.
  static func lastActivity(_ object: IPCObject) -> Timestamp? {
    let times: [Timestamp?] =
      switch object {
      case .sharedMemorySegment(let s): [s.attachTime, s.detachTime, s.changeTime]
      case .messageQueue(let q): [q.sendTime, q.receiveTime, q.changeTime]
      case .semaphoreSet(let s): [s.operationTime, s.changeTime]
      case .posixSharedMemory, .posixMessageQueue, .posixSemaphore: [object.modificationTime]
      }
    return times.compactMap { $0 }.max()
  }

  /// When a segment's last user was recorded: its last attach or detach.
  static func lastUse(_ segment: SharedMemorySegment) -> Timestamp? {
    [segment.attachTime, segment.detachTime].compactMap { $0 }.max()
  }

  /// When a semaphore's last operating pid was recorded: `semop` sets it with OTIME, but `SETVAL` and `SETALL`
  /// set it too and change CTIME only; the later of the two bounds both.
  static func lastSemaphoreOperation(_ set: SemaphoreSet) -> Timestamp? {
    [set.operationTime, set.changeTime].compactMap { $0 }.max()
  }

  /// ORPHANED: nothing alive uses the object, by what the kernel recorded, and nothing alive is waiting on it.
  ///
  /// - A segment: nattch 0, its creator dead, and its last user dead (or none: never attached).
  /// - A queue: idle (no message queued, and no task blocked on it in `msgsnd` or `msgrcv`), and its last sender
  ///   and last receiver each dead or never set.
  /// - A semaphore set: no process waiting (semncnt and semzcnt 0 on every semaphore), and every semaphore's
  ///   last pid dead; a pid 0 is "never set" only where the reader sees every pid (the initial pid namespace).
  ///
  /// Unknown is never dead: an object that depends on a pid whose fate is unknown is not orphaned.
  static func orphaned(_ object: IPCObject, _ context: inout RowContext) -> Bool {
    switch object {
    case .sharedMemorySegment(let segment):
      return segment.attachCount == 0
        && context.processes.liveness(segment.creatorPID, recordedAt: segment.changeTime) == .dead
        && context.processes.gone(segment.lastOperationPID, recordedAt: lastUse(segment))
    case .messageQueue(let queue):
      guard
        queue.messageCount == 0
          && context.processes.gone(queue.lastSendPID, recordedAt: queue.sendTime)
          && context.processes.gone(queue.lastReceivePID, recordedAt: queue.receiveTime)
      else { return false }
      let waiters = context.processes.queueWaiters()
      return waiters.complete && !waiters.queues.contains(queue.id)
    case .semaphoreSet(let set):
      guard let values = context.semaphoreValues(of: set), values.count == Int(clamping: set.semaphoreCount) else {
        return false
      }
      guard values.allSatisfy({ $0.waitingForIncrease == 0 && $0.waitingForZero == 0 }) else { return false }
      let recorded = lastSemaphoreOperation(set)
      for value in values {
        if value.lastPID.rawValue == 0 {
          guard context.processes.seesEveryPID() else { return false }
        } else if context.processes.liveness(value.lastPID, recordedAt: recorded) != .dead {
          return false
        }
      }
      return true
    case .posixMessageQueue(let queue):
      // No message waits for a reader, and no process has the queue open (a waiter has it open).
      guard queue.messageCount == 0 else { return false }
      let holders = context.processes.holders(of: queue.file)
      return holders.complete && holders.holders.isEmpty
    case .posixSharedMemory(let object):
      let holders = context.processes.holders(of: object.file)
      return holders.complete && holders.holders.isEmpty
    case .posixSemaphore(let semaphore):
      let holders = context.processes.holders(of: semaphore.file)
      return holders.complete && holders.holders.isEmpty
    }
  }

  /// lsipc's STATUS: `dest`, `locked`, `hugetlb`, `noreserve`, comma-separated; nil when none applies.
  ///
  /// lsipc 2.38.1 writes the comma only after `dest` (`lockedhugetlb`); swipcs separates every word.
  static func status(_ mode: IPCMode) -> [UInt8]? {
    let words: [(UInt32, String)] = [(0o1000, "dest"), (0o2000, "locked"), (0o4000, "hugetlb"), (0o10000, "noreserve")]
    let shown = words.filter { mode.rawValue & $0.0 != 0 }.map(\.1)
    return shown.isEmpty ? nil : Array(shown.joined(separator: ",").utf8)
  }
}

/// One row of the `--global` table: a kernel limit and, where it can be counted, how much of it is in use.
package struct GlobalResource: Sendable, Equatable {
  package var name: String
  package var description: String
  package var limit: UInt64
  package var used: UInt64?
  /// Whether the figures are bytes (human-readable in the table unless `--bytes`).
  package var inBytes: Bool
  /// The IPC namespace whose limits these are, for the NS column.
  package var namespace: NamespaceID?

  package init(_ name: String, _ description: String, limit: UInt64, used: UInt64? = nil, inBytes: Bool = false) {
    self.name = name
    self.description = description
    self.limit = limit
    self.used = used
    self.inBytes = inBytes
  }

  /// used / limit, or nil where nothing is counted or the limit is 0.
  package var usedRatio: Double? {
    guard let used, limit > 0 else { return nil }
    return Double(used) / Double(limit)
  }
}

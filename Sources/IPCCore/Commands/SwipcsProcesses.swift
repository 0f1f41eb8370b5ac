import Glibc
package import IPCModel

/// One process that holds an object, and how.
package struct Holder: Sendable, Equatable {
  package var pid: ProcessID
  package var user: UserID?
  package var command: [UInt8]?
  /// `attached`, `creator`, `last` (System V), or `open`, `mapped` (POSIX), in that order, each at most once.
  package var roles: [String]
}

/// `--processes`: per object, the processes that hold it, like fuser(1) for IPC.
package enum ProcessView {
  /// The view's columns, in order; NAME only where POSIX kinds are shown.
  ///
  /// They are not in the column registry: they describe a process of an object, not an object, and `-o` does not
  /// pick among them.
  package static func columns(posix: Bool) -> [Column] {
    var columns = [
      Column("KIND", "Kind of object (shm, msg, sem, pshm, pmsg, psem)", scope: .objects, json: .string),
      Column("ID", "Resource ID", scope: .objects, json: .number),
      Column("KEY", "Resource key", scope: .objects, json: .string),
      Column("PID", "Process ID", scope: .objects, alignRight: true, json: .number),
      Column("USER", "The process's effective user", scope: .objects, json: .string),
      Column(
        "ROLE",
        "attached (shm), creator, last (the last user the kernel recorded); open, mapped (POSIX)",
        scope: .objects,
        json: .string
      ),
      Column("COMMAND", "The process's command line", scope: .objects, json: .string, truncatable: true),
    ]
    if posix { columns.insert(Column("NAME", "POSIX resource name", scope: .objects, json: .string), at: 3) }
    return columns
  }

  /// The processes that hold `object`, in pid order, and whether the attachers are complete.
  ///
  /// For a segment, those that have it mapped; for every kind, the recorded creator and last users that are alive
  /// by the reuse rule.
  package static func holders(of object: IPCObject, context: inout RowContext) -> (holders: [Holder], complete: Bool) {
    var holders: [Holder] = []
    func add(_ pid: ProcessID, _ role: String, user: UserID?, command: [UInt8]?) {
      if let index = holders.firstIndex(where: { $0.pid == pid }) {
        if !holders[index].roles.contains(role) { holders[index].roles.append(role) }
      } else {
        holders.append(Holder(pid: pid, user: user, command: command, roles: [role]))
      }
    }
    func addRecorded(_ pid: ProcessID, _ role: String, recordedAt: Timestamp?, context: inout RowContext) {
      guard let details = context.processes.details(of: pid, recordedAt: recordedAt) else { return }
      add(pid, role, user: details.user, command: details.command)
    }
    var complete = true
    switch object {
    case .sharedMemorySegment(let segment):
      let found = context.processes.attachers(of: segment, withUsers: true)
      complete = found.complete
      for attacher in found.attachers {
        add(attacher.pid, "attached", user: attacher.user, command: attacher.command)
      }
      addRecorded(segment.creatorPID, "creator", recordedAt: segment.changeTime, context: &context)
      addRecorded(segment.lastOperationPID, "last", recordedAt: ColumnRegistry.lastUse(segment), context: &context)
    case .messageQueue(let queue):
      addRecorded(queue.lastSendPID, "last", recordedAt: queue.sendTime, context: &context)
      addRecorded(queue.lastReceivePID, "last", recordedAt: queue.receiveTime, context: &context)
    case .semaphoreSet(let set):
      let recorded = ColumnRegistry.lastSemaphoreOperation(set)
      for value in context.semaphoreValues(of: set) ?? [] {
        addRecorded(value.lastPID, "last", recordedAt: recorded, context: &context)
      }
    case .posixSharedMemory, .posixMessageQueue, .posixSemaphore:
      // The kernel records no pid with a POSIX object: its holders are those with its file open or mapped.
      guard let file = object.posix?.file else { break }
      let found = context.processes.holders(of: file, withUsers: true)
      complete = found.complete
      for holder in found.holders {
        let roles = [(PosixHolder.Means.open, "open"), (.mapped, "mapped")].filter { holder.means.contains($0.0) }
        holders.append(Holder(pid: holder.pid, user: holder.user, command: holder.command, roles: roles.map(\.1)))
      }
    }
    holders.sort { $0.pid.rawValue < $1.pid.rawValue }
    return (holders, complete)
  }
}

extension Swipcs {
  /// `--processes`: one table of every holder of every object shown (or of `-i ID`), in the column views' forms.
  static func showProcesses(
    options: SwipcsOptions,
    catalog: LiveCatalog,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    let view = options.columns ?? ColumnOptions()
    let time = filter.context.now
    let cells = CellText(
      bytes: options.unit == .bytes,
      timeFormat: view.timeFormat ?? .short,
      numericPermissions: false,
      decimalPoint: ProcessLocale.decimalPoint(),
      now: time
    )
    var writer = TableWriter(form: view.form, headings: view.headings, truncate: view.truncate, cells: cells)
    var rows: [[CellValue]] = []
    var (incomplete, incompletePosix, status): (Int, Int, Int32) = (0, 0, 0)
    let posixKinds = ObjectKind.posixSections.filter(options.kinds.contains)
    for kind in options.sections + posixKinds {
      let (snapshot, indices) = shownObjects(
        kind,
        options: options,
        catalog: catalog,
        filter: &filter,
        program: program,
        negativeIDIsFirst: false
      )
      if let failure = snapshot.posixProblems(kind)?.failure {
        program.warn(failure)
        status = 1
        continue
      }
      for index in indices {
        let object = snapshot.object(kind, at: index)
        let (holders, complete) = ProcessView.holders(of: object, context: &filter.context)
        if !complete {
          if kind.family == .posix { incompletePosix += 1 } else { incomplete += 1 }
        }
        for holder in holders {
          let user: CellValue =
            holder.user.map { .text(filter.context.names.userName($0) ?? Array(String($0.rawValue).utf8)) }
            ?? .text(nil)
          var row: [CellValue] = [
            .text(Array(kind.typeWord.utf8)), object.id.map { .integer(Int64($0)) } ?? .notApplicable,
            object.key.map { .key($0) } ?? .notApplicable, .pid(holder.pid), user,
            .text(Array(holder.roles.joined(separator: ",").utf8)), .text(holder.command),
          ]
          if !posixKinds.isEmpty {
            row.insert(object.posix.map { .text($0.name.shown(kind)) } ?? .notApplicable, at: 3)
          }
          rows.append(row)
        }
      }
    }
    writer.begin(to: &out)
    let table = Table(name: "processes", columns: ProcessView.columns(posix: !posixKinds.isEmpty), count: rows.count)
    writer.write(table, to: &out) { index, cells in cells.append(contentsOf: rows[index]) }
    writer.end(to: &out)
    if incomplete > 0 {
      program.warn(
        "\(incomplete) segment\(incomplete == 1 ? " has" : "s have") attachments in processes that cannot be read"
          + " (other users' processes, or other pid or IPC namespaces): the list is incomplete"
      )
    }
    if incompletePosix > 0 {
      program.warn(
        "\(incompletePosix) POSIX object\(incompletePosix == 1 ? "" : "s") may be held by processes that cannot be read"
          + " (other users' processes, or another pid namespace): the list is incomplete"
      )
    }
    return status
  }
}

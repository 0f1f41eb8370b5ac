import Glibc
package import IPCModel

/// A process that has a System V segment mapped, as one scan of `/proc` found it.
package struct Attacher: Sendable, Hashable {
  package var pid: ProcessID
  package var segment: MappedSegment
  /// `/proc/PID/cmdline`, NULs as spaces; nil where there is none to read.
  package var command: [UInt8]?
  /// The effective user (`/proc/PID/status`), read only when the scan was asked for users.
  package var user: UserID?
}

/// One pass over `/proc`: every process of the snapshot's IPC namespace whose maps could be read, and the System V
/// segments each maps.
package struct AttachmentScan: Sendable {
  /// Attachers by the shmid their maps name, in the order of `/proc` (pid order).
  package var attachers: [Int32: [Attacher]] = [:]
  /// Processes read (their namespace, and for those of the snapshot's namespace their maps).
  package var processesRead = 0
  /// Processes skipped because their namespace or maps could not be read (permission, `hidepid`).
  package var unreadable = 0
  /// False when the scan could not run at all: no namespace to compare with, `/proc` unlistable, or `/proc` of
  /// another pid namespace.
  package var ran = true
  /// Whether users were read.
  package var withUsers = false

  package init() {}
}

/// A process that holds a file (a POSIX object's), as one scan of `/proc` found it.
package struct PosixHolder: Sendable, Hashable {
  /// How a process holds a file: mapped shared (`mmap`, as `sem_open` leaves a semaphore), open (a descriptor, as
  /// `shm_open` and `mq_open` give), or both.
  package struct Means: OptionSet, Sendable, Hashable {
    package var rawValue: UInt8

    package init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A shared mapping of the file (`/proc/PID/maps`).
    package static let mapped = Means(rawValue: 1)
    /// An open descriptor of the file (`/proc/PID/fd`).
    package static let open = Means(rawValue: 2)
  }

  package var pid: ProcessID
  /// `/proc/PID/cmdline`, NULs as spaces; nil where there is none to read.
  package var command: [UInt8]?
  /// The effective user (`/proc/PID/status`), read only when the scan was asked for users.
  package var user: UserID?
  package var means: Means

  package init(pid: ProcessID, command: [UInt8]?, user: UserID?, means: Means) {
    self.pid = pid
    self.command = command
    self.user = user
    self.means = means
  }
}

/// One pass over `/proc` for the holders of files: every process whose shared maps and descriptors could be read,
/// whatever its namespaces.
///
/// A file's device and inode name it in every namespace, so unlike `AttachmentScan` no process is left out for its
/// IPC namespace.
package struct HolderScan: Sendable {
  /// Holders by the file they hold, each process once, in the order of `/proc` (pid order).
  package var holders: [PosixFileIdentity: [PosixHolder]] = [:]
  /// Processes read (their shared maps and their descriptors).
  package var processesRead = 0
  /// Processes skipped because their maps or descriptors could not be read (permission, `hidepid=noaccess`).
  package var unreadable = 0
  /// False when the scan could not run at all: `/proc` unlistable, or `/proc` of another pid namespace.
  package var ran = true
  /// Whether users were read.
  package var withUsers = false

  package init() {}
}

/// What the process columns know of a process with a given pid, from one opening of its `/proc` directory.
package struct ProcessExamination: Sendable, Equatable {
  package var evidence: ProcessEvidence
  package var command: [UInt8]?
  package var user: UserID?
  /// Whether `command` and `user` were read.
  package var detailed: Bool
}

/// What the process columns read from `/proc`, each thing once and only when a column first asks for it: without
/// those columns no `/proc/PID` is opened at all.
package struct ProcessFacts {
  package let source: any ProcessSource
  /// The IPC namespace of the objects: a process of another namespace is no attacher (a shmid means nothing
  /// outside its namespace).
  package var namespace: NamespaceID?
  /// The files `holders(of:)` will be asked about, when known before its first call: the scan then records only
  /// those, and reads the command line and user only of processes that hold one.
  ///
  /// Nil records every file every process holds.
  package var holderFiles: Set<PosixFileIdentity>? {
    // A scan made for other files does not answer for these.
    didSet { if let holderFiles, oldValue.map({ !holderFiles.isSubset(of: $0) }) ?? false { holderResult = nil } }
  }
  private var scanResult: AttachmentScan?
  private var holderResult: HolderScan?
  private var examined: [Int32: ProcessExamination] = [:]
  private var bootTimeRead: Int64??
  private var ownPIDNamespace: Bool?
  private var everyPID: Bool?
  private var waiters: (queues: Set<Int32>, complete: Bool)?

  package init(source: any ProcessSource, namespace: NamespaceID?) {
    self.source = source
    self.namespace = namespace
  }

  // MARK: Attachments

  /// The scan, made on the first call (again if users are wanted and the first was made without).
  package mutating func scan(withUsers: Bool = false) -> AttachmentScan {
    if let scanResult, scanResult.withUsers || !withUsers { return scanResult }
    let result = Self.scan(source, namespace: namespace, withUsers: withUsers, procIsOwn: procIsOwn())
    scanResult = result
    return result
  }

  private static func scan(
    _ source: any ProcessSource,
    namespace: NamespaceID?,
    withUsers: Bool,
    procIsOwn: Bool
  ) -> AttachmentScan {
    var result = AttachmentScan()
    result.withUsers = withUsers
    guard let namespace, procIsOwn, let pids = try? source.processIDs() else {
      result.ran = false
      return result
    }
    let unreadable = eachProcess(pids, source) { handle throws(IPCError) in
      // The namespace first: maps of another namespace's process are not read at all.
      guard try source.namespace(handle, "ipc") == namespace.rawValue else { return }
      let maps = try source.maps(handle, sharedOnly: true)
      result.processesRead += 1
      let segments = ProcessFiles.mappedSegments(maps)
      guard !segments.isEmpty else { return }
      let command = Self.commandLine(source, handle)
      let user = withUsers ? Self.user(source, handle) : nil
      for segment in segments {
        result.attachers[segment.id, default: []].append(
          Attacher(pid: ProcessID(rawValue: handle.pid), segment: segment, command: command, user: user)
        )
      }
    }
    result.unreadable = unreadable
    return result
  }

  /// Opens each process of `pids` in turn, runs `body` on it and closes it; returns how many could not be read.
  ///
  /// A process that has exited meanwhile (before it is opened, or while `body` reads it) is skipped; any other
  /// failure, of the opening or thrown by `body`, counts it as unreadable.
  private static func eachProcess(
    _ pids: [Int32],
    _ source: any ProcessSource,
    _ body: (ProcessHandle) throws(IPCError) -> Void
  ) -> Int {
    var unreadable = 0
    for pid in pids {
      let handle: ProcessHandle
      do throws(IPCError) {
        handle = try source.open(pid)
      } catch {
        if !error.meansProcessGone { unreadable += 1 }
        continue
      }
      defer { source.close(handle) }
      do throws(IPCError) {
        try body(handle)
      } catch {
        if !error.meansProcessGone { unreadable += 1 }
      }
    }
    return unreadable
  }

  // MARK: Holders of files

  /// The holder scan, made on the first call (again if users are wanted and the first was made without).
  package mutating func holderScan(withUsers: Bool = false) -> HolderScan {
    if let holderResult, holderResult.withUsers || !withUsers { return holderResult }
    let result = Self.holderScan(source, files: holderFiles, withUsers: withUsers, procIsOwn: procIsOwn())
    holderResult = result
    return result
  }

  private static func holderScan(
    _ source: any ProcessSource,
    files: Set<PosixFileIdentity>?,
    withUsers: Bool,
    procIsOwn: Bool
  ) -> HolderScan {
    var result = HolderScan()
    result.withUsers = withUsers
    guard procIsOwn, let pids = try? source.processIDs() else {
      result.ran = false
      return result
    }
    let unreadable = eachProcess(pids, source) { handle throws(IPCError) in
      let mapped = ProcessFiles.mappedFiles(try source.maps(handle, sharedOnly: false))
      let open = try source.openFiles(handle)
      result.processesRead += 1
      var held: [PosixFileIdentity: PosixHolder.Means] = [:]
      for file in mapped where files?.contains(file) ?? true { held[file, default: []].insert(.mapped) }
      for file in open where files?.contains(file) ?? true { held[file, default: []].insert(.open) }
      guard !held.isEmpty else { return }
      let command = Self.commandLine(source, handle)
      let user = withUsers ? Self.user(source, handle) : nil
      let pid = ProcessID(rawValue: handle.pid)
      for (file, means) in held {
        result.holders[file, default: []].append(PosixHolder(pid: pid, command: command, user: user, means: means))
      }
    }
    result.unreadable = unreadable
    return result
  }

  /// The processes that hold `file` (a POSIX object's: its device and inode), by a shared mapping or an open
  /// descriptor, in every namespace; and whether they are all of them.
  ///
  /// They are all when the scan ran (`/proc` of the reader's pid namespace) and read every process: a process
  /// the caller may not read (another user's, without privilege) may hold it unseen. A process `/proc` does not
  /// list at all (mounted `hidepid=invisible`) is not known to be missing: complete does not see it. A file outside
  /// `holderFiles`, where that is set, has no holders found and is never complete.
  package mutating func holders(
    of file: PosixFileIdentity,
    withUsers: Bool = false
  ) -> (holders: [PosixHolder], complete: Bool) {
    guard holderFiles?.contains(file) ?? true else { return ([], false) }
    let scan = holderScan(withUsers: withUsers)
    return (scan.holders[file] ?? [], scan.ran && scan.unreadable == 0)
  }

  /// The processes of the snapshot's namespace that map `segment`, and whether they are all of them.
  ///
  /// They are all when the mappings found add up to its nattch (each mapping is one attachment). A segment with
  /// nattch 0 needs no scan.
  ///
  /// A mapping counts when its inode is the shmid and its file's key is the segment's (a removed segment's key
  /// reads 0; its maps keep the key it was created with).
  package mutating func attachers(
    of segment: SharedMemorySegment,
    withUsers: Bool = false
  ) -> (
    attachers: [Attacher], complete: Bool
  ) {
    guard segment.attachCount > 0 else { return ([], true) }
    let scan = scan(withUsers: withUsers)
    let removed = segment.ownership.mode.rawValue & 0o1000 != 0
    let found = (scan.attachers[segment.id] ?? []).filter { removed || $0.segment.key == segment.key }
    let mappings = found.reduce(0) { $0 + UInt64($1.segment.mappings) }
    return (found, scan.ran && mappings >= segment.attachCount)
  }

  // MARK: Queue waiters

  /// The system calls, by this architecture's numbers, that wait on a message queue (`msgsnd`, `msgrcv`, first
  /// argument the queue's id), and those of a 32-bit task that may (`ipc`, and the compat `msgsnd`/`msgrcv`).
  private static var queueCalls: (native: Set<Int64>, compat: Set<Int64>)? {
    #if arch(x86_64)
    ([69, 70], [117, 400, 401])
    #elseif arch(arm64)
    ([188, 189], [301, 302])
    #else
    nil
    #endif
  }

  /// The queues some task of the snapshot's IPC namespace is blocked on (`msgsnd` or `msgrcv`).
  ///
  /// Read from every thread's `/proc/PID/task/TID/syscall`; complete is false when a task could not be read (it
  /// needs the permission to trace the process: root, or in practice only one's own children), or on an
  /// architecture whose numbers are not known here. Queues record no waiters of their own, unlike semaphores
  /// (semncnt, semzcnt).
  package mutating func queueWaiters() -> (queues: Set<Int32>, complete: Bool) {
    if let waiters { return waiters }
    let found = Self.queueWaiters(source, namespace: namespace, procIsOwn: procIsOwn())
    waiters = found
    return found
  }

  private static func queueWaiters(
    _ source: any ProcessSource,
    namespace: NamespaceID?,
    procIsOwn: Bool
  ) -> (queues: Set<Int32>, complete: Bool) {
    guard let calls = queueCalls, let namespace, procIsOwn, let pids = try? source.processIDs() else {
      return ([], false)
    }
    var queues = Set<Int32>()
    var complete = true
    let unreadable = eachProcess(pids, source) { handle throws(IPCError) in
      guard try source.namespace(handle, "ipc") == namespace.rawValue else { return }
      let tasks = try source.taskIDs(handle)
      for task in tasks {
        let state: TaskSyscall?
        do throws(IPCError) {
          state = ProcessFiles.taskSyscall(try source.read(handle, "task/\(task)/syscall"))
        } catch {
          if !error.meansProcessGone { complete = false }
          continue
        }
        switch state {
        case .inSyscall(let number, let argument)?:
          if calls.native.contains(number) {
            queues.insert(Int32(truncatingIfNeeded: argument))
          } else if calls.compat.contains(number) {
            complete = false
          }
        case .running?, .outsideSyscall?: break
        case nil: complete = false
        }
      }
    }
    return (queues, complete && unreadable == 0)
  }

  // MARK: Liveness

  /// Whether the process `pid` names, recorded by an event at `recordedAt`, is alive (`ReuseRule`).
  package mutating func liveness(_ pid: ProcessID, recordedAt: Timestamp?) -> Liveness {
    guard pid.rawValue > 0 else { return .unknown }
    let facts = examine(pid)
    return ReuseRule.judge(
      pid,
      recordedAt: recordedAt,
      evidence: facts.evidence,
      bootTime: bootTime(),
      ticksPerSecond: source.ticksPerSecond
    )
  }

  /// Whether a recorded `pid` is gone: dead, or (pid 0 with no event ever recorded) never set.
  ///
  /// Unknown is not gone.
  package mutating func gone(_ pid: ProcessID, recordedAt: Timestamp?) -> Bool {
    if pid.rawValue == 0 { return recordedAt == nil }
    return liveness(pid, recordedAt: recordedAt) == .dead
  }

  /// The command line and user of the process `pid` names now, when it is the one recorded at `recordedAt`
  /// (alive by the reuse rule); both read through the same opening of `/proc/PID` as its start time.
  package mutating func details(of pid: ProcessID, recordedAt: Timestamp?) -> (command: [UInt8]?, user: UserID?)? {
    guard pid.rawValue > 0 else { return nil }
    var facts = examine(pid)
    if !facts.detailed {
      facts = Self.examine(pid.rawValue, source, detailed: true, procIsOwn: procIsOwn())
      examined[pid.rawValue] = facts
    }
    let verdict = ReuseRule.judge(
      pid,
      recordedAt: recordedAt,
      evidence: facts.evidence,
      bootTime: bootTime(),
      ticksPerSecond: source.ticksPerSecond
    )
    return verdict == .alive ? (facts.command, facts.user) : nil
  }

  /// Whether every pid the kernel reports is visible to the reader, so that a pid 0 means never set.
  package mutating func seesEveryPID() -> Bool {
    if let everyPID { return everyPID }
    let sees = procIsOwn() && source.seesEveryPID()
    everyPID = sees
    return sees
  }

  private mutating func examine(_ pid: ProcessID) -> ProcessExamination {
    if let known = examined[pid.rawValue] { return known }
    let facts = Self.examine(pid.rawValue, source, detailed: false, procIsOwn: procIsOwn())
    examined[pid.rawValue] = facts
    return facts
  }

  private static func examine(
    _ pid: Int32,
    _ source: any ProcessSource,
    detailed: Bool,
    procIsOwn: Bool
  ) -> ProcessExamination {
    func without(_ evidence: ProcessEvidence) -> ProcessExamination {
      ProcessExamination(evidence: evidence, command: nil, user: nil, detailed: true)
    }
    // /proc of another pid namespace: its /proc/N is not the reader's pid N. kill(pid, 0) still speaks of ours.
    guard procIsOwn else { return without(source.exists(pid) ? .unreadable : .absent) }
    let handle: ProcessHandle
    do throws(IPCError) {
      handle = try source.open(pid)
    } catch {
      // Not in /proc: exited, or hidden (hidepid=invisible). kill(pid, 0) tells them apart.
      guard error.meansProcessGone else { return without(.unreadable) }
      return without(source.exists(pid) ? .unreadable : .absent)
    }
    defer { source.close(handle) }
    let stat: [UInt8]
    do throws(IPCError) {
      stat = try source.read(handle, "stat")
    } catch {
      // The process this handle pins has exited: whoever has the pid now started after it.
      return without(error.meansProcessGone ? .absent : .unreadable)
    }
    guard let ticks = ProcessFiles.startTicks(stat: stat) else { return without(.unreadable) }
    guard detailed else {
      return ProcessExamination(evidence: .running(startTicks: ticks), command: nil, user: nil, detailed: false)
    }
    return ProcessExamination(
      evidence: .running(startTicks: ticks),
      command: commandLine(source, handle),
      user: user(source, handle),
      detailed: true
    )
  }

  private mutating func procIsOwn() -> Bool {
    if let ownPIDNamespace { return ownPIDNamespace }
    let own = source.procShowsOwnPIDNamespace()
    ownPIDNamespace = own
    return own
  }

  private mutating func bootTime() -> Int64? {
    if let bootTimeRead { return bootTimeRead }
    let value = (try? source.systemStatistics()).flatMap { ProcessFiles.bootTime(stat: $0) }
    bootTimeRead = .some(value)
    return value
  }

  /// `/proc/PID/cmdline` with its NULs as spaces (util-linux `pid_get_cmdline`), nil when there is none to read:
  /// a process gone, a kernel thread, or one the caller may not read.
  static func commandLine(_ source: any ProcessSource, _ handle: ProcessHandle) -> [UInt8]? {
    var text = (try? source.read(handle, "cmdline")) ?? []
    while text.last == 0 { text.removeLast() }
    for index in text.indices where text[index] == 0 { text[index] = UInt8(ascii: " ") }
    return text.isEmpty ? nil : text
  }

  static func user(_ source: any ProcessSource, _ handle: ProcessHandle) -> UserID? {
    (try? source.read(handle, "status")).flatMap { ProcessFiles.effectiveUser(status: $0) }
  }
}

extension IPCError {
  /// The process a call was about has exited (after `/proc` listed it, or after it was opened).
  package var meansProcessGone: Bool { code == ENOENT || code == ESRCH }
}

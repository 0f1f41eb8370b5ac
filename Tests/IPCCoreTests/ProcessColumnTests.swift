import Glibc
import IPCCore
import IPCModel
import Testing

/// Processes in memory: what `/proc` lists and holds, the errors its files fail with, and `kill(pid, 0)`.
///
/// Every opening of a `/proc/PID` is logged.
final class FakeProcesses: ProcessSource, @unchecked Sendable {
  struct Process {
    var files: [String: [UInt8]] = [:]
    /// File (or `"open"`, `"ns"`, `"task"`) to the errno its call fails with.
    var failures: [String: Int32] = [:]
    var namespace: UInt64 = 4_026_532_000
    /// Listed in /proc but not reachable (exited between readdir and open, or hidden): `exists` still answers.
    var listedOnly = false
    var tasks: [Int32] = []
  }

  var processes: [Int32: Process] = [:]
  /// Pids kill(pid, 0) finds although /proc does not show them (hidepid).
  var hidden: Set<Int32> = []
  var bootTime: Int64 = 1_700_000_000
  var ownPIDNamespace = true
  var initialPIDNamespace = false
  private(set) var opened: [Int32] = []
  private(set) var killed: [Int32] = []
  private(set) var listed = 0

  static func failure(_ call: String, _ code: Int32) -> IPCError { IPCError(call, code: code) }

  func processIDs() throws(IPCError) -> [Int32] {
    listed += 1
    return processes.keys.sorted()
  }

  func open(_ pid: Int32) throws(IPCError) -> ProcessHandle {
    opened.append(pid)
    guard let process = processes[pid], !process.listedOnly else { throw Self.failure("open", ENOENT) }
    if let code = process.failures["open"] { throw Self.failure("open", code) }
    return ProcessHandle(pid: pid, descriptor: pid)
  }

  func taskIDs(_ process: ProcessHandle) throws(IPCError) -> [Int32] {
    let entry = processes[process.pid]
    if let code = entry?.failures["task"] { throw Self.failure("task", code) }
    return entry?.tasks ?? []
  }

  func read(_ process: ProcessHandle, _ file: String) throws(IPCError) -> [UInt8] {
    let entry = processes[process.pid]
    if let code = entry?.failures[file] { throw Self.failure(file, code) }
    guard let bytes = entry?.files[file] else { throw Self.failure(file, ENOENT) }
    return bytes
  }

  func sharedMaps(_ process: ProcessHandle) throws(IPCError) -> [UInt8] { try read(process, "maps") }

  func namespace(_ process: ProcessHandle, _ name: String) throws(IPCError) -> UInt64 {
    let entry = processes[process.pid]
    if let code = entry?.failures["ns"] { throw Self.failure("ns", code) }
    return entry?.namespace ?? 0
  }

  func close(_ process: ProcessHandle) {}

  func exists(_ pid: Int32) -> Bool {
    killed.append(pid)
    return processes[pid] != nil || hidden.contains(pid)
  }

  func systemStatistics() throws(IPCError) -> [UInt8] { Array("cpu  1 2 3\nbtime \(bootTime)\n".utf8) }
  var ticksPerSecond: Int64 { 100 }
  func procShowsOwnPIDNamespace() -> Bool { ownPIDNamespace }
  func seesEveryPID() -> Bool { initialPIDNamespace }

  /// A process started `seconds` after boot, with `maps`.
  func add(_ pid: Int32, startedAfterBoot seconds: UInt64, maps: String = "", command: String = "prog") {
    let stat = "\(pid) (a b) c) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 \(seconds * 100) 1 1 0 0 0\n"
    processes[pid] = Process(
      files: [
        "stat": Array(stat.utf8), "maps": Array(maps.utf8), "cmdline": Array((command + "\0arg\0").utf8),
        "status": Array("Name:\tprog\nUid:\t0\t1000\t0\t0\n".utf8),
      ]
    )
  }
}

struct ProcessColumnTests {
  static let namespace = NamespaceID(rawValue: 4_026_532_000)

  static func segment(
    _ id: Int32,
    key: Int32,
    nattch: UInt64,
    cpid: Int32,
    ctime: Int64,
    mode: UInt32 = 0o600
  )
    -> SharedMemorySegment
  {
    var segment = FakeSysV.segment(id, key: key)
    segment.attachCount = nattch
    segment.creatorPID = ProcessID(rawValue: cpid)
    segment.changeTime = Timestamp(kernelValue: ctime)
    segment.ownership.mode = IPCMode(rawValue: mode)
    return segment
  }

  static func mapsLine(_ id: Int32, key: UInt32, deleted: Bool = false, perms: String = "rw-s") -> String {
    let hex = String(key, radix: 16)
    let name = "/SYSV" + String(repeating: "0", count: 8 - hex.count) + hex + (deleted ? " (deleted)" : "")
    return "7f0000000000-7f0000001000 \(perms) 00000000 00:01 \(id)                         \(name)\n"
  }

  // MARK: Parsers

  @Test("maps: shared /SYSV%08x mappings with the shmid as inode, nothing else")
  func maps() {
    let text =
      "55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1234                       /usr/bin/prog\n"
      + Self.mapsLine(65538, key: 0x1234) + Self.mapsLine(65538, key: 0x1234)
      + Self.mapsLine(7, key: 0xdead_beef, deleted: true)
      + Self.mapsLine(8, key: 0x1, perms: "rw-p")  // private: not an attachment
      + "7f0000000000-7f0000001000 rw-s 00000000 00:01 9 /SYSV0000ABCD\n"  // the kernel writes lower case
      + "7f0000000000-7f0000001000 rw-s 00000000 00:01 10 /SYSV00001234 x\n"
      + "7f0000000000-7f0000001000 rw-s 00000000 00:01 4294967296 /SYSV00001234\n"  // no shmid is that large
      + "7f0000000000-7f0000001000 rw-s 00000000 00:01 11\n" + "garbage\n\n"
      + "7f0000000000-7f0000001000 rw-s 00000000 00:01 12 /SYSV000000010\n"
    #expect(
      ProcessFiles.mappedSegments(Array(text.utf8)) == [
        MappedSegment(id: 65538, key: IPCKey(rawValue: 0x1234), deleted: false, mappings: 2),
        MappedSegment(id: 7, key: IPCKey(rawValue: Int32(bitPattern: 0xdead_beef)), deleted: true),
      ]
    )
  }

  @Test("stat field 22 after a command name with spaces and parentheses; btime; the effective uid; syscall")
  func otherFiles() {
    let stat = "42 (we ) ird) S 1 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 1 1 0 0 0\n"
    #expect(ProcessFiles.startTicks(stat: Array(stat.utf8)) == 123_456)
    #expect(ProcessFiles.startTicks(stat: Array("42 (x) S 1 2".utf8)) == nil)
    #expect(ProcessFiles.startTicks(stat: Array("42 (x)  S 1 1 1 0 -1 1 1 0 0 0 0 0 0 0 20 0 1 0 5 1".utf8)) == nil)
    #expect(ProcessFiles.bootTime(stat: Array("cpu 1\nbtime 1700000000\nprocesses 3\n".utf8)) == 1_700_000_000)
    #expect(ProcessFiles.bootTime(stat: Array("btime -1\n".utf8)) == nil)
    #expect(ProcessFiles.effectiveUser(status: Array("Name:\tx\nUid:\t0\t1000\t0\t0\n".utf8))?.rawValue == 1000)
    #expect(ProcessFiles.taskSyscall(Array("running\n".utf8)) == .running)
    #expect(ProcessFiles.taskSyscall(Array("-1 0x7ffd 0x7f00\n".utf8)) == .outsideSyscall)
    #expect(
      ProcessFiles.taskSyscall(Array("70 0x3 0x7ffd 0x40 0x0 0x0 0x0 0x7ffd 0x7f00".utf8))
        == .inSyscall(number: 70, firstArgument: 3)
    )
    #expect(ProcessFiles.taskSyscall(Array("70 3 0x1 0x2 0x3 0x4 0x5 0x6 0x7".utf8)) == nil)
  }

  // MARK: The reuse rule

  @Test("alive only if a process has the pid and started no later than T + 1 s; dead only when sure")
  func reuseRule() {
    let boot: Int64 = 1_700_000_000
    let recorded = Timestamp(rawValue: boot + 100)
    func judge(
      _ evidence: ProcessEvidence,
      pid: Int32 = 42,
      at time: Timestamp? = recorded,
      boot: Int64? = boot
    )
      -> Liveness
    {
      ReuseRule.judge(
        ProcessID(rawValue: pid),
        recordedAt: time,
        evidence: evidence,
        bootTime: boot,
        ticksPerSecond: 100
      )
    }
    #expect(judge(.absent, pid: 0) == .unknown, "pid 0: never set, or not visible")
    #expect(judge(.absent) == .dead)
    #expect(judge(.unreadable) == .unknown)
    #expect(judge(.running(startTicks: 5_000)) == .alive)
    #expect(judge(.running(startTicks: 10_100)) == .alive, "started at T + 1 s: within the second")
    #expect(judge(.running(startTicks: 10_101)) == .dead, "started after T + 1 s: the pid was reused")
    #expect(judge(.running(startTicks: 5_000), at: nil) == .unknown)
    #expect(judge(.running(startTicks: 5_000), boot: nil) == .unknown)
    #expect(judge(.running(startTicks: 0), at: Timestamp(rawValue: boot - 10)) == .dead)
  }

  // MARK: The process facts, on a fake /proc

  @Test("columns that need no process open no /proc/PID; the process columns scan once")
  func lazy() {
    let processes = FakeProcesses()
    processes.add(10, startedAfterBoot: 5, maps: Self.mapsLine(1, key: 0x11))
    let segment = Self.segment(1, key: 0x11, nattch: 1, cpid: 10, ctime: 1_700_000_100)
    var context = RowContext(now: Timestamp(rawValue: 1_800_000_000), files: FakeFiles(), processes: processes)
    context.processes.namespace = Self.namespace
    let processColumns: Set<String> = [
      "COMMAND", "ATTACHED", "ATTACHED-COMPLETE", "CPID-ALIVE", "LPID-ALIVE", "LSPID-ALIVE", "LRPID-ALIVE", "ORPHANED",
    ]
    for column in ColumnRegistry.objectColumns where !processColumns.contains(column.name) {
      _ = column.cell(.sharedMemorySegment(segment), &context)
    }
    #expect(processes.opened.isEmpty && processes.killed.isEmpty && processes.listed == 0)
    for name in ["ATTACHED", "ATTACHED-COMPLETE", "ATTACHED"] {
      _ = ColumnRegistry.column(named: name)?.cell(.sharedMemorySegment(segment), &context)
    }
    #expect(processes.listed == 1, "one scan")
    let attached = ColumnRegistry.column(named: "ATTACHED")?.cell(.sharedMemorySegment(segment), &context)
    #expect(
      attached
        == .list([
          .record([
            CellField("pid", .pid(ProcessID(rawValue: 10))), CellField("command", .text(Array("prog arg".utf8))),
          ])
        ])
    )
  }

  @Test("exits mid-scan are tolerated; unreadable maps, other namespaces and nattch decide completeness")
  func scan() {
    let processes = FakeProcesses()
    processes.add(10, startedAfterBoot: 5, maps: Self.mapsLine(1, key: 0x11))
    processes.add(11, startedAfterBoot: 5, maps: Self.mapsLine(1, key: 0x11))
    processes.processes[11]?.namespace = 99  // another IPC namespace: its shmid 1 is another segment
    processes.add(12, startedAfterBoot: 5)
    processes.processes[12]?.listedOnly = true  // exited between readdir and open
    processes.add(13, startedAfterBoot: 5)
    processes.processes[13]?.failures["maps"] = ESRCH  // exited while read
    processes.add(14, startedAfterBoot: 5, maps: Self.mapsLine(2, key: 0x22, deleted: true))
    processes.add(15, startedAfterBoot: 5)
    processes.processes[15]?.failures["ns"] = EACCES  // another user's process
    processes.add(16, startedAfterBoot: 5, maps: Self.mapsLine(3, key: 0x33) + Self.mapsLine(3, key: 0x33))
    var facts = ProcessFacts(source: processes, namespace: Self.namespace)
    let one = facts.attachers(of: Self.segment(1, key: 0x11, nattch: 1, cpid: 10, ctime: 1_700_000_100))
    #expect(one.attachers.map(\.pid.rawValue) == [10] && one.complete)
    // nattch 2 but one mapping found: the other attacher is hidden (pid 15, or another pid namespace).
    let hidden = facts.attachers(of: Self.segment(1, key: 0x11, nattch: 2, cpid: 10, ctime: 1_700_000_100))
    #expect(hidden.attachers.count == 1 && !hidden.complete)
    // Removed while attached: the kernel's key is 0 now, the maps keep the old one.
    let removed = facts.attachers(of: Self.segment(2, key: 0, nattch: 1, cpid: 10, ctime: 1, mode: 0o1600))
    #expect(removed.attachers.map(\.pid.rawValue) == [14] && removed.complete)
    // Another key with the same shmid is not this segment.
    #expect(facts.attachers(of: Self.segment(2, key: 0x99, nattch: 1, cpid: 10, ctime: 1)).attachers.isEmpty)
    // Two mappings of one process are two attachments.
    #expect(facts.attachers(of: Self.segment(3, key: 0x33, nattch: 2, cpid: 10, ctime: 1)).complete)
    // nattch 0: no scan needed, and complete.
    let none = facts.attachers(of: Self.segment(4, key: 0x44, nattch: 0, cpid: 10, ctime: 1))
    #expect(none.attachers.isEmpty && none.complete)
    // /proc of another pid namespace: no scan at all.
    processes.ownPIDNamespace = false
    var foreign = ProcessFacts(source: processes, namespace: Self.namespace)
    #expect(!foreign.attachers(of: Self.segment(1, key: 0x11, nattch: 1, cpid: 10, ctime: 1)).complete)
  }

  @Test("liveness: exited, reused, hidden, foreign /proc, never set")
  func liveness() {
    let processes = FakeProcesses()
    let created = Timestamp(rawValue: processes.bootTime + 100)
    processes.add(10, startedAfterBoot: 50)
    processes.add(11, startedAfterBoot: 200)  // has the pid now, started after the record: reused
    processes.hidden = [12]  // hidepid: not in /proc, but kill(12, 0) finds it
    var facts = ProcessFacts(source: processes, namespace: Self.namespace)
    func pid(_ value: Int32) -> ProcessID { ProcessID(rawValue: value) }
    #expect(facts.liveness(pid(10), recordedAt: created) == .alive)
    #expect(facts.liveness(pid(11), recordedAt: created) == .dead)
    #expect(facts.liveness(pid(12), recordedAt: created) == .unknown)
    #expect(facts.liveness(pid(13), recordedAt: created) == .dead)
    #expect(facts.liveness(pid(0), recordedAt: created) == .unknown)
    let neverSet = facts.gone(pid(0), recordedAt: nil)
    let invisible = facts.gone(pid(0), recordedAt: created)
    #expect(neverSet, "pid 0 with no event: never set")
    #expect(!invisible, "pid 0 after an event: not visible, unknown")
    #expect(facts.details(of: pid(10), recordedAt: created)?.command == Array("prog arg".utf8))
    #expect(facts.details(of: pid(10), recordedAt: created)?.user?.rawValue == 1000)
    #expect(facts.details(of: pid(11), recordedAt: created) == nil, "not the creator's command line")
    processes.ownPIDNamespace = false
    var foreign = ProcessFacts(source: processes, namespace: Self.namespace)
    #expect(foreign.liveness(pid(10), recordedAt: created) == .unknown)
    #expect(foreign.liveness(pid(13), recordedAt: created) == .dead, "kill(13, 0): no such process")
  }

  @Test("queue waiters: tasks in msgrcv/msgsnd, and an unreadable task makes the answer incomplete")
  func queueWaiters() {
    let processes = FakeProcesses()
    processes.add(10, startedAfterBoot: 5)
    processes.processes[10]?.tasks = [10, 17]
    processes.processes[10]?.files["task/10/syscall"] = Array("running\n".utf8)
    #if arch(x86_64)
    let receive = "70"
    #else
    let receive = "188"
    #endif
    processes.processes[10]?.files["task/17/syscall"] = Array("\(receive) 0x5 0x0 0x0 0x0 0x0 0x0 0x1 0x2\n".utf8)
    var facts = ProcessFacts(source: processes, namespace: Self.namespace)
    let found = facts.queueWaiters()
    #expect(found.queues == [5] && found.complete)
    processes.add(11, startedAfterBoot: 5)
    processes.processes[11]?.tasks = [11]
    processes.processes[11]?.failures["task/11/syscall"] = EPERM
    var again = ProcessFacts(source: processes, namespace: Self.namespace)
    #expect(!again.queueWaiters().complete)
  }

  @Test("booleans, liveness and lists as text and JSON")
  func cells() {
    var cells = ColumnRegistryTests.cells()
    let list: CellValue = .list([
      .record([CellField("pid", .pid(ProcessID(rawValue: 4))), CellField("command", .text(Array("a \"b\"".utf8)))]),
      .record([CellField("pid", .pid(ProcessID(rawValue: 5))), CellField("command", .text(nil))]),
    ])
    #expect(String(decoding: cells.text(list), as: UTF8.self) == "4,5")
    #expect(String(decoding: cells.text(.list([])), as: UTF8.self) == "")
    #expect(String(decoding: cells.text(.liveness(.dead)), as: UTF8.self) == "dead")
    #expect(String(decoding: cells.text(.boolean(true)), as: UTF8.self) == "yes")
    var json = OutputBuffer()
    for cell: CellValue in [list, .list([]), .liveness(.alive), .liveness(.unknown), .boolean(false)] {
      cells.appendJSON(cell, to: &json)
      json.append(" ")
    }
    #expect(
      String(decoding: json.bytes, as: UTF8.self)
        == #"[{"pid": 4, "command": "a \"b\""}, {"pid": 5, "command": null}] [] true null false "#
    )
  }
}

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
    /// File (or `"open"`, `"ns"`, `"task"`, `"fd"`) to the errno its call fails with.
    var failures: [String: Int32] = [:]
    /// What `fd/` refers to.
    var openFiles: [PosixFileIdentity] = []
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

  func maps(_ process: ProcessHandle, sharedOnly: Bool) throws(IPCError) -> [UInt8] { try read(process, "maps") }

  func openFiles(_ process: ProcessHandle) throws(IPCError) -> [PosixFileIdentity] {
    let entry = processes[process.pid]
    if let code = entry?.failures["fd"] { throw Self.failure("fd", code) }
    return entry?.openFiles ?? []
  }

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

  @Test("maps: the files mapped (shared or private), by glibc's st_dev and inode, each once; malformed lines left out")
  func mappedFiles() {
    let lines = [
      "7f0000000000-7f0000001000 rw-s 00000000 00:1a 100                        /dev/shm/one",
      "7f0000002000-7f0000003000 r--s 00001000 00:1a 100                        /dev/shm/one",  // again: once
      "7f0000004000-7f0000005000 r--p 00000000 00:1a 101                        /dev/shm/private",  // holds it too
      "7f0000006000-7f0000007000 rw-s 00000000 00:00 0 ",  // anonymous shared memory
      "7f0000008000-7f0000009000 rw-s 00000000 fff:fffff 102 /big",  // the largest Linux device numbers
      "7f000000a000-7f000000b000 rw-s 00000000 1234:56789a 103 /wider",
      "7f000000c000-7f000000d000 rw-s 00000000 00:1a 104 ",  // as LiveProcesses writes a line without a name
      "7f000000e000-7f000000f000 --xs 00000000 08:01 105",  // no path at all
      "7f0000010000-7f0000011000 rw-s 00000000 00:01 65538 /SYSV00001234",  // System V: a file of its own device
      "7f0000012000-7f0000013000 rw-s 00000000 00:1A 106 /upper",
      "7f0000012000-7f0000013000 rw-s 00000000 001a 107 /no-colon",
      "7f0000012000-7f0000013000 rw-s 00000000 :1a 108 /no-major",
      "7f0000012000-7f0000013000 rw-s 00000000 00: 109 /no-minor",
      "7f0000012000-7f0000013000 rw-s 00000000 100000000:00 110 /major-too-wide",
      "7f0000012000-7f0000013000 rw-S 00000000 00:1a 111 /perms",
      "7f0000012000-7f0000013000 rws 00000000 00:1a 112 /perms",
      "7f0000012000-7f0000013000 rq-s 00000000 00:1a 113 /perms",
      "7f0000012000-7f0000013000 rw-s 0000000g 00:1a 114 /offset",
      "7f0000012000+7f0000013000 rw-s 00000000 00:1a 115 /range",
      "7f0000012000-7f0000013000 rw-s 00000000 00:1a 11x6 /inode",
      "7f0000012000-7f0000013000 rw-s 00000000 00:1a -117 /inode",
      "7f0000012000-7f0000013000 rw-s 00000000 00:1a 18446744073709551616 /inode",
      "7f0000012000-7f0000013000 rw-s 00000000 00:1a",
      "7f0000012000-7f0000013000  rw-s 00000000 00:1a 118 /two-spaces",
      "garbage", "",
    ]
    func file(_ device: UInt64, _ inode: UInt64) -> PosixFileIdentity {
      PosixFileIdentity(device: device, inode: inode)
    }
    // glibc's makedev: the low 8 bits of the minor, 12 of the major, the rest of the minor, the rest of the major.
    #expect(
      ProcessFiles.mappedFiles(Array(lines.joined(separator: "\n").utf8)) == [
        file(0x1a, 100), file(0x1a, 101), file(0xffff_ffff, 102), file(0x1005_6782_349a, 103), file(0x1a, 104),
        file(0x801, 105),
        file(1, 65538),
      ]
    )
    #expect(ProcessFiles.deviceNumber(major: 259, minor: 3) == 0x1_0303)
    #expect(ProcessFiles.deviceNumber(major: .max, minor: .max) == .max)
    #expect(ProcessFiles.deviceNumber(major: 0xabc_d123, minor: 0x4567_89ef) == 0x0abc_d456_7891_23ef)
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

  /// A shared mapping of `inode` of device `00:1a`.
  static func sharedLine(_ inode: UInt64, perms: String = "rw-s") -> String {
    "7f0000000000-7f0000001000 \(perms) 00000000 00:1a \(inode)                /dev/shm/object\n"
  }

  @Test("holders: mapped, open or both, in every IPC namespace; unreadable makes it incomplete, exits do not")
  func holders() {
    let shared = PosixFileIdentity(device: 0x1a, inode: 100)
    let queue = PosixFileIdentity(device: 0x13, inode: 7)
    let other = PosixFileIdentity(device: 0x801, inode: 5)
    let processes = FakeProcesses()
    processes.add(10, startedAfterBoot: 5, maps: Self.sharedLine(100) + Self.sharedLine(100), command: "map")
    processes.processes[10]?.openFiles = [other]
    processes.add(11, startedAfterBoot: 5, command: "fd")
    processes.processes[11]?.openFiles = [other, shared, queue]
    processes.processes[11]?.namespace = 99  // another IPC namespace: a file is the same file there
    processes.add(12, startedAfterBoot: 5, maps: Self.sharedLine(100), command: "both")
    processes.processes[12]?.openFiles = [shared, shared]
    processes.add(13, startedAfterBoot: 5)
    processes.processes[13]?.listedOnly = true  // exited between readdir and open
    processes.add(14, startedAfterBoot: 5)
    processes.processes[14]?.failures["fd"] = ENOENT  // exited while read
    processes.add(15, startedAfterBoot: 5)
    processes.processes[15]?.failures["maps"] = ESRCH  // exited while read
    processes.add(16, startedAfterBoot: 5, maps: Self.sharedLine(100, perms: "r--p"))  // private: holds it too
    var facts = ProcessFacts(source: processes, namespace: Self.namespace)
    let found = facts.holders(of: shared)
    func holder(_ pid: Int32, _ command: String, _ means: PosixHolder.Means, user: UInt32? = nil) -> PosixHolder {
      PosixHolder(
        pid: ProcessID(rawValue: pid),
        command: Array((command + " arg").utf8),
        user: user.map { UserID(rawValue: $0) },
        means: means
      )
    }
    #expect(
      found.holders == [
        holder(10, "map", .mapped), holder(11, "fd", .open), holder(12, "both", [.mapped, .open]),
        holder(16, "prog", .mapped),
      ]
    )
    #expect(found.complete, "exits are no unreadable processes")
    #expect(facts.holders(of: queue).holders.map(\.pid.rawValue) == [11])
    #expect(facts.holders(of: PosixFileIdentity(device: 0x1a, inode: 101)) == ([], true))
    #expect(facts.holderScan().processesRead == 4)
    #expect(processes.listed == 1, "one scan for every question")
    let users = facts.holders(of: shared, withUsers: true)
    #expect(users.holders.first == holder(10, "map", .mapped, user: 1000))
    #expect(processes.listed == 2, "again, with users")

    // Another user's process: its descriptors or maps may hold the file unseen.
    for failing in ["fd", "maps", "open"] {
      processes.add(17, startedAfterBoot: 5)
      processes.processes[17]?.failures[failing] = EACCES
      var again = ProcessFacts(source: processes, namespace: Self.namespace)
      let partial = again.holders(of: shared)
      #expect(partial.holders.count == 4 && !partial.complete, "\(failing)")
      #expect(again.holderScan().unreadable == 1)
    }

    // Only the files asked about: others are not recorded, and not complete.
    var chosen = ProcessFacts(source: processes, namespace: Self.namespace)
    chosen.holderFiles = [queue]
    processes.processes[17] = nil
    #expect(chosen.holders(of: queue).holders.map(\.pid.rawValue) == [11] && chosen.holders(of: queue).complete)
    #expect(chosen.holders(of: shared) == ([], false))
    #expect(chosen.holderScan().holders.keys.sorted { $0.inode < $1.inode } == [queue])

    // /proc of another pid namespace: no scan at all.
    processes.ownPIDNamespace = false
    var foreign = ProcessFacts(source: processes, namespace: Self.namespace)
    #expect(foreign.holders(of: shared) == ([], false))
    #expect(!foreign.holderScan().ran)
  }

  @Test("live: this process holds a file of /dev/shm mapped and open, by the file's own st_dev and inode")
  func liveHolders() throws {
    let path = "/dev/shm/swipcs-holders-\(getpid())"
    let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    try #require(fd >= 0, "open(\(path)): \(errno)")
    defer {
      close(fd)
      unlink(path)
    }
    try #require(ftruncate(fd, 4096) == 0)
    let mapping = try #require(mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
    defer { munmap(mapping, 4096) }
    var info = stat()
    try #require(fstat(fd, &info) == 0)
    let file = PosixFileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    let live = LiveProcesses()
    let handle = try live.open(getpid())
    defer { live.close(handle) }
    #expect(ProcessFiles.mappedFiles(try live.maps(handle, sharedOnly: false)).contains(file))
    #expect(ProcessFiles.mappedFiles(try live.read(handle, "maps")).contains(file))
    let open = try live.openFiles(handle)
    #expect(open.contains(file))
    #expect(!open.contains { $0.inode == 0 })
    var facts = ProcessFacts(source: live, namespace: nil)
    let found = facts.holders(of: file).holders.filter { $0.pid.rawValue == getpid() }
    #expect(found.map(\.means) == [[.mapped, .open]])
    do {
      _ = try live.openFiles(ProcessHandle(pid: getpid(), descriptor: -1))
      Issue.record("openFiles of a closed descriptor")
    } catch {
      #expect(error.code == EBADF && error.operation.hasSuffix("/fd)"))
    }
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

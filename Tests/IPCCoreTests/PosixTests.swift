import IPCCore
import IPCModel
import Testing

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The POSIX names, the mqueue file's line, glibc's `sem_t`, and the catalog and remover over a fake `/dev/shm` and
/// mqueue filesystem: nothing here touches the machine's objects.
@Suite("POSIX IPC: names, parsers, listing and removal on fakes")
struct PosixTests {
  // MARK: Names

  @Test("names are read as shm_unlink, sem_unlink and mq_unlink read them")
  func nameParsing() {
    #expect(PosixName.parse(bytes("/a"), kind: .posixSharedMemory) == .success(PosixName(bytes: bytes("a"))))
    #expect(PosixName.parse(bytes("///a"), kind: .posixSemaphore) == .success(PosixName(bytes: bytes("a"))))
    #expect(PosixName.parse(bytes("a"), kind: .posixMessageQueue) == .success(PosixName(bytes: bytes("a"))))
    #expect(PosixName.parse(bytes("/a"), kind: .posixMessageQueue) == .success(PosixName(bytes: bytes("a"))))
    #expect(PosixName.parse(bytes("//a"), kind: .posixMessageQueue) == .failure(.slashInside))
    #expect(PosixName.parse(bytes(""), kind: .posixSharedMemory) == .failure(.empty))
    #expect(PosixName.parse(bytes("///"), kind: .posixSharedMemory) == .failure(.empty))
    #expect(PosixName.parse(bytes("/"), kind: .posixMessageQueue) == .failure(.empty))
    #expect(PosixName.parse(bytes("a/b"), kind: .posixSharedMemory) == .failure(.slashInside))
    #expect(PosixName.parse(bytes("/a/"), kind: .posixSemaphore) == .failure(.slashInside))
    #expect(PosixName.parse(bytes(".."), kind: .posixSharedMemory) == .failure(.directoryName))
    #expect(PosixName.parse(bytes("."), kind: .posixMessageQueue) == .failure(.directoryName))
    // sem.. is a valid semaphore file name.
    #expect(PosixName.parse(bytes(".."), kind: .posixSemaphore) == .success(PosixName(bytes: bytes(".."))))
    #expect(
      PosixName.parse(bytes("sem.lock"), kind: .posixSharedMemory)
        == .failure(.semaphoreFile(PosixName(bytes: bytes("lock"))))
    )
    #expect(PosixName.parse(bytes("sem."), kind: .posixSharedMemory) == .success(PosixName(bytes: bytes("sem."))))
    // Any byte but NUL and '/' is a name byte, UTF-8 or not.
    #expect(
      PosixName.parse([0xff, 0x0a, 0x41], kind: .posixSharedMemory) == .success(PosixName(bytes: [0xff, 0x0a, 0x41]))
    )
  }

  @Test("NAME_MAX: 255 bytes, 251 for a semaphore (its file is sem.NAME)")
  func nameLength() {
    let long = { (count: Int) in [UInt8](repeating: UInt8(ascii: "a"), count: count) }
    #expect((try? PosixName.parse(long(255), kind: .posixSharedMemory).get()) != nil)
    #expect(PosixName.parse(long(256), kind: .posixSharedMemory) == .failure(.tooLong(limit: 255)))
    #expect((try? PosixName.parse(long(251), kind: .posixSemaphore).get()) != nil)
    #expect(PosixName.parse(long(252), kind: .posixSemaphore) == .failure(.tooLong(limit: 251)))
    #expect((try? PosixName.parse([UInt8(ascii: "/")] + long(255), kind: .posixMessageQueue).get()) != nil)
    #expect(
      PosixName.parse([UInt8(ascii: "/")] + long(256), kind: .posixMessageQueue) == .failure(.tooLong(limit: 255))
    )
  }

  @Test("a /dev/shm entry sem.NAME is semaphore NAME, anything else shared memory")
  func directoryEntries() {
    #expect(PosixName.sharedMemoryDirectoryEntry(bytes("sem.x")) == (.posixSemaphore, PosixName(bytes: bytes("x"))))
    #expect(
      PosixName.sharedMemoryDirectoryEntry(bytes("sem.")) == (.posixSharedMemory, PosixName(bytes: bytes("sem.")))
    )
    #expect(
      PosixName.sharedMemoryDirectoryEntry(bytes("x.sem")) == (.posixSharedMemory, PosixName(bytes: bytes("x.sem")))
    )
    #expect(PosixName(bytes: bytes("q")).shown(.posixMessageQueue) == bytes("/q"))
    #expect(PosixName(bytes: bytes("s")).fileName(.posixSemaphore) == bytes("sem.s"))
  }

  // MARK: Parsers

  @Test("the mqueue file's line, as the kernel writes it")
  func queueStatus() {
    let line = bytes("QSIZE:8          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n")
    #expect(
      PosixQueueStatus.parse(line)
        == PosixQueueStatus(queuedBytes: 8, notify: 0, signal: 0, notifyPID: ProcessID(rawValue: 0))
    )
    let notified = bytes("QSIZE:18446744073709551615 NOTIFY:2     SIGNO:10    NOTIFY_PID:4242  \n")
    #expect(PosixQueueStatus.parse(notified)?.queuedBytes == UInt64.max)
    #expect(PosixQueueStatus.parse(notified)?.notifyPID == ProcessID(rawValue: 4242))
    // A future field is passed over; a missing or bad QSIZE is no status.
    #expect(PosixQueueStatus.parse(bytes("QSIZE:5 FUTURE:x\n"))?.queuedBytes == 5)
    #expect(PosixQueueStatus.parse(bytes("NOTIFY:0\n")) == nil)
    #expect(PosixQueueStatus.parse(bytes("QSIZE:-1\n")) == nil)
    #expect(PosixQueueStatus.parse(bytes("QSIZE:18446744073709551616\n")) == nil)
    #expect(PosixQueueStatus.parse(bytes("QSIZE:1 NOTIFY:x\n")) == nil)
    #expect(PosixQueueStatus.parse([]) == nil)
  }

  @Test("glibc's 64-bit sem_t: the value is the low 32 bits of the first word")
  func semaphoreValue() {
    // As sem_open left a semaphore of value 8 (private = FUTEX_SHARED) on x86-64, dumped with od.
    var file = [UInt8](repeating: 0, count: 32)
    file[0] = 8
    file[8] = 0x80
    #expect(GlibcSemaphoreFile.value(file, littleEndian: true) == 8)
    // Two waiters in the high half change nothing.
    file[4] = 2
    #expect(GlibcSemaphoreFile.value(file, littleEndian: true) == 8)
    var bigEndian = [UInt8](repeating: 0, count: 32)
    bigEndian[7] = 3
    #expect(GlibcSemaphoreFile.value(bigEndian, littleEndian: false) == 3)
    // Not one sem_t, or beyond SEM_VALUE_MAX: no value.
    #expect(GlibcSemaphoreFile.value(Array(file.prefix(16)), littleEndian: true) == nil)
    #expect(GlibcSemaphoreFile.value(file + [0], littleEndian: true) == nil)
    var huge = [UInt8](repeating: 0, count: 32)
    huge[3] = 0x80
    #expect(GlibcSemaphoreFile.value(huge, littleEndian: true) == nil)
  }

  @Test("names in a table cell: control bytes (C1 too), a backslash before x and invalid UTF-8 as \\xHH")
  func safeText() {
    #expect(SafeText.encode(bytes("plain-name")) == bytes("plain-name"))
    #expect(SafeText.isPlain(bytes("plain-name")) && !SafeText.isPlain(bytes("a\\b")) && !SafeText.isPlain([0xc3]))
    #expect(SafeText.encode(bytes("a\nb\\c")) == bytes("a\\x0ab\\c"))
    #expect(SafeText.encode(bytes("a\\xb")) == bytes("a\\x5cxb"))
    #expect(SafeText.encode([0xc2, 0x9b] + bytes("31m")) == bytes("\\xc2\\x9b31m"))  // an 8-bit CSI
    #expect(SafeText.encode([0xc2, 0xa0]) == [0xc2, 0xa0])  // U+00A0 is no control
    #expect(SafeText.encode(bytes("grüße")) == bytes("grüße"))
    #expect(SafeText.encode([0x41, 0xff, 0xc3]) == bytes("A\\xff\\xc3"))
    #expect(SafeText.encode([0xed, 0xa0, 0x80]) == bytes("\\xed\\xa0\\x80"))  // a UTF-16 surrogate
  }

  // MARK: Catalog

  static func source() -> FakePosix {
    var posix = FakePosix()
    posix.entries[bytes("b-seg")] = FakePosix.status(size: 4096, inode: 2)
    posix.entries[bytes("a-seg")] = FakePosix.status(size: 10, owner: 65534, permissions: 0o4644, inode: 3)
    posix.entries[bytes("sem.lock")] = FakePosix.status(size: 32, permissions: 0o640, inode: 4)
    posix.entries[bytes("sem.secret")] = FakePosix.status(size: 32, inode: 5)
    posix.entries[bytes("sem.odd")] = FakePosix.status(size: 7, inode: 6)
    posix.entries[bytes("evil")] = FakePosix.status(.symbolicLink, inode: 7)
    posix.entries[bytes("sem.link")] = FakePosix.status(.symbolicLink, inode: 8)
    posix.entries[bytes("dir")] = FakePosix.status(.directory, inode: 9)
    var lock = [UInt8](repeating: 0, count: 32)
    lock[0] = 5
    posix.contents[bytes("sem.lock")] = lock
    posix.contents[bytes("sem.odd")] = [1, 2, 3, 4, 5, 6, 7]
    posix.queues = [
      PosixQueueEntry(
        entry: PosixDirectoryEntry(fileName: bytes("q2"), status: FakePosix.status(permissions: 0o600, inode: 20)),
        contents: nil
      ),
      PosixQueueEntry(
        entry: PosixDirectoryEntry(fileName: bytes("q1"), status: FakePosix.status(permissions: 0o644, inode: 21)),
        contents: bytes("QSIZE:8          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"),
        messages: 2,
        maxMessages: 10,
        maxMessageSize: 100
      ),
    ]
    return posix
  }

  static func catalog(_ posix: FakePosix) -> Catalog<FakeSysV, FakeFiles> {
    Catalog(sysV: FakeSysV(), files: FakeFiles(), posix: posix)
  }

  @Test("/dev/shm: regular files only, in name order, each kind its own; the rest reported")
  func sharedMemoryListing() {
    let catalog = Self.catalog(Self.source())
    let shared = catalog.posixSharedMemory()
    #expect(shared.rows.map(\.name.bytes) == [bytes("a-seg"), bytes("b-seg")])
    #expect(shared.rows[0].size == 10)
    // Set-id and sticky bits are not System V's dest/locked bits.
    #expect(shared.rows[0].ownership.mode == IPCMode(rawValue: 0o644))
    #expect(shared.rows[0].ownership.owner == UserID(rawValue: 65534))
    #expect(shared.rows[0].ownership.creator == UserID(rawValue: 65534))
    #expect(shared.rows[0].modificationTime == Timestamp(rawValue: 1_700_000_000))
    #expect(
      shared.skipped.map(\.message.description) == [
        "/dev/shm/dir: a directory, not a POSIX IPC object", "/dev/shm/evil: a symbolic link, not a POSIX IPC object",
      ]
    )
    let semaphores = catalog.posixSemaphores()
    #expect(semaphores.rows.map(\.name.bytes) == [bytes("lock"), bytes("odd"), bytes("secret")])
    // Read from the file's sem_t; a file of the wrong size or one the caller may not read has no value.
    #expect(semaphores.rows.map(\.value) == [5, nil, nil])
    #expect(semaphores.skipped.map(\.path) == [bytes("/dev/shm/sem.link")])
    let snapshot = catalog.snapshot([.posixSemaphore])
    #expect(snapshot.objects(.posixSemaphore).count == 3)
    #expect(snapshot.objects(.posixSemaphore).first?.name == .posix(.posixSemaphore, PosixName(bytes: bytes("lock"))))
    #expect(snapshot.identities(.posixSemaphore).isEmpty)
  }

  @Test("/dev/shm that cannot be opened is a failure of the listing, with errno")
  func sharedMemoryFailure() {
    var posix = Self.source()
    posix.directoryError = Errno.permissionDenied
    let listing = Self.catalog(posix).posixSharedMemory()
    #expect(listing.rows.isEmpty)
    #expect(
      listing.failure?.description.hasPrefix("POSIX shared memory cannot be listed: open(/dev/shm) failed: ") == true
    )
  }

  @Test("queues: QSIZE and mq_getattr where the file was read, nothing made up where it was not")
  func queueListing() {
    let listing = Self.catalog(Self.source()).posixQueues()
    #expect(listing.rows.map(\.name.bytes) == [bytes("q1"), bytes("q2")])
    #expect(listing.rows[0].usedBytes == 8)
    #expect(listing.rows[0].messageCount == 2)
    #expect(listing.rows[0].maxMessages == 10)
    #expect(listing.rows[1].usedBytes == nil)
    #expect(listing.rows[1].messageCount == nil)
  }

  @Test("queues that cannot be reached: the message says why, both ways")
  func queueFailure() {
    var posix = Self.source()
    posix.queueError = PosixQueueListingError(
      privateMount: IPCError("fsopen(mqueue)", code: Errno.notPermitted),
      mountedDirectory: "/dev/mqueue",
      mountedProblem: IPCError("open(/dev/mqueue)", code: Errno.notFound)
    )
    let listing = Self.catalog(posix).posixQueues()
    let text = listing.failure?.description ?? ""
    #expect(text.hasPrefix("POSIX message queues cannot be listed: /dev/mqueue is not mounted, and a private mount"))
    #expect(text.contains("fsopen(mqueue) failed: "))
    #expect(text.hasSuffix("(only root may mount one)"))
    posix.queueError?.mountedProblem = nil
    #expect(Self.catalog(posix).posixQueues().failure?.description.contains("is not an mqueue filesystem") == true)
  }

  @Test("the POSIX queue limits come from /proc/sys/fs/mqueue, as util-linux master reads them")
  func queueLimits() {
    var files = FakeFiles()
    files.contents["/proc/sys/fs/mqueue/queues_max"] = bytes("256\n")
    files.contents["/proc/sys/fs/mqueue/msg_max"] = bytes("10\n")
    files.contents["/proc/sys/fs/mqueue/msgsize_max"] = bytes("8192\n")
    let figures = KernelFigures(sysV: FakeSysV(), files: files)
    #expect(
      figures.posixQueueLimits()
        == PosixQueueLimits(maxQueues: 256, maxMessageSize: 8192, maxMessagesPerQueue: 10)
    )
    files.contents["/proc/sys/fs/mqueue/msg_max"] = nil
    #expect(KernelFigures(sysV: FakeSysV(), files: files).posixQueueLimits()?.maxMessagesPerQueue == 0)
    #expect(KernelFigures(sysV: FakeSysV(), files: FakeFiles()).posixQueueLimits() == nil)
  }

  // MARK: Removal

  static func remover(_ posix: FakePosix, dryRun: Bool = false) -> Remover<FakeSysV, FakeFiles> {
    Remover(catalog: Self.catalog(posix), program: Program(name: "swipcrm"), dryRun: dryRun)
  }

  @Test("by name: a regular file of the kind is unlinked; a symlink or directory of that name never")
  func removeByName() throws {
    let posix = Self.source()
    var remover = Self.remover(posix)
    var out = OutputBuffer()
    let name = { (text: String) in PosixName(bytes: bytes(text)) }
    try remover.remove(.posixSharedMemory, name: name("a-seg"), typed: bytes("/a-seg"), verbose: true, to: &out)
    try remover.remove(.posixSemaphore, name: name("lock"), typed: bytes("lock"), verbose: false, to: &out)
    #expect(posix.log.unlinked == [bytes("a-seg"), bytes("sem.lock")])
    #expect(remover.reporter.failures == 0)
    #expect(out.bytes.text == "removing POSIX shared memory `/a-seg'\n")
    try remover.remove(.posixSharedMemory, name: name("evil"), typed: bytes("evil"), verbose: false, to: &out)
    try remover.remove(.posixSharedMemory, name: name("dir"), typed: bytes("dir"), verbose: false, to: &out)
    try remover.remove(.posixSemaphore, name: name("link"), typed: bytes("link"), verbose: false, to: &out)
    try remover.remove(.posixSemaphore, name: name("gone"), typed: bytes("gone"), verbose: false, to: &out)
    #expect(posix.log.unlinked.count == 2)
    #expect(remover.reporter.failures == 4)
  }

  @Test("errno of the removal: EPERM is 'permission denied', an unknown errno ends the run")
  func removalErrors() throws {
    var posix = Self.source()
    posix.unlinkErrors[bytes("b-seg")] = Errno.notPermitted
    posix.unlinkErrors[bytes("a-seg")] = Errno.invalidArgument
    var remover = Self.remover(posix)
    var out = OutputBuffer()
    try remover.remove(.posixSharedMemory, name: PosixName(bytes: bytes("b-seg")), typed: [], verbose: false, to: &out)
    #expect(remover.reporter.failures == 1)
    #expect(throws: FatalRemovalError.self) {
      try remover.remove(
        .posixSharedMemory,
        name: PosixName(bytes: bytes("a-seg")),
        typed: [],
        verbose: false,
        to: &out
      )
    }
  }

  @Test("queues by name go to mq_unlink; a dry run unlinks nothing and still finds what is missing")
  func queues() throws {
    let posix = Self.source()
    var remover = Self.remover(posix)
    var out = OutputBuffer()
    try remover.remove(
      .posixMessageQueue,
      name: PosixName(bytes: bytes("q1")),
      typed: bytes("/q1"),
      verbose: false,
      to: &out
    )
    try remover.remove(
      .posixMessageQueue,
      name: PosixName(bytes: bytes("q9")),
      typed: bytes("/q9"),
      verbose: false,
      to: &out
    )
    #expect(posix.log.queuesUnlinked == [bytes("q1")])
    #expect(remover.reporter.failures == 1)

    let dry = Self.source()
    var dryRemover = Self.remover(dry, dryRun: true)
    var dryOut = OutputBuffer()
    try dryRemover.remove(
      .posixMessageQueue,
      name: PosixName(bytes: bytes("q9")),
      typed: bytes("q9"),
      verbose: false,
      to: &dryOut
    )
    try dryRemover.remove(
      .posixSharedMemory,
      name: PosixName(bytes: bytes("b-seg")),
      typed: bytes("b-seg"),
      verbose: false,
      to: &dryOut
    )
    try dryRemover.removeAll(.posixSemaphore, verbose: false, to: &dryOut)
    #expect(dry.log.unlinked.isEmpty && dry.log.queuesUnlinked.isEmpty)
    #expect(dryRemover.reporter.failures == 1)
    #expect(
      dryOut.bytes.text
        == "would remove POSIX shared memory `b-seg' (owner root)\nwould remove POSIX semaphore `lock' (owner root)\n"
        + "would remove POSIX semaphore `odd' (owner root)\nwould remove POSIX semaphore `secret' (owner root)\n"
    )
  }

  @Test("a selection over POSIX objects: named ones read, selected, read again and unlinked only while the same file")
  func removeSelected() throws {
    let posix = Self.source()
    var remover = Self.remover(posix)
    remover.recording = true
    remover.selection = try Selection(try FilterParser.parse(bytes("SIZE > 100 || SVAL == 5")))
    let name = { (text: String) in PosixName(bytes: bytes(text)) }
    let step = { (kind: ObjectKind, text: String) in
      RemovalStep(kind: kind, target: .name(name(text), typed: bytes(text)), verbose: false)
    }
    let steps = [
      step(.posixSharedMemory, "a-seg"),  // 10 bytes: not selected
      step(.posixSharedMemory, "b-seg"),  // selected, then replaced by another file of that name
      step(.posixSemaphore, "lock"),  // value 5: selected and removed
      step(.posixSharedMemory, "evil"),  // a symbolic link: no object
      step(.posixSharedMemory, "none"),  // not there
    ]
    remover.afterSelection = {
      posix.log.replaced[bytes("b-seg")] = FakePosix.status(size: 4096, inode: 99)
    }
    var out = OutputBuffer()
    try remover.removeSelected(steps, to: &out)
    #expect(posix.log.unlinked == [bytes("sem.lock")])
    #expect(remover.records.map(\.outcome) == [.skipped, .skipped, .gone, .changed, .removed])
    #expect(
      remover.records.map { $0.name.map { String(decoding: $0, as: UTF8.self) } } == [
        "a-seg", "evil", "none", "b-seg", "lock",
      ]
    )
    // The symbolic link and the missing name are failures; the unselected and the replaced objects are not.
    #expect(remover.reporter.failures == 2)

    // -a: evaluated on the listing; a dry run predicts and unlinks nothing.
    let dry = Self.source()
    var dryRemover = Self.remover(dry, dryRun: true)
    dryRemover.selection = try Selection(try FilterParser.parse(bytes("SIZE >= 4096 && KIND == \"pshm\"")))
    var dryOut = OutputBuffer()
    try dryRemover.removeAll(.posixSharedMemory, verbose: false, to: &dryOut)
    #expect(dry.log.unlinked.isEmpty)
    #expect(dryOut.bytes.text == "would remove POSIX shared memory `b-seg' (owner root)\n")
  }

  @Test("-a pshm removes regular files only, and queues that cannot be listed end the run")
  func removeAll() throws {
    var posix = Self.source()
    var remover = Self.remover(posix)
    var out = OutputBuffer()
    try remover.removeAll(.posixSharedMemory, verbose: false, to: &out)
    #expect(posix.log.unlinked == [bytes("a-seg"), bytes("b-seg")])
    #expect(remover.reporter.failures == 0)
    posix.queueError = PosixQueueListingError(
      privateMount: IPCError("fsopen(mqueue)", code: Errno.notPermitted),
      mountedDirectory: "/dev/mqueue",
      mountedProblem: nil
    )
    var failing = Self.remover(posix)
    #expect(throws: FatalRemovalError.self) { try failing.removeAll(.posixMessageQueue, verbose: false, to: &out) }
  }

  @Test("-a's types: System V alone without one, each POSIX type by name, in util-linux master's order")
  func types() {
    #expect(ObjectKind.ipcrmAll.allSatisfy { $0.family == .systemV })
    #expect(ObjectKind(removalTypeWord: bytes("pshm")) == .posixSharedMemory)
    #expect(ObjectKind(typeWord: bytes("pshm")) == nil)  // not a type of the old form
    #expect(ObjectKind.removalOrder.map(\.typeWord) == ["shm", "pshm", "sem", "psem", "msg", "pmsg"])
  }
}

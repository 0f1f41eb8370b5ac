import IPCCore
import IPCModel
import Testing

/// The catalog's sources and fallbacks, and removal from a snapshot, on fake kernels: no privilege, no IPC object
/// of the machine touched.
struct CatalogFallbackTests {
  static let procText = Array(
    """
           key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
            10          7   600                  4096     1     0      0     0     0     0     0          0          0 1700000000                     0                     0
            11        bad   600                  4096     1     0      0     0     0     0     0          0          0 1700000000                     0                     0

    """.utf8
  )

  /// Three segments in slots 0, 2 and 5; the one in slot 2 the caller may not read.
  static func kernel() -> FakeSysV {
    var kernel = FakeSysV()
    kernel.slots[0] = .init(segment: FakeSysV.segment(0, key: 100))
    kernel.slots[2] = .init(segment: FakeSysV.segment(32770, key: 200, owner: 4242), readable: false)
    kernel.slots[5] = .init(segment: FakeSysV.segment(163_845, key: 300))
    return kernel
  }

  static func files(procReadable: Bool = true) -> FakeFiles {
    var files = FakeFiles()
    if procReadable {
      files.contents["/proc/sysvipc/shm"] = procText
    } else {
      files.failures["/proc/sysvipc/shm"] = Errno.permissionDenied
    }
    return files
  }

  static func listing(_ kernel: FakeSysV, _ files: FakeFiles) -> Listing<SharedMemorySegment> {
    Catalog(sysV: kernel, files: files).listing(SharedMemorySegment.self)
  }

  @Test("*_STAT_ANY lists every object, readable or not, in slot order")
  func statAnyFirst() {
    let listing = Self.listing(Self.kernel(), Self.files())
    #expect(listing.source == .kernelSlotsIgnoringPermissions)
    #expect(listing.rows.map(\.id) == [0, 32770, 163_845])
  }

  @Test("a kernel without *_STAT_ANY (EINVAL on every slot) falls back to /proc/sysvipc, bad lines reported")
  func oldKernelReadsProc() {
    var kernel = Self.kernel()
    kernel.statAny = .unknownCommand
    let listing = Self.listing(kernel, Self.files())
    #expect(listing.source == .procFile)
    #expect(listing.rows.map(\.id) == [7])
    #expect(listing.skipped.map(\.line) == [3])
  }

  @Test("an empty *_STAT_ANY walk is believed only when the kernel counts no object")
  func emptyWalk() {
    var kernel = FakeSysV()
    kernel.statAny = .unknownCommand
    let listing = Self.listing(kernel, Self.files())
    #expect(listing.source == .kernelSlotsIgnoringPermissions)
    #expect(listing.rows.isEmpty)
  }

  @Test("*_STAT_ANY refused by a security module: /proc, and without /proc the readable *_STAT walk")
  func refusedStatAny() {
    var kernel = Self.kernel()
    kernel.statAny = .refused
    #expect(Self.listing(kernel, Self.files()).source == .procFile)
    let readable = Self.listing(kernel, Self.files(procReadable: false))
    #expect(readable.source == .kernelReadableSlots)
    #expect(readable.rows.map(\.id) == [0, 163_845])
  }

  @Test("no source at all: an empty listing with no source, as util-linux prints an empty one")
  func nothingWorks() {
    var kernel = Self.kernel()
    kernel.noFacility = true
    let listing = Self.listing(kernel, Self.files(procReadable: false))
    #expect(listing.source == nil && listing.rows.isEmpty)
  }

  @Test("objects removed while the walk runs are passed over")
  func vanishingObjects() {
    var kernel = Self.kernel()
    kernel.vanishing = [0]
    #expect(Self.listing(kernel, Self.files()).rows.map(\.id) == [32770, 163_845])
  }

  @Test("a snapshot names the namespace it was read in unless told not to, and its references carry it")
  func namespaceOfSnapshot() {
    var files = Self.files()
    files.inodes["/proc/self/ns/ipc"] = 4_026_531_839
    let catalog = Catalog(sysV: Self.kernel(), files: files)
    let snapshot = catalog.snapshot([.sharedMemorySegment])
    #expect(snapshot.namespace == NamespaceID(rawValue: 4_026_531_839))
    let first = snapshot.objects(.sharedMemorySegment)[0]
    #expect(snapshot.ref(first).namespace == snapshot.namespace)
    let unreadable = Catalog(sysV: Self.kernel(), files: Self.files())
    #expect(unreadable.snapshot([.sharedMemorySegment]).namespace == nil)
    // Told not to, it does not read it.
    #expect(catalog.snapshot([.sharedMemorySegment], recordingNamespace: false).namespace == nil)
  }

  @Test("find: by slot whatever the permissions, the id checked, else absent")
  func findByID() {
    let catalog = Catalog(sysV: Self.kernel(), files: Self.files())
    guard case .present(let object) = catalog.find(.sharedMemorySegment, id: 32770) else {
      Issue.record("segment 32770 not found")
      return
    }
    #expect(object.name == .systemV(SysVIdentity(kind: .sharedMemorySegment, id: 32770, key: IPCKey(rawValue: 200))))
    // Slot 2 holds 32770, not 2: an id is found only as itself.
    guard case .absent = catalog.find(.sharedMemorySegment, id: 2) else {
      Issue.record("id 2 should be absent")
      return
    }
  }

  @Test("-a removes, slot by slot, what the caller may read; a dry run removes nothing")
  func removeAllReadable() throws {
    let kernel = Self.kernel()
    var remover = Remover(
      catalog: Catalog(sysV: kernel, files: Self.files()),
      program: Program(name: "swipcrm"),
      dryRun: false
    )
    var out = OutputBuffer()
    try remover.removeAll(.sharedMemorySegment, verbose: true, to: &out)
    #expect(kernel.log.removed == [0, 163_845])
    #expect(out.bytes.text == "removing shared memory segment id `0'\nremoving shared memory segment id `163845'\n")
    #expect(remover.reporter.failures == 0)

    let dry = Self.kernel()
    var dryRemover = Remover(
      catalog: Catalog(sysV: dry, files: Self.files()),
      program: Program(name: "swipcrm"),
      dryRun: true
    )
    var dryOut = OutputBuffer()
    try dryRemover.removeAll(.sharedMemorySegment, verbose: false, to: &dryOut)
    #expect(dry.log.removed.isEmpty)
    #expect(dryOut.bytes.text.split(separator: "\n").count == 2)
  }

  @Test("-a on a kernel without the facility is ipcrm's fatal 'kernel not configured'")
  func removeAllWithoutFacility() {
    var kernel = Self.kernel()
    kernel.noFacility = true
    var remover = Remover(
      catalog: Catalog(sysV: kernel, files: Self.files(procReadable: false)),
      program: Program(name: "swipcrm"),
      dryRun: false
    )
    var out = OutputBuffer()
    #expect(throws: FatalRemovalError.self) { try remover.removeAll(.sharedMemorySegment, verbose: false, to: &out) }
  }

  @Test("a key is removed only while its id still has that key")
  func keyRecheck() throws {
    let kernel = Self.kernel()
    var remover = Remover(
      catalog: Catalog(sysV: kernel, files: Self.files()),
      program: Program(name: "swipcrm"),
      dryRun: false
    )
    var out = OutputBuffer()
    try remover.remove(
      .sharedMemorySegment,
      key: IPCKey(rawValue: 300),
      typed: Array("300".utf8),
      verbose: false,
      to: &out
    )
    #expect(kernel.log.removed == [163_845])
    try remover.remove(
      .sharedMemorySegment,
      key: IPCKey(rawValue: 999),
      typed: Array("999".utf8),
      verbose: false,
      to: &out
    )
    #expect(kernel.log.removed == [163_845])
    #expect(remover.reporter.failures == 1)
  }
}

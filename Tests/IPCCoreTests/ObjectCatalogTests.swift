import CIPCTestSupport
import Glibc
import IPCCore
import IPCModel
import Testing

/// Makes objects of every kind in a private namespace, as root.
///
/// Some are unreadable for others (0600), one readable
/// (0644) of each kind, one with a sparse id, messages queued, a semaphore operated on, a segment attached and
/// removed (dest). Exits with `code` when anything fails. Runs in an exit test's child only.
private func populatePrivateNamespace(failingWith code: Int32) {
  guard ipctest_unshare_ipc() == 0 else { exit(code) }
  for mode: Int32 in [0o600, 0o644, 0o600] {
    guard shmget(IPC_PRIVATE, 4096, IPC_CREAT | mode) >= 0 else { exit(code) }
    guard msgget(IPC_PRIVATE, IPC_CREAT | mode) >= 0 else { exit(code) }
    guard semget(IPC_PRIVATE, 3, IPC_CREAT | mode) >= 0 else { exit(code) }
  }
  let fd = open("/proc/sys/kernel/msg_next_id", O_WRONLY)
  guard fd >= 0, write(fd, "123456789", 9) == 9 else { exit(code) }
  close(fd)
  let queue = msgget(0x1234, IPC_CREAT | 0o600)
  var message: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 65, 66, 67]
  guard queue == 123_456_789, msgsnd(queue, &message, 3, 0) == 0 else { exit(code) }
  var operation = sembuf(sem_num: 1, sem_op: 1, sem_flg: 0)
  guard semop(0, &operation, 1) == 0 else { exit(code) }
  guard let address = shmat(0, nil, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else { exit(code) }
  guard shmctl(0, IPC_RMID, nil) == 0 else { exit(code) }
}

/// Rows from /proc carry rss/swap and lack a queue's capacity; the syscalls the other way round.
private func comparable(_ rows: [SharedMemorySegment]) -> [SharedMemorySegment] {
  rows.map { row in
    var row = row
    row.residentBytes = nil
    row.swappedBytes = nil
    return row
  }
}

private func comparable(_ rows: [MessageQueue]) -> [MessageQueue] {
  rows.map { row in
    var row = row
    row.capacityBytes = nil
    return row
  }
}

@Suite(.enabled(if: getuid() == 0, "making a private IPC namespace in a child process needs root"))
struct LiveCatalogTests {
  static func catalog(_ sources: [ListingSource], procDirectory: String = "/proc/sysvipc") -> LiveCatalog {
    Catalog(sysV: LiveSysV(), files: LiveFiles(), sources: sources, procDirectory: procDirectory)
  }

  @Test("*_STAT_ANY and /proc/sysvipc list the same objects in the same order")
  func kernelAndProcAgree() async {
    await #expect(processExitsWith: .success) {
      populatePrivateNamespace(failingWith: 2)
      let kernel = LiveCatalogTests.catalog([.kernelSlotsIgnoringPermissions])
      let proc = LiveCatalogTests.catalog([.procFile])
      let shmKernel = kernel.listing(SharedMemorySegment.self)
      let shmProc = proc.listing(SharedMemorySegment.self)
      guard shmKernel.source == .kernelSlotsIgnoringPermissions, shmProc.source == .procFile,
        shmKernel.rows.count == 3
      else { exit(3) }
      guard comparable(shmKernel.rows) == comparable(shmProc.rows) else { exit(4) }
      guard shmKernel.rows[0].ownership.mode.contains(.destroyed), shmKernel.rows[0].attachCount == 1 else {
        exit(5)
      }
      let msgKernel = kernel.listing(MessageQueue.self)
      let msgProc = proc.listing(MessageQueue.self)
      guard msgKernel.rows.count == 4, comparable(msgKernel.rows) == comparable(msgProc.rows) else { exit(6) }
      guard msgKernel.rows.last?.id == 123_456_789, msgKernel.rows.last?.usedBytes == 3 else { exit(7) }
      let semKernel = kernel.listing(SemaphoreSet.self)
      let semProc = proc.listing(SemaphoreSet.self)
      guard semKernel.rows.count == 3, semKernel.rows == semProc.rows, semKernel.rows[0].operationTime != nil else {
        exit(8)
      }
      exit(0)
    }
  }

  @Test("the *_STAT fallback lists only what the caller may read, as util-linux's fallback does")
  func readableFallbackFilters() async {
    await #expect(processExitsWith: .success) {
      populatePrivateNamespace(failingWith: 2)
      guard setgid(65534) == 0, setuid(65534) == 0 else { exit(3) }
      let all = LiveCatalog().listing(SemaphoreSet.self)
      let readable = LiveCatalogTests.catalog([.kernelReadableSlots])
      guard all.source == .kernelSlotsIgnoringPermissions, all.rows.count == 3 else { exit(4) }
      let sets = readable.listing(SemaphoreSet.self)
      guard sets.source == .kernelReadableSlots, sets.rows.map(\.id) == [1] else { exit(5) }
      guard readable.listing(MessageQueue.self).rows.map(\.id) == [1] else { exit(6) }
      exit(0)
    }
  }

  @Test("without /proc/sysvipc the listing falls through to the next source")
  func missingProcFallsThrough() async {
    await #expect(processExitsWith: .success) {
      populatePrivateNamespace(failingWith: 2)
      let listing = LiveCatalogTests.catalog([.procFile, .kernelReadableSlots], procDirectory: "/nonexistent")
        .listing(SharedMemorySegment.self)
      guard listing.source == .kernelReadableSlots, listing.rows.count == 3 else { exit(3) }
      let nothing = LiveCatalogTests.catalog([.procFile], procDirectory: "/nonexistent")
        .listing(SharedMemorySegment.self)
      guard nothing.source == nil, nothing.rows.isEmpty else { exit(4) }
      exit(0)
    }
  }
}

import CIPCTestSupport
import Glibc
import IPCCore
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
struct ObjectCatalogTests {
  @Test("*_STAT_ANY and /proc/sysvipc list the same objects in the same order")
  func kernelAndProcAgree() async {
    await #expect(processExitsWith: .success) {
      populatePrivateNamespace(failingWith: 2)
      let kernel: [ListingSource] = [.kernelSlotsIgnoringPermissions]
      let proc: [ListingSource] = [.procFile]
      let shmKernel = ObjectCatalog.list(SharedMemorySegment.self, sources: kernel)
      let shmProc = ObjectCatalog.list(SharedMemorySegment.self, sources: proc)
      guard shmKernel.source == kernel[0], shmProc.source == proc[0], shmKernel.rows.count == 3 else { exit(3) }
      guard comparable(shmKernel.rows) == comparable(shmProc.rows) else { exit(4) }
      guard shmKernel.rows[0].permissions.mode.contains(.destroyed), shmKernel.rows[0].attachCount == 1 else {
        exit(5)
      }
      let msgKernel = ObjectCatalog.list(MessageQueue.self, sources: kernel)
      let msgProc = ObjectCatalog.list(MessageQueue.self, sources: proc)
      guard msgKernel.rows.count == 4, comparable(msgKernel.rows) == comparable(msgProc.rows) else { exit(6) }
      guard msgKernel.rows.last?.permissions.id == 123_456_789, msgKernel.rows.last?.usedBytes == 3 else { exit(7) }
      let semKernel = ObjectCatalog.list(SemaphoreSet.self, sources: kernel)
      let semProc = ObjectCatalog.list(SemaphoreSet.self, sources: proc)
      guard semKernel.rows.count == 3, semKernel.rows == semProc.rows, semKernel.rows[0].operationTime != 0 else {
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
      let all = ObjectCatalog.list(SemaphoreSet.self)
      let readable = ObjectCatalog.list(SemaphoreSet.self, sources: [.kernelReadableSlots])
      guard all.source == .kernelSlotsIgnoringPermissions, all.rows.count == 3 else { exit(4) }
      guard readable.source == .kernelReadableSlots, readable.rows.map(\.permissions.id) == [1] else { exit(5) }
      let queues = ObjectCatalog.list(MessageQueue.self, sources: [.kernelReadableSlots])
      guard queues.rows.map(\.permissions.id) == [1] else { exit(6) }
      exit(0)
    }
  }

  @Test("without /proc/sysvipc the listing falls through to the next source")
  func missingProcFallsThrough() async {
    await #expect(processExitsWith: .success) {
      populatePrivateNamespace(failingWith: 2)
      let listing = ObjectCatalog.list(
        SharedMemorySegment.self,
        sources: [.procFile, .kernelReadableSlots],
        procDirectory: "/nonexistent"
      )
      guard listing.source == .kernelReadableSlots, listing.rows.count == 3 else { exit(3) }
      let nothing = ObjectCatalog.list(SharedMemorySegment.self, sources: [.procFile], procDirectory: "/nonexistent")
      guard nothing.source == nil, nothing.rows.isEmpty else { exit(4) }
      exit(0)
    }
  }
}

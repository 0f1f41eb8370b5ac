import Glibc
import IPCCore
import IPCModel
import Testing

/// The order of the calls that replace a file, and what a failure at each step leaves: on a fake file system
/// that records the calls and fails where told (the real one is tested end to end, on a full tmpfs too).
@Suite("atomic replacement of a file")
struct AtomicFileTests {
  enum Step: Hashable { case create, sync, close, rename, syncDirectory, remove }

  final class Log {
    var calls: [String] = []
    var descriptors: [Int32] = []
    deinit { for descriptor in descriptors { Glibc.close(descriptor) } }
  }

  struct FakeSink: FileSink {
    let log = Log()
    var failing: [Step: Int32] = [:]
    /// Paths that already exist (createExclusive answers EEXIST).
    var existing: Set<[UInt8]> = []
    /// What the new file's descriptor writes to: /dev/null, or /dev/full for a disk that is full.
    var device = "/dev/null"

    func record(_ step: Step, _ text: String) throws(IPCError) {
      log.calls.append(text)
      if let code = failing[step] { throw IPCError(text, code: code) }
    }

    func createExclusive(_ path: [UInt8], mode: UInt32) throws(IPCError) -> Int32 {
      if existing.contains(path) {
        log.calls.append("create \(path.text) EEXIST")
        throw IPCError("open", code: EEXIST)
      }
      try record(.create, "create \(path.text) \(String(mode, radix: 8))")
      let descriptor = open(device, O_WRONLY)
      log.descriptors.append(descriptor)
      return descriptor
    }
    func sync(_ descriptor: Int32, path: [UInt8]) throws(IPCError) { try record(.sync, "sync \(path.text)") }
    func close(_ descriptor: Int32, path: [UInt8]) throws(IPCError) { try record(.close, "close \(path.text)") }
    func rename(_ from: [UInt8], to: [UInt8]) throws(IPCError) {
      try record(.rename, "rename \(from.text) \(to.text)")
    }
    func syncDirectory(_ directory: [UInt8]) throws(IPCError) {
      try record(.syncDirectory, "syncdir \(directory.text)")
    }
    func remove(_ path: [UInt8]) throws(IPCError) { try record(.remove, "remove \(path.text)") }
  }

  static func write(_ sink: FakeSink, path: String = "/srv/ipc.prom") -> String? {
    let file = AtomicFile(sink: sink, path: Array(path.utf8), processID: 77)
    return file.write { out in
      for _ in 0..<3000 { out.append("ipc_objects{kind=\"shm\"} 1\n") }
    }?.description
  }

  @Test func temporaryNames() {
    let sink = FakeSink()
    #expect(
      AtomicFile(sink: sink, path: Array("ipc.prom".utf8), processID: 5).temporaryPath(attempt: 0).text
        == "./.ipc.prom.5.0.tmp"
    )
    #expect(
      AtomicFile(sink: sink, path: Array("/a/b/x.prom".utf8), processID: 5).temporaryPath(attempt: 2).text
        == "/a/b/.x.prom.5.2.tmp"
    )
    #expect(AtomicFile(sink: sink, path: Array("/x.prom".utf8), processID: 5).directoryAndName.directory.text == "/")
  }

  @Test("written, synced, closed, then renamed over the file, then the directory synced")
  func order() {
    let sink = FakeSink()
    #expect(Self.write(sink) == nil)
    #expect(
      sink.log.calls == [
        "create /srv/.ipc.prom.77.0.tmp 644", "sync /srv/.ipc.prom.77.0.tmp", "close /srv/.ipc.prom.77.0.tmp",
        "rename /srv/.ipc.prom.77.0.tmp /srv/ipc.prom", "syncdir /srv/",
      ]
    )
  }

  @Test("a leftover temporary file of the same name is never overwritten: the next name is tried")
  func leftoverName() {
    var sink = FakeSink()
    sink.existing = [Array("/srv/.ipc.prom.77.0.tmp".utf8)]
    #expect(Self.write(sink) == nil)
    #expect(
      sink.log.calls.prefix(2) == ["create /srv/.ipc.prom.77.0.tmp EEXIST", "create /srv/.ipc.prom.77.1.tmp 644"]
    )
    #expect(sink.log.calls.contains("rename /srv/.ipc.prom.77.1.tmp /srv/ipc.prom"))
  }

  @Test("a full disk: the temporary file is removed, the file is not touched, the message names both")
  func fullDisk() {
    var sink = FakeSink()
    sink.device = "/dev/full"
    let message = Self.write(sink)
    #expect(
      message
        == "cannot write /srv/ipc.prom: write(/srv/.ipc.prom.77.0.tmp) failed: No space left on device; /srv/ipc.prom left as it was"
    )
    #expect(
      sink.log.calls == [
        "create /srv/.ipc.prom.77.0.tmp 644", "close /srv/.ipc.prom.77.0.tmp", "remove /srv/.ipc.prom.77.0.tmp",
      ]
    )
  }

  @Test(
    "a failure before the rename removes the temporary file and leaves the file",
    arguments: [(Step.sync, EIO), (.close, EDQUOT), (.rename, EISDIR)]
  )
  func failureBeforeRename(step: Step, code: Int32) {
    var sink = FakeSink()
    sink.failing = [step: code]
    let message = Self.write(sink) ?? ""
    #expect(message.hasPrefix("cannot write /srv/ipc.prom: "))
    #expect(message.contains(String(cString: strerror(code))))
    #expect(message.hasSuffix("; /srv/ipc.prom left as it was"))
    #expect(sink.log.calls.last == "remove /srv/.ipc.prom.77.0.tmp")
    #expect(!sink.log.calls.contains("syncdir /srv/"))
  }

  @Test func createFails() {
    var sink = FakeSink()
    sink.failing = [.create: ENOENT]
    #expect(
      Self.write(sink)
        == "cannot write /srv/ipc.prom: create /srv/.ipc.prom.77.0.tmp 644 failed: No such file or directory; /srv/ipc.prom left as it was"
    )
    #expect(sink.log.calls.count == 1)
  }

  @Test("a temporary file that cannot be removed is named")
  func cleanupFails() {
    var sink = FakeSink()
    sink.failing = [.rename: EXDEV, .remove: EACCES]
    let message = Self.write(sink) ?? ""
    #expect(
      message.hasSuffix(
        "; remove /srv/.ipc.prom.77.0.tmp failed: Permission denied, so /srv/.ipc.prom.77.0.tmp is left behind"
      )
    )
  }

  @Test("after the rename a failed directory sync is reported, and the file is the new one")
  func directorySyncFails() {
    var sink = FakeSink()
    sink.failing = [.syncDirectory: EIO]
    #expect(Self.write(sink) == "/srv/ipc.prom was replaced, but syncdir /srv/ failed: Input/output error")
    #expect(!sink.log.calls.contains { $0.hasPrefix("remove") })
  }
}

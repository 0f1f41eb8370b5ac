import Glibc
import IPCCore
import IPCModel
import Testing

/// The exposition renderer, values in and bytes out: no kernel, no passwd database.
@Suite("Prometheus text exposition")
struct PrometheusTextTests {
  static func ownership(_ owner: UInt32) -> Ownership {
    Ownership(
      owner: UserID(rawValue: owner),
      group: GroupID(rawValue: 0),
      creator: UserID(rawValue: owner),
      creatorGroup: GroupID(rawValue: 0),
      mode: IPCMode(rawValue: 0o600)
    )
  }

  static func segment(_ id: Int32, size: UInt64, owner: UInt32 = 0, attached: UInt64 = 0) -> SharedMemorySegment {
    SharedMemorySegment(
      id: id,
      key: IPCKey(rawValue: id == 0 ? 0 : -2),
      ownership: ownership(owner),
      size: size,
      attachCount: attached,
      creatorPID: ProcessID(rawValue: 1),
      lastOperationPID: ProcessID(rawValue: 1),
      attachTime: nil,
      detachTime: nil,
      changeTime: nil
    )
  }

  static func queue(_ id: Int32, messages: UInt64, bytes: UInt64, owner: UInt32 = 0) -> MessageQueue {
    MessageQueue(
      id: id,
      key: IPCKey(rawValue: 0x1234),
      ownership: ownership(owner),
      usedBytes: bytes,
      messageCount: messages,
      capacityBytes: id == 0 ? 16384 : nil,
      lastSendPID: ProcessID(rawValue: 0),
      lastReceivePID: ProcessID(rawValue: 0),
      sendTime: nil,
      receiveTime: nil,
      changeTime: nil
    )
  }

  static func set(_ id: Int32, semaphores: UInt64, owner: UInt32 = 0) -> SemaphoreSet {
    SemaphoreSet(
      id: id,
      key: IPCKey(rawValue: 0),
      ownership: ownership(owner),
      semaphoreCount: semaphores,
      operationTime: nil,
      changeTime: nil
    )
  }

  static let queueLimits = MessageQueueLimits(maxQueues: 32000, maxMessageSize: 8192, defaultQueueSize: 16384)
  static let shmLimits = SharedMemoryLimits(
    maxSegments: 4,
    maxSegmentSize: 1 << 30,
    maxTotalPages: 8,
    minSegmentSize: 1
  )
  static let semLimits = SemaphoreLimits(
    maxSets: 10,
    maxPerSet: 250,
    maxTotal: 0,
    maxOperationsPerCall: 32,
    maxValue: 32767
  )

  /// Three kinds, owners with a name, without one and with one that needs escaping.
  static var sample: IPCMetrics {
    var metrics = IPCMetrics(pageSize: 4096)
    metrics.add([queue(0, messages: 2, bytes: 100), queue(1, messages: 1, bytes: 7, owner: 1000)], limits: queueLimits)
    metrics.add(
      [segment(0, size: 1), segment(1, size: 4096, owner: 1000), segment(2, size: 4097, owner: 42)],
      limits: shmLimits
    )
    metrics.add(
      SharedMemoryUsage(
        segments: 3,
        pagesAllocated: 4,
        pagesResident: 2,
        pagesSwapped: 1,
        swapAttempts: 0,
        swapSuccesses: 0
      )
    )
    metrics.add([set(0, semaphores: 3)], limits: semLimits)
    metrics.segments?.orphaned = 2
    metrics.userNames = [0: Array("root".utf8), 1000: Array("a\"b\\c".utf8)]
    return metrics
  }

  static func render(_ metrics: IPCMetrics) -> String {
    var out = OutputBuffer()
    PrometheusText.appendSummary(metrics, to: &out)
    return out.bytes.text
  }

  @Test("the summary, byte for byte")
  func summary() {
    #expect(
      Self.render(Self.sample) == """
        # HELP ipc_objects IPC objects in the namespace, by kind (System V, and POSIX where asked for).
        # TYPE ipc_objects gauge
        ipc_objects{kind="msg"} 2
        ipc_objects{kind="shm"} 3
        ipc_objects{kind="sem"} 1
        # HELP ipc_objects_limit The kernel's limit on objects of the kind (MSGMNI, SHMMNI, SEMMNI; MQUMNI for pmsg).
        # TYPE ipc_objects_limit gauge
        ipc_objects_limit{kind="msg"} 32000
        ipc_objects_limit{kind="shm"} 4
        ipc_objects_limit{kind="sem"} 10
        # HELP ipc_orphaned_objects IPC objects nothing alive uses or waits on (lsipc-style column ORPHANED), by kind.
        # TYPE ipc_orphaned_objects gauge
        ipc_orphaned_objects{kind="shm"} 2
        # HELP ipc_usage_ratio Use of a kernel limit, 0 to 1, by resource as lsipc -g names it.
        # TYPE ipc_usage_ratio gauge
        ipc_usage_ratio{resource="MSGMNI"} 6.25e-05
        ipc_usage_ratio{resource="SHMMNI"} 0.75
        ipc_usage_ratio{resource="SHMALL"} 0.5
        ipc_usage_ratio{resource="SEMMNI"} 0.1
        ipc_usage_ratio{resource="SEMMNS"} +Inf
        # HELP ipc_shm_bytes Bytes of all shared memory segments (the sum of their sizes).
        # TYPE ipc_shm_bytes gauge
        ipc_shm_bytes 8194
        # HELP ipc_shm_limit_bytes SHMALL, the kernel's limit on shared memory pages, in bytes.
        # TYPE ipc_shm_limit_bytes gauge
        ipc_shm_limit_bytes 32768
        # HELP ipc_shm_resident_bytes Bytes of shared memory resident in RAM.
        # TYPE ipc_shm_resident_bytes gauge
        ipc_shm_resident_bytes 8192
        # HELP ipc_shm_swapped_bytes Bytes of shared memory swapped out.
        # TYPE ipc_shm_swapped_bytes gauge
        ipc_shm_swapped_bytes 4096
        # HELP ipc_msg_queued_messages Messages waiting in all message queues.
        # TYPE ipc_msg_queued_messages gauge
        ipc_msg_queued_messages 3
        # HELP ipc_msg_queued_bytes Bytes of the messages waiting in all message queues.
        # TYPE ipc_msg_queued_bytes gauge
        ipc_msg_queued_bytes 107
        # HELP ipc_semaphores Semaphores in all semaphore sets.
        # TYPE ipc_semaphores gauge
        ipc_semaphores 3
        # HELP ipc_semaphores_limit SEMMNS, the kernel's limit on semaphores.
        # TYPE ipc_semaphores_limit gauge
        ipc_semaphores_limit 0
        # HELP ipc_owner_objects Objects by kind and owner uid; user is the owner's name, empty without a passwd entry.
        # TYPE ipc_owner_objects gauge
        ipc_owner_objects{kind="msg",uid="0",user="root"} 1
        ipc_owner_objects{kind="msg",uid="1000",user="a\\"b\\\\c"} 1
        ipc_owner_objects{kind="shm",uid="0",user="root"} 1
        ipc_owner_objects{kind="shm",uid="42",user=""} 1
        ipc_owner_objects{kind="shm",uid="1000",user="a\\"b\\\\c"} 1
        ipc_owner_objects{kind="sem",uid="0",user="root"} 1

        """
    )
  }

  /// The kernel's page accounting: each segment rounded up to whole pages (1 + 1 + 2 of 8 pages).
  @Test func sharedMemoryPagesRoundUpPerSegment() {
    #expect(Self.sample.sharedMemoryPages == 4)
    #expect(Self.sample.sharedMemoryBytes == 8194)
  }

  /// The format's structure on every output: each family's HELP then TYPE once, right before its samples, all of
  /// its samples together, and no series (name and labels) twice.
  static func checkStructure(_ text: String) {
    var families: [String] = []
    var series = Set<String>()
    var current: String?
    var expectTypeOf: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      if line.hasPrefix("# HELP ") {
        let name = String(line.dropFirst(7).prefix { $0 != " " })
        #expect(!families.contains(name), "family \(name) twice")
        families.append(name)
        expectTypeOf = name
        current = name
        continue
      }
      if line.hasPrefix("# TYPE ") {
        #expect(line == "# TYPE \(expectTypeOf ?? "?") gauge")
        expectTypeOf = nil
        continue
      }
      #expect(expectTypeOf == nil, "a sample between HELP and TYPE")
      let name = String(line.prefix { $0 != "{" && $0 != " " })
      #expect(name == current, "sample of \(name) outside its family")
      let key = String(line[..<(line.lastIndex(of: " ") ?? line.endIndex)])
      #expect(series.insert(key).inserted, "series \(key) twice")
    }
    #expect(text.isEmpty || text.hasSuffix("\n"))
  }

  @Test func structure() {
    Self.checkStructure(Self.render(Self.sample))
    var out = OutputBuffer()
    PrometheusText.appendObjects([Self.segment(0, size: 1), Self.segment(1, size: 2)], userNames: [:], to: &out)
    PrometheusText.appendObjects(
      [Self.queue(0, messages: 1, bytes: 2), Self.queue(1, messages: 0, bytes: 0)],
      userNames: [:],
      to: &out
    )
    PrometheusText.appendObjects([Self.set(0, semaphores: 1)], userNames: [:], to: &out)
    PrometheusText.appendSummary(Self.sample, to: &out)
    Self.checkStructure(out.bytes.text)
  }

  @Test("POSIX kinds: counts, MQUMNI's ratio, the sums of sizes and queued messages, owners")
  func posixKinds() {
    var metrics = IPCMetrics(pageSize: 4096)
    let ownership = { (uid: UInt32) in
      Ownership(
        owner: UserID(rawValue: uid),
        group: GroupID(rawValue: uid),
        creator: UserID(rawValue: uid),
        creatorGroup: GroupID(rawValue: uid),
        mode: IPCMode(rawValue: 0o600)
      )
    }
    let file = PosixFileIdentity(device: 1, inode: 1)
    let name = PosixName(bytes: Array("x".utf8))
    metrics.add(
      [
        PosixMessageQueue(
          name: name,
          ownership: ownership(0),
          usedBytes: 5,
          messageCount: 1,
          modificationTime: nil,
          file: file
        ),
        // Unreadable: counted as an object, its messages unknown (not added).
        PosixMessageQueue(
          name: name,
          ownership: ownership(7),
          usedBytes: nil,
          messageCount: nil,
          modificationTime: nil,
          file: file
        ),
      ],
      limits: PosixQueueLimits(maxQueues: 256, maxMessageSize: 8192, maxMessagesPerQueue: 10)
    )
    metrics.add([
      PosixSharedMemory(name: name, ownership: ownership(0), size: 8192, modificationTime: nil, file: file),
      PosixSharedMemory(name: name, ownership: ownership(0), size: 1, modificationTime: nil, file: file),
    ])
    metrics.add([] as [PosixSemaphore])
    metrics.posixSharedMemory?.orphaned = 1
    metrics.userNames = [0: Array("root".utf8)]
    #expect(
      Self.render(metrics) == """
        # HELP ipc_objects IPC objects in the namespace, by kind (System V, and POSIX where asked for).
        # TYPE ipc_objects gauge
        ipc_objects{kind="pmsg"} 2
        ipc_objects{kind="pshm"} 2
        ipc_objects{kind="psem"} 0
        # HELP ipc_objects_limit The kernel's limit on objects of the kind (MSGMNI, SHMMNI, SEMMNI; MQUMNI for pmsg).
        # TYPE ipc_objects_limit gauge
        ipc_objects_limit{kind="pmsg"} 256
        # HELP ipc_orphaned_objects IPC objects nothing alive uses or waits on (lsipc-style column ORPHANED), by kind.
        # TYPE ipc_orphaned_objects gauge
        ipc_orphaned_objects{kind="pshm"} 1
        # HELP ipc_usage_ratio Use of a kernel limit, 0 to 1, by resource as lsipc -g names it.
        # TYPE ipc_usage_ratio gauge
        ipc_usage_ratio{resource="MQUMNI"} 0.0078125
        # HELP ipc_posix_shm_bytes Bytes of all POSIX shared memory objects of /dev/shm (the sum of their sizes).
        # TYPE ipc_posix_shm_bytes gauge
        ipc_posix_shm_bytes 8193
        # HELP ipc_posix_mqueue_queued_messages Messages waiting in the POSIX message queues the reader may open.
        # TYPE ipc_posix_mqueue_queued_messages gauge
        ipc_posix_mqueue_queued_messages 1
        # HELP ipc_posix_mqueue_queued_bytes Bytes of the messages waiting in the POSIX message queues the reader may open.
        # TYPE ipc_posix_mqueue_queued_bytes gauge
        ipc_posix_mqueue_queued_bytes 5
        # HELP ipc_owner_objects Objects by kind and owner uid; user is the owner's name, empty without a passwd entry.
        # TYPE ipc_owner_objects gauge
        ipc_owner_objects{kind="pmsg",uid="0",user="root"} 1
        ipc_owner_objects{kind="pmsg",uid="7",user=""} 1
        ipc_owner_objects{kind="pshm",uid="0",user="root"} 2

        """
    )
  }

  /// A kind not read has no series at all, and a family with no sample no HELP line.
  @Test func absentKindsLeaveNoFamily() {
    var metrics = IPCMetrics(pageSize: 4096)
    metrics.add([], limits: nil as SharedMemoryLimits?)
    let text = Self.render(metrics)
    #expect(
      text == """
        # HELP ipc_objects IPC objects in the namespace, by kind (System V, and POSIX where asked for).
        # TYPE ipc_objects gauge
        ipc_objects{kind="shm"} 0
        # HELP ipc_shm_bytes Bytes of all shared memory segments (the sum of their sizes).
        # TYPE ipc_shm_bytes gauge
        ipc_shm_bytes 0

        """
    )
    #expect(Self.render(IPCMetrics(pageSize: 4096)) == "")
  }

  @Test func perObjectSeries() {
    var out = OutputBuffer()
    let names: [UInt32: [UInt8]] = [1000: Array("me".utf8)]
    PrometheusText.appendObjects([Self.segment(5, size: 4097, owner: 1000, attached: 2)], userNames: names, to: &out)
    PrometheusText.appendObjects(
      [Self.queue(0, messages: 1, bytes: 9), Self.queue(1, messages: 0, bytes: 0)],
      userNames: names,
      to: &out
    )
    PrometheusText.appendObjects([Self.set(7, semaphores: 4, owner: 3)], userNames: names, to: &out)
    #expect(
      out.bytes.text == """
        # HELP ipc_shm_segment_size_bytes Size of each shared memory segment.
        # TYPE ipc_shm_segment_size_bytes gauge
        ipc_shm_segment_size_bytes{id="5",key="0xfffffffe",uid="1000",user="me"} 4097
        # HELP ipc_shm_segment_attachments Processes attached to each shared memory segment.
        # TYPE ipc_shm_segment_attachments gauge
        ipc_shm_segment_attachments{id="5",key="0xfffffffe",uid="1000",user="me"} 2
        # HELP ipc_msg_queue_messages Messages waiting in each message queue.
        # TYPE ipc_msg_queue_messages gauge
        ipc_msg_queue_messages{id="0",key="0x00001234",uid="0",user=""} 1
        ipc_msg_queue_messages{id="1",key="0x00001234",uid="0",user=""} 0
        # HELP ipc_msg_queue_bytes Bytes waiting in each message queue.
        # TYPE ipc_msg_queue_bytes gauge
        ipc_msg_queue_bytes{id="0",key="0x00001234",uid="0",user=""} 9
        ipc_msg_queue_bytes{id="1",key="0x00001234",uid="0",user=""} 0
        # HELP ipc_msg_queue_capacity_bytes The byte limit of each message queue (msg_qbytes).
        # TYPE ipc_msg_queue_capacity_bytes gauge
        ipc_msg_queue_capacity_bytes{id="0",key="0x00001234",uid="0",user=""} 16384
        # HELP ipc_sem_set_semaphores Semaphores in each semaphore set.
        # TYPE ipc_sem_set_semaphores gauge
        ipc_sem_set_semaphores{id="7",key="0x00000000",uid="3",user=""} 4

        """
    )
  }

  @Test(
    arguments: [
      (Array("plain".utf8), "plain"),
      (Array("back\\slash".utf8), "back\\\\slash"),
      (Array("quo\"te".utf8), "quo\\\"te"),
      (Array("new\nline".utf8), "new\\nline"),
      (Array("tab\there".utf8), "tab\there"),
      (Array("grüß".utf8), "grüß"),
      ([0x61, 0xff, 0x62], "a\u{FFFD}b"),
      ([0xc3], "\u{FFFD}"),
    ] as [([UInt8], String)]
  )
  func labelEscaping(value: [UInt8], escaped: String) {
    var out = OutputBuffer()
    PrometheusText.appendLabelValue(value, to: &out)
    #expect(out.bytes.text == escaped)
    #expect(String(validating: out.bytes, as: UTF8.self) != nil)
  }

  @Test func helpEscaping() {
    var out = OutputBuffer()
    PrometheusText.appendHelpText("a\\b\nc \"d\"", to: &out)
    #expect(out.bytes.text == "a\\\\b\\nc \"d\"")
  }

  @Test(
    arguments: [
      (UInt64(0), UInt64(10), "0.0"), (9, 10, "0.9"), (10, 10, "1.0"), (1, 3, "0.3333333333333333"),
      (811, 18_446_744_073_692_774_399, "4.396439809432719e-17"), (1, 100_000, "1e-05"), (11, 10, "1.1"),
      (0, 0, "NaN"), (5, 0, "+Inf"),
    ] as [(UInt64, UInt64, String)]
  )
  func ratios(used: UInt64, limit: UInt64, text: String) {
    var out = OutputBuffer()
    PrometheusText.appendRatio(used, limit, to: &out)
    #expect(out.bytes.text == text)
    // What Prometheus's parser (Go's ParseFloat) reads is the same double: strtod reads it the same way.
    if limit != 0 {
      let parsed = out.bytes.text.withCString { strtod($0, nil) }
      #expect(parsed == Double(used) / Double(limit))
    }
  }

  @Test func specialFloats() {
    for (value, text) in [(Double.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (1e16, "1e+16")] {
      var out = OutputBuffer()
      PrometheusText.appendFloat(value, to: &out)
      #expect(out.bytes.text == text)
    }
  }
}

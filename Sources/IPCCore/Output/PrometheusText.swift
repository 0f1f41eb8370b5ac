package import IPCModel

/// What `swipcs --prometheus` reports, gathered one kind at a time from the catalog's snapshots and the kernel's
/// figures: counts and sums only, so that its size does not grow with the number of objects (per-owner counts
/// grow with the number of distinct owners).
///
/// A kind that was not read (not selected, or no source answered) has no figures and no series.
package struct IPCMetrics: Sendable, Equatable {
  /// The objects of one kind: how many, the kernel's limit on them, and how many each owner has.
  package struct Kind: Sendable, Equatable {
    package var objects: UInt64 = 0
    /// MSGMNI, SHMMNI or SEMMNI; nil where the kernel's limits could not be read.
    package var limit: UInt64?
    /// Objects per owner uid.
    package var owners: [UInt32: UInt64] = [:]
    /// The objects ORPHANED says yes of (nothing alive uses them or waits on them); nil when not counted.
    package var orphaned: UInt64?

    package init() {}
  }

  package var queues: Kind?
  package var segments: Kind?
  package var semaphoreSets: Kind?
  package var posixQueues: Kind?
  package var posixSharedMemory: Kind?
  package var posixSemaphores: Kind?

  /// The sum of the segments' sizes.
  package var sharedMemoryBytes: UInt64 = 0
  /// The pages the kernel counts against SHMALL: each segment's size rounded up to whole pages (`shm_tot`).
  package var sharedMemoryPages: UInt64 = 0
  /// SHMALL, in pages.
  package var sharedMemoryLimitPages: UInt64?
  /// `SHM_INFO`'s resident and swapped pages, in bytes; nil where the kernel did not answer.
  package var sharedMemoryResidentBytes: UInt64?
  package var sharedMemorySwappedBytes: UInt64?
  /// The sums of the queues' message counts and queued bytes.
  package var queuedMessages: UInt64 = 0
  package var queuedBytes: UInt64 = 0
  /// The semaphores of every set, and SEMMNS.
  package var semaphores: UInt64 = 0
  package var semaphoreLimit: UInt64?
  /// The sum of the POSIX shared-memory objects' sizes.
  package var posixSharedMemoryBytes: UInt64 = 0
  /// The sums of the POSIX queues' message counts and queued bytes (of those the reader may open).
  package var posixQueuedMessages: UInt64 = 0
  package var posixQueuedBytes: UInt64 = 0
  /// The user names of the owners, where the passwd database has one.
  package var userNames: [UInt32: [UInt8]] = [:]
  package let pageSize: UInt64

  package init(pageSize: UInt64) { self.pageSize = pageSize }

  package mutating func add(_ rows: [MessageQueue], limits: MessageQueueLimits?) {
    var kind = Kind()
    kind.limit = limits.map { UInt64(clamping: $0.maxQueues) }
    for queue in rows {
      kind.count(queue.ownership.owner)
      queuedMessages &+= queue.messageCount
      queuedBytes &+= queue.usedBytes
    }
    queues = kind
  }

  package mutating func add(_ rows: [SharedMemorySegment], limits: SharedMemoryLimits?) {
    var kind = Kind()
    kind.limit = limits?.maxSegments
    sharedMemoryLimitPages = limits?.maxTotalPages
    for segment in rows {
      kind.count(segment.ownership.owner)
      sharedMemoryBytes &+= segment.size
      // The kernel's own accounting (ipc/shm.c, newseg): (size + PAGE_SIZE - 1) >> PAGE_SHIFT per segment.
      sharedMemoryPages &+= segment.size / pageSize + (segment.size % pageSize == 0 ? 0 : 1)
    }
    segments = kind
  }

  package mutating func add(_ rows: [SemaphoreSet], limits: SemaphoreLimits?) {
    var kind = Kind()
    kind.limit = limits.map { UInt64(clamping: $0.maxSets) }
    semaphoreLimit = limits.map { UInt64(clamping: $0.maxTotal) }
    for set in rows {
      kind.count(set.ownership.owner)
      semaphores &+= set.semaphoreCount
    }
    semaphoreSets = kind
  }

  package mutating func add(_ rows: [PosixMessageQueue], limits: PosixQueueLimits?) {
    var kind = Kind()
    kind.limit = limits?.maxQueues
    for queue in rows {
      kind.count(queue.ownership.owner)
      posixQueuedMessages &+= queue.messageCount ?? 0
      posixQueuedBytes &+= queue.usedBytes ?? 0
    }
    posixQueues = kind
  }

  /// POSIX shared memory and semaphores have no limit of their own (files of a tmpfs).
  package mutating func add(_ rows: [PosixSharedMemory]) {
    var kind = Kind()
    for object in rows {
      kind.count(object.ownership.owner)
      posixSharedMemoryBytes &+= object.size
    }
    posixSharedMemory = kind
  }

  package mutating func add(_ rows: [PosixSemaphore]) {
    var kind = Kind()
    for semaphore in rows { kind.count(semaphore.ownership.owner) }
    posixSemaphores = kind
  }

  /// The kinds read, in the order of the families' samples.
  package var kinds: [(ObjectKind, Kind)] {
    let present: [(ObjectKind, Kind?)] = [
      (.messageQueue, queues), (.sharedMemorySegment, segments), (.semaphoreSet, semaphoreSets),
      (.posixMessageQueue, posixQueues), (.posixSharedMemory, posixSharedMemory), (.posixSemaphore, posixSemaphores),
    ]
    return present.compactMap { kind, figures in figures.map { (kind, $0) } }
  }

  /// The figures of `kind`, where it was read.
  package subscript(kind: ObjectKind) -> Kind? {
    get {
      switch kind {
      case .messageQueue: queues
      case .sharedMemorySegment: segments
      case .semaphoreSet: semaphoreSets
      case .posixMessageQueue: posixQueues
      case .posixSharedMemory: posixSharedMemory
      case .posixSemaphore: posixSemaphores
      }
    }
    set {
      switch kind {
      case .messageQueue: queues = newValue
      case .sharedMemorySegment: segments = newValue
      case .semaphoreSet: semaphoreSets = newValue
      case .posixMessageQueue: posixQueues = newValue
      case .posixSharedMemory: posixSharedMemory = newValue
      case .posixSemaphore: posixSemaphores = newValue
      }
    }
  }

  /// `SHM_INFO`'s resident and swapped pages.
  package mutating func add(_ usage: SharedMemoryUsage?) {
    sharedMemoryResidentBytes = usage.map { $0.pagesResident &* pageSize }
    sharedMemorySwappedBytes = usage.map { $0.pagesSwapped &* pageSize }
  }

  /// Every owner uid counted, each once, in ascending order.
  package var ownerIDs: [UInt32] {
    var ids = Set<UInt32>()
    for (_, kind) in kinds { ids.formUnion(kind.owners.keys) }
    return ids.sorted()
  }
}

extension IPCMetrics.Kind {
  fileprivate mutating func count(_ owner: UserID) {
    objects += 1
    owners[owner.rawValue, default: 0] += 1
  }
}

/// The objects of one kind read in one namespace, for the per-object families.
package struct PrometheusObjects<Row: SystemVObject> {
  /// The `ns` label's value; nil: no such label (the caller's own namespace, no `--ns`).
  package var namespace: NamespaceID?
  package var rows: [Row]
  /// The user names of the owners, where the passwd database has one.
  package var userNames: [UInt32: [UInt8]]

  package init(namespace: NamespaceID? = nil, rows: [Row], userNames: [UInt32: [UInt8]]) {
    self.namespace = namespace
    self.rows = rows
    self.userNames = userNames
  }
}

/// Which series `--prometheus` writes.
package struct MetricsSet: Sendable, Equatable {
  /// Series for every object (`--prometheus=objects`).
  package var objects = false
  /// `ipc_orphaned_objects` (`--prometheus=orphans`): reads /proc, so asked for, not always paid.
  package var orphans = false

  package init(objects: Bool = false, orphans: Bool = false) {
    self.objects = objects
    self.orphans = orphans
  }

  /// The bounded families only: per kind, per limit, per owner.
  package static let summary = MetricsSet()

  /// `objects,orphans` and either alone; nil for anything else.
  package init?(words: [UInt8]) {
    for word in words.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
      switch String(decoding: word, as: UTF8.self) {
      case "objects": objects = true
      case "orphans": orphans = true
      default: return nil
      }
    }
  }
}

/// The Prometheus text exposition format (version 0.0.4) of `IPCMetrics` and of single objects: values in, bytes
/// out.
///
/// Every family is a gauge, written once with its `# HELP` and `# TYPE` lines and all of its samples together;
/// a family with no sample is left out. Label values are escaped as the format requires (`\\`, `\"`, `\n`) and
/// are UTF-8: a user name that is not is repaired with U+FFFD. Counts and byte figures are written as integers,
/// ratios as the shortest decimal that reads back as the same double, `NaN` for 0/0 and `+Inf` for n/0.
package enum PrometheusText {
  /// The kind label's value.
  package static func kindLabel(_ kind: ObjectKind) -> StaticString {
    switch kind {
    case .messageQueue: "msg"
    case .sharedMemorySegment: "shm"
    case .semaphoreSet: "sem"
    case .posixSharedMemory: "pshm"
    case .posixMessageQueue: "pmsg"
    case .posixSemaphore: "psem"
    }
  }

  /// The bounded families of `metrics`.
  package static func appendSummary(_ metrics: IPCMetrics, to out: inout OutputBuffer) {
    appendSummary([(nil, metrics)], to: &out)
  }

  /// The bounded families of several namespaces' metrics: each family once, with the samples of every namespace,
  /// each labelled `ns` with the namespace's inode (no label where the namespace is nil).
  package static func appendSummary(
    _ all: [(namespace: NamespaceID?, metrics: IPCMetrics)],
    to out: inout OutputBuffer
  ) {
    // The families with one sample per kind; nil leaves the kind's sample out.
    let byKind: [(StaticString, String, (IPCMetrics.Kind) -> UInt64?)] = [
      ("ipc_objects", "IPC objects in the namespace, by kind (System V, and POSIX where asked for).", { $0.objects }),
      (
        "ipc_objects_limit", "The kernel's limit on objects of the kind (MSGMNI, SHMMNI, SEMMNI; MQUMNI for pmsg).",
        { $0.limit }
      ),
      (
        "ipc_orphaned_objects",
        "IPC objects nothing alive uses or waits on (lsipc-style column ORPHANED), by kind.",
        { $0.orphaned }
      ),
    ]
    var family: Family
    for (name, help, value) in byKind {
      family = Family(name, help: help)
      for (ns, metrics) in all {
        for (kind, figures) in metrics.kinds {
          if let value = value(figures) { family.sample(ns: ns, kind: kind, value, to: &out) }
        }
      }
    }

    family = Family(
      "ipc_usage_ratio",
      help: "Use of a kernel limit, 0 to 1, by resource as lsipc -g names it."
    )
    for (ns, metrics) in all {
      var ratios: [(StaticString, UInt64, UInt64)] = []
      if let queues = metrics.queues, let limit = queues.limit { ratios.append(("MSGMNI", queues.objects, limit)) }
      if let segments = metrics.segments {
        if let limit = segments.limit { ratios.append(("SHMMNI", segments.objects, limit)) }
        if let limit = metrics.sharedMemoryLimitPages { ratios.append(("SHMALL", metrics.sharedMemoryPages, limit)) }
      }
      if let sets = metrics.semaphoreSets {
        if let limit = sets.limit { ratios.append(("SEMMNI", sets.objects, limit)) }
        if let limit = metrics.semaphoreLimit { ratios.append(("SEMMNS", metrics.semaphores, limit)) }
      }
      if let queues = metrics.posixQueues, let limit = queues.limit { ratios.append(("MQUMNI", queues.objects, limit)) }
      for (resource, used, limit) in ratios {
        family.start(to: &out)
        out.append("{")
        appendNamespaceLabel(ns, to: &out)
        out.append("resource=\"")
        out.append(resource)
        out.append("\"} ")
        appendRatio(used, limit, to: &out)
        out.append("\n")
      }
    }

    let perKind: [(StaticString, String, (IPCMetrics) -> UInt64?)] = [
      (
        "ipc_shm_bytes", "Bytes of all shared memory segments (the sum of their sizes).",
        { metrics in
          metrics.segments == nil ? nil : metrics.sharedMemoryBytes
        }
      ),
      (
        "ipc_shm_limit_bytes", "SHMALL, the kernel's limit on shared memory pages, in bytes.",
        { metrics in
          guard metrics.segments != nil, let limit = metrics.sharedMemoryLimitPages else { return nil }
          return LimitArithmetic.total(pages: limit, multiplier: metrics.pageSize)
        }
      ),
      (
        "ipc_shm_resident_bytes", "Bytes of shared memory resident in RAM.",
        { metrics in
          metrics.segments == nil ? nil : metrics.sharedMemoryResidentBytes
        }
      ),
      (
        "ipc_shm_swapped_bytes", "Bytes of shared memory swapped out.",
        { metrics in
          metrics.segments == nil ? nil : metrics.sharedMemorySwappedBytes
        }
      ),
      (
        "ipc_msg_queued_messages", "Messages waiting in all message queues.",
        { metrics in
          metrics.queues == nil ? nil : metrics.queuedMessages
        }
      ),
      (
        "ipc_msg_queued_bytes", "Bytes of the messages waiting in all message queues.",
        { metrics in
          metrics.queues == nil ? nil : metrics.queuedBytes
        }
      ),
      (
        "ipc_semaphores", "Semaphores in all semaphore sets.",
        { metrics in
          metrics.semaphoreSets == nil ? nil : metrics.semaphores
        }
      ),
      (
        "ipc_semaphores_limit", "SEMMNS, the kernel's limit on semaphores.",
        { metrics in
          metrics.semaphoreSets == nil ? nil : metrics.semaphoreLimit
        }
      ),
      (
        "ipc_posix_shm_bytes", "Bytes of all POSIX shared memory objects of /dev/shm (the sum of their sizes).",
        { metrics in
          metrics.posixSharedMemory == nil ? nil : metrics.posixSharedMemoryBytes
        }
      ),
      (
        "ipc_posix_mqueue_queued_messages", "Messages waiting in the POSIX message queues the reader may open.",
        { metrics in
          metrics.posixQueues == nil ? nil : metrics.posixQueuedMessages
        }
      ),
      (
        "ipc_posix_mqueue_queued_bytes",
        "Bytes of the messages waiting in the POSIX message queues the reader may open.",
        { metrics in
          metrics.posixQueues == nil ? nil : metrics.posixQueuedBytes
        }
      ),
    ]
    for (name, help, value) in perKind {
      family = Family(name, help: help)
      for (ns, metrics) in all { if let value = value(metrics) { family.sample(ns: ns, value, to: &out) } }
    }

    family = Family(
      "ipc_owner_objects",
      help: "Objects by kind and owner uid; user is the owner's name, empty without a passwd entry."
    )
    for (ns, metrics) in all {
      for (kind, figures) in metrics.kinds {
        for uid in figures.owners.keys.sorted() {
          family.start(to: &out)
          out.append("{")
          appendNamespaceLabel(ns, to: &out)
          out.append("kind=\"")
          out.append(kindLabel(kind))
          out.append("\",uid=\"")
          out.appendDecimal(uid)
          out.append("\",user=\"")
          appendLabelValue(metrics.userNames[uid] ?? [], to: &out)
          out.append("\"} ")
          out.appendDecimal(figures.owners[uid] ?? 0)
          out.append("\n")
        }
      }
    }
  }

  /// `ns="4026531839",` where there is a namespace to name.
  static func appendNamespaceLabel(_ namespace: NamespaceID?, to out: inout OutputBuffer) {
    guard let namespace else { return }
    out.append("ns=\"")
    out.appendDecimal(namespace.rawValue)
    out.append("\",")
  }

  // MARK: Per-object series

  /// The per-object families of the segments, one series per segment in each.
  package static func appendObjects(
    _ rows: [SharedMemorySegment],
    userNames: [UInt32: [UInt8]],
    to out: inout OutputBuffer
  ) {
    appendObjects([PrometheusObjects(rows: rows, userNames: userNames)], to: &out)
  }

  /// The per-object families of the segments of several namespaces: each family once, every namespace's series
  /// in it.
  package static func appendObjects(_ groups: [PrometheusObjects<SharedMemorySegment>], to out: inout OutputBuffer) {
    appendFamily(
      "ipc_shm_segment_size_bytes",
      help: "Size of each shared memory segment.",
      groups,
      { $0.size },
      to: &out
    )
    appendFamily(
      "ipc_shm_segment_attachments",
      help: "Processes attached to each shared memory segment.",
      groups,
      { $0.attachCount },
      to: &out
    )
  }

  /// The per-object families of the queues.
  package static func appendObjects(_ rows: [MessageQueue], userNames: [UInt32: [UInt8]], to out: inout OutputBuffer) {
    appendObjects([PrometheusObjects(rows: rows, userNames: userNames)], to: &out)
  }

  /// The per-object families of the queues of several namespaces.
  package static func appendObjects(_ groups: [PrometheusObjects<MessageQueue>], to out: inout OutputBuffer) {
    appendFamily(
      "ipc_msg_queue_messages",
      help: "Messages waiting in each message queue.",
      groups,
      { $0.messageCount },
      to: &out
    )
    appendFamily(
      "ipc_msg_queue_bytes",
      help: "Bytes waiting in each message queue.",
      groups,
      { $0.usedBytes },
      to: &out
    )
    appendFamily(
      "ipc_msg_queue_capacity_bytes",
      help: "The byte limit of each message queue (msg_qbytes).",
      groups,
      { $0.capacityBytes },
      to: &out
    )
  }

  /// The per-object family of the semaphore sets.
  package static func appendObjects(_ rows: [SemaphoreSet], userNames: [UInt32: [UInt8]], to out: inout OutputBuffer) {
    appendObjects([PrometheusObjects(rows: rows, userNames: userNames)], to: &out)
  }

  /// The per-object family of the semaphore sets of several namespaces.
  package static func appendObjects(_ groups: [PrometheusObjects<SemaphoreSet>], to out: inout OutputBuffer) {
    appendFamily(
      "ipc_sem_set_semaphores",
      help: "Semaphores in each semaphore set.",
      groups,
      { $0.semaphoreCount },
      to: &out
    )
  }

  /// One per-object family: a series for every row of every group with a value.
  private static func appendFamily<Row: SystemVObject>(
    _ name: StaticString,
    help: String,
    _ groups: [PrometheusObjects<Row>],
    _ value: (Row) -> UInt64?,
    to out: inout OutputBuffer
  ) {
    var family = Family(name, help: help)
    for group in groups {
      for row in group.rows {
        guard let figure = value(row) else { continue }
        family.sample(row, figure, ns: group.namespace, userNames: group.userNames, to: &out)
      }
    }
  }

  // MARK: Values

  /// A label value: `\`, `"` and newline escaped; bytes that are not UTF-8 repaired with U+FFFD.
  package static func appendLabelValue(_ bytes: [UInt8], to out: inout OutputBuffer) {
    let text: [UInt8] = isUTF8(bytes) ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)
    for byte in text {
      switch byte {
      case UInt8(ascii: "\\"): out.append("\\\\")
      case UInt8(ascii: "\""): out.append("\\\"")
      case UInt8(ascii: "\n"): out.append("\\n")
      default: out.append(byte)
      }
    }
  }

  /// `# HELP` text: `\` and newline escaped.
  package static func appendHelpText(_ text: String, to out: inout OutputBuffer) {
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\\"): out.append("\\\\")
      case UInt8(ascii: "\n"): out.append("\\n")
      default: out.append(byte)
      }
    }
  }

  /// `used / limit` as a float sample value.
  package static func appendRatio(_ used: UInt64, _ limit: UInt64, to out: inout OutputBuffer) {
    if limit == 0 { return out.append(used == 0 ? "NaN" : "+Inf") }
    appendFloat(Double(used) / Double(limit), to: &out)
  }

  /// A finite or infinite double as the exposition format spells it: Swift's shortest round-trip decimal
  /// (`0.5`, `1e-05`, `1.0842021724864905e-19`), which Prometheus's parser reads back exactly.
  package static func appendFloat(_ value: Double, to out: inout OutputBuffer) {
    if value.isNaN { return out.append("NaN") }
    if value.isInfinite { return out.append(value < 0 ? "-Inf" : "+Inf") }
    out.append(value.description.utf8)
  }

  static func isUTF8(_ bytes: [UInt8]) -> Bool {
    if bytes.allSatisfy({ $0 < 0x80 }) { return true }
    return Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
  }
}

/// One metric family being written: its `# HELP` and `# TYPE` lines go out before its first sample, so a family
/// with no sample leaves no line.
private struct Family {
  let name: StaticString
  let help: String
  private var started = false

  init(_ name: StaticString, help: String) {
    self.name = name
    self.help = help
  }

  /// Writes the header if this is the first sample, then the metric name.
  mutating func start(to out: inout OutputBuffer) {
    if !started {
      started = true
      out.append("# HELP ")
      out.append(name)
      out.append(" ")
      PrometheusText.appendHelpText(help, to: &out)
      out.append("\n# TYPE ")
      out.append(name)
      out.append(" gauge\n")
    }
    out.append(name)
  }

  /// `name value`, or `name{ns="4026531839"} value`.
  mutating func sample(ns: NamespaceID? = nil, _ value: UInt64, to out: inout OutputBuffer) {
    start(to: &out)
    if let ns {
      out.append("{ns=\"")
      out.appendDecimal(ns.rawValue)
      out.append("\"}")
    }
    out.append(" ")
    out.appendDecimal(value)
    out.append("\n")
  }

  /// `name{kind="shm"} value`, the `ns` label first where there is a namespace.
  mutating func sample(ns: NamespaceID? = nil, kind: ObjectKind, _ value: UInt64, to out: inout OutputBuffer) {
    start(to: &out)
    out.append("{")
    PrometheusText.appendNamespaceLabel(ns, to: &out)
    out.append("kind=\"")
    out.append(PrometheusText.kindLabel(kind))
    out.append("\"} ")
    out.appendDecimal(value)
    out.append("\n")
  }

  /// `name{id="5",key="0x0000abcd",uid="0",user="root"} value`.
  mutating func sample(
    _ object: some SystemVObject,
    _ value: UInt64,
    ns: NamespaceID? = nil,
    userNames: [UInt32: [UInt8]],
    to out: inout OutputBuffer
  ) {
    start(to: &out)
    out.append("{")
    PrometheusText.appendNamespaceLabel(ns, to: &out)
    out.append("id=\"")
    out.appendDecimal(object.id)
    out.append("\",key=\"")
    out.appendHexKey(object.key.bitPattern)
    out.append("\",uid=\"")
    let uid = object.ownership.owner.rawValue
    out.appendDecimal(uid)
    out.append("\",user=\"")
    PrometheusText.appendLabelValue(userNames[uid] ?? [], to: &out)
    out.append("\"} ")
    out.appendDecimal(value)
    out.append("\n")
    out.flushIfFull()
  }
}

package import IPCModel

extension GlobalResource {
  /// lsipc's `--global` rows for `kinds`, in its order: the kernel's limits (read as ipcs `-l` reads them) and
  /// what of each is in use in `snapshot`.
  ///
  /// Where lsipc 2.38.1 counts wrong, swipcs counts what the kernel checks against the limit: SEMMNS is the sum
  /// of every set's semaphores (lsipc adds the first set's count once per set), and SHMALL is the kernel's own
  /// count of pages in use (`SHM_INFO`; lsipc divides the sum of the sizes by the page size, which misses the
  /// pages every segment rounds up to).
  package static func resources<SysV, Files>(
    _ kinds: [ObjectKind],
    figures: KernelFigures<SysV, Files>,
    snapshot: Snapshot
  ) -> [GlobalResource] {
    var rows: [GlobalResource] = []
    for kind in kinds {
      switch kind {
      case .messageQueue:
        let limits = figures.messageQueueLimits()
        rows += [
          GlobalResource(
            "MSGMNI",
            "Number of message queues",
            limit: UInt64(clamping: limits?.maxQueues ?? 0),
            used: UInt64(snapshot.queues.rows.count)
          ),
          GlobalResource(
            "MSGMAX",
            "Max size of message (bytes)",
            limit: limits?.maxMessageSize ?? 0,
            inBytes: true
          ),
          GlobalResource(
            "MSGMNB",
            "Default max size of queue (bytes)",
            limit: UInt64(clamping: limits?.defaultQueueSize ?? 0),
            inBytes: true
          ),
        ]
      case .sharedMemorySegment:
        let limits = figures.sharedMemoryLimits()
        let pages = figures.sharedMemoryUsage()?.pagesAllocated
        rows += [
          GlobalResource(
            "SHMMNI",
            "Shared memory segments",
            limit: limits?.maxSegments ?? 0,
            used: UInt64(snapshot.segments.rows.count)
          ),
          GlobalResource("SHMALL", "Shared memory pages", limit: limits?.maxTotalPages ?? 0, used: pages ?? 0),
          GlobalResource(
            "SHMMAX",
            "Max size of shared memory segment (bytes)",
            limit: limits?.maxSegmentSize ?? 0,
            inBytes: true
          ),
          GlobalResource(
            "SHMMIN",
            "Min size of shared memory segment (bytes)",
            limit: limits?.minSegmentSize ?? 0,
            inBytes: true
          ),
        ]
      case .semaphoreSet:
        let limits = figures.semaphoreLimits()
        let semaphores = snapshot.semaphoreSets.rows.reduce(UInt64(0)) { $0 + $1.semaphoreCount }
        rows += [
          GlobalResource(
            "SEMMNI",
            "Number of semaphore identifiers",
            limit: UInt64(clamping: limits?.maxSets ?? 0),
            used: UInt64(snapshot.semaphoreSets.rows.count)
          ),
          GlobalResource(
            "SEMMNS",
            "Total number of semaphores",
            limit: UInt64(clamping: limits?.maxTotal ?? 0),
            used: semaphores
          ),
          GlobalResource(
            "SEMMSL",
            "Max semaphores per semaphore set.",
            limit: UInt64(clamping: limits?.maxPerSet ?? 0)
          ),
          GlobalResource(
            "SEMOPM",
            "Max number of operations per semop(2)",
            limit: UInt64(clamping: limits?.maxOperationsPerCall ?? 0)
          ),
          GlobalResource("SEMVMX", "Semaphore max value", limit: UInt64(limits?.maxValue ?? 0)),
        ]
      case .posixMessageQueue:
        // util-linux master's rows. MQUMNI counts the queues listed; where they cannot be listed (no private mqueue
        // mount and no /dev/mqueue) its use is unknown, "-", where lsipc counts 0. MQUMAX and MQUMNB are the
        // limits an unprivileged mq_open may ask for (`msgsize_max`, `msg_max`).
        let limits = figures.posixQueueLimits()
        let listed = snapshot.posixQueues.failure == nil
        rows += [
          GlobalResource(
            "MQUMNI",
            "Number of POSIX message queues",
            limit: limits?.maxQueues ?? 0,
            used: listed ? UInt64(snapshot.posixQueues.rows.count) : nil
          ),
          GlobalResource(
            "MQUMAX",
            "Max size of POSIX message (bytes)",
            limit: limits?.maxMessageSize ?? 0,
            inBytes: true
          ),
          GlobalResource(
            "MQUMNB",
            "Number of messages in POSIX message queue",
            limit: limits?.maxMessagesPerQueue ?? 0
          ),
        ]
      case .posixSharedMemory, .posixSemaphore:
        break  // no limits of their own: files of /dev/shm, a tmpfs whose size limits them (df shows it)
      }
    }
    return rows
  }
}

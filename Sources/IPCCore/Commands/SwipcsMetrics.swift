package import IPCModel

extension Swipcs {
  /// `--prometheus` and `--textfile`: the metrics, on stdout or replacing the file.
  ///
  /// `namespace`: the namespace `--ns` entered, which labels every series `ns`; nil for the caller's own.
  static func runMetrics(
    _ set: MetricsSet,
    options: SwipcsOptions,
    catalog: LiveCatalog,
    namespace: NamespaceID? = nil,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    var failed = false
    let written = output(options, program: program, to: &out) { out in
      failed = !writeMetrics(
        set,
        kinds: options.tableKinds,
        catalog: catalog,
        namespace: namespace,
        filter: &filter,
        program: program,
        to: &out
      )
    }
    return failed ? 1 : written
  }

  /// `--all-namespaces --prometheus`: every namespace's series, labelled `ns`, in one exposition.
  ///
  /// Each family is written once: every namespace is read first, then the families are written; with `=objects`
  /// that holds every namespace's objects at once.
  static func runMetricsEverywhere(
    _ set: MetricsSet,
    options: SwipcsOptions,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    var gathered: [GatheredMetrics] = []
    var failed = false
    var unused = OutputBuffer()
    // The live sources act in the namespace the thread has entered.
    var filter = SnapshotFilter(options.selection, files: LiveFiles(), sysV: LiveSysV())
    var seen: [PosixFileIdentity: NamespaceID] = [:]
    let status = NamespaceWalk.forEach(program: program, to: &unused) { visit, _ in
      let options = options.visiting(visit.place, seen: &seen, program: program)
      let metrics = gather(
        set,
        kinds: options.tableKinds,
        catalog: visit.place.catalog(),
        namespace: visit.id,
        filter: &filter,
        program: program
      )
      gathered.append(metrics)
      if metrics.failed { failed = true }
      if options.readsSharedMemoryDirectory && !visit.place.confirmSharedMemoryDirectory(program: program) {
        failed = true
      }
      return 0
    }
    let written = output(options, program: program, to: &out) { out in
      PrometheusText.appendObjects(gathered.compactMap(\.queues), to: &out)
      PrometheusText.appendObjects(gathered.compactMap(\.segments), to: &out)
      PrometheusText.appendObjects(gathered.compactMap(\.semaphoreSets), to: &out)
      PrometheusText.appendSummary(gathered.map { ($0.namespace, $0.metrics) }, to: &out)
    }
    return max(status, written, failed ? 1 : 0)
  }

  /// Writes the metrics `body` makes to stdout, or replaces `--textfile` with them.
  private static func output(
    _ options: SwipcsOptions,
    program: Program,
    to out: inout OutputBuffer,
    _ body: (inout OutputBuffer) -> Void
  ) -> Int32 {
    guard let path = options.textfile else {
      body(&out)
      return 0
    }
    let file = AtomicFile(sink: LiveFileSink(), path: path)
    if let failure = file.write(body) {
      program.warn(failure)
      return 1
    }
    return 0
  }

  /// One namespace's metrics and, for `=objects`, its objects.
  struct GatheredMetrics {
    var namespace: NamespaceID?
    var metrics: IPCMetrics
    var queues: PrometheusObjects<MessageQueue>?
    var segments: PrometheusObjects<SharedMemorySegment>?
    var semaphoreSets: PrometheusObjects<SemaphoreSet>?
    /// A kind asked for could not be read (said on stderr).
    var failed = false
  }

  /// Reads the metrics of the namespace the thread is in, keeping the objects for `=objects`.
  static func gather<SysV: SysVSource, Files: FileSource>(
    _ set: MetricsSet,
    kinds: [ObjectKind],
    catalog: Catalog<SysV, Files>,
    namespace: NamespaceID?,
    filter: inout SnapshotFilter,
    program: Program
  ) -> GatheredMetrics {
    var metrics = IPCMetrics(pageSize: KernelFigures<SysV, Files>.pageSize)
    var kept: [KindObjects] = []
    let complete = read(
      set,
      kinds: kinds,
      catalog: catalog,
      namespace: namespace,
      filter: &filter,
      program: program,
      into: &metrics
    ) {
      kept.append($0)
    }
    var gathered = GatheredMetrics(namespace: namespace, metrics: metrics, failed: !complete)
    for objects in kept {
      switch objects {
      case .queues(let queues): gathered.queues = queues
      case .segments(let segments): gathered.segments = segments
      case .semaphoreSets(let sets): gathered.semaphoreSets = sets
      }
    }
    return gathered
  }

  /// Reads the kinds one at a time, as the listing does (a kind's rows are let go before the next is read),
  /// writing each kind's per-object series as it goes and keeping only counts and sums; then the summary.
  ///
  /// False when a kind asked for could not be read (said on stderr; the others are written).
  @discardableResult
  static func writeMetrics<SysV: SysVSource, Files: FileSource>(
    _ set: MetricsSet,
    kinds: [ObjectKind],
    catalog: Catalog<SysV, Files>,
    namespace: NamespaceID? = nil,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Bool {
    var metrics = IPCMetrics(pageSize: KernelFigures<SysV, Files>.pageSize)
    let complete = read(
      set,
      kinds: kinds,
      catalog: catalog,
      namespace: namespace,
      filter: &filter,
      program: program,
      into: &metrics
    ) {
      switch $0 {
      case .queues(let queues): PrometheusText.appendObjects([queues], to: &out)
      case .segments(let segments): PrometheusText.appendObjects([segments], to: &out)
      case .semaphoreSets(let sets): PrometheusText.appendObjects([sets], to: &out)
      }
    }
    PrometheusText.appendSummary([(namespace, metrics)], to: &out)
    return complete
  }

  /// One kind's objects for the per-object series (`=objects`).
  enum KindObjects {
    case queues(PrometheusObjects<MessageQueue>)
    case segments(PrometheusObjects<SharedMemorySegment>)
    case semaphoreSets(PrometheusObjects<SemaphoreSet>)
  }

  /// Reads `kinds` one at a time into `metrics` (counts and sums, the owners' names) and, for `=objects`, hands
  /// each kind's objects to `objects` before the next kind is read; false when a kind could not be read (said on
  /// stderr).
  private static func read<SysV: SysVSource, Files: FileSource>(
    _ set: MetricsSet,
    kinds: [ObjectKind],
    catalog: Catalog<SysV, Files>,
    namespace: NamespaceID?,
    filter: inout SnapshotFilter,
    program: Program,
    into metrics: inout IPCMetrics,
    objects: (KindObjects) -> Void
  ) -> Bool {
    var failed = false
    let kernel = catalog.figures
    var names = NameCache()
    func kept<Row: SystemVObject>(_ rows: [Row]) -> PrometheusObjects<Row> {
      PrometheusObjects(namespace: namespace, rows: rows, userNames: userNames(of: rows, names: &names))
    }
    for kind in kinds {
      var snapshot = catalog.snapshot([kind])
      report(snapshot.skipped, program: program)
      filter.apply(&snapshot)
      let orphans = set.orphans ? orphanCount(snapshot, kind, context: &filter.context) : nil
      // No source answered: the kernel has none of the kind (or none can be read), so no series.
      switch kind {
      case .messageQueue:
        guard snapshot.queues.source != nil else { continue }
        metrics.add(snapshot.queues.rows, limits: kernel.messageQueueLimits())
        metrics.queues?.orphaned = orphans
        if set.objects { objects(.queues(kept(snapshot.queues.rows))) }
      case .sharedMemorySegment:
        guard snapshot.segments.source != nil else { continue }
        metrics.add(snapshot.segments.rows, limits: kernel.sharedMemoryLimits())
        metrics.segments?.orphaned = orphans
        metrics.add(kernel.sharedMemoryUsage())
        if set.objects { objects(.segments(kept(snapshot.segments.rows))) }
      case .semaphoreSet:
        guard snapshot.semaphoreSets.source != nil else { continue }
        metrics.add(snapshot.semaphoreSets.rows, limits: kernel.semaphoreLimits())
        metrics.semaphoreSets?.orphaned = orphans
        if set.objects { objects(.semaphoreSets(kept(snapshot.semaphoreSets.rows))) }
      case .posixSharedMemory, .posixMessageQueue, .posixSemaphore:
        // Counts and sums only: no per-object series for POSIX objects (`=objects` is System V's).
        for entry in snapshot.posixProblems(kind)?.skipped ?? [] { program.warn("\(entry.message); left out") }
        if let failure = snapshot.posixProblems(kind)?.failure {
          program.warn(failure)
          failed = true
          continue
        }
        switch kind {
        case .posixMessageQueue: metrics.add(snapshot.posixQueues.rows, limits: kernel.posixQueueLimits())
        case .posixSharedMemory: metrics.add(snapshot.posixSharedMemory.rows)
        default: metrics.add(snapshot.posixSemaphores.rows)
        }
        metrics[kind]?.orphaned = orphans
      }
    }
    for uid in metrics.ownerIDs {
      if let name = names.userName(UserID(rawValue: uid)) { metrics.userNames[uid] = name }
    }
    return !failed
  }

  /// How many of `snapshot`'s objects of `kind` ORPHANED says yes of (one scan of /proc for the attachments,
  /// each recorded pid judged once).
  static func orphanCount(_ snapshot: Snapshot, _ kind: ObjectKind, context: inout RowContext) -> UInt64 {
    var count: UInt64 = 0
    for index in 0..<snapshot.count(kind) where ColumnRegistry.orphaned(snapshot.object(kind, at: index), &context) {
      count += 1
    }
    return count
  }

  /// The user names of the owners of `rows`, where the passwd database has one.
  private static func userNames(of rows: [some SystemVObject], names: inout NameCache) -> [UInt32: [UInt8]] {
    var result: [UInt32: [UInt8]] = [:]
    for row in rows {
      let owner = row.ownership.owner
      if result[owner.rawValue] == nil, let name = names.userName(owner) { result[owner.rawValue] = name }
    }
    return result
  }
}

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
    output(options, program: program, to: &out) { out in
      writeMetrics(
        set,
        kinds: options.sections,
        catalog: catalog,
        namespace: namespace,
        filter: &filter,
        program: program,
        to: &out
      )
    }
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
    var unused = OutputBuffer()
    // The live sources act in the namespace the thread has entered.
    var filter = SnapshotFilter(options.selection, files: LiveFiles(), sysV: LiveSysV())
    let status = NamespaceWalk.forEach(program: program, to: &unused) { visit, _ in
      gathered.append(
        gather(
          set,
          kinds: options.sections,
          catalog: visit.place.catalog(),
          namespace: visit.id,
          filter: &filter,
          program: program
        )
      )
      return 0
    }
    let written = output(options, program: program, to: &out) { out in
      PrometheusText.appendObjects(gathered.compactMap(\.queues), to: &out)
      PrometheusText.appendObjects(gathered.compactMap(\.segments), to: &out)
      PrometheusText.appendObjects(gathered.compactMap(\.semaphoreSets), to: &out)
      PrometheusText.appendSummary(gathered.map { ($0.namespace, $0.metrics) }, to: &out)
    }
    return max(status, written)
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
    var names = NameCache()
    var gathered = GatheredMetrics(
      namespace: namespace,
      metrics: IPCMetrics(pageSize: KernelFigures<SysV, Files>.pageSize)
    )
    let kernel = catalog.figures
    for kind in kinds {
      var snapshot = catalog.snapshot([kind])
      report(snapshot.skipped, program: program)
      filter.apply(&snapshot)
      let orphans = set.orphans ? orphanCount(snapshot, kind, context: &filter.context) : nil
      switch kind {
      case .messageQueue:
        guard snapshot.queues.source != nil else { continue }
        let rows = snapshot.queues.rows
        gathered.metrics.add(rows, limits: kernel.messageQueueLimits())
        gathered.metrics.queues?.orphaned = orphans
        if set.objects {
          gathered.queues = PrometheusObjects(
            namespace: namespace,
            rows: rows,
            userNames: userNames(of: rows, names: &names)
          )
        }
      case .sharedMemorySegment:
        guard snapshot.segments.source != nil else { continue }
        let rows = snapshot.segments.rows
        gathered.metrics.add(rows, limits: kernel.sharedMemoryLimits())
        gathered.metrics.segments?.orphaned = orphans
        gathered.metrics.add(kernel.sharedMemoryUsage())
        if set.objects {
          gathered.segments = PrometheusObjects(
            namespace: namespace,
            rows: rows,
            userNames: userNames(of: rows, names: &names)
          )
        }
      case .semaphoreSet:
        guard snapshot.semaphoreSets.source != nil else { continue }
        let rows = snapshot.semaphoreSets.rows
        gathered.metrics.add(rows, limits: kernel.semaphoreLimits())
        gathered.metrics.semaphoreSets?.orphaned = orphans
        if set.objects {
          gathered.semaphoreSets = PrometheusObjects(
            namespace: namespace,
            rows: rows,
            userNames: userNames(of: rows, names: &names)
          )
        }
      case .posixSharedMemory, .posixMessageQueue, .posixSemaphore:
        continue
      }
    }
    for uid in gathered.metrics.ownerIDs {
      if let name = names.userName(UserID(rawValue: uid)) { gathered.metrics.userNames[uid] = name }
    }
    return gathered
  }

  /// Reads the kinds one at a time, as the listing does (a kind's rows are let go before the next is read),
  /// writing each kind's per-object series as it goes and keeping only counts and sums; then the summary.
  static func writeMetrics<SysV: SysVSource, Files: FileSource>(
    _ set: MetricsSet,
    kinds: [ObjectKind],
    catalog: Catalog<SysV, Files>,
    namespace: NamespaceID? = nil,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) {
    let kernel = catalog.figures
    var names = NameCache()
    var metrics = IPCMetrics(pageSize: KernelFigures<SysV, Files>.pageSize)
    for kind in kinds {
      var snapshot = catalog.snapshot([kind])
      report(snapshot.skipped, program: program)
      filter.apply(&snapshot)
      let orphans = set.orphans ? orphanCount(snapshot, kind, context: &filter.context) : nil
      switch kind {
      case .messageQueue:
        // No source answered: the kernel has no message queues (or none can be read), so no series.
        guard snapshot.queues.source != nil else { continue }
        let rows = snapshot.queues.rows
        metrics.add(rows, limits: kernel.messageQueueLimits())
        metrics.queues?.orphaned = orphans
        if set.objects {
          PrometheusText.appendObjects(
            [PrometheusObjects(namespace: namespace, rows: rows, userNames: userNames(of: rows, names: &names))],
            to: &out
          )
        }
      case .sharedMemorySegment:
        guard snapshot.segments.source != nil else { continue }
        let rows = snapshot.segments.rows
        metrics.add(rows, limits: kernel.sharedMemoryLimits())
        metrics.segments?.orphaned = orphans
        metrics.add(kernel.sharedMemoryUsage())
        if set.objects {
          PrometheusText.appendObjects(
            [PrometheusObjects(namespace: namespace, rows: rows, userNames: userNames(of: rows, names: &names))],
            to: &out
          )
        }
      case .semaphoreSet:
        guard snapshot.semaphoreSets.source != nil else { continue }
        let rows = snapshot.semaphoreSets.rows
        metrics.add(rows, limits: kernel.semaphoreLimits())
        metrics.semaphoreSets?.orphaned = orphans
        if set.objects {
          PrometheusText.appendObjects(
            [PrometheusObjects(namespace: namespace, rows: rows, userNames: userNames(of: rows, names: &names))],
            to: &out
          )
        }
      case .posixSharedMemory, .posixMessageQueue, .posixSemaphore:
        continue  // POSIX kinds have no metrics yet: --prometheus selects System V kinds only.
      }
    }
    for uid in metrics.ownerIDs {
      if let name = names.userName(UserID(rawValue: uid)) { metrics.userNames[uid] = name }
    }
    PrometheusText.appendSummary([(namespace, metrics)], to: &out)
  }

  /// How many of `snapshot`'s objects of `kind` ORPHANED says yes of (one scan of /proc for the attachments,
  /// each recorded pid judged once).
  static func orphanCount(_ snapshot: Snapshot, _ kind: ObjectKind, context: inout RowContext) -> UInt64 {
    guard kind.family == .systemV else { return 0 }
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

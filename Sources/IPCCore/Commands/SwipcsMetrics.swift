package import IPCModel

extension Swipcs {
  /// `--prometheus` and `--textfile`: the metrics, on stdout or replacing the file.
  static func runMetrics(
    _ set: MetricsSet,
    options: SwipcsOptions,
    catalog: LiveCatalog,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    guard let path = options.textfile else {
      writeMetrics(set, kinds: options.sections, catalog: catalog, filter: &filter, program: program, to: &out)
      return 0
    }
    let file = AtomicFile(sink: LiveFileSink(), path: path)
    let failure = file.write { buffer in
      writeMetrics(set, kinds: options.sections, catalog: catalog, filter: &filter, program: program, to: &buffer)
    }
    if let failure {
      program.warn(failure)
      return 1
    }
    return 0
  }

  /// Reads the kinds one at a time, as the listing does (a kind's rows are let go before the next is read),
  /// writing each kind's per-object series as it goes and keeping only counts and sums; then the summary.
  static func writeMetrics<SysV: SysVSource, Files: FileSource>(
    _ set: MetricsSet,
    kinds: [ObjectKind],
    catalog: Catalog<SysV, Files>,
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
      switch kind {
      case .messageQueue:
        // No source answered: the kernel has no message queues (or none can be read), so no series.
        guard snapshot.queues.source != nil else { continue }
        let rows = snapshot.queues.rows
        metrics.add(rows, limits: kernel.messageQueueLimits())
        if set == .objects {
          PrometheusText.appendObjects(rows, userNames: userNames(of: rows, names: &names), to: &out)
        }
      case .sharedMemorySegment:
        guard snapshot.segments.source != nil else { continue }
        let rows = snapshot.segments.rows
        metrics.add(rows, limits: kernel.sharedMemoryLimits())
        metrics.add(kernel.sharedMemoryUsage())
        if set == .objects {
          PrometheusText.appendObjects(rows, userNames: userNames(of: rows, names: &names), to: &out)
        }
      case .semaphoreSet:
        guard snapshot.semaphoreSets.source != nil else { continue }
        let rows = snapshot.semaphoreSets.rows
        metrics.add(rows, limits: kernel.semaphoreLimits())
        if set == .objects {
          PrometheusText.appendObjects(rows, userNames: userNames(of: rows, names: &names), to: &out)
        }
      }
    }
    for uid in metrics.ownerIDs {
      if let name = names.userName(UserID(rawValue: uid)) { metrics.userNames[uid] = name }
    }
    PrometheusText.appendSummary(metrics, to: &out)
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

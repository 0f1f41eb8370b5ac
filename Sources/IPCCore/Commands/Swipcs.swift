import Glibc
package import IPCModel

/// The `swipcs` tool: ipcs's behaviour on IPCCore.
package enum Swipcs {
  /// Runs swipcs on this process's arguments and returns the exit status.
  package static func main() -> Int32 {
    ToolFrame.main(tool: "swipcs", parse: SwipcsCommandLine.parse, help: SwipcsCommandLine.help, run: run)
  }

  static func run(_ options: SwipcsOptions, program: Program, to out: inout OutputBuffer) -> Int32 {
    let catalog = LiveCatalog()
    var filter = SnapshotFilter(options.selection, files: catalog.files)
    if let columns = options.columns {
      return showColumns(columns, options: options, catalog: catalog, filter: &filter, program: program, to: &out)
    }
    if let set = options.metrics {
      return runMetrics(set, options: options, catalog: catalog, filter: &filter, program: program, to: &out)
    }
    if let id = options.id {
      return showDetail(id: id, options: options, catalog: catalog, filter: &filter, program: program, to: &out)
    }
    let decimalPoint = ProcessLocale.decimalPoint()
    let figures = FiguresText(
      unit: options.unit,
      decimalPoint: decimalPoint,
      pageSize: KernelFigures<LiveSysV, LiveFiles>.pageSize
    )
    let kernel = catalog.figures
    var text = ListingText(unit: options.unit, decimalPoint: decimalPoint)
    out.append("\n")
    // Sections come in ipcs's fixed order, whatever the order of the options.
    for kind in options.sections {
      // One kind at a time: its rows are rendered and let go before the next kind is read, which keeps the peak
      // memory of a 96,000-object listing to one kind's rows.
      var snapshot = Snapshot()
      if case .list = options.view {
        snapshot = catalog.snapshot([kind])
        report(snapshot.skipped, program: program)
        filter.apply(&snapshot)
      }
      switch (options.view, kind) {
      case (.list(let format), .messageQueue): text.appendSection(snapshot.queues.rows, format: format, to: &out)
      case (.list(let format), .sharedMemorySegment):
        text.appendSection(snapshot.segments.rows, format: format, to: &out)
      case (.list(let format), .semaphoreSet): text.appendSection(snapshot.semaphoreSets.rows, format: format, to: &out)
      case (.limits, .messageQueue): figures.appendLimits(kernel.messageQueueLimits(), to: &out)
      case (.limits, .sharedMemorySegment): figures.appendLimits(kernel.sharedMemoryLimits(), to: &out)
      case (.limits, .semaphoreSet): figures.appendLimits(kernel.semaphoreLimits(), to: &out)
      case (.summary, .messageQueue): figures.appendUsage(kernel.messageQueueUsage(), to: &out)
      case (.summary, .sharedMemorySegment): figures.appendUsage(kernel.sharedMemoryUsage(), to: &out)
      case (.summary, .semaphoreSet): figures.appendUsage(kernel.semaphoreUsage(), to: &out)
      }
      out.append("\n")
    }
    return 0
  }

  /// The column views (`-o`, `--json`, `--raw`, `--export`, `--global`): one table per kind, each kind read,
  /// written and let go in turn; rows are made as they are written.
  static func showColumns(
    _ columns: ColumnOptions,
    options: SwipcsOptions,
    catalog: LiveCatalog,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    let time = filter.context.now
    let cells = CellText(
      bytes: options.unit == .bytes,
      timeFormat: columns.timeFormat ?? (columns.form == .json ? .iso : .short),
      numericPermissions: columns.numericPermissions,
      decimalPoint: ProcessLocale.decimalPoint(),
      now: time
    )
    var writer = TableWriter(form: columns.form, headings: columns.headings, truncate: columns.truncate, cells: cells)
    writer.begin(to: &out)
    if columns.global {
      let snapshot = catalog.snapshot(options.sections)
      report(snapshot.skipped, program: program)
      let resources = GlobalResource.resources(options.sections, figures: catalog.figures, snapshot: snapshot)
      let table = Table(name: "ipclimits", columns: columns.globalColumns, count: resources.count)
      writer.write(table, to: &out) { index, cells in
        for column in table.columns { cells.append(column.globalValue(resources[index])) }
      }
    } else {
      for kind in options.sections {
        var snapshot = catalog.snapshot([kind])
        report(snapshot.skipped, program: program)
        filter.apply(&snapshot)
        var indices = 0..<snapshot.count(kind)
        if let id = options.id {
          let found = id < 0 ? indices.first : indices.first { snapshot.object(kind, at: $0).id == id }
          indices = found.map { $0..<($0 + 1) } ?? 0..<0
          if found == nil { program.warn("id \(id) not found") }
        }
        let table = Table(
          name: ColumnRegistry.tableName(kind),
          columns: columns.columns(for: kind),
          count: indices.count
        )
        // Every row is of one kind: which columns apply, and their getters, are looked up once per table.
        let getters = table.columns.map { $0.scope.applies(to: kind) ? $0.value : nil }
        writer.write(table, to: &out) { index, cells in
          let object = snapshot.object(kind, at: indices.lowerBound + index)
          for getter in getters { cells.append(getter?(object, &filter.context) ?? .notApplicable) }
        }
      }
    }
    writer.end(to: &out)
    return 0
  }

  /// The object `-i id` names, as util-linux finds it: an exact id match, or for a negative id (which util-linux
  /// takes as "list all") the first object of the kind.
  private static func find<Row: SystemVObject>(_ id: Int32, in rows: [Row]) -> Row? {
    id < 0 ? rows.first : rows.first { $0.id == id }
  }

  /// Shows the object `-i ID` names, of the one kind given.
  ///
  /// Format options are ignored; units apply. Not found is a message on stderr and exit status 0, as in util-linux.
  static func showDetail(
    id: Int32,
    options: SwipcsOptions,
    catalog: LiveCatalog,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    var text = DetailText(unit: options.unit, decimalPoint: ProcessLocale.decimalPoint())
    var snapshot = catalog.snapshot(options.sections)
    report(snapshot.skipped, program: program)
    // An object the selection leaves out is not found, as in every other view.
    filter.apply(&snapshot)
    if var queue = find(id, in: snapshot.queues.rows) {
      // util-linux asks IPC_STAT for qbytes alone; without read permission that fails and it shows 0. A negative
      // id never gets that far.
      queue.capacityBytes = id < 0 ? nil : (try? catalog.sysV.statQueue(id, .identifier))?.capacityBytes
      text.append(queue, requestedID: id, to: &out)
      return 0
    }
    if let segment = find(id, in: snapshot.segments.rows) {
      text.append(segment, requestedID: id, to: &out)
      return 0
    }
    // util-linux 2.38.1 crashes on a negative semaphore id when sets exist; swipcs treats it as not found.
    if id >= 0, let set = find(id, in: snapshot.semaphoreSets.rows) {
      let values: [SemaphoreValue]
      do throws(IPCError) {
        values = try catalog.sysV.semaphoreValues(id: id, count: Int(clamping: set.semaphoreCount))
      } catch {
        program.warn(error.message)
        return 1
      }
      text.append(set, values: values, requestedID: id, to: &out)
      return 0
    }
    program.warn("id \(id) not found")
    return 0
  }

  /// Lines of /proc/sysvipc that did not parse are left out, as util-linux leaves them out, but not silently.
  static func report(_ skipped: [ProcParseError], program: Program) {
    for problem in skipped { program.warn("\(problem); line left out") }
  }
}

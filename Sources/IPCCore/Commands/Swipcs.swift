import Glibc
package import IPCModel

/// The `swipcs` tool: ipcs's behaviour on IPCCore.
package enum Swipcs {
  /// Runs swipcs on this process's arguments and returns the exit status.
  package static func main() -> Int32 {
    ToolFrame.main(tool: "swipcs", parse: SwipcsCommandLine.parse, help: SwipcsCommandLine.help, run: run)
  }

  static func run(_ options: SwipcsOptions, program: Program, to out: inout OutputBuffer) -> Int32 {
    if options.allNamespaces {
      // The column views and the metrics make one document of every namespace; ipcs's text, one block each.
      if let columns = options.columns {
        return showColumnsEverywhere(columns, options: options, program: program, to: &out)
      }
      if let set = options.metrics {
        return runMetricsEverywhere(set, options: options, program: program, to: &out)
      }
      var seen: [PosixFileIdentity: NamespaceID] = [:]
      return NamespaceWalk.forEach(program: program, to: &out) { visit, out in
        out.append(visit.header.bytes)
        let options = options.visiting(visit.place, seen: &seen, program: program)
        return runHere(options, place: visit.place, program: program, to: &out)
      }
    }
    guard let place = NamespaceWalk.enter(options.namespace, program: program) else { return 1 }
    return runHere(options, place: place, program: program, to: &out)
  }

  /// Does the work in the IPC namespace the thread is in, `place`.
  static func runHere(
    _ options: SwipcsOptions,
    place: NamespacePlace,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    let catalog = place.catalog()
    var filter = SnapshotFilter(options.selection, files: catalog.files, sysV: catalog.sysV)
    if options.processes {
      var status = showProcesses(options: options, catalog: catalog, filter: &filter, program: program, to: &out)
      if options.readsSharedMemoryDirectory && !place.confirmSharedMemoryDirectory(program: program) { status = 1 }
      return status
    }
    if let columns = options.columns {
      var status = showColumns(columns, options: options, catalog: catalog, filter: &filter, program: program, to: &out)
      if options.readsSharedMemoryDirectory && !place.confirmSharedMemoryDirectory(program: program) { status = 1 }
      return status
    }
    if let set = options.metrics {
      return runMetrics(
        set,
        options: options,
        catalog: catalog,
        namespace: place.namespace,
        filter: &filter,
        program: program,
        to: &out
      )
    }
    if let id = options.id {
      return showDetail(id: id, options: options, catalog: catalog, filter: &filter, program: program, to: &out)
    }
    // Only --human prints a decimal point; the locale is not loaded for the others (see ProcessLocale).
    let decimalPoint = options.unit == .human ? ProcessLocale.decimalPoint() : []
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
        // ipcs's listing shows no namespace: its id is not read (issue 18) unless a selection may need it.
        snapshot = catalog.snapshot([kind], recordingNamespace: filter.selection != nil)
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
      case (_, .posixMessageQueue), (_, .posixSharedMemory), (_, .posixSemaphore):
        break  // never in options.sections: the POSIX kinds have the column views only
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
    let cells = cellText(columns, options: options, now: filter.context.now)
    var writer = TableWriter(form: columns.form, headings: columns.headings, truncate: columns.truncate, cells: cells)
    writer.begin(to: &out)
    let status = writeTables(
      columns,
      options: options,
      catalog: catalog,
      writer: &writer,
      filter: &filter,
      program: program,
      to: &out
    )
    writer.end(to: &out)
    return status
  }

  /// The cell formats of a column view, its ages counted from `time`.
  private static func cellText(_ columns: ColumnOptions, options: SwipcsOptions, now time: Timestamp) -> CellText {
    CellText(
      bytes: options.unit == .bytes,
      timeFormat: columns.timeFormat ?? (columns.form == .json ? .iso : .short),
      numericPermissions: columns.numericPermissions,
      decimalPoint: ProcessLocale.decimalPoint(),
      now: time
    )
  }

  /// `--all-namespaces` in a column view: every namespace's tables.
  ///
  /// JSON: one document, `{"namespaces": [...]}`, an object per namespace with its inode, process count, up to
  /// 16 member processes with their commands, the container its cgroup path shows, and its tables as the
  /// document of one namespace holds them (`docs/swipcs.schema.json`). The text forms: NS first in every table;
  /// the aligned table also has each namespace's header line.
  static func showColumnsEverywhere(
    _ columns: ColumnOptions,
    options: SwipcsOptions,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    var columns = columns
    columns.namespaceFirst = columns.form != .json
    // The live sources act in the namespace the thread has entered.
    var filter = SnapshotFilter(options.selection, files: LiveFiles(), sysV: LiveSysV())
    let cells = cellText(columns, options: options, now: filter.context.now)
    var writer = TableWriter(form: columns.form, headings: columns.headings, truncate: columns.truncate, cells: cells)
    if columns.form == .json {
      writer.jsonIndent = 6
      out.append("{\n   \"namespaces\": [")
    }
    var visited = 0
    var seen: [PosixFileIdentity: NamespaceID] = [:]
    let status = NamespaceWalk.forEach(program: program, to: &out) { visit, out in
      defer { visited += 1 }
      let options = options.visiting(visit.place, seen: &seen, program: program)
      switch columns.form {
      case .json:
        out.append(visited == 0 ? "\n" : ",\n")
        appendNamespaceJSON(visit, to: &out)
      case .table:
        if visited > 0 { out.append("\n") }
        out.append(visit.header.bytes)
      case .raw, .export: break
      }
      writer.startGroup()
      let catalog = visit.place.catalog()
      var status = writeTables(
        columns,
        options: options,
        catalog: catalog,
        writer: &writer,
        filter: &filter,
        program: program,
        to: &out
      )
      if columns.form == .json { out.append("\n      }") }
      if options.readsSharedMemoryDirectory && !visit.place.confirmSharedMemoryDirectory(program: program) {
        status = 1
      }
      return status
    }
    if columns.form == .json { out.append(visited == 0 ? "]\n}\n" : "\n   ]\n}\n") }
    return status
  }

  /// The opening of a namespace's object in the JSON of `--all-namespaces`, up to its tables.
  static func appendNamespaceJSON(_ visit: NamespaceVisit, to out: inout OutputBuffer) {
    out.append("      {\n         \"ns\": ")
    out.appendDecimal(visit.id.rawValue)
    out.append(",\n         \"processes\": ")
    out.appendDecimal(visit.pids.count)
    out.append(",\n         \"members\": [")
    // The process entered through first, then the lowest pids, 16 at most.
    let entered = visit.description.pid
    let others = visit.pids.lazy.filter { $0 != entered }.prefix(15)
    let members = [(entered, visit.description.command)] + NamespaceWalk.commands(of: others)
    for (index, member) in members.enumerated() {
      out.append(index == 0 ? "\n            {\"pid\": " : ",\n            {\"pid\": ")
      out.appendDecimal(member.0)
      out.append(", \"command\": ")
      CellText.appendJSONString(member.1, to: &out)
      out.append("}")
    }
    out.append("\n         ],\n         \"container\": ")
    if let container = visit.description.container {
      out.append("{\"runtime\": ")
      appendJSONString(container.runtime?.rawValue, to: &out)
      out.append(", \"id\": ")
      appendJSONString(container.containerID, to: &out)
      out.append(", \"pod\": ")
      appendJSONString(container.podUID, to: &out)
      out.append("}")
    } else {
      out.append("null")
    }
  }

  private static func appendJSONString(_ text: String?, to out: inout OutputBuffer) {
    guard let text else { return out.append("null") }
    CellText.appendJSONString(Array(text.utf8), to: &out)
  }

  /// The tables of the namespace the thread is in: the `--global` table, or one table per kind, each kind read,
  /// written and let go in turn; 1 when a kind could not be read (said on stderr, its table left out), else 0.
  static func writeTables(
    _ columns: ColumnOptions,
    options: SwipcsOptions,
    catalog: LiveCatalog,
    writer: inout TableWriter,
    filter: inout SnapshotFilter,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    var status: Int32 = 0
    if columns.global {
      let snapshot = catalog.snapshot(options.tableKinds)
      report(snapshot.skipped, program: program)
      var resources = GlobalResource.resources(options.tableKinds, figures: catalog.figures, snapshot: snapshot)
      for index in resources.indices { resources[index].namespace = snapshot.namespace }
      let table = Table(name: "ipclimits", columns: columns.globalColumns, count: resources.count)
      writer.write(table, to: &out) { index, cells in
        for column in table.columns { cells.append(column.globalValue(resources[index])) }
      }
    } else {
      for kind in options.tableKinds {
        let (snapshot, indices) = shownObjects(
          kind,
          options: options,
          catalog: catalog,
          filter: &filter,
          program: program,
          negativeIDIsFirst: true
        )
        if let failure = snapshot.posixProblems(kind)?.failure {
          out.flush()
          program.warn(failure)
          status = 1
          continue
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
    return status
  }

  /// One kind's objects as a view shows them: read, the lines left out reported, the selection applied (which
  /// also gives the row context the snapshot's namespace, for NS and the process columns), and with `-i` only the
  /// object of that id, or a message that there is none.
  ///
  /// `negativeIDIsFirst`: util-linux's column views take a negative id as the first object.
  static func shownObjects(
    _ kind: ObjectKind,
    options: SwipcsOptions,
    catalog: LiveCatalog,
    filter: inout SnapshotFilter,
    program: Program,
    negativeIDIsFirst: Bool
  ) -> (Snapshot, Range<Int>) {
    var snapshot = catalog.snapshot([kind])
    report(snapshot.skipped, program: program)
    for entry in snapshot.posixProblems(kind)?.skipped ?? [] { program.warn("\(entry.message); left out") }
    filter.apply(&snapshot)
    var indices = 0..<snapshot.count(kind)
    if let id = options.id {
      let found =
        id < 0 && negativeIDIsFirst ? indices.first : indices.first { snapshot.object(kind, at: $0).id == id }
      indices = found.map { $0..<($0 + 1) } ?? 0..<0
      if found == nil { program.warn("id \(id) not found") }
    }
    return (snapshot, indices)
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
    var text = DetailText(unit: options.unit, decimalPoint: options.unit == .human ? ProcessLocale.decimalPoint() : [])
    var snapshot = catalog.snapshot(options.sections, recordingNamespace: filter.selection != nil)
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

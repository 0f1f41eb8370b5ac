/// The `swipcs` tool: ipcs's behaviour on IPCCore.
package enum Swipcs {
  /// Runs swipcs on this process's arguments and returns the exit status.
  package static func main() -> Int32 {
    Program.exitStatus(run())
  }

  private static func run() -> Int32 {
    Locale.adoptEnvironment()
    let arguments = ProcessArguments.entry()
    let program = Program.current(arguments, tool: "swipcs")
    guard let arguments else {
      program.reportEmptyCommandLine()
      return 1
    }
    var out = OutputBuffer(descriptor: 1)
    let status: Int32
    switch SwipcsCommandLine.parse(argc: arguments.count, argv: arguments.vector, program: program) {
    case .failed:
      return 1
    case .help:
      out.append(SwipcsCommandLine.help(for: program).bytes)
      status = 0
    case .version:
      out.append(Version.line(for: program).bytes)
      status = 0
    case .run(let options):
      status = run(options, program: program, to: &out)
    }
    if let failure = out.finish() {
      program.warn(failure)
      return 1
    }
    return status
  }

  static func run(_ options: SwipcsOptions, program: Program, to out: inout OutputBuffer) -> Int32 {
    if let id = options.id { return showDetail(id: id, options: options, program: program, to: &out) }
    let decimalPoint = Locale.decimalPoint()
    let figures = FiguresText(unit: options.unit, decimalPoint: decimalPoint, pageSize: KernelFigures.pageSize)
    var text = ListingText(unit: options.unit, decimalPoint: decimalPoint)
    out.append("\n")
    // Sections come in ipcs's fixed order, whatever the order of the options.
    if options.messageQueues {
      switch options.view {
      case .list(let format): text.appendSection(listing(MessageQueue.self, program), format: format, to: &out)
      case .limits: figures.appendLimits(KernelFigures.messageQueueLimits(), to: &out)
      case .summary: figures.appendUsage(KernelFigures.messageQueueUsage(), to: &out)
      }
      out.append("\n")
    }
    if options.sharedMemory {
      switch options.view {
      case .list(let format): text.appendSection(listing(SharedMemorySegment.self, program), format: format, to: &out)
      case .limits: figures.appendLimits(KernelFigures.sharedMemoryLimits(), to: &out)
      case .summary: figures.appendUsage(KernelFigures.sharedMemoryUsage(), to: &out)
      }
      out.append("\n")
    }
    if options.semaphores {
      switch options.view {
      case .list(let format): text.appendSection(listing(SemaphoreSet.self, program), format: format, to: &out)
      case .limits: figures.appendLimits(KernelFigures.semaphoreLimits(), to: &out)
      case .summary: figures.appendUsage(KernelFigures.semaphoreUsage(), to: &out)
      }
      out.append("\n")
    }
    return 0
  }

  private static func listing<Row: KernelListable>(_ type: Row.Type, _ program: Program) -> [Row] {
    let listing = ObjectCatalog.list(Row.self)
    report(listing.skipped, program: program)
    return listing.rows
  }

  /// The object `-i id` names, as util-linux finds it: an exact id match, or for a negative id (which util-linux
  /// takes as "list all") the first object of the kind.
  private static func find<Row: KernelListable>(_ id: Int32, in rows: [Row]) -> Row? {
    id < 0 ? rows.first : rows.first { $0.permissions.id == id }
  }

  /// Shows the object `-i ID` names, of the one kind given.
  ///
  /// Format options are ignored; units apply. Not found is a message on stderr and exit status 0, as in util-linux.
  static func showDetail(id: Int32, options: SwipcsOptions, program: Program, to out: inout OutputBuffer) -> Int32 {
    var text = DetailText(unit: options.unit, decimalPoint: Locale.decimalPoint())
    if options.messageQueues, var queue = find(id, in: listing(MessageQueue.self, program)) {
      // util-linux asks IPC_STAT for qbytes alone; without read permission that fails and it shows 0. A negative
      // id never gets that far.
      queue.capacityBytes = id < 0 ? nil : (try? MessageQueue.stat(id, lookup: .identifier))?.capacityBytes
      text.append(queue, requestedID: id, to: &out)
      return 0
    }
    if options.sharedMemory, let segment = find(id, in: listing(SharedMemorySegment.self, program)) {
      text.append(segment, requestedID: id, to: &out)
      return 0
    }
    // util-linux 2.38.1 crashes on a negative semaphore id when sets exist; swipcs treats it as not found.
    if options.semaphores, id >= 0, let set = find(id, in: listing(SemaphoreSet.self, program)) {
      let values: [SemaphoreValue]
      do throws(IPCError) {
        values = try SemaphoreCalls.values(id: id, count: Int(clamping: set.count))
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
  private static func report(_ skipped: [ProcParseError], program: Program) {
    for problem in skipped { program.warn("\(problem); line left out") }
  }
}

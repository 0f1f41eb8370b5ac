/// The `swipcs` tool: ipcs's behaviour on IPCCore.
package enum Swipcs {
  /// Runs swipcs on this process's arguments and returns the exit status.
  package static func main() -> Int32 {
    Locale.adoptEnvironment()
    let program = Program.current()
    var out = OutputBuffer(descriptor: 1)
    let status: Int32
    switch SwipcsCommandLine.parse(argc: CommandLine.argc, argv: CommandLine.unsafeArgv, program: program) {
    case .failed:
      return 1
    case .help:
      out.append(Array(SwipcsCommandLine.help(for: program).utf8))
      status = 0
    case .version:
      out.append(Array(Version.line(for: program).utf8))
      status = 0
    case .run(let options):
      status = run(options, program: program, to: &out)
    }
    if let code = out.finish() {
      program.warn("write error: \(Errno.message(code))")
      return 1
    }
    return status
  }

  static func run(_ options: SwipcsOptions, program: Program, to out: inout OutputBuffer) -> Int32 {
    if options.id != nil {
      program.warn("-i is not available yet in this version")
      return 1
    }
    guard case .list(let format) = options.view else {
      program.warn("-l and -u are not available yet in this version")
      return 1
    }
    var text = ListingText(unit: options.unit, decimalPoint: Locale.decimalPoint())
    out.append("\n")
    // Sections come in ipcs's fixed order, whatever the order of the options.
    if options.messageQueues {
      let listing = ObjectCatalog.list(MessageQueue.self)
      report(listing.skipped, program: program)
      text.appendSection(listing.rows, format: format, to: &out)
      out.append("\n")
    }
    if options.sharedMemory {
      let listing = ObjectCatalog.list(SharedMemorySegment.self)
      report(listing.skipped, program: program)
      text.appendSection(listing.rows, format: format, to: &out)
      out.append("\n")
    }
    if options.semaphores {
      let listing = ObjectCatalog.list(SemaphoreSet.self)
      report(listing.skipped, program: program)
      text.appendSection(listing.rows, format: format, to: &out)
      out.append("\n")
    }
    return 0
  }

  /// Lines of /proc/sysvipc that did not parse are left out, as util-linux leaves them out, but not silently.
  private static func report(_ skipped: [ProcParseError], program: Program) {
    for problem in skipped { program.warn("\(problem); line left out") }
  }
}

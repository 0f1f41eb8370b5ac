package import IPCModel

/// What reading a command line came to.
package enum ParsedCommandLine<Request: Equatable & Sendable>: Equatable, Sendable {
  case run(Request)
  case help
  case version
  /// A message was printed; exit 1, having done nothing.
  case failed
}

/// What both tools do around their work, as util-linux's `main` and `close_stdout` do it: the locale, the
/// command line from the process entry, `--help` and `--version`, stdout written where stdio would write it, a
/// write error reported at the end, and exit status 1 when stderr could not be written.
package enum ToolFrame {
  /// - Parameters:
  ///   - tool: the tool's own name (its manual page; argv[0]'s name when there is no argv).
  ///   - nothingWithoutArguments: util-linux ipcrm with no argument at all does nothing and exits 0.
  ///   - parse: reads and checks the whole command line; prints its own messages.
  ///   - help: the `--help` text.
  ///   - run: does the work, writing to the buffer, and returns the exit status.
  /// - Returns: the process's exit status.
  package static func main<Request>(
    tool: String,
    nothingWithoutArguments: Bool = false,
    parse: (ProcessArguments, Program) -> ParsedCommandLine<Request>,
    help: (Program) -> Message,
    run: (Request, Program, inout OutputBuffer) -> Int32
  ) -> Int32 {
    // The locale (util-linux's first call) is set when first needed: see ProcessLocale.
    let arguments = ProcessArguments.entry()
    let program = Program.current(arguments, tool: tool)
    // An empty argv is an error: taken for "no arguments" it would make swipcrm exit 0 having removed nothing.
    guard let arguments else {
      program.reportEmptyCommandLine()
      return Program.exitStatus(1)
    }
    if nothingWithoutArguments && arguments.count == 1 { return Program.exitStatus(0) }
    var out = OutputBuffer(descriptor: 1)
    let status: Int32
    switch parse(arguments, program) {
    case .failed:
      return Program.exitStatus(1)
    case .help:
      out.append(help(program).bytes)
      status = 0
    case .version:
      out.append(Version.line(for: program).bytes)
      status = 0
    case .run(let request):
      status = run(request, program, &out)
    }
    if let failure = out.finish() {
      program.warn(failure)
      return Program.exitStatus(1)
    }
    return Program.exitStatus(status)
  }
}

package import IPCModel

/// The `swipcrm` tool: ipcrm's behaviour on IPCCore, with the command line checked before anything is removed.
package enum Swipcrm {
  /// Runs swipcrm on this process's arguments and returns the exit status.
  package static func main() -> Int32 {
    Program.exitStatus(run())
  }

  private static func run() -> Int32 {
    let arguments = ProcessArguments.entry()
    let program = Program.current(arguments, tool: "swipcrm")
    // An empty argv is an error: taken for "no arguments" it would exit 0 having removed nothing.
    guard let arguments else {
      program.reportEmptyCommandLine()
      return 1
    }
    // util-linux ipcrm with no arguments does nothing at all.
    if arguments.count == 1 { return 0 }
    Locale.adoptEnvironment()
    // Error lines go straight to stderr between the verbose lines: stdout is written where stdio would write it.
    var out = OutputBuffer(descriptor: 1)
    var status: Int32 = 0
    switch SwipcrmCommandLine.parse(arguments, program: program) {
    case .failed:
      return 1
    case .help:
      out.append(SwipcrmCommandLine.help(for: program).bytes)
    case .version:
      out.append(Version.line(for: program).bytes)
    case .legacy(let kind, let ids):
      status = execute(program: program, to: &out) { (remover: inout Remover, out) throws(FatalRemovalError) in
        for id in ids { try remover.remove(kind, id: id, byKey: false, verbose: false, to: &out) }
        if remover.reporter.failures == 0 { remover.reporter.allDeleted(to: &out) }
      }
    case .run(let plan):
      status = execute(program: program, dryRun: plan.dryRun, to: &out) {
        (remover: inout Remover, out) throws(FatalRemovalError) in
        for step in plan.steps {
          switch step.target {
          case .id(let id): try remover.remove(step.kind, id: id, byKey: false, verbose: step.verbose, to: &out)
          case .key(let key, let typed):
            try remover.remove(step.kind, key: key, typed: typed, verbose: step.verbose, to: &out)
          }
        }
        // -a comes after the other options, in util-linux's order.
        for kind in ObjectKind.ipcrmAll where plan.allOf.contains(kind) {
          try remover.removeAll(kind, verbose: plan.verbose, to: &out)
        }
      }
    }
    if let failure = out.finish() {
      program.warn(failure)
      return 1
    }
    return status
  }

  /// Runs `body` with a remover on the live kernel; exit status 1 when anything failed, as soon as a fatal error
  /// happens.
  private static func execute(
    program: Program,
    dryRun: Bool = false,
    to out: inout OutputBuffer,
    _ body: (inout Remover<LiveSysV, LiveFiles>, inout OutputBuffer) throws(FatalRemovalError) -> Void
  ) -> Int32 {
    var remover = Remover(catalog: LiveCatalog(), program: program, dryRun: dryRun)
    do throws(FatalRemovalError) {
      try body(&remover, &out)
    } catch {
      program.warn(error.message)
      return 1
    }
    return remover.reporter.failures == 0 ? 0 : 1
  }
}

package import IPCModel

/// The `swipcrm` tool: ipcrm's behaviour on IPCCore, with the command line checked before anything is removed.
package enum Swipcrm {
  /// Runs swipcrm on this process's arguments and returns the exit status.
  package static func main() -> Int32 {
    ToolFrame.main(
      tool: "swipcrm",
      nothingWithoutArguments: true,
      parse: SwipcrmCommandLine.parse,
      help: SwipcrmCommandLine.help,
      run: run
    )
  }

  static func run(_ work: SwipcrmWork, program: Program, to out: inout OutputBuffer) -> Int32 {
    switch work {
    case .legacy(let kind, let ids):
      return execute(program: program, to: &out) { (remover: inout Remover, out) throws(FatalRemovalError) in
        for id in ids { try remover.remove(kind, id: id, byKey: false, verbose: false, to: &out) }
        if remover.reporter.failures == 0 { remover.reporter.allDeleted(to: &out) }
      }
    case .plan(let plan):
      return execute(program: program, dryRun: plan.dryRun, to: &out, preflight: plan.allOf) {
        (remover: inout Remover, out) throws(FatalRemovalError) in
        for step in plan.steps {
          switch step.target {
          case .id(let id): try remover.remove(step.kind, id: id, byKey: false, verbose: step.verbose, to: &out)
          case .key(let key, let typed):
            try remover.remove(step.kind, key: key, typed: typed, verbose: step.verbose, to: &out)
          case .name(let name, let typed):
            try remover.remove(step.kind, name: name, typed: typed, verbose: step.verbose, to: &out)
          }
        }
        // -a comes after the other options, in util-linux master's order.
        for kind in ObjectKind.removalOrder where plan.allOf.contains(kind) {
          try remover.removeAll(kind, verbose: plan.verbose, to: &out)
        }
      }
    }
  }

  /// Runs `body` with a remover on the live kernel; exit status 1 when anything failed, as soon as a fatal error
  /// happens.
  private static func execute(
    program: Program,
    dryRun: Bool = false,
    to out: inout OutputBuffer,
    preflight: ObjectKindSet = [],
    _ body: (inout Remover<LiveSysV, LiveFiles>, inout OutputBuffer) throws(FatalRemovalError) -> Void
  ) -> Int32 {
    var remover = Remover(catalog: LiveCatalog(), program: program, dryRun: dryRun)
    do throws(FatalRemovalError) {
      // A POSIX kind of -a that cannot be listed (queues without root or /dev/mqueue) stops the run before
      // anything is removed, as a bad command line does.
      for kind in ObjectKind.removalOrder where preflight.contains(kind) && kind.family == .posix {
        _ = try remover.posixNames(kind)
      }
      try body(&remover, &out)
    } catch {
      program.warn(error.message)
      return 1
    }
    return remover.reporter.failures == 0 ? 0 : 1
  }
}

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

  static func run(_ command: SwipcrmCommand, program: Program, to out: inout OutputBuffer) -> Int32 {
    // Nothing is removed unless the namespace was entered.
    guard NamespaceWalk.enter(command.namespace, program: program) else { return 1 }
    return run(command.work, program: program, to: &out)
  }

  /// Does the work in the IPC namespace the thread is in.
  static func run(_ work: SwipcrmWork, program: Program, to out: inout OutputBuffer) -> Int32 {
    switch work {
    case .legacy(let kind, let ids):
      return execute(program: program, to: &out) { (remover: inout Remover, out) throws(FatalRemovalError) in
        for id in ids { try remover.remove(kind, id: id, byKey: false, verbose: false, to: &out) }
        if remover.reporter.failures == 0 { remover.reporter.allDeleted(to: &out) }
      }
    case .plan(let plan):
      return execute(program: program, dryRun: plan.dryRun, to: &out) {
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
  }

  /// `--all-namespaces -a KIND… --filter …` (issue 15): in every IPC namespace in use, under its header line,
  /// removes the objects of `kinds` that `selected` takes, as `-a` does (dry run and `-v` included).
  ///
  /// Not reachable from the command line yet: the parser refuses `--all-namespaces` until the selection language
  /// exists, since removing across namespaces without a selection would empty every container. Once `--filter`
  /// parses into a predicate, the parser passes it here.
  static func removeInEveryNamespace(
    _ kinds: Set<ObjectKind>,
    selected: (IPCObject) -> Bool,
    verbose: Bool,
    dryRun: Bool,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    NamespaceWalk.forEach(program: program, to: &out) { out in
      execute(program: program, dryRun: dryRun, to: &out) { (remover: inout Remover, out) throws(FatalRemovalError) in
        for kind in ObjectKind.ipcrmAll where kinds.contains(kind) {
          try remover.removeAll(kind, verbose: verbose, selected: selected, to: &out)
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

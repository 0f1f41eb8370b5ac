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
    guard let place = NamespaceWalk.enter(command.namespace, program: program) else { return 1 }
    var status = run(command.work, place: place, program: program, to: &out)
    if command.work.touchesSharedMemoryDirectory && !place.confirmSharedMemoryDirectory(program: program) {
      status = 1
    }
    return status
  }

  /// Does the work in the IPC namespace the thread is in, `place`.
  static func run(
    _ work: SwipcrmWork,
    place: NamespacePlace = .own,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    let catalog = place.catalog()
    switch work {
    case .legacy(let kind, let ids):
      return execute(catalog, program: program, to: &out) { (remover: inout Remover, out) throws(FatalRemovalError) in
        for id in ids { try remover.remove(kind, id: id, byKey: false, verbose: false, to: &out) }
        if remover.reporter.failures == 0 { remover.reporter.allDeleted(to: &out) }
      }
    case .plan(let plan):
      return execute(catalog, program: program, dryRun: plan.dryRun, to: &out, preflight: plan.allOf) {
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

  /// `--all-namespaces -a KIND… --filter …` (issue 15): in every IPC namespace in use, under its header line,
  /// removes the objects of `kinds` that `selected` takes, as `-a` does (dry run and `-v` included).
  ///
  /// Not reachable from the command line yet: the parser refuses `--all-namespaces` until the selection language
  /// exists, since removing across namespaces without a selection would empty every container. Once `--filter`
  /// parses into a predicate, the parser passes it here.
  static func removeInEveryNamespace(
    _ kinds: ObjectKindSet,
    selected: (IPCObject) -> Bool,
    verbose: Bool,
    dryRun: Bool,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    NamespaceWalk.forEach(program: program, to: &out) { visit, out in
      out.append(visit.header.bytes)
      let catalog = visit.place.catalog()
      var status = execute(catalog, program: program, dryRun: dryRun, to: &out, preflight: kinds) {
        (remover: inout Remover, out) throws(FatalRemovalError) in
        for kind in ObjectKind.removalOrder where kinds.contains(kind) {
          try remover.removeAll(kind, verbose: verbose, selected: selected, to: &out)
        }
      }
      let touched = !kinds.isDisjoint(with: [.posixSharedMemory, .posixSemaphore])
      if touched && !visit.place.confirmSharedMemoryDirectory(program: program) { status = 1 }
      return status
    }
  }

  /// Runs `body` with a remover on the live kernel; exit status 1 when anything failed, as soon as a fatal error
  /// happens.
  private static func execute(
    _ catalog: LiveCatalog,
    program: Program,
    dryRun: Bool = false,
    to out: inout OutputBuffer,
    preflight: ObjectKindSet = [],
    _ body: (inout Remover<LiveSysV, LiveFiles>, inout OutputBuffer) throws(FatalRemovalError) -> Void
  ) -> Int32 {
    var remover = Remover(catalog: catalog, program: program, dryRun: dryRun)
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

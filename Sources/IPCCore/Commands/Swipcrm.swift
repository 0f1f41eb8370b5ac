import Glibc
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
    if command.allNamespaces, case .plan(let plan) = command.work {
      return removeInEveryNamespace(plan, program: program, to: &out)
    }
    guard let place = NamespaceWalk.enter(command.namespace, program: program) else { return 1 }
    // Nothing is removed when /dev/shm is another user namespace's to shape.
    if command.work.touchesSharedMemoryDirectory && !place.mayRemoveFromSharedMemoryDirectory(program: program) {
      return 1
    }
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
      return runPlan(plan, catalog: catalog, program: program, to: &out)
    }
  }

  /// The removals `plan` asks for, in one IPC namespace: what the command line names (narrowed by the selection,
  /// each object re-read and re-checked before its removal), then `-a`'s kinds.
  private static func runPlan(
    _ plan: RemovalPlan,
    catalog: LiveCatalog,
    program: Program,
    to out: inout OutputBuffer
  ) -> Int32 {
    var remover = Remover(catalog: catalog, program: program, dryRun: plan.dryRun)
    // Bound once already, while the command line was read: it cannot fail differently here.
    remover.selection = plan.selection.flatMap { try? Selection($0) }
    if remover.selection != nil { remover.readNamespace() }
    remover.ignoreMissing = plan.ignoreMissing
    remover.recording = plan.json
    remover.afterSelection = testHookAfterSelection()
    var fatal = false
    do throws(FatalRemovalError) {
      // A POSIX kind of -a that cannot be listed (queues without root or /dev/mqueue) stops the run before
      // anything is removed, as a bad command line does.
      for kind in ObjectKind.removalOrder where plan.allOf.contains(kind) && kind.family == .posix {
        _ = try remover.posixNames(kind)
      }
      if remover.selection != nil {
        try remover.removeSelected(plan.steps, to: &out)
      } else {
        for step in plan.steps {
          switch step.target {
          case .id(let id): try remover.remove(step.kind, id: id, byKey: false, verbose: step.verbose, to: &out)
          case .key(let key, let typed):
            try remover.remove(step.kind, key: key, typed: typed, verbose: step.verbose, to: &out)
          case .name(let name, let typed):
            try remover.remove(step.kind, name: name, typed: typed, verbose: step.verbose, to: &out)
          }
        }
      }
      // -a comes after the other options, in util-linux master's order.
      for kind in ObjectKind.removalOrder where plan.allOf.contains(kind) {
        try remover.removeAll(kind, verbose: plan.verbose, to: &out)
      }
    } catch {
      program.warn(error.message)
      fatal = true
    }
    if plan.json {
      RemovalReporter.appendJSON(
        remover.records,
        filter: remover.selection?.text,
        dryRun: plan.dryRun,
        names: &remover.context.names,
        to: &out
      )
    }
    return fatal || remover.reporter.failures > 0 ? 1 : 0
  }

  /// `--all-namespaces -a KIND… --filter …`: in every IPC namespace in use, under its header line, removes the
  /// objects of `-a`'s kinds that the selection takes, as `-a` does (dry run and `-v` included).
  ///
  /// The command line asks for `-a` and a selection, since removing across namespaces without one would empty
  /// every container, and for nothing else (no ids, keys or names, which mean something else in each namespace).
  static func removeInEveryNamespace(_ plan: RemovalPlan, program: Program, to out: inout OutputBuffer) -> Int32 {
    var seen: [PosixFileIdentity: NamespaceID] = [:]
    return NamespaceWalk.forEach(program: program, to: &out) { visit, out in
      out.append(visit.header.bytes)
      var plan = plan
      var status: Int32 = 0
      if SwipcrmWork.plan(plan).touchesSharedMemoryDirectory {
        // The namespace's other kinds are still removed; its /dev/shm is not touched when it is another user
        // namespace's to shape, nor again when it was another namespace's too.
        if !visit.place.mayRemoveFromSharedMemoryDirectory(program: program) {
          plan.allOf = plan.allOf.subtracting(.sharedMemoryDirectory)
          status = 1
        } else if visit.place.sharedMemoryDirectoryAlreadyRead(&seen, program: program) {
          plan.allOf = plan.allOf.subtracting(.sharedMemoryDirectory)
        }
      }
      status = max(status, runPlan(plan, catalog: visit.place.catalog(), program: program, to: &out))
      if SwipcrmWork.plan(plan).touchesSharedMemoryDirectory
        && !visit.place.confirmSharedMemoryDirectory(program: program)
      {
        status = 1
      }
      return status
    }
  }

  /// The test hook of debug builds, `SWIPCRM_TEST_AFTER_SELECTION`.
  ///
  /// A shell command run (and waited for) between the selection and the removals, which the end-to-end tests use to
  /// change an object in that window. Release builds ignore it.
  private static func testHookAfterSelection() -> (() -> Void)? {
    #if DEBUG
    guard let command = getenv("SWIPCRM_TEST_AFTER_SELECTION") else { return nil }
    let text = String(cString: command)
    return {
      var pid: pid_t = 0
      var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(text), nil]
      defer { for pointer in argv { free(pointer) } }
      guard posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ) == 0 else { return }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    #else
    return nil
    #endif
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

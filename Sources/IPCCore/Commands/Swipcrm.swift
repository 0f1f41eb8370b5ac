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

  static func run(_ work: SwipcrmWork, program: Program, to out: inout OutputBuffer) -> Int32 {
    switch work {
    case .legacy(let kind, let ids):
      return execute(program: program, to: &out) { (remover: inout Remover, out) throws(FatalRemovalError) in
        for id in ids { try remover.remove(kind, id: id, byKey: false, verbose: false, to: &out) }
        if remover.reporter.failures == 0 { remover.reporter.allDeleted(to: &out) }
      }
    case .plan(let plan):
      var remover = Remover(catalog: LiveCatalog(), program: program, dryRun: plan.dryRun)
      // Bound once already, while the command line was read: it cannot fail differently here.
      remover.selection = plan.selection.flatMap { try? Selection($0) }
      remover.ignoreMissing = plan.ignoreMissing
      remover.recording = plan.json
      remover.afterSelection = testHookAfterSelection()
      var fatal = false
      do throws(FatalRemovalError) {
        if remover.selection != nil {
          try remover.removeSelected(plan.steps, to: &out)
        } else {
          for step in plan.steps {
            switch step.target {
            case .id(let id): try remover.remove(step.kind, id: id, byKey: false, verbose: step.verbose, to: &out)
            case .key(let key, let typed):
              try remover.remove(step.kind, key: key, typed: typed, verbose: step.verbose, to: &out)
            }
          }
        }
        // -a comes after the other options, in util-linux's order.
        for kind in ObjectKind.ipcrmAll where plan.allOf.contains(kind) {
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

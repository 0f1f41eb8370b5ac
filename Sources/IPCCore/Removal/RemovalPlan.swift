package import IPCModel

/// What one `-m/-q/-s/-M/-Q/-S/--posix-*` asks to remove.
package enum RemovalTarget: Equatable, Sendable {
  case id(Int32)
  /// A key, with the words the user typed (messages quote them as typed).
  case key(IPCKey, typed: [UInt8])
  /// A POSIX object's name, checked, with the words the user typed.
  case name(PosixName, typed: [UInt8])
}

/// One removal, in command-line order.
package struct RemovalStep: Equatable, Sendable {
  package var kind: ObjectKind
  package var target: RemovalTarget
  /// Whether a `-v` came before it (util-linux's `-v` acts on the removals after it).
  package var verbose: Bool

  package init(kind: ObjectKind, target: RemovalTarget, verbose: Bool) {
    self.kind = kind
    self.target = target
    self.verbose = verbose
  }
}

/// Everything a checked command line asks for, before anything is removed.
package struct RemovalPlan: Equatable, Sendable {
  package var steps: [RemovalStep] = []
  /// The kinds `-a` asked for (several `-a` add up), removed after the steps in util-linux master's order: shm,
  /// pshm, sem, psem, msg, pmsg.
  package var allOf: ObjectKindSet = []
  /// Any `-v` anywhere makes `-a` verbose, as in util-linux.
  package var verbose = false
  package var dryRun = false
  /// `--filter` and the shorthands, ANDed: narrows what the steps and `-a` name.
  package var selection: FilterExpression?
  /// `--json`: a report of every object's outcome on stdout.
  package var json = false
  /// `--ignore-missing`: an id or key that does not exist is not a failure.
  package var ignoreMissing = false

  package init() {}
}

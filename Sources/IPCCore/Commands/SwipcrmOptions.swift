package import IPCModel

/// What a checked swipcrm command line asks for.
package enum SwipcrmWork: Equatable, Sendable {
  case plan(RemovalPlan)
  /// `swipcrm shm|msg|sem ID...`.
  case legacy(ObjectKind, [Int32])
}

extension SwipcrmWork {
  /// The POSIX shared memory or semaphores it names or removes with `-a`: those of `/dev/shm`, which belongs to a
  /// mount namespace, not to the IPC namespace.
  package var touchesSharedMemoryDirectory: Bool {
    let kinds = ObjectKindSet.sharedMemoryDirectory
    switch self {
    case .legacy: return false
    case .plan(let plan): return !plan.allOf.isDisjoint(with: kinds) || plan.steps.contains { kinds.contains($0.kind) }
    }
  }
}

/// A checked swipcrm command line: what to remove, and in which IPC namespace.
package struct SwipcrmCommand: Equatable, Sendable {
  package var work: SwipcrmWork
  /// `--ns PID|PATH`; nil for the caller's namespace.
  package var namespace: NamespaceTarget?
  /// `--all-namespaces`: the plan (`-a` and a selection) in every IPC namespace in use.
  package var allNamespaces = false
}

/// The outcome of reading swipcrm's command line.
package typealias SwipcrmRequest = ParsedCommandLine<SwipcrmCommand>

/// swipcrm's options and parser: ipcrm's getopt string `q:m:s:Q:M:S:a::vhV`, plus `-n/--dry-run`.
package enum SwipcrmCommandLine {
  /// `-m/-M/-q/-Q/-s/-S`: one kind, by id or by key.
  ///
  /// The argument, help line and completion follow from those.
  struct RemovalOption {
    let spec: OptionSpec
    let kind: ObjectKind
    let byKey: Bool

    init(_ long: StaticString, _ short: Unicode.Scalar, _ kind: ObjectKind, byKey: Bool) {
      spec = OptionSpec(
        long,
        short: short,
        argument: .required(byKey ? "<key>" : "<id>"),
        help: "remove \(kind.objectNoun) by \(byKey ? "key" : "id")",
        completion: byKey ? .keys(kind) : .ids(kind)
      )
      self.kind = kind
      self.byKey = byKey
    }
  }

  /// In ipcrm's order: each kind by id, then by key.
  static let removals = [
    RemovalOption("shmem-id", "m", .sharedMemorySegment, byKey: false),
    RemovalOption("shmem-key", "M", .sharedMemorySegment, byKey: true),
    RemovalOption("queue-id", "q", .messageQueue, byKey: false),
    RemovalOption("queue-key", "Q", .messageQueue, byKey: true),
    RemovalOption("semaphore-id", "s", .semaphoreSet, byKey: false),
    RemovalOption("semaphore-key", "S", .semaphoreSet, byKey: true),
  ]

  /// `--posix-shmem/--posix-mqueue/--posix-semaphore NAME` (util-linux master's): one POSIX kind, by name.
  struct NameRemovalOption {
    let spec: OptionSpec
    let kind: ObjectKind

    init(_ long: StaticString, code: Int32, _ kind: ObjectKind, help: String) {
      spec = OptionSpec(long, code: code, argument: .required("<name>"), help: help, completion: .names(kind))
      self.kind = kind
    }
  }

  static let nameRemovals = [
    NameRemovalOption("posix-shmem", code: 256, .posixSharedMemory, help: "remove POSIX shared memory segment by name"),
    NameRemovalOption("posix-mqueue", code: 257, .posixMessageQueue, help: "remove POSIX message queue by name"),
    NameRemovalOption("posix-semaphore", code: 258, .posixSemaphore, help: "remove POSIX semaphore by name"),
  ]

  static let all = OptionSpec(
    "all",
    short: "a",
    argument: .optional("[=shm|pshm|msg|pmsg|sem|psem]"),
    help: "remove all (in the specified category)",
    completion: .words(ObjectKind.removalOrder.map(\.typeWord))
  )
  static let dryRun = OptionSpec("dry-run", short: "n", help: "show what would be removed, and remove nothing")
  static let verbose = OptionSpec("verbose", short: "v", help: "explain what is being done")
  static let json = OptionSpec("json", short: "J", help: "report every object's outcome in JSON")
  static let ignoreMissing = OptionSpec(
    "ignore-missing",
    code: 330,
    help: "an id or key that does not exist is not an error"
  )

  /// The removal options in util-linux master's order: for each System V kind by id, by key, then its POSIX kind by
  /// name.
  static let removalSpecs: [OptionSpec] = [
    removals[0].spec, removals[1].spec, nameRemovals[0].spec, removals[2].spec, removals[3].spec,
    nameRemovals[1].spec, removals[4].spec, removals[5].spec, nameRemovals[2].spec,
  ]

  /// The options in the order of ipcrm's getopt table (glibc lists ambiguous matches in this order).
  package static let options: [OptionSpec] =
    removalSpecs + [all, dryRun, verbose, CommonOptions.version, CommonOptions.help, json, ignoreMissing]
    + [NamespaceOptions.ns, NamespaceOptions.allNamespaces] + SelectionOptions.options

  /// Every option spelling swipcrm accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { options.spellings }

  /// Reads and checks the whole command line: `argv[0]` and at least one argument (with none, util-linux does
  /// nothing, and the caller exits 0 before asking).
  ///
  /// Nothing here touches an IPC object.
  package static func parse(_ arguments: ProcessArguments, program: Program) -> SwipcrmRequest {
    let words = arguments.words
    if let first = words.first, let kind = ObjectKind(typeWord: first) {
      return parseLegacy(kind, ids: Array(words.dropFirst()), namespace: nil, program: program)
    }
    // The old form after `--ns PID` or `--ns=PID`: `swipcrm --ns 1234 shm 5`.
    let nsWord = Array("--ns".utf8)
    let nsEquals = Array("--ns=".utf8)
    var legacyNamespace: (argument: [UInt8], rest: ArraySlice<[UInt8]>)?
    if words.count >= 3, words[0] == nsWord {
      legacyNamespace = (words[1], words[2...])
    } else if words.count >= 2, words[0].starts(with: nsEquals) {
      legacyNamespace = (Array(words[0].dropFirst(nsEquals.count)), words[1...])
    }
    if let (argument, rest) = legacyNamespace, let first = rest.first, let kind = ObjectKind(typeWord: first) {
      guard let target = NamespaceOptions.target(argument, program: program) else { return .failed }
      return parseLegacy(kind, ids: Array(rest.dropFirst()), namespace: target, program: program)
    }
    var parser = OptionParser(arguments, options: options)
    var plan = RemovalPlan()
    var namespace: NamespaceTarget?
    var allNamespaces = false
    var selection = SelectionOptions()
    while let event = parser.next() {
      guard case .option(let code, let argument) = event else {
        program.tryHelp()
        return .failed
      }
      if let removal = removals.first(where: { $0.spec.code == code }) {
        let text = argument ?? []
        let target: RemovalTarget
        if removal.byKey {
          switch CommandLineNumber.key(text) {
          case .success(let key): target = .key(key, typed: text)
          case .failure(let error): return reportBadNumber(text, error, program: program)
          }
        } else {
          switch CommandLineNumber.decimalInt32(text) {
          case .success(let id): target = .id(id)
          case .failure(let error): return reportBadNumber(text, error, program: program)
          }
        }
        plan.steps.append(RemovalStep(kind: removal.kind, target: target, verbose: plan.verbose))
        continue
      }
      if let removal = nameRemovals.first(where: { $0.spec.code == code }) {
        let text = argument ?? []
        switch PosixName.parse(text, kind: removal.kind) {
        case .success(let name):
          plan.steps.append(RemovalStep(kind: removal.kind, target: .name(name, typed: text), verbose: plan.verbose))
        case .failure(let error):
          program.warn("invalid \(removal.kind.objectNoun) name `\(text)': \(error.reason)")
          return .failed
        }
        continue
      }
      switch code {
      case all:
        if let value = argument {
          guard let kind = ObjectKind(removalTypeWord: value) else {
            program.warn("unknown argument: \(value)")
            return .failed
          }
          plan.allOf.insert(kind)
        } else if let next = parser.nextWord, let kind = ObjectKind(removalTypeWord: next) {
          // `-a shm`, as ipcrm's own synopsis writes it: the type, not an operand (util-linux removes everything).
          parser.consumeNextWord()
          plan.allOf.insert(kind)
        } else {
          plan.allOf.formUnion(ObjectKind.ipcrmAll)
        }
      case dryRun: plan.dryRun = true
      case verbose: plan.verbose = true
      case NamespaceOptions.ns:
        guard let target = NamespaceOptions.target(argument ?? [], program: program) else { return .failed }
        namespace = target
      case NamespaceOptions.allNamespaces: allNamespaces = true
      case json: plan.json = true
      case ignoreMissing: plan.ignoreMissing = true
      case CommonOptions.help: return .help
      case CommonOptions.version: return .version
      default:
        if let accepted = selection.accept(code, argument, program: program) {
          if !accepted { return .failed }
          continue
        }
        program.tryHelp()
        return .failed
      }
    }
    if let operand = parser.operands.first {
      program.warn("unknown argument: \(operand)")
      program.tryHelp()
      return .failed
    }
    if namespace != nil && allNamespaces {
      program.warn("mutually exclusive arguments: --ns --all-namespaces")
      program.tryHelp()
      return .failed
    }
    if let option = selection.firstOption, plan.steps.isEmpty && plan.allOf.isEmpty {
      program.warn("\(option) narrows what -a, -m/-q/-s or -M/-Q/-S name, and none was given: nothing to select from")
      program.tryHelp()
      return .failed
    }
    if allNamespaces {
      // Removing across namespaces without a selection would empty every container; an id, key or name means a
      // different object in each namespace.
      guard selection.firstOption != nil, !plan.allOf.isEmpty, plan.steps.isEmpty else {
        program.warn(
          "--all-namespaces removes only with -a and a selection (--filter or a shorthand), and no ids, keys or names"
        )
        program.tryHelp()
        return .failed
      }
      if plan.json {
        program.warn("--all-namespaces does not write a --json report")
        program.tryHelp()
        return .failed
      }
    }
    if case .file(let path) = namespace, SwipcrmWork.plan(plan).touchesSharedMemoryDirectory {
      program.warn(NamespaceOptions.noSharedMemoryDirectory(path))
      return .failed
    }
    plan.selection = selection.expression
    return .run(SwipcrmCommand(work: .plan(plan), namespace: namespace, allNamespaces: allNamespaces))
  }

  /// `swipcrm shm|msg|sem ID...`: every id is checked first; a bad one is reported (`invalid id: X`, the legacy
  /// wording) and nothing is removed.
  private static func parseLegacy(
    _ kind: ObjectKind,
    ids words: [[UInt8]],
    namespace: NamespaceTarget?,
    program: Program
  ) -> SwipcrmRequest {
    guard !words.isEmpty else {
      program.warn("not enough arguments")
      program.tryHelp()
      return .failed
    }
    var ids: [Int32] = []
    var bad = false
    for word in words {
      if case .success(let id) = CommandLineNumber.decimalInt32(word) {
        ids.append(id)
      } else {
        program.warn("invalid id: \(word)")
        bad = true
      }
    }
    return bad ? .failed : .run(SwipcrmCommand(work: .legacy(kind, ids), namespace: namespace, allNamespaces: false))
  }

  private static func reportBadNumber(_ text: [UInt8], _ error: NumberError, program: Program) -> SwipcrmRequest {
    if error == .outOfRange {
      program.warn("failed to parse argument: '\(text)': \(errno: Errno.outOfRange)")
    } else {
      program.warn("failed to parse argument: '\(text)'")
    }
    return .failed
  }

  /// `--help` for `program`.
  package static func help(for program: Program) -> Message { helpLayout.render(for: program) }

  /// `--help`: ipcrm's, with `--dry-run` and the differences that make swipcrm safe in scripts.
  package static let helpLayout = HelpText(
    usage: ["[options]", "[--ns <pid|path>] shm|msg|sem <id>..."],
    summary: "Remove certain IPC resources.",
    sections: [
      .init(
        "Options:",
        column: 32,
        removalSpecs + [all, dryRun, verbose, json, ignoreMissing]
      ),
      .init(nil, column: 32, [NamespaceOptions.ns, NamespaceOptions.allNamespaces]),
      .init(nil, column: 32, [CommonOptions.help, CommonOptions.version]),
      .init(
        "Selection options (narrow what -a and the ids, keys and names name):",
        column: 32,
        SelectionOptions.options
      ),
    ],
    notes: [
      "Unlike util-linux ipcrm, for safe use in scripts:",
      " - the whole command line is checked before anything is removed;",
      " - \"-a shm\" (the type as the next word) removes that type only;",
      " - several -a options add up (\"-a shm -a sem\");",
      " - a key is removed only if it still names the object it was resolved to;",
      " - a key outside 32 bits is an error, not truncated;",
      " - -a without a type removes System V objects only: POSIX types are named",
      "   (\"-a pshm\"); a name is checked first, and in /dev/shm only a regular file",
      "   of the kind named is removed, never a symbolic link or what it points to.",
      "--all-namespaces removes only with -a and a selection, and no ids or keys.",
    ]
  )
}

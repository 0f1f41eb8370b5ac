package import IPCModel

/// What a checked swipcrm command line asks for.
package enum SwipcrmWork: Equatable, Sendable {
  case plan(RemovalPlan)
  /// `swipcrm shm|msg|sem ID...`.
  case legacy(ObjectKind, [Int32])
}

/// The outcome of reading swipcrm's command line.
package typealias SwipcrmRequest = ParsedCommandLine<SwipcrmWork>

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
  static let all = OptionSpec(
    "all",
    short: "a",
    argument: .optional("[=shm|msg|sem]"),
    help: "remove all (in the specified category)",
    completion: .words(ObjectKind.ipcrmAll.map(\.typeWord))
  )
  static let dryRun = OptionSpec("dry-run", short: "n", help: "show what would be removed, and remove nothing")
  static let verbose = OptionSpec("verbose", short: "v", help: "explain what is being done")
  static let json = OptionSpec("json", short: "J", help: "report every object's outcome in JSON")
  static let ignoreMissing = OptionSpec(
    "ignore-missing",
    code: 330,
    help: "an id or key that does not exist is not an error"
  )

  /// The options in the order of ipcrm's getopt table (glibc lists ambiguous matches in this order).
  package static let options: [OptionSpec] =
    removals.map(\.spec) + [all, dryRun, verbose, CommonOptions.version, CommonOptions.help, json, ignoreMissing]
    + SelectionOptions.options

  /// Every option spelling swipcrm accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { options.spellings }

  /// Reads and checks the whole command line: `argv[0]` and at least one argument (with none, util-linux does
  /// nothing, and the caller exits 0 before asking).
  ///
  /// Nothing here touches an IPC object.
  package static func parse(_ arguments: ProcessArguments, program: Program) -> SwipcrmRequest {
    let words = arguments.words
    if let first = words.first, let kind = ObjectKind(typeWord: first) {
      return parseLegacy(kind, ids: Array(words.dropFirst()), program: program)
    }
    var parser = OptionParser(arguments, options: options)
    var plan = RemovalPlan()
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
      switch code {
      case all:
        if let value = argument {
          guard let kind = ObjectKind(typeWord: value) else {
            program.warn("unknown argument: \(value)")
            return .failed
          }
          plan.allOf.insert(kind)
        } else if let next = parser.nextWord, let kind = ObjectKind(typeWord: next) {
          // `-a shm`, as ipcrm's own synopsis writes it: the type, not an operand (util-linux removes everything).
          parser.consumeNextWord()
          plan.allOf.insert(kind)
        } else {
          plan.allOf.formUnion(ObjectKind.ipcrmAll)
        }
      case dryRun: plan.dryRun = true
      case verbose: plan.verbose = true
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
    if let option = selection.firstOption, plan.steps.isEmpty && plan.allOf.isEmpty {
      program.warn("\(option) narrows what -a, -m/-q/-s or -M/-Q/-S name, and none was given: nothing to select from")
      program.tryHelp()
      return .failed
    }
    plan.selection = selection.expression
    return .run(.plan(plan))
  }

  /// `swipcrm shm|msg|sem ID...`: every id is checked first; a bad one is reported (`invalid id: X`, the legacy
  /// wording) and nothing is removed.
  private static func parseLegacy(_ kind: ObjectKind, ids words: [[UInt8]], program: Program) -> SwipcrmRequest {
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
    return bad ? .failed : .run(.legacy(kind, ids))
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
    usage: ["[options]", "shm|msg|sem <id>..."],
    summary: "Remove certain IPC resources.",
    sections: [
      .init(
        "Options:",
        column: 28,
        removals.map(\.spec) + [all, dryRun, verbose, json, ignoreMissing]
      ),
      .init(nil, column: 28, [CommonOptions.help, CommonOptions.version]),
      .init("Selection options (narrow what -a and the ids and keys name):", column: 30, SelectionOptions.options),
    ],
    notes: [
      "Unlike util-linux ipcrm, for safe use in scripts:",
      " - the whole command line is checked before anything is removed;",
      " - \"-a shm\" (the type as the next word) removes that type only;",
      " - several -a options add up (\"-a shm -a sem\");",
      " - a key is removed only if it still names the object it was resolved to;",
      " - a key outside 32 bits is an error, not truncated.",
    ]
  )
}

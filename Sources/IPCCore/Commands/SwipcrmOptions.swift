package import IPCModel

/// The outcome of reading swipcrm's command line.
package enum SwipcrmRequest: Equatable, Sendable {
  case run(RemovalPlan)
  /// `swipcrm shm|msg|sem ID...`.
  case legacy(ObjectKind, [Int32])
  case help
  case version
  /// A message was printed; exit 1 with nothing removed.
  case failed
}

/// swipcrm's options and parser: ipcrm's getopt string `q:m:s:Q:M:S:a::vhV`, plus `-n/--dry-run`.
package enum SwipcrmCommandLine {
  static let shmemID = OptionSpec(
    "shmem-id", short: "m", argument: .required("<id>"), help: "remove shared memory segment by id",
    completion: .ids(.sharedMemorySegment))
  static let shmemKey = OptionSpec(
    "shmem-key", short: "M", argument: .required("<key>"), help: "remove shared memory segment by key",
    completion: .keys(.sharedMemorySegment))
  static let queueID = OptionSpec(
    "queue-id", short: "q", argument: .required("<id>"), help: "remove message queue by id",
    completion: .ids(.messageQueue))
  static let queueKey = OptionSpec(
    "queue-key", short: "Q", argument: .required("<key>"), help: "remove message queue by key",
    completion: .keys(.messageQueue))
  static let semaphoreID = OptionSpec(
    "semaphore-id", short: "s", argument: .required("<id>"), help: "remove semaphore by id",
    completion: .ids(.semaphoreSet))
  static let semaphoreKey = OptionSpec(
    "semaphore-key", short: "S", argument: .required("<key>"), help: "remove semaphore by key",
    completion: .keys(.semaphoreSet))
  static let all = OptionSpec(
    "all", short: "a", argument: .optional("[=shm|msg|sem]"), help: "remove all (in the specified category)",
    completion: .words(ObjectKind.ipcrmAll.map(\.typeWord)))
  static let dryRun = OptionSpec("dry-run", short: "n", help: "show what would be removed, and remove nothing")
  static let verbose = OptionSpec("verbose", short: "v", help: "explain what is being done")

  /// The options in the order of ipcrm's getopt table (glibc lists ambiguous matches in this order).
  package static let options: [OptionSpec] = [
    shmemID, shmemKey, queueID, queueKey, semaphoreID, semaphoreKey, all, dryRun, verbose,
    CommonOptions.version, CommonOptions.help,
  ]

  /// Every option spelling swipcrm accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { options.spellings }

  /// The kind and target each removal option names.
  private static let removalOptions: [(spec: OptionSpec, kind: ObjectKind, byKey: Bool)] = [
    (shmemID, .sharedMemorySegment, false), (shmemKey, .sharedMemorySegment, true),
    (queueID, .messageQueue, false), (queueKey, .messageQueue, true),
    (semaphoreID, .semaphoreSet, false), (semaphoreKey, .semaphoreSet, true),
  ]

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
    while let event = parser.next() {
      guard case .option(let code, let argument) = event else {
        program.tryHelp()
        return .failed
      }
      if let removal = removalOptions.first(where: { $0.spec.code == code }) {
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
      case CommonOptions.help: return .help
      case CommonOptions.version: return .version
      default:
        program.tryHelp()
        return .failed
      }
    }
    if let operand = parser.operands.first {
      program.warn("unknown argument: \(operand)")
      program.tryHelp()
      return .failed
    }
    return .run(plan)
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
    return bad ? .failed : .legacy(kind, ids)
  }

  private static func reportBadNumber(_ text: [UInt8], _ error: NumberError, program: Program) -> SwipcrmRequest {
    if error == .outOfRange {
      program.warn("failed to parse argument: '\(text)': \(errno: Errno.outOfRange)")
    } else {
      program.warn("failed to parse argument: '\(text)'")
    }
    return .failed
  }

  /// `--help`: ipcrm's, with `--dry-run` and the differences that make swipcrm safe in scripts.
  /// `--help` for `program`.
  package static func help(for program: Program) -> Message { helpLayout.render(for: program) }

  package static let helpLayout = HelpText(
    usage: ["[options]", "shm|msg|sem <id>..."],
    summary: "Remove certain IPC resources.",
    sections: [
      .init(
        "Options:", column: 28,
        [shmemID, shmemKey, queueID, queueKey, semaphoreID, semaphoreKey, all, dryRun, verbose]),
      .init(nil, column: 28, [CommonOptions.help, CommonOptions.version]),
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

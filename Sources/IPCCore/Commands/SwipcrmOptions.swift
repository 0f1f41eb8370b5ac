/// What one `-m/-q/-s/-M/-Q/-S` asks to remove.
package enum RemovalTarget: Equatable, Sendable {
  case id(Int32)
  /// A key, with the words the user typed (messages quote them as typed).
  case key(IPCKey, typed: [UInt8])
}

/// One removal, in command-line order.
package struct RemovalStep: Equatable, Sendable {
  package var kind: IPCKind
  package var target: RemovalTarget
  /// Whether a `-v` came before it (util-linux's `-v` acts on the removals after it).
  package var verbose: Bool
}

/// Everything a checked command line asks for, before anything is removed.
package struct RemovalPlan: Equatable, Sendable {
  package var steps: [RemovalStep] = []
  /// The kinds `-a` asked for (several `-a` add up), removed after the steps in the order shm, sem, msg.
  package var allOf: Set<IPCKind> = []
  /// Any `-v` anywhere makes `-a` verbose, as in util-linux.
  package var verbose = false
  package var dryRun = false

  package init() {}
}

/// The outcome of reading swipcrm's command line.
package enum SwipcrmRequest: Equatable, Sendable {
  case run(RemovalPlan)
  /// `swipcrm shm|msg|sem ID...`.
  case legacy(IPCKind, [Int32])
  case help
  case version
  /// A message was printed; exit 1 with nothing removed.
  case failed
}

/// swipcrm's option table and parser: ipcrm's getopt string `q:m:s:Q:M:S:a::vhV`, plus `-n/--dry-run`.
package enum SwipcrmCommandLine {
  static let shortOptions: StaticString = "q:m:s:Q:M:S:a::nvhV"

  /// Every option spelling swipcrm accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { longOptions.spellings(shortOptions: shortOptions) }

  static let longOptions: [LongOption] = [
    LongOption("shmem-id", .required, "m"),
    LongOption("shmem-key", .required, "M"),
    LongOption("queue-id", .required, "q"),
    LongOption("queue-key", .required, "Q"),
    LongOption("semaphore-id", .required, "s"),
    LongOption("semaphore-key", .required, "S"),
    LongOption("all", .optional, "a"),
    LongOption("dry-run", .none, "n"),
    LongOption("verbose", .none, "v"),
    LongOption("version", .none, "V"),
    LongOption("help", .none, "h"),
  ]

  /// The `-a` types by name.
  static func kind(named word: [UInt8]) -> IPCKind? {
    switch String(decoding: word, as: UTF8.self) {
    case "shm": .sharedMemory
    case "msg": .messageQueues
    case "sem": .semaphores
    default: nil
    }
  }

  /// Reads and checks the whole command line: `argv[0]` and at least one argument (with none, util-linux does
  /// nothing, and the caller exits 0 before asking).
  ///
  /// Nothing here touches an IPC object.
  package static func parse(
    argc: Int32,
    argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
    program: Program
  ) -> SwipcrmRequest {
    var words: [[UInt8]] = []
    for index in 1..<max(1, Int(argc)) {
      guard let word = argv[index] else { break }
      words.append(cStringBytes(word))
    }
    if let first = words.first, let kind = legacyKind(first) {
      return parseLegacy(kind, ids: Array(words.dropFirst()), program: program)
    }
    var parser = OptionParser(argc: argc, argv: argv, shortOptions: shortOptions, longOptions: longOptions)
    var plan = RemovalPlan()
    while let event = parser.next() {
      guard case .option(let code, let argument) = event else {
        program.tryHelp()
        return .failed
      }
      switch UInt8(truncatingIfNeeded: code) {
      case UInt8(ascii: "m"), UInt8(ascii: "q"), UInt8(ascii: "s"):
        let text = argument ?? []
        switch CommandLineNumber.decimalInt32(text) {
        case .success(let id):
          plan.steps.append(RemovalStep(kind: kind(option: code), target: .id(id), verbose: plan.verbose))
        case .failure(let error):
          reportBadNumber(text, error, program: program)
          return .failed
        }
      case UInt8(ascii: "M"), UInt8(ascii: "Q"), UInt8(ascii: "S"):
        let text = argument ?? []
        switch CommandLineNumber.key(text) {
        case .success(let key):
          let step = RemovalStep(kind: kind(option: code), target: .key(key, typed: text), verbose: plan.verbose)
          plan.steps.append(step)
        case .failure(let error):
          reportBadNumber(text, error, program: program)
          return .failed
        }
      case UInt8(ascii: "a"):
        if let value = argument {
          guard let kind = kind(named: value) else {
            program.warn("unknown argument: \(value)")
            return .failed
          }
          plan.allOf.insert(kind)
        } else if let next = parser.nextWord, let kind = kind(named: next) {
          // `-a shm`, as ipcrm's own synopsis writes it: the type, not an operand (util-linux removes everything).
          parser.consumeNextWord()
          plan.allOf.insert(kind)
        } else {
          plan.allOf.formUnion(IPCKind.allCases)
        }
      case UInt8(ascii: "n"): plan.dryRun = true
      case UInt8(ascii: "v"): plan.verbose = true
      case UInt8(ascii: "h"): return .help
      case UInt8(ascii: "V"): return .version
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

  private static func kind(option code: Int32) -> IPCKind {
    switch UInt8(truncatingIfNeeded: code) | 0x20 {
    case UInt8(ascii: "m"): .sharedMemory
    case UInt8(ascii: "q"): .messageQueues
    default: .semaphores
    }
  }

  private static func legacyKind(_ word: [UInt8]) -> IPCKind? {
    switch word {
    case Array("shm".utf8): .sharedMemory
    case Array("msg".utf8): .messageQueues
    case Array("sem".utf8): .semaphores
    default: nil
    }
  }

  /// `swipcrm shm|msg|sem ID...`: every id is checked first; a bad one is reported (`invalid id: X`, the legacy
  /// wording) and nothing is removed.
  private static func parseLegacy(_ kind: IPCKind, ids words: [[UInt8]], program: Program) -> SwipcrmRequest {
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

  private static func reportBadNumber(_ text: [UInt8], _ error: NumberError, program: Program) {
    if error == .outOfRange {
      program.warn("failed to parse argument: '\(text)': \(errno: Errno.outOfRange)")
    } else {
      program.warn("failed to parse argument: '\(text)'")
    }
  }

  /// `--help`: ipcrm's, with `--dry-run` and the differences that make swipcrm safe in scripts.
  package static func help(for program: Program) -> Message {
    let name = program.name
    return """

      Usage:
       \(name) [options]
       \(name) shm|msg|sem <id>...

      Remove certain IPC resources.

      Options:
       -m, --shmem-id <id>        remove shared memory segment by id
       -M, --shmem-key <key>      remove shared memory segment by key
       -q, --queue-id <id>        remove message queue by id
       -Q, --queue-key <key>      remove message queue by key
       -s, --semaphore-id <id>    remove semaphore by id
       -S, --semaphore-key <key>  remove semaphore by key
       -a, --all[=shm|msg|sem]    remove all (in the specified category)
       -n, --dry-run              show what would be removed, and remove nothing
       -v, --verbose              explain what is being done

       -h, --help                 display this help
       -V, --version              display version

      Unlike util-linux ipcrm, for safe use in scripts:
       - the whole command line is checked before anything is removed;
       - "-a shm" (the type as the next word) removes that type only;
       - several -a options add up ("-a shm -a sem");
       - a key is removed only if it still names the object it was resolved to;
       - a key outside 32 bits is an error, not truncated.

      For more details see \(program.tool)(1).

      """
  }
}

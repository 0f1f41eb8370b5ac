/// What `swipcs` was asked to do, with util-linux ipcs's precedence rules applied.
package struct SwipcsOptions: Equatable, Sendable {
  /// The view: the last of `-t -p -c -l -u` wins.
  package enum View: Equatable, Sendable {
    case list(ListFormat)
    case limits
    case summary
  }

  /// Resource options accumulate; none given means all three.
  package var messageQueues = false
  package var sharedMemory = false
  package var semaphores = false
  package var view: View = .list(.standard)
  /// `--human` and `-b`: the last one wins.
  package var unit: SizeUnit = .standard
  /// `-i ID`: the last one wins.
  package var id: Int32?

  package init() {}

  /// How many of the three kinds were named.
  package var kindCount: Int { [messageQueues, sharedMemory, semaphores].filter { $0 }.count }
}

/// The outcome of reading swipcs's command line.
package enum SwipcsRequest: Equatable, Sendable {
  case run(SwipcsOptions)
  case help
  case version
  /// A message was printed; exit with this status.
  case failed
}

/// swipcs's option table and parser: getopt_long with ipcs's short string `i:qmsatpclubVh`.
package enum SwipcsCommandLine {
  static let human: Int32 = 256

  static let shortOptions: StaticString = "i:qmsatpclubVh"

  /// Every option spelling swipcs accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { longOptions.spellings(shortOptions: shortOptions) }

  static let longOptions: [LongOption] = [
    LongOption("id", .required, "i"),
    LongOption("queues", .none, "q"),
    LongOption("shmems", .none, "m"),
    LongOption("semaphores", .none, "s"),
    LongOption("all", .none, "a"),
    LongOption("time", .none, "t"),
    LongOption("pid", .none, "p"),
    LongOption("creator", .none, "c"),
    LongOption("limits", .none, "l"),
    LongOption("summary", .none, "u"),
    LongOption("human", .none, human),
    LongOption("bytes", .none, "b"),
    LongOption("version", .none, "V"),
    LongOption("help", .none, "h"),
  ]

  /// Reads the options in order, acting as ipcs does: `-h`/`-V` end parsing when reached, a bad option or `-i`
  /// value ends it with an error, operands are ignored.
  package static func parse(
    argc: Int32,
    argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
    program: Program
  ) -> SwipcsRequest {
    var parser = OptionParser(argc: argc, argv: argv, shortOptions: shortOptions, longOptions: longOptions)
    var options = SwipcsOptions()
    while let event = parser.next() {
      guard case .option(let code, let argument) = event else {
        program.tryHelp()
        return .failed
      }
      switch code {
      case Int32(UInt8(ascii: "i")):
        let text = argument ?? []
        switch CommandLineNumber.decimalInt32(text) {
        case .success(let id):
          options.id = id
        case .failure(.invalid):
          program.warn("failed to parse id argument: '\(text)'")
          return .failed
        case .failure(.outOfRange):
          program.warn("failed to parse id argument: '\(text)': \(errno: Errno.outOfRange)")
          return .failed
        }
      case Int32(UInt8(ascii: "a")):
        options.messageQueues = true
        options.sharedMemory = true
        options.semaphores = true
      case Int32(UInt8(ascii: "q")): options.messageQueues = true
      case Int32(UInt8(ascii: "m")): options.sharedMemory = true
      case Int32(UInt8(ascii: "s")): options.semaphores = true
      case Int32(UInt8(ascii: "t")): options.view = .list(.times)
      case Int32(UInt8(ascii: "c")): options.view = .list(.creators)
      case Int32(UInt8(ascii: "p")): options.view = .list(.pids)
      case Int32(UInt8(ascii: "l")): options.view = .limits
      case Int32(UInt8(ascii: "u")): options.view = .summary
      case human: options.unit = .human
      case Int32(UInt8(ascii: "b")): options.unit = .bytes
      case Int32(UInt8(ascii: "h")): return .help
      case Int32(UInt8(ascii: "V")): return .version
      default:
        program.tryHelp()
        return .failed
      }
    }
    if options.id != nil && options.kindCount != 1 {
      program.warn("when using an ID, a single resource must be specified")
      return .failed
    }
    if options.kindCount == 0 {
      options.messageQueues = true
      options.sharedMemory = true
      options.semaphores = true
    }
    return .run(options)
  }

  /// `--help`, in ipcs's words and layout, naming this program.
  package static func help(for program: Program) -> Message {
    let name = program.name
    return """

      Usage:
       \(name) [resource-option...] [output-option]
       \(name) -m|-q|-s -i <id>

      Show information on IPC facilities.

      Options:
       -i, --id <id>  print details on resource identified by <id>
       -h, --help     display this help
       -V, --version  display version

      Resource options:
       -m, --shmems      shared memory segments
       -q, --queues      message queues
       -s, --semaphores  semaphores
       -a, --all         all (default)

      Output options:
       -t, --time        show attach, detach and change times
       -p, --pid         show PIDs of creator and last operator
       -c, --creator     show creator and owner
       -l, --limits      show resource limits
       -u, --summary     show status summary
           --human       show sizes in human-readable format
       -b, --bytes       show sizes in bytes

      For more details see \(program.tool)(1).

      """
  }
}

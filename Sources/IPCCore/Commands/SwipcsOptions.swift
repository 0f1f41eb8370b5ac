package import IPCModel

/// What `swipcs` was asked to do, with util-linux ipcs's precedence rules applied.
package struct SwipcsOptions: Equatable, Sendable {
  /// The view: the last of `-t -p -c -l -u` wins.
  package enum View: Equatable, Sendable {
    case list(ListFormat)
    case limits
    case summary
  }

  /// The kinds named (resource options accumulate); none given means all three.
  package var kinds: Set<ObjectKind> = []
  package var view: View = .list(.standard)
  /// `--human` and `-b`: the last one wins.
  package var unit: SizeUnit = .standard
  /// `-i ID`: the last one wins.
  package var id: Int32?
  /// `--ns PID|PATH`: the last one wins.
  package var namespace: NamespaceTarget?
  /// `--all-namespaces`.
  package var allNamespaces = false

  package init() {}

  /// The kinds to show, in ipcs's order.
  package var sections: [ObjectKind] { ObjectKind.ipcsSections.filter(kinds.contains) }
}

/// The outcome of reading swipcs's command line.
package typealias SwipcsRequest = ParsedCommandLine<SwipcsOptions>

/// swipcs's options and parser: getopt_long with ipcs's short string `i:qmsatpclubVh`.
package enum SwipcsCommandLine {
  static let id = OptionSpec(
    "id",
    short: "i",
    argument: .required("<id>"),
    help: "print details on resource identified by <id>",
    completion: .ids(nil)
  )
  static let queues = OptionSpec("queues", short: "q", help: "message queues")
  static let shmems = OptionSpec("shmems", short: "m", help: "shared memory segments")
  static let semaphores = OptionSpec("semaphores", short: "s", help: "semaphores")
  static let all = OptionSpec("all", short: "a", help: "all (default)")
  static let time = OptionSpec("time", short: "t", help: "show attach, detach and change times")
  static let pid = OptionSpec("pid", short: "p", help: "show PIDs of creator and last operator")
  static let creator = OptionSpec("creator", short: "c", help: "show creator and owner")
  static let limits = OptionSpec("limits", short: "l", help: "show resource limits")
  static let summary = OptionSpec("summary", short: "u", help: "show status summary")
  static let human = OptionSpec("human", code: 256, help: "show sizes in human-readable format")
  static let bytes = OptionSpec("bytes", short: "b", help: "show sizes in bytes")

  /// The options in the order of ipcs's getopt table (glibc lists ambiguous matches in this order).
  package static let options: [OptionSpec] = [
    id, queues, shmems, semaphores, all, time, pid, creator, limits, summary, human, bytes,
    CommonOptions.version, CommonOptions.help, NamespaceOptions.ns, NamespaceOptions.allNamespaces,
  ]

  /// Every option spelling swipcs accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { options.spellings }

  /// Reads the options in order, acting as ipcs does: `-h`/`-V` end parsing when reached, a bad option or `-i`
  /// value ends it with an error, operands are ignored.
  package static func parse(_ arguments: ProcessArguments, program: Program) -> SwipcsRequest {
    var parser = OptionParser(arguments, options: options)
    var options = SwipcsOptions()
    while let event = parser.next() {
      guard case .option(let code, let argument) = event else {
        program.tryHelp()
        return .failed
      }
      switch code {
      case id:
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
      case all: options.kinds.formUnion(ObjectKind.ipcsSections)
      case queues: options.kinds.insert(.messageQueue)
      case shmems: options.kinds.insert(.sharedMemorySegment)
      case semaphores: options.kinds.insert(.semaphoreSet)
      case time: options.view = .list(.times)
      case creator: options.view = .list(.creators)
      case pid: options.view = .list(.pids)
      case limits: options.view = .limits
      case summary: options.view = .summary
      case human: options.unit = .human
      case bytes: options.unit = .bytes
      case NamespaceOptions.ns:
        guard let target = NamespaceOptions.target(argument ?? [], program: program) else { return .failed }
        options.namespace = target
      case NamespaceOptions.allNamespaces: options.allNamespaces = true
      case CommonOptions.help: return .help
      case CommonOptions.version: return .version
      default:
        program.tryHelp()
        return .failed
      }
    }
    if options.id != nil && options.kinds.count != 1 {
      program.warn("when using an ID, a single resource must be specified")
      return .failed
    }
    if options.namespace != nil && options.allNamespaces {
      program.warn("mutually exclusive arguments: --ns --all-namespaces")
      program.tryHelp()
      return .failed
    }
    if options.allNamespaces && options.id != nil {
      program.warn("--all-namespaces cannot be used with -i: an id names an object of one namespace (use --ns)")
      program.tryHelp()
      return .failed
    }
    if options.kinds.isEmpty { options.kinds = Set(ObjectKind.ipcsSections) }
    return .run(options)
  }

  /// `--help` for `program`.
  package static func help(for program: Program) -> Message { helpLayout.render(for: program) }

  /// `--help`, in ipcs's words and layout; the namespace options are a section of their own after ipcs's, so that
  /// the rest stays byte for byte ipcs's.
  package static let helpLayout = HelpText(
    usage: ["[resource-option...] [output-option]", "-m|-q|-s -i <id>"],
    summary: "Show information on IPC facilities.",
    sections: [
      .init("Options:", column: 16, [id, CommonOptions.help, CommonOptions.version]),
      .init("Resource options:", column: 19, [shmems, queues, semaphores, all]),
      .init("Output options:", column: 19, [time, pid, creator, limits, summary, human, bytes]),
      .init("Namespace options:", column: 26, [NamespaceOptions.ns, NamespaceOptions.allNamespaces]),
    ]
  )
}

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
  /// The column views' options, when any was given; nil for ipcs's own text.
  package var columns: ColumnOptions?
  /// `--prometheus[=objects]`, or `--textfile` alone: the metrics instead of a view.
  package var metrics: MetricsSet?
  /// `--textfile PATH`: the metrics go to PATH, replaced atomically, instead of stdout.
  package var textfile: [UInt8]?
  /// `--filter` and the shorthands, ANDed: which objects every view shows (not `-l`, `-u` or `--global`, which
  /// describe the whole system); nil when none was given.
  package var selection: FilterExpression?

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
  static let prometheus = OptionSpec(
    "prometheus",
    code: 257,
    argument: .optional("[=objects]"),
    help: "print metrics in the Prometheus text format"
  )
  static let textfile = OptionSpec(
    "textfile",
    code: 258,
    argument: .required("<file>"),
    help: "write the metrics to <file>, replacing it atomically"
  )

  /// The options in the order of ipcs's getopt table (glibc lists ambiguous matches in this order).
  package static let options: [OptionSpec] =
    [
      id, queues, shmems, semaphores, all, time, pid, creator, limits, summary, human, bytes,
      CommonOptions.version, CommonOptions.help, prometheus, textfile,
    ] + ColumnOptions.options + SelectionOptions.swipcsOptions

  /// Every option spelling swipcs accepts (the help, man page and completions must list the same set).
  package static var optionSpellings: Set<String> { options.spellings }

  /// Reads the options in order, acting as ipcs does: `-h`/`-V` end parsing when reached, a bad option or `-i`
  /// value ends it with an error, operands are ignored.
  package static func parse(_ arguments: ProcessArguments, program: Program) -> SwipcsRequest {
    var parser = OptionParser(arguments, options: options)
    var options = SwipcsOptions()
    var columns = ColumnOptions()
    var selection = SelectionOptions()
    var columnView = false
    var (sawTimes, sawCreators) = (false, false)
    // The last of -t -p -c -l -u, and the metrics option given, for the check that they are not mixed.
    var viewOption: OptionSpec?
    var metricsOption: OptionSpec?
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
      case time:
        (options.view, viewOption) = (.list(.times), time)
        sawTimes = true
      case creator:
        (options.view, viewOption) = (.list(.creators), creator)
        sawCreators = true
      case pid: (options.view, viewOption) = (.list(.pids), pid)
      case limits: (options.view, viewOption) = (.limits, limits)
      case summary: (options.view, viewOption) = (.summary, summary)
      case prometheus:
        switch argument {
        case nil: options.metrics = .summary
        case Array("objects".utf8)?: options.metrics = .objects
        case let word?:
          program.warn("unknown --prometheus argument: '\(word)' (only 'objects')")
          return .failed
        }
        metricsOption = prometheus
      case textfile:
        options.textfile = argument ?? []
        options.metrics = options.metrics ?? .summary
        metricsOption = metricsOption ?? textfile
      case human: options.unit = .human
      case bytes: options.unit = .bytes
      case CommonOptions.help: return .help
      case CommonOptions.version: return .version
      default:
        if let accepted = selection.accept(code, argument, program: program) {
          if !accepted { return .failed }
          continue
        }
        switch columns.accept(code, argument, program: program) {
        case true?: columnView = true
        case false?: return .failed
        case nil:
          program.tryHelp()
          return .failed
        }
      }
    }
    if columnView {
      switch options.view {
      case .limits, .summary:
        program.warn("--limits and --summary have no column view; use --global for the limits and their use")
        return .failed
      case .list: break
      }
      if columns.global && options.id != nil {
        program.warn("mutually exclusive arguments: --global --id")
        return .failed
      }
      columns.times = sawTimes
      columns.creators = sawCreators
      options.columns = columns
    }
    if let metricsOption {
      // Metrics are a view of their own: one that mixes in another, or one object, is surely a mistake.
      if columnView {
        program.warn("--\(metricsOption.long) cannot be combined with the column options (-o, --json, --raw, ...)")
        return .failed
      }
      if let other = options.id != nil ? id : viewOption {
        program.warn("--\(metricsOption.long) cannot be combined with --\(other.long)")
        return .failed
      }
    }
    if options.id != nil && options.kinds.count != 1 {
      program.warn("when using an ID, a single resource must be specified")
      return .failed
    }
    if options.kinds.isEmpty { options.kinds = Set(ObjectKind.ipcsSections) }
    options.selection = selection.expression
    return .run(options)
  }

  /// `--help` for `program`.
  package static func help(for program: Program) -> Message { helpLayout.render(for: program) }

  /// `--help`, in ipcs's words and layout.
  package static let helpLayout = HelpText(
    usage: ["[resource-option...] [output-option]", "-m|-q|-s -i <id>"],
    summary: "Show information on IPC facilities.",
    sections: [
      .init("Options:", column: 16, [id, CommonOptions.help, CommonOptions.version]),
      .init("Resource options:", column: 19, [shmems, queues, semaphores, all]),
      .init("Output options:", column: 19, [time, pid, creator, limits, summary, human, bytes]),
      .init("Column output options (as lsipc's):", column: 28, ColumnOptions.options),
      .init("Metrics options:", column: 29, [prometheus, textfile]),
      .init("Selection options (every view but -l, -u and --global):", column: 30, SelectionOptions.swipcsOptions),
    ],
    notes: columnHelp
  )

  /// The column lists of `--help`, as lsipc prints them (` %14s  %s`).
  private static var columnHelp: [String] {
    var lines: [String] = []
    for (title, columns) in ColumnRegistry.groups {
      if !lines.isEmpty { lines.append("") }
      lines.append(title + ":")
      for column in columns {
        let padding = String(repeating: " ", count: max(0, 14 - column.name.count))
        lines.append(" " + padding + column.name + "  " + column.help)
      }
    }
    return lines
  }
}

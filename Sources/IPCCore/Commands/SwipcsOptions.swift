package import IPCModel

/// What `swipcs` was asked to do, with util-linux ipcs's precedence rules applied.
package struct SwipcsOptions: Equatable, Sendable {
  /// The view: the last of `-t -p -c -l -u` wins.
  package enum View: Equatable, Sendable {
    case list(ListFormat)
    case limits
    case summary
  }

  /// The kinds named, System V and POSIX (resource options accumulate); none given means the three System V kinds
  /// (and with `--global` the POSIX queues' limits too, as util-linux master's lsipc).
  package var kinds: ObjectKindSet = []
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
  /// `--ns PID|PATH`: the last one wins.
  package var namespace: NamespaceTarget?
  /// `--all-namespaces`.
  package var allNamespaces = false
  /// `--processes`: the processes that hold each object, instead of the objects.
  package var processes = false
  /// `--filter` and the shorthands, ANDed: which objects every view shows (not `-l`, `-u` or `--global`, which
  /// describe the whole system); nil when none was given.
  package var selection: FilterExpression?

  package init() {}

  /// The System V kinds to show, in ipcs's order.
  package var sections: [ObjectKind] { ObjectKind.ipcsSections.filter(kinds.contains) }

  /// The kinds the column views show, one table each, in util-linux master lsipc's order: queues, shared memory,
  /// semaphores, each System V kind before its POSIX counterpart.
  package var tableKinds: [ObjectKind] { ObjectKind.tableOrder.filter(kinds.contains) }

  /// Whether POSIX shared memory or semaphores, the files of `/dev/shm`, are shown.
  package var readsSharedMemoryDirectory: Bool { !kinds.isDisjoint(with: .sharedMemoryDirectory) }

  /// The options for one namespace of `--all-namespaces`: without the kinds of `/dev/shm` where that directory was
  /// already read for another namespace (`NamespacePlace.sharedMemoryDirectoryAlreadyRead`).
  package func visiting(
    _ place: NamespacePlace,
    seen: inout [PosixFileIdentity: NamespaceID],
    program: Program
  ) -> SwipcsOptions {
    guard readsSharedMemoryDirectory, place.sharedMemoryDirectoryAlreadyRead(&seen, program: program) else {
      return self
    }
    var options = self
    options.kinds = kinds.subtracting(.sharedMemoryDirectory)
    return options
  }
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
    argument: .optional("[=<list>]"),
    help: "Prometheus metrics; <list>: objects,orphans",
    completion: .words(["objects", "orphans"])
  )
  static let textfile = OptionSpec(
    "textfile",
    code: 258,
    argument: .required("<file>"),
    help: "write the metrics to <file>, replacing it atomically"
  )
  static let processes = OptionSpec(
    "processes",
    code: 259,
    help: "list the processes that hold each object"
  )

  // Long options only: lsipc's -M, -Q and -S are ipcrm's key options, so the letters stay free here.
  static let posixShmems = OptionSpec("posix-shmems", code: 270, help: "POSIX shared memory objects")
  static let posixMqueues = OptionSpec("posix-mqueues", code: 271, help: "POSIX message queues")
  static let posixSemaphores = OptionSpec("posix-semaphores", code: 272, help: "POSIX named semaphores")

  /// The options in the order of ipcs's getopt table (glibc lists ambiguous matches in this order), then ours.
  package static let options: [OptionSpec] =
    [
      id, queues, shmems, semaphores, all, time, pid, creator, limits, summary, human, bytes,
      CommonOptions.version, CommonOptions.help, prometheus, textfile, posixShmems, posixMqueues, posixSemaphores,
      processes,
    ] + ColumnOptions.options + [NamespaceOptions.ns, NamespaceOptions.allNamespaces] + SelectionOptions.swipcsOptions

  /// The options a POSIX kind cannot be combined with: ipcs's views that have no column view, and `-i` (a POSIX
  /// object has a name; `--filter 'NAME == "..."'` picks one).
  static let systemVOnly: [OptionSpec] = [id, pid, limits, summary]

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
    var firstPosix: OptionSpec?
    var firstSystemV: OptionSpec?
    while let event = parser.next() {
      guard case .option(let code, let argument) = event else {
        program.tryHelp()
        return .failed
      }
      if firstSystemV == nil, let spec = systemVOnly.first(where: { $0.code == code }) { firstSystemV = spec }
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
        case let words?:
          guard let set = MetricsSet(words: words) else {
            program.warn("unknown --prometheus argument: '\(words)' (only 'objects' and 'orphans', comma-separated)")
            return .failed
          }
          options.metrics = set
        }
        metricsOption = prometheus
      case textfile:
        options.textfile = argument ?? []
        options.metrics = options.metrics ?? .summary
        metricsOption = metricsOption ?? textfile
      case processes: options.processes = true
      case human: options.unit = .human
      case bytes: options.unit = .bytes
      case posixShmems, posixMqueues, posixSemaphores:
        if firstPosix == nil { firstPosix = [posixShmems, posixMqueues, posixSemaphores].first { $0.code == code } }
        switch code {
        case posixShmems: options.kinds.insert(.posixSharedMemory)
        case posixMqueues: options.kinds.insert(.posixMessageQueue)
        default: options.kinds.insert(.posixSemaphore)
        }
      case NamespaceOptions.ns:
        guard let target = NamespaceOptions.target(argument ?? [], program: program) else { return .failed }
        options.namespace = target
      case NamespaceOptions.allNamespaces: options.allNamespaces = true
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
    if firstPosix != nil && !options.processes && metricsOption == nil && firstSystemV == nil {
      // The POSIX kinds are shown in the column views only: named alone, in its table form with lsipc's columns.
      columnView = true
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
    if options.processes {
      // The process view has its own columns; the forms (--json, --raw, --export, --noheadings) apply.
      if metricsOption != nil || columns.global || columns.selection != .defaults {
        let other = metricsOption.map { "--\($0.long)" } ?? (columns.global ? "--global" : "--output")
        program.warn("--processes cannot be combined with \(other)")
        return .failed
      }
      switch options.view {
      case .limits, .summary:
        program.warn("--processes cannot be combined with --\(viewOption?.long ?? "limits")")
        return .failed
      case .list: break
      }
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
    if options.namespace != nil && options.allNamespaces {
      program.warn("mutually exclusive arguments: --ns --all-namespaces")
      program.tryHelp()
      return .failed
    }
    if let posix = firstPosix {
      // In util-linux's words (`err_exclusive_options`): the POSIX kinds have neither ipcs's fixed views nor -i.
      if let systemV = firstSystemV {
        program.warn("mutually exclusive arguments: --\(posix.long) --\(systemV.long)")
        return .failed
      }
      if case .file(let path) = options.namespace, options.readsSharedMemoryDirectory {
        program.warn(NamespaceOptions.noSharedMemoryDirectory(path))
        return .failed
      }
    }
    if options.id != nil && options.kinds.count != 1 {
      program.warn("when using an ID, a single resource must be specified")
      return .failed
    }
    if options.allNamespaces && options.id != nil {
      program.warn("--all-namespaces cannot be used with -i: an id names an object of one namespace (use --ns)")
      program.tryHelp()
      return .failed
    }
    if options.kinds.isEmpty {
      options.kinds = ObjectKindSet(ObjectKind.ipcsSections)
      // util-linux master's `lsipc -g` adds the POSIX queues' limits (MQUMNI, MQUMAX, MQUMNB) after the System V
      // queues'; POSIX shared memory and semaphores have none.
      if options.columns?.global == true { options.kinds.insert(.posixMessageQueue) }
    }
    options.selection = selection.expression
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
      .init("Column output options (as lsipc's):", column: 28, ColumnOptions.options),
      .init("Metrics options:", column: 29, [prometheus, textfile]),
      .init("POSIX resource options:", column: 24, [posixShmems, posixMqueues, posixSemaphores]),
      .init("Namespace options:", column: 26, [NamespaceOptions.ns, NamespaceOptions.allNamespaces]),
      .init("Process options:", column: 29, [processes]),
      .init("Selection options (every view but -l, -u and --global):", column: 30, SelectionOptions.swipcsOptions),
    ],
    notes: [
      "The POSIX kinds are shown in the column views, with util-linux master lsipc's",
      "columns, in --processes and in the metrics; -i, -p, -l and -u are System V views.",
      "",
    ] + columnHelp
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

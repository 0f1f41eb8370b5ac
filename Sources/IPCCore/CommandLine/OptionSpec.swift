package import IPCModel

/// One command-line option, declared once: getopt's long table and short string, the `--help` line and the
/// words a completion offers all come from here.
///
/// A class, immutable: the parsers keep options in optionals and arrays, and a struct of this many reference-
/// counted fields was copied and destroyed through its generic metadata (`Optional<OptionSpec>`, instantiated at
/// run time), where a class reference is retained and released (issue 18).
package final class OptionSpec: Sendable {
  /// Whether the option takes an argument, and how `--help` names it.
  package enum Argument: Sendable, Equatable {
    case none
    /// `--id <id>`: the name as help shows it, after a space.
    case required(String)
    /// `--all[=shm|msg|sem]`: attached with `=` only, as getopt's optional arguments are.
    case optional(String)

    var getoptValue: Int32 {
      switch self {
      case .none: 0
      case .required: 1
      case .optional: 2
      }
    }
  }

  /// What a shell completion offers for the option's argument.
  package enum Completion: Sendable, Equatable {
    case none
    /// The ids of the existing objects of a kind (of the kind named elsewhere on the line when nil).
    case ids(ObjectKind?)
    /// The keys of the existing objects of a kind, IPC_PRIVATE left out.
    case keys(ObjectKind)
    /// Fixed words.
    case words([String])
    /// The names of the existing POSIX objects of a kind.
    case names(ObjectKind)
    /// The pids of processes in other IPC namespaces than the shell's.
    case namespacePids
  }

  package let long: StaticString
  package let short: Unicode.Scalar?
  package let argument: Argument
  /// What getopt returns for it: the short option's character, or the given value above 255 when it has none.
  package let code: Int32
  /// The `--help` line's text and what a completion offers, both worked out when asked: some are built from other
  /// declarations (swipcrm's help lines by string interpolation, `-o`'s column names from the whole column
  /// registry), and the option tables are made at every start, where neither is needed (issue 18).
  package var help: String { helpValue() }
  package var completion: Completion { completionValue() }
  private let helpValue: @Sendable () -> String
  private let completionValue: @Sendable () -> Completion

  package init(
    _ long: StaticString,
    short: Unicode.Scalar,
    argument: Argument = .none,
    help: @autoclosure @escaping @Sendable () -> String,
    completion: @autoclosure @escaping @Sendable () -> Completion = .none
  ) {
    self.long = long
    self.short = short
    self.argument = argument
    self.code = Int32(short.value)
    self.helpValue = help
    self.completionValue = completion
  }

  /// A long option with no short form; `code` must be above 255 and unique in its tool.
  package init(
    _ long: StaticString,
    code: Int32,
    argument: Argument = .none,
    help: @autoclosure @escaping @Sendable () -> String,
    completion: @autoclosure @escaping @Sendable () -> Completion = .none
  ) {
    precondition(code > 255, "a long-only option needs a code above the byte range")
    self.long = long
    self.short = nil
    self.argument = argument
    self.code = code
    self.helpValue = help
    self.completionValue = completion
  }

  /// `-i, --id <id>` or `    --human`, as util-linux's help columns show it.
  package var label: String {
    let shortPart = short.map { "-\($0), " } ?? "    "
    switch argument {
    case .none: return "\(shortPart)--\(long)"
    case .required(let name): return "\(shortPart)--\(long) \(name)"
    case .optional(let name): return "\(shortPart)--\(long)\(name)"
    }
  }

  /// Matches getopt's result for this option in a `switch`.
  package static func ~= (spec: OptionSpec, code: Int32) -> Bool { spec.code == code }
}

/// Options both tools have, declared once.
package enum CommonOptions {
  package static let help = OptionSpec("help", short: "h", help: "display this help")
  package static let version = OptionSpec("version", short: "V", help: "display version")
}

/// The namespace options of both tools, declared once (issue 15).
///
/// Their codes are kept clear of each tool's own long-only options: swipcs's `--human` (256), metrics (257-258),
/// POSIX kinds (270-272) and column options (300-302); swipcrm's POSIX removals (256-258).
package enum NamespaceOptions {
  /// `--ns PID|PATH`: everything happens in that IPC namespace, as under `nsenter --ipc -t PID`.
  package static let ns = OptionSpec(
    "ns",
    code: 310,
    argument: .required("<pid|path>"),
    help: "act in the IPC namespace of a process or nsfs file",
    completion: .namespacePids
  )
  /// `--all-namespaces`: every IPC namespace in use on the host, one after the other.
  package static let allNamespaces = OptionSpec(
    "all-namespaces",
    code: 311,
    help: "act in every IPC namespace in use"
  )

  /// Why POSIX shared memory and semaphores cannot be reached with `--ns PATH`.
  package static func noSharedMemoryDirectory(_ path: [UInt8]) -> Message {
    "POSIX shared memory and semaphores cannot be reached with --ns '\(path)': they live in /dev/shm, which "
      + "belongs to a mount namespace, and an IPC namespace file names no process whose mount namespace to read "
      + "(use --ns PID)"
  }

  /// Reads `--ns`'s argument; prints util-linux-style messages on failure.
  package static func target(_ text: [UInt8], program: Program) -> NamespaceTarget? {
    switch NamespaceTarget.parse(text) {
    case .success(let target):
      return target
    case .failure(.outOfRange):
      program.warn("failed to parse --ns argument: '\(text)': \(errno: Errno.outOfRange)")
    case .failure(.invalid):
      program.warn("failed to parse --ns argument: '\(text)' is neither a pid (greater than 0) nor a path")
    }
    return nil
  }
}

extension [OptionSpec] {
  /// getopt's short option string: each letter, then `:` for a required argument or `::` for an optional one.
  package var shortOptionString: [UInt8] {
    var bytes: [UInt8] = []
    for spec in self {
      guard let short = spec.short else { continue }
      bytes.append(UInt8(ascii: short))
      switch spec.argument {
      case .none: break
      case .required: bytes.append(UInt8(ascii: ":"))
      case .optional: bytes += [UInt8(ascii: ":"), UInt8(ascii: ":")]
      }
    }
    return bytes
  }

  /// Every spelling the parser accepts, `-x` and `--long`.
  package var spellings: Set<String> {
    var result = Set(map { "--\($0.long)" })
    for spec in self { if let short = spec.short { result.insert("-\(short)") } }
    return result
  }
}

/// A `--help` text in util-linux's layout (`USAGE_HEADER`, `USAGE_OPTIONS`, `USAGE_MAN_TAIL`), built from the
/// option declarations.
package struct HelpText: Sendable {
  /// A block of option lines under an optional title, each help text starting at `column`.
  package struct Section: Sendable {
    package var title: String?
    package var options: [OptionSpec]
    package var column: Int

    package init(_ title: String?, column: Int, _ options: [OptionSpec]) {
      self.title = title
      self.options = options
      self.column = column
    }
  }

  /// Usage lines, `%s` standing for the program's name.
  package var usage: [String]
  package var summary: String
  package var sections: [Section]
  /// Lines after the option sections, before the manual-page line.
  package var notes: [String] = []

  package init(usage: [String], summary: String, sections: [Section], notes: [String] = []) {
    self.usage = usage
    self.summary = summary
    self.sections = sections
    self.notes = notes
  }

  package func render(for program: Program) -> Message {
    var text: Message = "\nUsage:\n"
    for line in usage { text = text + " \(program.name) \(line)\n" }
    text = text + "\n\(summary)\n"
    for section in sections {
      text = text + "\n"
      if let title = section.title { text = text + "\(title)\n" }
      for spec in section.options {
        let label = " " + spec.label
        let padding = String(repeating: " ", count: Swift.max(1, section.column - label.count))
        text = text + "\(label)\(padding)\(spec.help)\n"
      }
    }
    if !notes.isEmpty { text = text + "\n" + Message(stringLiteral: notes.map { $0 + "\n" }.joined()) }
    return text + "\nFor more details see \(program.tool)(1).\n"
  }
}

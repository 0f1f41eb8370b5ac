internal import CIPCShim
import Glibc
package import IPCModel

/// The process's command line as glibc handed it to the program at entry (see `cipc_argc` in the shim), never a
/// reconstruction: Swift's `CommandLine` rebuilds argv from /proc/self/maps on Linux and comes back empty without
/// /proc, in another pid namespace's /proc, or after a preloaded library moved `environ`.
package struct ProcessArguments {
  /// The argument count, the program name included; 0 for an empty argv.
  package let count: Int32
  /// The argument vector, which getopt may permute in place as in C.
  package let vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

  /// The arguments of this process, or nil when argv is empty (or was never handed over).
  ///
  /// Linux 5.18 and later start a program whose argv is empty with one empty argument instead, so that alone
  /// counts as empty too.
  package static func entry() -> ProcessArguments? {
    let count = cipc_argc()
    guard count > 0, let vector = cipc_argv(), let first = vector[0] else { return nil }
    if count == 1 && first[0] == 0 { return nil }
    return ProcessArguments(count: count, vector: vector)
  }

  /// argv[0]'s bytes.
  package var programPath: [UInt8] { cStringBytes(vector[0].unsafelyUnwrapped) }

  /// The arguments after argv[0], as bytes, in their order before getopt permutes them.
  package var words: [[UInt8]] {
    (1..<Int(count)).compactMap { index in vector[index].map { cStringBytes($0) } }
  }
}

/// The running tool's name and its messages, in util-linux's forms.
package struct Program: Sendable {
  /// The basename of argv[0], as util-linux's `program_invocation_short_name`: bytes, as the caller gave them.
  package var name: [UInt8]
  /// The tool's own name, for its manual page (`swipcs(1)`) whatever the binary is called.
  package var tool: String

  package init(name: [UInt8], tool: String) {
    self.name = name
    self.tool = tool
  }

  package init(name: String) { self.init(name: Array(name.utf8), tool: name) }

  /// The program named by `arguments`' argv[0]; the tool's name when there is no argv.
  package static func current(_ arguments: ProcessArguments?, tool: String) -> Program {
    guard let path = arguments?.programPath else { return Program(name: tool) }
    // What follows the last slash (all of it when there is none); not `split`, whose array of slices costs its
    // generic metadata at every start.
    let base = path.lastIndex(of: UInt8(ascii: "/")).map { path[($0 + 1)...] } ?? path[...]
    return Program(name: Array(base), tool: tool)
  }

  /// `name: message` on stderr (util-linux `warnx`).
  package func warn(_ message: Message) {
    writeStandardError("\(name): \(message)\n")
  }

  /// `Try 'name --help' for more information.` (util-linux `errtryhelp`).
  package func tryHelp() {
    writeStandardError("Try '\(name) --help' for more information.\n")
  }

  /// The message util-linux-style tools cannot start without: an empty argv is an error, never "no arguments".
  package func reportEmptyCommandLine() {
    warn("no command line: the program was started with an empty argument list")
  }

  /// One unbuffered write loop to fd 2, as stderr is unbuffered in C.
  ///
  /// A failure is remembered for the exit
  /// status (see `exitStatus(_:)`), as C's stderr keeps its error flag.
  package func writeStandardError(_ message: Message) {
    let failed = message.bytes.withUnsafeBytes { OutputBuffer.writeAll(2, $0) } != nil
    if failed { cipc_stderr_note_failure() }
  }

  /// The status to exit with: util-linux's `close_stdout` exits 1 when a write to stderr failed during the run
  /// (a closed or full stderr), whatever the status would have been.
  package static func exitStatus(_ status: Int32) -> Int32 {
    cipc_stderr_failed() != 0 ? 1 : status
  }
}

import CIPCShim
package import IPCModel

/// glibc getopt_long over the process's argv: GNU permutation, unambiguous abbreviations, and glibc's own
/// diagnostics (`invalid option -- 'x'`, `option '--s' is ambiguous; …`) on stderr, exactly as util-linux gets them.
package struct OptionParser {
  package enum Event: Equatable {
    case option(Int32, argument: [UInt8]?)
    /// getopt rejected an option and has printed why.
    case error
  }

  private let argc: Int32
  private let argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
  private let shortOptions: [CChar]
  private let table: [option]

  /// - Parameters:
  ///   - arguments: the process's arguments; getopt permutes them in place, as it does in C.
  ///   - options: the options, in the order of getopt's long table (its ambiguity messages list them so).
  package init(_ arguments: ProcessArguments, options: [OptionSpec]) {
    argc = arguments.count
    argv = arguments.vector
    shortOptions = options.shortOptionString.map { CChar(bitPattern: $0) } + [0]
    table =
      options.map { spec in
        option(
          name: UnsafeRawPointer(spec.long.utf8Start).assumingMemoryBound(to: CChar.self),
          has_arg: spec.argument.getoptValue,
          flag: nil,
          val: spec.code
        )
      } + [option(name: nil, has_arg: 0, flag: nil, val: 0)]
    cipc_getopt_reset()
  }

  /// The next option, or nil when the options end.
  package mutating func next() -> Event? {
    let code = shortOptions.withUnsafeBufferPointer { short in
      table.withUnsafeBufferPointer { long in
        cipc_getopt_long(argc, argv, short.baseAddress, long.baseAddress)
      }
    }
    if code == -1 { return nil }
    if code == Int32(UInt8(ascii: "?")) { return .error }
    let argument = cipc_optarg().map(cStringBytes)
    return .option(code, argument: argument)
  }

  /// The word getopt will look at next, if any: after an option with an optional argument that was not attached,
  /// this is the word that followed the option on the command line.
  package var nextWord: [UInt8]? {
    let index = Int(cipc_optind())
    guard index < Int(argc), let word = argv[index] else { return nil }
    return cStringBytes(word)
  }

  /// Takes `nextWord` as the current option's argument, so that getopt does not see it as an operand.
  package mutating func consumeNextWord() {
    cipc_set_optind(cipc_optind() + 1)
  }

  /// The operands left after the options (valid once `next()` returned nil).
  package var operands: [[UInt8]] {
    let first = Int(cipc_optind())
    guard first < Int(argc) else { return [] }
    return (first..<Int(argc)).compactMap { index in argv[index].map { cStringBytes($0) } }
  }
}

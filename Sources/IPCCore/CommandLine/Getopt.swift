import CIPCShim

/// One long option for getopt_long.
package struct LongOption: Sendable {
  package enum Argument: Int32, Sendable {
    case none = 0
    case required = 1
    case optional = 2
  }

  package var name: StaticString
  package var argument: Argument
  /// What getopt returns for it: the short option's character, or a value above 255 for a long-only option.
  package var code: Int32

  package init(_ name: StaticString, _ argument: Argument, _ code: Int32) {
    self.name = name
    self.argument = argument
    self.code = code
  }

  package init(_ name: StaticString, _ argument: Argument, _ short: Unicode.Scalar) {
    self.init(name, argument, Int32(short.value))
  }
}

extension [LongOption] {
  /// Every spelling the parser accepts, `-x` and `--long`: the short options of `shortOptions` (getopt's string)
  /// and the long ones of this table.
  package func spellings(shortOptions: StaticString) -> Set<String> {
    var result = Set(map { "--\($0.name)" })
    shortOptions.withUTF8Buffer { bytes in
      for byte in bytes where byte != UInt8(ascii: ":") { result.insert("-" + String(UnicodeScalar(byte))) }
    }
    return result
  }
}

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
  ///   - argc: the argument count, the program name included.
  ///   - argv: the argument vector; getopt permutes it in place, as it does in C.
  ///   - shortOptions: getopt's short option string.
  ///   - longOptions: the long options.
  package init(
    argc: Int32,
    argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
    shortOptions: StaticString,
    longOptions: [LongOption]
  ) {
    self.argc = argc
    self.argv = argv
    self.shortOptions = shortOptions.withUTF8Buffer { $0.map { CChar(bitPattern: $0) } } + [0]
    self.table =
      longOptions.map { long in
        option(
          name: UnsafeRawPointer(long.name.utf8Start).assumingMemoryBound(to: CChar.self),
          has_arg: long.argument.rawValue,
          flag: nil,
          val: long.code
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

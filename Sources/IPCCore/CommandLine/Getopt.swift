import CIPCShim
import Glibc
package import IPCModel

/// glibc getopt_long over the process's argv: GNU permutation, unambiguous abbreviations, and glibc's own
/// diagnostics (`invalid option -- 'x'`, `option '--s' is ambiguous; …`) on stderr, exactly as util-linux gets them.
///
/// Those diagnostics follow the locale, which is set only when first needed (`ProcessLocale`). Until it is set,
/// getopt runs silent (`opterr` 0); when it reports an error, the locale is set and getopt runs again from the
/// start over argv as it was, with the same steps (`consumeNextWord` included), so that it prints its message at
/// the same point and in the same words as if the locale had been set before parsing.
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
  /// argv as it was before getopt permuted it, as pointer bit patterns (`[Int]` storage is prespecialised in the
  /// standard library; an array of pointers would instantiate its metadata at every start).
  private let originalVector: [Int]
  /// How many times getopt has been called, and after which calls `consumeNextWord` moved `optind`.
  private var calls = 0
  private var consumedAfter: [Int] = []

  /// - Parameters:
  ///   - arguments: the process's arguments; getopt permutes them in place, as it does in C.
  ///   - options: the options, in the order of getopt's long table (its ambiguity messages list them so).
  package init(_ arguments: ProcessArguments, options: [OptionSpec]) {
    argc = arguments.count
    argv = arguments.vector
    Self.preferShorterNames(argc: argc, argv: argv, options: options)
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
    originalVector = (0..<Int(argc)).map { [argv] in Int(bitPattern: argv[$0]) }
    cipc_getopt_reset()
  }

  /// Keeps util-linux's abbreviations working where swipcs added a longer option that extends an old name.
  ///
  /// `--al` meant `--all` to ipcs and ipcrm, and would be ambiguous next to `--all-namespaces`. A long-option word
  /// that abbreviates several options, one of whose names all the others extend, is rewritten to that option's
  /// full name before getopt reads it. Words that are option arguments, and the words after `--` (or after the
  /// first operand under POSIXLY_CORRECT), are left alone.
  private static func preferShorterNames(
    argc: Int32,
    argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
    options: [OptionSpec]
  ) {
    // Only a word that starts with `--` can be rewritten, and most command lines have none: then nothing more is
    // done here (the names below cost a tenth of a `swipcs -m` start, issue 18).
    let hasLongOption = (1..<max(Int(argc), 1)).contains { index in
      argv[index].map { $0[0] == CChar(UInt8(ascii: "-")) && $0[1] == CChar(UInt8(ascii: "-")) } ?? false
    }
    guard hasLongOption else { return }
    let names = options.map { Array(UnsafeBufferPointer(start: $0.long.utf8Start, count: $0.long.utf8CodeUnitCount)) }
    guard names.contains(where: { name in names.contains { $0.count > name.count && $0.starts(with: name) } }) else {
      return
    }
    let posixlyCorrect = getenv("POSIXLY_CORRECT") != nil
    var index = 1
    while index < Int(argc) {
      guard let pointer = argv[index] else { break }
      let word = cStringBytes(pointer)
      index += 1
      if word == Array("--".utf8) { break }
      if word.starts(with: Array("--".utf8)) {
        let body = word.dropFirst(2)
        let name = Array(body.prefix { $0 != UInt8(ascii: "=") })
        let matches = names.indices.filter { names[$0].starts(with: name) }
        guard !matches.isEmpty else { continue }
        var chosen = matches.first { names[$0] == name }
        if chosen == nil, matches.count > 1,
          let shortest = matches.min(by: { names[$0].count < names[$1].count }),
          matches.allSatisfy({ names[$0].starts(with: names[shortest]) })
        {
          chosen = shortest
          let rewritten = [UInt8]("--".utf8) + names[shortest] + body.dropFirst(name.count) + [0]
          // Kept for the life of the process, as argv is.
          argv[index - 1] = rewritten.withUnsafeBytes {
            strdup($0.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: CChar.self))
          }
        }
        if chosen == nil && matches.count == 1 { chosen = matches[0] }
        if let chosen, case .required = options[chosen].argument, name.count == body.count { index += 1 }
      } else if word.count > 1 && word[0] == UInt8(ascii: "-") {
        for (offset, letter) in word.enumerated().dropFirst() {
          guard let spec = options.first(where: { $0.short.map { UInt8(ascii: $0) } == letter }) else { continue }
          if case .required = spec.argument {
            if offset == word.count - 1 { index += 1 }
            break
          }
          if case .optional = spec.argument { break }
        }
      } else if posixlyCorrect {
        break
      }
    }
  }

  private func getopt() -> Int32 {
    shortOptions.withUnsafeBufferPointer { short in
      table.withUnsafeBufferPointer { long in
        cipc_getopt_long(argc, argv, short.baseAddress, long.baseAddress)
      }
    }
  }

  /// getopt reported an error without printing it: sets the locale, then repeats the parse so far with messages on.
  private func replayWithMessages() -> Int32 {
    ProcessLocale.adoptEnvironment()
    for index in originalVector.indices { argv[index] = UnsafeMutablePointer(bitPattern: originalVector[index]) }
    cipc_getopt_reset()
    cipc_set_opterr(1)
    var consumed = consumedAfter[...]
    for call in 0..<(calls - 1) {
      _ = getopt()
      if consumed.first == call {
        consumed = consumed.dropFirst()
        cipc_set_optind(cipc_optind() + 1)
      }
    }
    return getopt()
  }

  /// The next option, or nil when the options end.
  package mutating func next() -> Event? {
    let silent = !ProcessLocale.isAdopted
    cipc_set_opterr(silent ? 0 : 1)
    var code = getopt()
    calls += 1
    if code == Int32(UInt8(ascii: "?")) && silent { code = replayWithMessages() }
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
    consumedAfter.append(calls - 1)
  }

  /// The operands left after the options (valid once `next()` returned nil).
  package var operands: [[UInt8]] {
    let first = Int(cipc_optind())
    guard first < Int(argc) else { return [] }
    return (first..<Int(argc)).compactMap { index in argv[index].map { cStringBytes($0) } }
  }
}

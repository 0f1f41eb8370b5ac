import IPCCore
import IPCModel
import Testing

/// The options each tool accepts are the same set in its parser, its --help, its man page and its bash, zsh and
/// fish completions: an option added to one and forgotten in another fails here.
@Suite("options are documented and completed everywhere")
struct DocumentationTests {
  static func read(_ path: String) throws -> String {
    String(decoding: try fixture("../../../" + path), as: UTF8.self)
  }

  /// `-x` or `--long-name`, with what may trail an option in these texts cut off.
  static func option(_ token: Substring) -> String? {
    var word = token
    for cut in ["[", "=", ",", "<"] {
      if let index = word.firstIndex(of: Character(cut)), index != word.startIndex { word = word[..<index] }
    }
    let letters = word.drop { $0 == "-" }
    let dashes = word.count - letters.count
    guard !letters.isEmpty, letters.allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
    if dashes == 1 && letters.count == 1 { return String(word) }
    if dashes == 2 && letters.count > 1 { return String(word) }
    return nil
  }

  /// Options at the start of help lines (` -a, --all[=…]  text`, `     --human  text`).
  static func helpOptions(_ text: String) -> Set<String> {
    var found = Set<String>()
    for line in text.split(separator: "\n") {
      for token in line.split(separator: " ") {
        guard let option = option(token) else { break }
        found.insert(option)
      }
    }
    return found
  }

  /// Options named on the line after each `.TP` of the OPTIONS section (`.BR \-a ", " \-\-all`).
  static func manOptions(_ text: String) -> Set<String> {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: ".SH OPTIONS") else { return [] }
    let end = lines[(start + 1)...].firstIndex { $0.hasPrefix(".SH ") } ?? lines.endIndex
    var found = Set<String>()
    for index in start..<end - 1 where lines[index] == ".TP" {
      let line = lines[index + 1].split(separator: "\\-", omittingEmptySubsequences: false).joined(separator: "-")
      for token in line.split(whereSeparator: { " \"".contains($0) }) {
        if let option = option(token) { found.insert(option) }
      }
    }
    return found
  }

  /// The words of bash's `local opts="…"`.
  static func bashOptions(_ text: String) -> Set<String> {
    guard let line = text.split(separator: "\n").first(where: { $0.contains("local opts=\"") }) else { return [] }
    return Set(line.split(separator: "\"")[1].split(separator: " ").compactMap(option))
  }

  /// The option of each zsh `_arguments` spec (`'-m[…]'`, `'*--shmem-id=[…]'`, `'*-a+[…]'`, `'*-a-[…]'`).
  static func zshOptions(_ text: String) -> Set<String> {
    var found = Set<String>()
    for spec in text.split(separator: "'") {
      let body = spec.drop { $0 == "*" }
      guard body.first == "-", body.contains("[") else { continue }
      var name = body.prefix { $0 != "[" }
      if (name.hasSuffix("-") || name.hasSuffix("+")) && name.count > 2 { name = name.dropLast() }
      if let option = option(name) { found.insert(option) }
    }
    return found
  }

  /// `-s X` and `-l NAME` of each fish `complete -c TOOL` line.
  static func fishOptions(_ text: String) -> Set<String> {
    var found = Set<String>()
    for line in text.split(separator: "\n") where line.hasPrefix("complete -c ") {
      let words = line.split(separator: " ")
      for (index, word) in words.enumerated() where index + 1 < words.count {
        if word == "-s" { found.insert("-" + words[index + 1]) }
        if word == "-l" { found.insert("--" + words[index + 1]) }
      }
    }
    return found
  }

  @Test(arguments: ["swipcs", "swipcrm"])
  func sameOptionsEverywhere(tool: String) throws {
    let program = Program(name: tool)
    let parser = tool == "swipcs" ? SwipcsCommandLine.optionSpellings : SwipcrmCommandLine.optionSpellings
    let help = tool == "swipcs" ? SwipcsCommandLine.help(for: program) : SwipcrmCommandLine.help(for: program)
    #expect(parser.count > 10)
    #expect(Self.helpOptions(help.description) == parser, "--help")
    #expect(Self.manOptions(try Self.read("man/\(tool).1")) == parser, "man page")
    #expect(Self.bashOptions(try Self.read("completions/\(tool).bash")) == parser, "bash completion")
    #expect(Self.zshOptions(try Self.read("completions/_\(tool)")) == parser, "zsh completion")
    #expect(Self.fishOptions(try Self.read("completions/\(tool).fish")) == parser, "fish completion")
  }

  /// The words of `--all[=shm|pshm|…]` in a help text.
  static func helpTypes(_ text: String) -> Set<String> {
    guard let start = text.firstRange(of: "--all[=") else { return [] }
    let rest = text[start.upperBound...]
    return Set(rest.prefix { $0 != "]" }.split(separator: "|").map(String.init))
  }

  /// Every fixed word list a completion script offers: bash's `types="…"` and `all_types="…"`, zsh's `:(…)`
  /// actions, fish's `-a '…'` (those without a command substitution).
  static func completedWordLists(_ text: String) throws -> [Set<String>] {
    let pattern = try Regex(#"types="([a-z ]+)"|:\(([a-z ]+)\)'|-a '([a-z ]+)'"#)
    return text.matches(of: pattern).map { match in
      let list = (1...3).compactMap { match.output[$0].substring }.first ?? ""
      return Set(list.split(separator: " ").map(String.init))
    }
  }

  /// The types `-a`/`--all` takes are those of the help (System V and POSIX), and the old form's first word the
  /// System V ones, in every completion script: as the type attached, as the next word and as the old form's first
  /// word.
  @Test func swipcrmTypesEverywhere() throws {
    let types = Self.helpTypes(SwipcrmCommandLine.help(for: Program(name: "swipcrm")).description)
    #expect(types == ["shm", "msg", "sem", "pshm", "pmsg", "psem"])
    let legacy: Set<String> = ["shm", "msg", "sem"]
    // (file, lists of -a's types, lists of the old form's types)
    let places = [
      ("completions/swipcrm.bash", 1, 1), ("completions/_swipcrm", 2, 1), ("completions/swipcrm.fish", 2, 1),
    ]
    for (file, allCount, legacyCount) in places {
      let lists = try Self.completedWordLists(try Self.read(file))
      #expect(lists.filter { $0 == types }.count == allCount, "\(file)")
      #expect(lists.filter { $0 == legacy }.count == legacyCount, "\(file)")
      #expect(lists.count == allCount + legacyCount, "\(file)")
    }
  }

  @Test func versionComesFromOnePlace() {
    #expect(
      Version.line(for: Program(name: "swipcs"))
        == "swipcs from swipcs \(Version.number) (util-linux 2.38.1 compatible)\n"
    )
  }
}

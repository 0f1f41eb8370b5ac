import Testing

/// The bash completions offer the ids and keys of the objects that exist, read from /proc/sysvipc.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct CompletionTests {
  static let completions = Support.scriptsDirectory + "/../../../completions"

  /// Runs bash in a fresh fixture namespace: completes `words` (the last one being completed) with the script of
  /// `tool`, and also prints the ids and keys /proc lists, so the test compares with what is really there.
  static func complete(_ tool: String, _ words: [String]) throws -> (offered: [String], shm: [(String, String)]) {
    let quoted = words.map { "'\($0)'" }.joined(separator: " ")
    let script = """
      source '\(completions)/\(tool).bash'
      COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _\(tool)
      printf '%s\\n' "${COMPREPLY[@]}"
      echo ---
      tail -n +2 /proc/sysvipc/shm | while read -r key id rest; do printf '%s 0x%08x\\n' "$id" $((key & 0xffffffff)); done
      """
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "51", "--count", "6"])
    try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    let separator = try #require(lines.firstIndex(of: "---"))
    let shm = lines[(separator + 1)...].map { line in
      let parts = line.split(separator: " ")
      return (String(parts[0]), String(parts[1]))
    }
    return (Array(lines[..<separator]), shm)
  }

  @Test("swipcrm -m <TAB> offers the segment ids")
  func segmentIDs() throws {
    let (offered, shm) = try Self.complete("swipcrm", ["swipcrm", "-m", ""])
    #expect(shm.count == 6)
    #expect(offered == shm.map(\.0))
  }

  @Test("swipcrm -M <TAB> offers the segment keys, without IPC_PRIVATE")
  func segmentKeys() throws {
    let (offered, shm) = try Self.complete("swipcrm", ["swipcrm", "-M", "0x"])
    let keys = shm.map(\.1).filter { $0 != "0x00000000" }
    #expect(!keys.isEmpty && keys.count < shm.count, "the fixture should make private and keyed segments")
    #expect(offered == keys)
  }

  @Test("swipcrm shm <TAB> and swipcs -m -i <TAB> offer ids; options complete")
  func otherForms() throws {
    let (legacy, shm) = try Self.complete("swipcrm", ["swipcrm", "shm", "1", ""])
    #expect(legacy == shm.map(\.0))
    let (detail, _) = try Self.complete("swipcs", ["swipcs", "-m", "-i", ""])
    #expect(detail == shm.map(\.0))
    let (options, _) = try Self.complete("swipcrm", ["swipcrm", "--dr"])
    #expect(options == ["--dry-run"])
  }
}

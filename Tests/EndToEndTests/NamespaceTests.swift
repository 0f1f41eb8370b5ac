import Glibc
import Testing

/// Issue 15: `--ns` and `--all-namespaces` next to `nsenter --ipc -t PID ipcs|ipcrm`, in IPC namespaces made by
/// the test (`Scripts/namespaces.sh`), one of them inside a new user namespace and one owned by uid 65534.
///
/// Everything runs as pid 1 of a private pid namespace with its own `/proc` and IPC namespace, so the only
/// processes and namespaces in sight are the test's: the machine's are never entered or changed, and
/// `--all-namespaces` can be checked exactly. Entering a namespace needs real root.
@Suite(.enabled(if: Namespaces.mode == .root, "entering IPC namespaces (setns) needs root"))
struct NamespaceEndToEndTests {
  /// The completion cases: the argument of `--ns`, separate or attached.
  static let completionCases = [
    CompletionTests.Case(line: "swipcs --ns ", expected: .words([])),
    CompletionTests.Case(line: "swipcrm -n --ns ", expected: .words([])),
    CompletionTests.Case(line: "swipcs -m --ns=", expected: .words([]), fishPrefix: "--ns="),
  ]

  static func run() throws -> (failures: [String], expectedPids: [String], offered: [String: [[String]]]) {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    let shells = CompletionTests.Shell.allCases.filter(\.installed)
    var script = """
      . "$0" "$WORK" "$SWIPCS" "$SWIPCRM" "$FIXTURE"
      export C='\(CompletionTests.completions)' HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/config" TERM=dumb
      mkdir -p "$HOME"

      """
    for shell in shells {
      script += "echo '##\(shell.rawValue)'\n" + CompletionTests.script(shell, completionCases) + "\n"
    }
    let namespaces = ["unshare", "--pid", "--fork", "--mount-proc", "--ipc"]
    let result = try Support.run(
      namespaces + ["bash", "-c", script, Support.scriptsDirectory + "/namespaces.sh"],
      environment: [
        "WORK": work, "SWIPCS": Support.product("swipcs"), "SWIPCRM": Support.product("swipcrm"),
        "FIXTURE": Support.product("ipc-fixture"),
      ]
    )
    let text = String(decoding: result.stdout, as: UTF8.self)
    let errors = String(decoding: result.stderr, as: UTF8.self)
    try #require(result.status == 0, "status \(result.status): \(text) \(errors)")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let failures = lines.filter { $0.hasPrefix("FAIL: ") }
    var section = ""
    var expected: [String] = []
    var offered: [String: [[String]]] = [:]
    for line in lines {
      if line.hasPrefix("##") {
        section = String(line.dropFirst(2))
        if section != "expected" && section != "completion" { offered[section] = [[]] }
        continue
      }
      switch section {
      case "expected": if !line.isEmpty { expected.append(line) }
      case "", "completion": break
      default:
        if line == "@@" {
          offered[section]?.append([])
        } else if !line.isEmpty, var answers = offered[section] {
          answers[answers.count - 1].append(line)
          offered[section] = answers
        }
      }
    }
    for key in offered.keys { offered[key]?.removeLast() }
    return (failures, expected, offered)
  }

  @Test(
    "--ns and --all-namespaces as nsenter --ipc shows them; removals stay in their namespace; refusals name the privilege"
  )
  func namespaces() throws {
    let (failures, expectedPids, offered) = try Self.run()
    #expect(failures.isEmpty, Comment(rawValue: failures.joined(separator: "\n")))
    // Holders: a, b (and the fixture's command), c, n and two per removal mode.
    #expect(expectedPids.count >= 8, "\(expectedPids)")
    #expect(offered.count == CompletionTests.Shell.allCases.filter(\.installed).count, "\(offered.keys)")
    for (shell, answers) in offered {
      #expect(answers.count == Self.completionCases.count, "\(shell)")
      for (item, words) in zip(Self.completionCases, answers) {
        var words = words
        if shell == "fish" && !item.fishPrefix.isEmpty {
          words = words.map { $0.hasPrefix(item.fishPrefix) ? String($0.dropFirst(item.fishPrefix.count)) : $0 }
        }
        #expect(words.sorted() == expectedPids.sorted(), "\(shell): \(item)")
      }
    }
  }
}

import Testing

/// swipcs and swipcrm while another process creates and removes objects as fast as it can: no crash, no
/// malformed row, and only the exit statuses util-linux gives in the same race.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct ChurnTests {
  static let time = #"[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"#
  static let longTime = #"[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}"#
  static let status = "(dest  |      ) (locked|      )"

  /// The shape of a row in each list view, whatever section it is in.
  static let rowShapes: [String: [String]] = [
    "": [
      #"0x[0-9a-f]{8} [0-9]+ +\S+ +[0-7]+ +[0-9]+ +[0-9]+ +"#,
      #"0x[0-9a-f]{8} [0-9]+ +\S+ +[0-7]+ +[0-9]+ +[0-9]+ +"# + status,
      #"0x[0-9a-f]{8} [0-9]+ +\S+ +[0-7]+ +[0-9]+ +"#,
    ],
    "--human": [
      #"0x[0-9a-f]{8} [0-9]+ +\S+ +[0-7]+ +[0-9.]+[BKMGTPE] +[0-9]+ +"#,
      #"0x[0-9a-f]{8} [0-9]+ +\S+ +[0-7]+ +[0-9.]+[BKMGTPE] +[0-9]+ +"# + status,
      #"0x[0-9a-f]{8} [0-9]+ +\S+ +[0-7]+ +[0-9]+ +"#,
    ],
    "-t": [
      #"[0-9]+ +\S+ +"# + "(\(time) |Not set) +(\(time) |Not set) +(\(time) |Not set) +",
      #"[0-9]+ +\S+ +"# + "(\(longTime)|Not set) +(\(longTime)|Not set) +",
    ],
    "-p": [#"[0-9]+ +\S+ +[0-9]+ +[0-9]+"#, #"[0-9]+ +\S+ +[0-9]+ +[0-9]+ +"#],
    "-c": [#"[0-9]+ +[0-7]+ +\S+ +\S+ +\S+ +\S+ *"#],
  ]

  /// One run: the mode, its exit status, stdout and stderr.
  struct Run {
    var mode: String
    var status: Int32
    var stdout: [Substring]
    var stderr: [Substring]
  }

  static func parseRuns(_ text: String) -> [Run] {
    var runs: [Run] = []
    var inError = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("@@RUN@@ ") {
        // "@@RUN@@ <kind>|<mode>|<status>": the status is the last field.
        let fields = line.dropFirst(8).split(separator: "|", omittingEmptySubsequences: false)
        let mode = fields.dropLast().joined(separator: "|")
        runs.append(Run(mode: mode, status: Int32(fields.last ?? "") ?? -1, stdout: [], stderr: []))
        inError = false
      } else if line == "@@ERR@@" {
        inError = true
      } else if !runs.isEmpty {
        if inError {
          if !line.isEmpty { runs[runs.count - 1].stderr.append(line) }
        } else {
          runs[runs.count - 1].stdout.append(line)
        }
      }
    }
    return runs
  }

  @Test("every mode under churn: well-formed output and util-linux's exit statuses")
  func churn() throws {
    let script = #"""
      run() { # label command...
        "${@:2}" > "$WORK/out" 2> "$WORK/err"
        echo "@@RUN@@ $1|$?"; cat "$WORK/out"; echo "@@ERR@@"; cat "$WORK/err"
      }
      newest() { tail -n 1 "/proc/sysvipc/$1" | { read -r key id rest; echo "${id:-0}"; }; }
      for round in $(seq 1 25); do
        for mode in "" "-t" "-p" "-c" "--human" "-l" "-u"; do
          # shellcheck disable=SC2086
          run "list|$mode" "$SWIPCS" $mode
        done
        run "detail|shm" "$SWIPCS" -m -i "$(newest shm)"
        run "detail|msg" "$SWIPCS" -q -i "$(newest msg)"
        run "detail|sem" "$SWIPCS" -s -i "$(newest sem)"
        run "remove|all" "$SWIPCRM" -a
      done
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "91", "--count", "4", "--churn"])
    try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let runs = Self.parseRuns(String(decoding: result.stdout, as: UTF8.self))
    #expect(runs.count == 25 * 11)
    var sawRows = false
    for run in runs {
      let fields = run.mode.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      try #require(fields.count == 2, "bad run label \(run.mode)")
      switch fields[0] {
      case "list":
        #expect(run.status == 0, "\(run.mode): status \(run.status)")
        #expect(run.stderr.isEmpty, "\(run.mode): \(run.stderr)")
        guard let shapes = Self.rowShapes[fields[1]] else { continue }  // -l and -u have no rows
        let patterns = try shapes.map { try Regex<AnyRegexOutput>("^(" + $0 + ")$") }
        for line in run.stdout where !line.isEmpty && !line.hasPrefix("------ ") {
          let isHeader = ["key ", "msqid ", "shmid ", "semid "].contains { line.hasPrefix($0) }
          if isHeader { continue }
          sawRows = true
          #expect(
            patterns.contains { line.wholeMatch(of: $0) != nil },
            "\(run.mode): malformed row \(line.debugDescription)"
          )
        }
      case "detail":
        let stderr = run.stderr.map { $0 + "\n" }.joined()
        if run.status == 0 && stderr.isEmpty {
          #expect(run.stdout.count > 6, "\(run.mode): short detail \(run.stdout)")
        } else if run.status == 0 {
          #expect(stderr.wholeMatch(of: #/swipcs: id -?[0-9]+ not found\n/#) != nil, "\(run.mode): \(stderr)")
        } else {
          // A set removed between the listing and its values: util-linux fails the same way in this race.
          #expect(fields[1] == "sem" && run.status == 1, "\(run.mode): status \(run.status)")
          #expect(
            stderr.wholeMatch(
              of: #/swipcs: semctl\(GET(VAL|NCNT|ZCNT|PID)\) failed: (Invalid argument|Identifier removed)\n/#
            )
              != nil,
            "\(run.mode): \(stderr)"
          )
        }
      default:
        #expect(run.status == 0 || run.status == 1, "\(run.mode): status \(run.status)")
        for line in run.stderr {
          #expect(line.wholeMatch(of: #/swipcrm: (invalid|already removed) id \([0-9]+\)/#) != nil, "remove: \(line)")
        }
      }
    }
    #expect(sawRows)
  }
}

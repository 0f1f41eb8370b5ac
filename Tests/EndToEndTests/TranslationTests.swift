import Glibc
import Testing

/// swipcs and swipcrm print util-linux's English text in every locale (issue 10, item 7).
///
/// Only what glibc itself writes (getopt's option errors, strerror) follows LC_MESSAGES, as it does in util-linux.
@Suite(
  .enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)),
  .enabled(
    if: access("/usr/share/locale/de/LC_MESSAGES/util-linux.mo", R_OK) == 0,
    "needs util-linux's German catalogue (Debian util-linux-locales; .ci/run installs it)"
  )
)
struct TranslationTests {
  static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  /// Modes whose every word comes from util-linux: swipcs prints what `LC_MESSAGES=C ipcs` prints. (`--help` is
  /// left out: its text is English too, but it names swipcs's own manual pages.)
  static let ownText: [(tool: String, mode: String)] = [
    ("ipcs", ""), ("ipcs", "-t"), ("ipcs", "-p"), ("ipcs", "-c"), ("ipcs", "-l"), ("ipcs", "-u"),
    ("ipcs", "-m -i 0"), ("ipcs", "-q -i 0"), ("ipcs", "-s -i 0"), ("ipcs", "-m -i 5"), ("ipcs", "-i abc -m"),
    ("ipcs", "-i 1"), ("ipcrm", "-m 7"), ("ipcrm", "-M 5"),
  ]
  /// Modes whose first message line is glibc getopt's: that line follows the locale, the rest is util-linux's.
  ///
  /// The locale is set only when first needed (getopt runs silent until then and repeats the parse with messages
  /// on): so also errors after valid options, and after `-a` has taken the next word as its argument.
  static let getoptText: [(tool: String, mode: String)] = [
    ("ipcs", "-x"), ("ipcs", "--foo"), ("ipcs", "-i"), ("ipcs", "--s"), ("ipcrm", "-x"), ("ipcrm", "-m"),
    ("ipcs", "-m -t --foo"), ("ipcrm", "-a shm -x"), ("ipcrm", "-v -a sem --bogus"),
  ]
  /// Modes whose message ends in strerror's text: that part follows the locale.
  static let strerrorText: [(tool: String, mode: String)] = [("ipcs", "-i 99999999999 -m")]

  struct Outputs {
    var german: ProcessResult
    var english: ProcessResult
    var candidate: ProcessResult
  }

  /// Runs every mode three times in one private IPC namespace with one object of each kind.
  ///
  /// util-linux under LANG=de_DE.UTF-8, util-linux under the same LANG but LC_MESSAGES=C, and ours under
  /// LANG=de_DE.UTF-8. The German locale is compiled into a scratch LOCPATH, so nothing is installed.
  static func runAll(_ modes: [(tool: String, mode: String)]) throws -> [Outputs] {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    try Support.writeFile(work + "/modes", modes.map { "\($0.tool) \($0.mode)" }.joined(separator: "\n") + "\n")
    let script = #"""
      set -u
      mkdir -p "$WORK/new-bin" "$WORK/locale"
      ln -s "$SWIPCS" "$WORK/new-bin/ipcs" && ln -s "$SWIPCRM" "$WORK/new-bin/ipcrm"
      localedef -i de_DE -f UTF-8 "$WORK/locale/de_DE.UTF-8" > /dev/null 2>&1
      [ -e "$WORK/locale/de_DE.UTF-8/LC_MESSAGES" ] || { echo "localedef failed" >&2; exit 3; }
      ipcmk -M 100 > /dev/null && ipcmk -Q > /dev/null && ipcmk -S 1 > /dev/null || exit 4
      unset LANGUAGE LC_ALL LC_MESSAGES
      export LOCPATH=$WORK/locale LANG=de_DE.UTF-8
      i=0
      while read -r tool mode; do
        # shellcheck disable=SC2086
        PATH=/usr/bin:/bin $tool $mode > "$WORK/$i.de.out" 2> "$WORK/$i.de.err"; echo $? > "$WORK/$i.de.rc"
        # shellcheck disable=SC2086
        LC_MESSAGES=C PATH=/usr/bin:/bin $tool $mode > "$WORK/$i.c.out" 2> "$WORK/$i.c.err"; echo $? > "$WORK/$i.c.rc"
        # shellcheck disable=SC2086
        PATH=$WORK/new-bin:/usr/bin:/bin $tool $mode > "$WORK/$i.new.out" 2> "$WORK/$i.new.err"
        echo $? > "$WORK/$i.new.rc"
        i=$((i + 1))
      done < "$WORK/modes"
      """#
    let namespace = Namespaces.mode == .root ? ["unshare", "--ipc"] : ["unshare", "--map-root-user", "--ipc"]
    let result = try Support.run(
      namespace + ["bash", "-c", script],
      environment: ["WORK": work, "SWIPCS": Support.product("swipcs"), "SWIPCRM": Support.product("swipcrm")]
    )
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    func load(_ index: Int, _ side: String) -> ProcessResult {
      let rc = Self.text(Support.readFile("\(work)/\(index).\(side).rc") ?? []).filter { !$0.isWhitespace }
      return ProcessResult(
        status: Int32(rc) ?? -1,
        stdout: Support.readFile("\(work)/\(index).\(side).out") ?? [],
        stderr: Support.readFile("\(work)/\(index).\(side).err") ?? []
      )
    }
    return modes.indices.map { Outputs(german: load($0, "de"), english: load($0, "c"), candidate: load($0, "new")) }
  }

  @Test("headers, labels and util-linux's own messages stay English under LANG=de_DE.UTF-8")
  func ownTextIsEnglish() throws {
    let outputs = try Self.runAll(Self.ownText)
    for (index, (tool, mode)) in Self.ownText.enumerated() {
      let run = outputs[index]
      #expect(run.candidate == run.english, "\(tool) \(mode): not what LC_MESSAGES=C \(tool) prints")
      // util-linux does translate these: the catalogue is in use, so the test shows a difference.
      #expect(run.german != run.english, "\(tool) \(mode): util-linux printed no German")
    }
    #expect(Self.text(outputs[0].german.stdout).contains("Nachrichtenwarteschlangen"))
  }

  @Test("getopt's messages and strerror follow the locale, in both programs")
  func glibcTextFollowsTheLocale() throws {
    let outputs = try Self.runAll(Self.getoptText + Self.strerrorText)
    for (index, (tool, mode)) in (Self.getoptText + Self.strerrorText).enumerated() {
      let run = outputs[index]
      let german = Self.text(run.german.stderr).split(separator: "\n", omittingEmptySubsequences: false)
      let english = Self.text(run.english.stderr).split(separator: "\n", omittingEmptySubsequences: false)
      let expected: String
      if index < Self.getoptText.count {
        // glibc's line as util-linux prints it under the locale, then util-linux's "Try ..." line in English.
        try #require(german.count > 1 && english.count > 1, "\(tool) \(mode): \(german)")
        expected = ([german[0]] + english.dropFirst()).joined(separator: "\n")
      } else {
        // util-linux's words in English, strerror's in the locale's language.
        let englishLine = String(try #require(english.first))
        let germanLine = String(try #require(german.first))
        let prefix = englishLine[..<(englishLine.lastRange(of: ": ")?.upperBound ?? englishLine.endIndex)]
        let cause = germanLine[(germanLine.lastRange(of: ": ")?.upperBound ?? germanLine.endIndex)...]
        #expect(cause != englishLine[prefix.endIndex...], "strerror was not translated")
        expected = String(prefix) + cause + "\n"
      }
      #expect(Self.text(run.candidate.stderr) == expected, "\(tool) \(mode)")
      #expect(run.candidate.stdout == run.english.stdout && run.candidate.status == run.english.status)
    }
  }
}

extension String {
  /// The range of the last occurrence of `needle` (no Foundation here).
  fileprivate func lastRange(of needle: String) -> Range<String.Index>? {
    var index = endIndex
    while index > startIndex {
      index = self.index(before: index)
      if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
    }
    return nil
  }
}

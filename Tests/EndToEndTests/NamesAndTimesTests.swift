import Glibc
import IPCCore
import IPCModel
import Testing

/// Names from passwd and group entries of megabytes, and times glibc's `ctime_r` cannot hold (issue 10, items 5
/// and 6).
@Suite(.enabled(if: Namespaces.mode == .root, "needs root for private mounts over /etc and /proc/sysvipc"))
struct NamesAndTimesTests {
  static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  /// Runs `script` under bash in a fresh IPC and mount namespace, with `$WORK` = `work` and `$NEW` a directory in
  /// which swipcs is called ipcs.
  static func runPrivately(_ script: String, work: String) throws -> ProcessResult {
    let prologue = """
      set -u
      export WORK='\(work)' NEW='\(work)/new-bin'
      mkdir -p "$NEW" && ln -sf '\(Support.product("swipcs"))' "$NEW/ipcs"
      as() { if [ "$1" = root ]; then shift; "$@"; else shift; setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi; }

      """
    return try Support.run(["unshare", "--ipc", "--mount", "--propagation", "private", "bash", "-c", prologue + script])
  }

  // MARK: Huge passwd and group entries

  @Test("a 2 MB group member line and passwd entry still give names, and so do the entries after them")
  func hugeEntries() throws {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    // 2.2 MB of members (large LDAP-backed hosts have such groups) and a 2.1 MB GECOS field: each more than twice
    // the 1 MiB swipcs once stopped at. With the files backend every line before an entry must fit the buffer too.
    let members = (0..<200_000).map { "member\($0)" }.joined(separator: ",")
    let gecos = String(repeating: "g", count: 2_100_000)
    let group = Self.text(Support.readFile("/etc/group") ?? [])
    let passwd = Self.text(Support.readFile("/etc/passwd") ?? [])
    try Support.writeFile(work + "/group", group + "hugegroup:x:4300:\(members)\nafter:x:4301:\n")
    try Support.writeFile(
      work + "/passwd",
      passwd + "hugeuser:x:4300:4300:\(gecos):/nonexistent:/usr/sbin/nologin\n"
        + "afteruser:x:4301:4301::/nonexistent:/usr/sbin/nologin\n"
    )
    let script = #"""
      mount --bind "$WORK/group" /etc/group && mount --bind "$WORK/passwd" /etc/passwd || exit 3
      mk() { setpriv --reuid="$1" --regid="$2" --clear-groups ipcmk "${@:3}" > /dev/null || exit 4; }
      mk 4300 4300 -M 4096; mk 4301 4301 -Q; mk 4301 4300 -S 2; mk 4300 4301 -M 8192; mk 0 4301 -Q
      modes=("" "-c" "-t" "-p" "-m -c" "-q -c" "-s -c" "-m -i 0")
      for user in root nobody; do
        for mode in "${modes[@]}"; do
          # shellcheck disable=SC2086
          PATH=/usr/bin:/bin as $user ipcs $mode > "$WORK/ref" 2>&1; echo "rc $?" >> "$WORK/ref"
          PATH=$NEW:/usr/bin:/bin as $user ipcs $mode > "$WORK/new" 2>&1; echo "rc $?" >> "$WORK/new"
          if cmp -s "$WORK/ref" "$WORK/new"; then echo "same|$user|$mode"
          else echo "DIFFERENT|$user|$mode"; diff "$WORK/ref" "$WORK/new" | head -8; fi
        done
      done
      echo "reference -c:"
      /usr/bin/ipcs -c
      """#
    let result = try Self.runPrivately(script, work: work)
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    let output = Self.text(result.stdout)
    let lines = output.split(separator: "\n")
    #expect(lines.filter { $0.hasPrefix("same|") }.count == 16, "\(output)")
    #expect(!lines.contains { $0.hasPrefix("DIFFERENT") }, "\(output)")
    // The comparison is about names: util-linux does show them.
    let creators = lines.drop { $0 != "reference -c:" }
    for name in ["hugeuser   hugegroup  hugeuser   hugegroup", "afteruser  after      afteruser  after"] {
      #expect(creators.contains { $0.contains(name) }, "\(output)")
    }
  }

  // MARK: Times from /proc/sysvipc

  /// The kernel's headers, with times a real kernel does not write but ipcs reads: -1, 2^64-1 (which `%SCNi64`
  /// reads as 2^63-1, beyond what glibc converts), year 10000 (July, so in every zone) and later, year 1 (whose ctime text is so short
  /// that the long form carries its newline), and hexadecimal and octal spellings.
  static let shm = """
           key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
          4660          0   600                     1 31002     0      0     0     0     0     0          0          0 18446744073709551615                     0                     0
          4661          1   600                     2 31002     0      0     0     0     0     0         -1 253402300800 1795383152                     0                     0
          4662          2   600                     3 31002     0      0     0     0     0     0 -62135596800       0x10        010                     0                     0
          4663          3   640                     4 31002 31003      1  4242     0  4242     0 3155760000000          0 1795383152                     0                     0
          4664          4   600                     5 31002     0      0     0     0     0     0          0          0         -1                     0                     0
          4665          5   600                     6 31002     0      0     0     0     0     0          0          0 18446744073709551615                     0                     0

    """
  static let msg = """
           key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime
     190780902          0   600           0          0     0     0     0     0     0     0          0          0 18446744073709551615
     190780903          1   600          10          1  1234  1235     0     0     0     0 253402300800         -1 1795383152

    """
  static let sem = """
           key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime
           153          0   600          3     0     0     0     0          0 18446744073709551615
           154          1   600          1     0     0     0     0 253418025600 -62135596800
           155          2   600          2     0     0     0     0         -1 0x7fffffff

    """

  /// How swipcs renders `mode` from the fixtures: its `/proc/sysvipc` parser and its renderers, in this process.
  static func render(_ mode: String) throws -> [UInt8] {
    let segments = try SharedMemorySegment.parseProcFile(Array(shm.utf8))
    let queues = try MessageQueue.parseProcFile(Array(msg.utf8))
    let sets = try SemaphoreSet.parseProcFile(Array(sem.utf8))
    try #require(segments.skipped.isEmpty && queues.skipped.isEmpty && sets.skipped.isEmpty)
    var out = OutputBuffer()
    let words = mode.split(separator: " ")
    if words.count == 3, words[1] == "-i", let id = Int32(words[2]) {
      var detail = DetailText(unit: .standard, decimalPoint: Array(".".utf8))
      if words[0] == "-m" {
        detail.append(try #require(segments.rows.first { $0.id == id }), requestedID: id, to: &out)
      } else {
        detail.append(try #require(queues.rows.first { $0.id == id }), requestedID: id, to: &out)
      }
      return out.bytes
    }
    let format: ListFormat =
      words.contains("-t") ? .times : words.contains("-c") ? .creators : words.contains("-p") ? .pids : .standard
    var listing = ListingText(unit: .standard, decimalPoint: Array(".".utf8))
    out.append("\n")
    switch words[0] {
    case "-q": listing.appendSection(queues.rows, format: format, to: &out)
    case "-m": listing.appendSection(segments.rows, format: format, to: &out)
    default: listing.appendSection(sets.rows, format: format, to: &out)
    }
    out.append("\n")
    return out.bytes
  }

  static let timeModes = [
    "-m", "-m -t", "-m -c", "-m -p", "-m -i 0", "-m -i 1", "-m -i 2", "-m -i 5", "-q", "-q -t", "-q -i 0",
    "-q -i 1", "-s", "-s -t", "-s -c",
  ]

  /// swipcs lists the objects STAT_ANY finds, so a file mounted over /proc/sysvipc is not what it reads (it reads
  /// the file only where STAT_ANY is missing or refused): util-linux reads the crafted files, and swipcs's
  /// /proc parser and renderers are run on the same text in this process.
  @Test("times from /proc/sysvipc print as util-linux prints them, an unconvertible one as an empty field")
  func unusualTimes() throws {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    try Support.writeFile(work + "/shm", Self.shm)
    try Support.writeFile(work + "/msg", Self.msg)
    try Support.writeFile(work + "/sem", Self.sem)
    try Support.writeFile(work + "/modes", Self.timeModes.joined(separator: "\n") + "\n")
    let script = #"""
      for kind in shm msg sem; do mount --bind "$WORK/$kind" "/proc/sysvipc/$kind" || exit 3; done
      i=0
      while IFS= read -r mode; do
        # shellcheck disable=SC2086
        /usr/bin/ipcs $mode > "$WORK/out.$i" 2> "$WORK/err.$i"; echo $? > "$WORK/rc.$i"
        i=$((i + 1))
      done < "$WORK/modes"
      """#
    let result = try Self.runPrivately(script, work: work)
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    for (index, mode) in Self.timeModes.enumerated() {
      let reference = Support.readFile("\(work)/out.\(index)") ?? []
      #expect(Support.readFile("\(work)/err.\(index)") == [], "ipcs \(mode) complained")
      #expect(Self.text(Support.readFile("\(work)/rc.\(index)") ?? []) == "0\n", "ipcs \(mode) failed")
      let candidate = try Self.render(mode)
      #expect(!Self.text(candidate).contains("(null)"))
      if mode == "-m -t" {
        // The one documented difference: util-linux's last row shows the time before it again (its static ctime
        // buffer, left as it was by the failed conversion); swipcs shows an empty field.
        let referenceLines = Self.text(reference).split(separator: "\n", omittingEmptySubsequences: false)
        var candidateLines = Self.text(candidate).split(separator: "\n", omittingEmptySubsequences: false)
        try #require(referenceLines.count == candidateLines.count && referenceLines.count == 11)
        let stale = String(referenceLines[8].dropFirst(22 + 42).prefix(20))
        #expect(
          stale == String(referenceLines[7].dropFirst(22 + 42).prefix(20)) && stale != String(repeating: " ", count: 20)
        )
        #expect(candidateLines[8].hasSuffix(String(repeating: " ", count: 21)))
        candidateLines[8] = Substring(candidateLines[8].dropLast(20) + stale)
        #expect(candidateLines == referenceLines, "ipcs \(mode)")
      } else {
        #expect(Self.text(candidate) == Self.text(reference), "ipcs \(mode)")
      }
    }
    // The fixtures do reach the cases: a five-digit year cut to 24 characters, and an empty field.
    let longTimes = Self.text(Support.readFile("\(work)/out.\(Self.timeModes.firstIndex(of: "-s -t") ?? 0)") ?? [])
    #expect(longTimes.contains(" 1000  "), "\(longTimes)")
    let detail = Self.text(Support.readFile("\(work)/out.\(Self.timeModes.firstIndex(of: "-m -i 0") ?? 0)") ?? [])
    #expect(detail.contains("change_time=" + String(repeating: " ", count: 26) + "\n"), "\(detail)")
  }
}

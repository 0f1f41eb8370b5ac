import Testing

/// swipcrm against /usr/bin/ipcrm (util-linux 2.38.1): each scenario in a fresh namespace with the same objects,
/// for root and for uid 65534; stdout, stderr, exit status and the objects left must all be the same.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct RemovalTests {
  /// Every form where util-linux's behaviour is kept.
  static let compatibleModes = [
    "", "-v", "-m {shm:0}", "-q {msg:0}", "-s {sem:0}", "-v -m {shm:1} -q {msg:1} -s {sem:1}",
    "--shmem-id {shm:2}", "--queue-id={msg:2}", "--semaphore-id {sem:2} -v", "-m {shm:1} -v -m {shm:2}",
    "-m {shm:0} -m {shm:0}", "-m ' {shm:1}'", "-q +{msg:1}",
    "-M {shmkey:1}", "-Q {msgkey:1}", "-S {semkey:2}", "-v -M {shmkeydec:3}", "-Q {msgkeyoct:2}",
    "--shmem-key {shmkey:3} --semaphore-key={semkey:3}", "-v -S {semkey:0} -Q {msgkey:0}",
    "-m 999999", "-q 999999 -s {sem:0}", "-m -1", "-s -2147483648", "-M 0x9999", "-M 0", "-M 0x0", "-S 00",
    "-Q -0", "-v -Q 0x7fffffff",
    "-a", "-v -a", "-a -v", "--all", "-ashm", "-amsg", "-asem", "--all=sem", "-v --all=msg", "-asem -a",
    "-a -m {shm:0}", "-v -ashm -q {msg:1}",
    "shm {shm:0} {shm:1}", "msg {msg:0}", "sem {sem:0} 999999", "sem 999999", "shm", "msg -1",
    "-m abc", "-m", "-x", "--shm 1", "--sem 1", "-abad", "-a=shm", "--all=", "-m 0x10 -q {msg:0}",
    "-s 99999999999", "-S 0x1g", "-M 08", "-Q 0x", "-S 99999999999999999999", "-x -h",
    "-m ''", "-q ' '",
  ]

  @Test("removals match util-linux ipcrm, objects left included", arguments: [41, 42] as [UInt64])
  func compatibleForms(seed: UInt64) throws {
    let results = try DifferentialRun.run(
      tool: "ipcrm",
      modes: Self.compatibleModes,
      fixtureArguments: ["--seed", String(seed), "--count", "5"]
    )
    #expect(results.count == Self.compatibleModes.count * Namespaces.users.count)
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
    // The scenarios did remove things, and did fail in places.
    #expect(results.contains { $0.referenceAfter != results[0].referenceAfter })
    #expect(results.contains { $0.reference.status == 1 && !$0.reference.stderr.isEmpty })
  }

  /// Runs `modes` with both programs; returns, per mode and user, util-linux's and swipcrm's results.
  static func run(_ modes: [String], seed: UInt64 = 43, extra: [String] = []) throws -> [Comparison] {
    try DifferentialRun.run(
      tool: "ipcrm",
      modes: modes,
      fixtureArguments: ["--seed", String(seed), "--count", "4"] + extra
    )
  }

  /// What `ipcs` shows in an untouched namespace made from the same seed.
  static func untouched(seed: UInt64 = 43, extra: [String] = []) throws -> [UInt8] {
    let results = try run(["-V"], seed: seed, extra: extra)
    return try #require(results.first?.candidateAfter)
  }

  static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

  @Test("safety fix 1: a bad argument anywhere means nothing is removed")
  func checksTheWholeCommandLineFirst() throws {
    let before = try Self.untouched()
    let modes = [
      "-q {msg:0} -m abc", "-m {shm:0} -Z -q {msg:0}", "-m {shm:0} extra", "-a foo", "-s {sem:0} -a=bogus",
      "-M {shmkey:1} -S 0x", "-m {shm:0} -h", "-a -V", "shm {shm:0} abc {shm:1}", "shm {shm:0} 4294967296",
      "shm ''",
    ]
    for comparison in try Self.run(modes) {
      #expect(
        comparison.candidate.status
          == (comparison.arguments.contains(" -h") || comparison.arguments.contains(" -V") ? 0 : 1)
      )
      #expect(comparison.candidateAfter == before, "swipcrm removed something for '\(comparison.arguments)'")
      // util-linux does remove something in most of these: that is the hazard being fixed.
      if comparison.arguments.hasPrefix("-q") || comparison.arguments.hasPrefix("-a foo") {
        #expect(comparison.referenceAfter != before)
      }
    }
  }

  /// The lines of one section of an ipcs listing, title included.
  static func section(_ listing: [UInt8]?, _ title: String) -> [Substring] {
    let lines = text(listing).split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0 == "------ \(title) --------" }) else { return [] }
    let end = lines[start...].firstIndex(where: \.isEmpty) ?? lines.endIndex
    return Array(lines[start..<end])
  }

  static let titles: [(String, String)] = [
    ("shm", "Shared Memory Segments"), ("msg", "Message Queues"), ("sem", "Semaphore Arrays"),
  ]

  @Test("safety fixes 2 and 3: -a TYPE as two words, and several -a add up")
  func allTypes() throws {
    let modes = ["-a shm", "--all msg", "-a shm -a sem", "-ashm -asem", "-v -a sem --all=msg", "-a"]
    let results = try Self.run(modes)
    let before = try Self.untouched()
    for comparison in results {
      let args = comparison.arguments
      // Each named kind ends as util-linux's plain -a leaves it, each other kind as it was.
      let all = try #require(results.first { $0.arguments == "-a" && $0.user == comparison.user })
      for (name, title) in Self.titles {
        let expected = args.contains(name) || args == "-a" ? all.referenceAfter : before
        #expect(
          Self.section(comparison.candidateAfter, title) == Self.section(expected, title),
          "\(comparison.user) '\(args)': \(title)"
        )
      }
      if comparison.user == "root" {
        #expect(comparison.candidate.status == 0, "\(args): \(Self.text(comparison.candidate.stderr))")
      }
    }
    // util-linux removes everything for "-a shm" and then fails on "shm".
    let reference = try #require(results.first { $0.arguments == "-a shm" && $0.user == "root" })
    #expect(reference.reference.status == 1)
    #expect(Self.text(reference.reference.stderr).hasPrefix("ipcrm: unknown argument: shm\n"))
    #expect(Self.section(reference.referenceAfter, "Message Queues") != Self.section(before, "Message Queues"))
  }

  /// The ids in lines that match `pattern` (its one capture), in order.
  static func ids(_ text: String, _ pattern: Regex<(Substring, Substring)>) -> [String] {
    text.split(separator: "\n").compactMap { $0.firstMatch(of: pattern).map { String($0.output.1) } }
  }

  @Test("--dry-run says what it would remove, predicts what would fail, exits as the removal would, removes nothing")
  func dryRun() throws {
    let before = try Self.untouched()
    let modes = ["-n -a", "--dry-run -m {shm:0} -M {shmkey:1} -q 999999", "-n -ashm -v"]
    let results = try Self.run(modes)
    // The same removals done by util-linux, with -v.
    let real = try Self.run(["-v -a", "-v -m {shm:0} -M {shmkey:1} -q 999999", "-v -ashm"])
    #expect(results.count == real.count)
    for (comparison, reference) in zip(results, real) {
      #expect(comparison.user == reference.user)
      #expect(comparison.candidateAfter == before, "dry run removed something: \(comparison.arguments)")
      let printed = Self.text(comparison.candidate.stdout)
      let messages = Self.text(comparison.candidate.stderr)
      #expect(!printed.contains("removing "), "\(comparison.arguments) printed -v's words")
      // A line per object it would remove, each naming the object; none for those it would fail on.
      let wouldRemove = Self.ids(printed, #/^would remove [a-z ]+ (\d+) \(key 0x[0-9a-f]{8}, owner [^)]+\)$/#)
      #expect(wouldRemove.count == printed.split(separator: "\n").count, "\(comparison.arguments): \(printed)")
      #expect(messages.split(separator: "\n").allSatisfy { $0.hasPrefix("ipcrm: would fail: ") }, "\(messages)")
      // What util-linux did for real: the ids it tried, those it was denied, its exit status.
      let tried = Self.ids(Self.text(reference.reference.stdout), #/^removing [a-z ]+ id `(\d+)'$/#)
      let denied = Self.ids(
        Self.text(reference.reference.stderr),
        #/^ipcrm: permission denied for (?:id|key) \((\S+)\)$/#
      )
      let predictedDenied = Self.ids(messages, #/^ipcrm: would fail: permission denied for (?:id|key) \((\S+)\)$/#)
      #expect(Set(predictedDenied) == Set(denied), "\(comparison.user) \(comparison.arguments): \(messages)")
      let failed = Self.ids(Self.text(reference.reference.stderr), #/^ipcrm: [a-z ]+ (?:id|key) \((\S+)\)$/#)
      #expect(
        Set(wouldRemove) == Set(tried).subtracting(failed),
        "\(comparison.user) \(comparison.arguments): \(printed)"
      )
      #expect(comparison.candidate.status == reference.reference.status, "\(comparison.user) \(comparison.arguments)")
    }
    let missing = try #require(results.first { $0.arguments.contains("999999") && $0.user == "root" })
    #expect(Self.text(missing.candidate.stderr) == "ipcrm: would fail: invalid id (999999)\n")
    #expect(missing.candidate.status == 1)
  }

  @Test("keys outside 32 bits and empty keys are errors that remove nothing")
  func keysOutOfRange() throws {
    let before = try Self.untouched()
    let results = try Self.run([
      "-M 0x100000000", "-Q 4294967296", "-S -2147483649", "-q {msg:0} -M 0x100004444", "-M ''",
    ])
    for comparison in results where comparison.user == "root" {
      #expect(comparison.candidate.status == 1)
      #expect(comparison.candidateAfter == before)
      let message = Self.text(comparison.candidate.stderr)
      #expect(message.hasPrefix("ipcrm: failed to parse argument: '"), "\(comparison.arguments): \(message)")
    }
    // util-linux appends a stale errno to this one ("…: '': No such file or directory").
    let empty = try #require(results.first { $0.arguments == "-M ''" && $0.user == "root" })
    #expect(Self.text(empty.candidate.stderr) == "ipcrm: failed to parse argument: ''\n")
    let truncated = try #require(results.first { $0.arguments.hasSuffix("0x100004444") && $0.user == "root" })
    #expect(
      Self.text(truncated.candidate.stderr)
        == "ipcrm: failed to parse argument: '0x100004444': Numerical result out of range\n"
    )
  }
}

import Testing

/// `swipcs -l`, `-u` and `-i` against /usr/bin/ipcs, for root and uid 65534, on random objects and changed limits.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct DetailAndFiguresTests {
  static func expectIdentical(_ results: [Comparison], minimum: Int) {
    #expect(results.count >= minimum, "too few comparisons ran: \(results.count)")
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
  }

  /// Every object of every kind in detail, with units and the options -i ignores, plus ids that are not there.
  static let detailModes = [
    "-m -i {shm}", "-q -i {msg}", "-s -i {sem}", "--shmems --id={shm} --human", "-q --id {msg} --human",
    "-q -i {msg} -b", "-m -i {shm} -t -b", "-s -i {sem} --human -c", "-i {shm} -m -l", "-i {msg} -q -u",
    "-m -i 999999", "-q -i 2147483647", "-s -i 123456", "-m -i -1", "-q -i -5", "-m -i -2147483648",
    "-m -i ' 0'", "-q -i +0", "-s -i 007",
  ]

  @Test("-i detail views are byte-identical to util-linux ipcs", arguments: [21, 22, 23] as [UInt64])
  func details(seed: UInt64) throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: Self.detailModes,
      fixtureArguments: ["--seed", String(seed), "--count", "6"]
    )
    // Ten modes name every object (6 of each kind), nine name fixed ids.
    Self.expectIdentical(results, minimum: (10 * 6 + 9) * Namespaces.users.count)
    // As uid 65534 some sets are unreadable: that path (semctl(GETVAL) failed, exit 1) must have been compared.
    if Namespaces.mode == .root {
      #expect(results.contains { $0.reference.status == 1 && $0.user == "nobody" })
    }
  }

  @Test("-i on kinds with no objects reports not found")
  func detailsOnEmptyKinds() throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: ["-m -i 0", "-q -i 0", "-s -i 0", "-m -i -1", "-q -i -1", "-s -i -1"],
      fixtureArguments: ["--count", "0"]
    )
    Self.expectIdentical(results, minimum: 6)
  }

  /// A negative semaphore id crashes util-linux 2.38.1 (SIGSEGV) when sets exist; swipcs says "not found".
  @Test("-s -i with a negative id does not crash")
  func negativeSemaphoreID() throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: ["-s -i -1", "-s -i -2147483648"],
      fixtureArguments: ["--count", "2"]
    )
    for comparison in results {
      #expect(comparison.reference.status == 139, "util-linux no longer crashes here: compare outputs instead")
      #expect(comparison.candidate.status == 0)
      #expect(comparison.candidate.stdout.isEmpty)
      let args = comparison.arguments.split(separator: " ").last.map(String.init) ?? ""
      #expect(String(decoding: comparison.candidate.stderr, as: UTF8.self) == "ipcs: id \(args) not found\n")
    }
  }

  static let figureModes = [
    "-l", "-l -q", "-l -m", "-l -s", "-l -b", "-l --human", "-l -m -b", "-l -m --human", "-l -q --human",
    "-l -q -b", "--limits --bytes --human", "--human -b -l", "-t -l", "-l -t", "-u -l", "-l -u",
    "-u", "-u -q", "-u -m", "-u -s", "-u -b", "-u --human", "-u -q -b", "-u -q --human", "--summary -m --human",
    "-u -c", "-c -u", "-p -l -s",
  ]

  @Test(
    "-l and -u are byte-identical to util-linux ipcs under changed limits",
    arguments: [
      [],
      ["shmmax=4294967295", "shmall=4294967295"],
      ["shmall=18446744073709551615", "shmmax=18446744073709551615"],
      ["shmall=0", "shmmax=0", "shmmni=0"],
      ["shmall=4503599627370496", "shmmax=1"],
      ["msgmni=10", "msgmax=100", "msgmnb=200", "sem=250 32000 32 128"],
      ["msgmni=32000", "msgmax=2147483647", "msgmnb=2147483647", "sem=32000 1024000000 500 32768"],
      ["msgmax=0", "msgmnb=0", "msgmni=0", "sem=0 0 0 0"],
      ["shmall=1152921504606846975", "shmmax=9223372036854775807", "msgmax=1536", "msgmnb=12345"],
    ] as [[String]]
  )
  func figures(settings: [String]) throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: Self.figureModes,
      fixtureArguments: ["--seed", "31", "--count", "5"] + settings.flatMap { ["--set-after", $0] }
    )
    Self.expectIdentical(results, minimum: Self.figureModes.count)
  }
}

import Testing

/// swipcs against /usr/bin/ipcs (util-linux 2.38.1) on the same objects, for root and for uid 65534.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct ListingTests {
  /// Every list view, with the option spellings, combinations and precedence rules of ipcs.
  static let listModes = [
    "", "-q", "-m", "-s", "-a", "-qms", "-q -s", "-m -q",
    "-t", "-p", "-c", "-q -t", "-m -t", "-s -t", "-q -p", "-m -p", "-s -p", "-q -c", "-m -c", "-s -c",
    "-m -t -p", "-m -p -t -c", "-t -c -p", "-tm", "-cs", "-pq",
    "--human", "-m --human", "-q --human", "-b", "-m -b", "--human -b", "-b --human -m",
    "--queues --shmems", "--semaphores", "--all", "--time", "--pid", "--creator", "--hum", "--sh", "--cr -a",
    "foo bar", "-m foo -q", "-m -- -q", "--bytes -t",
    // Abbreviations of --all stay --all next to --all-namespaces, as ipcs reads them.
    "--al", "--a -t", "-i 0 -m --al", "-m -- --al",
    // And of --time next to --time-format: ipcs reads --ti and --tim as --time.
    "--ti", "--tim -m",
  ]

  /// Command-line errors, help, and the -i checks that come before any object is read.
  static let errorModes = [
    "-x", "-m -x", "--s", "--foo", "-i", "--id", "-h", "--help", "-h -x", "-x -h", "-m -h",
    "-i 1", "-a -i 0", "-q -m -i 0", "-i abc -m", "-i 99999999999 -m", "-i 0x1 -q", "-i '' -s", "-i 1e3 -m",
    "--human=1", "-i 1 -i x -m",
  ]

  @Test(
    "list views are byte-identical to util-linux ipcs",
    arguments: [1, 2, 3, 4, 5] as [UInt64]
  )
  func listViews(seed: UInt64) throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: Self.listModes,
      fixtureArguments: ["--seed", String(seed), "--count", "10"]
    )
    #expect(results.count == Self.listModes.count * Namespaces.users.count)
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
  }

  @Test("command-line errors and help are byte-identical to util-linux ipcs")
  func errors() throws {
    let results = try DifferentialRun.run(tool: "ipcs", modes: Self.errorModes, fixtureArguments: ["--count", "2"])
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
    // The modes above do exercise the failure paths.
    #expect(results.contains { $0.reference.status == 1 })
  }

  @Test("times follow TZ as util-linux's ctime does", arguments: ["Asia/Kolkata", "America/St_Johns", "UTC"])
  func timeZones(zone: String) throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: ["-t", "-q -t", "-s -t"],
      fixtureArguments: ["--seed", "11", "--count", "4"],
      environment: ["TZ": zone]
    )
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
  }

  @Test("empty namespaces print the section headers only")
  func emptyKinds() throws {
    let results = try DifferentialRun.run(
      tool: "ipcs",
      modes: ["", "-t", "-p", "-c", "--human"],
      fixtureArguments: ["--count", "0"]
    )
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
  }
}

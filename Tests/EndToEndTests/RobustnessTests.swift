import Testing

/// Bad input, output errors, a hidden /proc/sysvipc, unprivileged callers and objects that come and go.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct RobustnessTests {
  static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

  // MARK: Bad input

  /// Each of these is a command-line error: a message naming the bad argument, exit 1, nothing removed.
  static let badRemovals: [(mode: String, message: String)] = [
    ("-m ''", "ipcrm: failed to parse argument: ''"),
    ("-q {msg:0} -m 2147483648", "ipcrm: failed to parse argument: '2147483648': Numerical result out of range"),
    ("-s -2147483649 -q {msg:0}", "ipcrm: failed to parse argument: '-2147483649': Numerical result out of range"),
    ("-q {msg:0} -M 0x", "ipcrm: failed to parse argument: '0x'"),
    ("-q {msg:0} -Q 0x100000000", "ipcrm: failed to parse argument: '0x100000000': Numerical result out of range"),
    ("-q {msg:0} -M 09", "ipcrm: failed to parse argument: '09'"),
    ("-q {msg:0} -S 018", "ipcrm: failed to parse argument: '018'"),
    ("-q {msg:0} -m 1e3", "ipcrm: failed to parse argument: '1e3'"),
    ("-q {msg:0} -Q 1e3", "ipcrm: failed to parse argument: '1e3'"),
    (
      "-q {msg:0} -m \(String(repeating: "9", count: 5000))",
      "ipcrm: failed to parse argument: '\(String(repeating: "9", count: 5000))': Numerical result out of range"
    ),
    (
      "-q {msg:0} -M \(String(repeating: "z", count: 5000))",
      "ipcrm: failed to parse argument: '\(String(repeating: "z", count: 5000))'"
    ),
    ("-q {msg:0} -m \"$(printf '\\377\\376')\"", "ipcrm: failed to parse argument: '\u{FFFD}\u{FFFD}'"),
    ("-q {msg:0} --shmem 1", "ipcrm: option '--shmem' is ambiguous; possibilities: '--shmem-id' '--shmem-key'"),
    ("-q {msg:0} --bogus", "ipcrm: unrecognized option '--bogus'"),
    ("-q {msg:0} --all=foo", "ipcrm: unknown argument: foo"),
    ("-q {msg:0} -m", "ipcrm: option requires an argument -- 'm'"),
    ("-q {msg:0} --queue-key", "ipcrm: option '--queue-key' requires an argument"),
    ("-q {msg:0} stray", "ipcrm: unknown argument: stray"),
    ("-q {msg:0} -Z", "ipcrm: invalid option -- 'Z'"),
    ("shm {shm:0} ''", "ipcrm: invalid id: "),
  ]

  @Test("bad swipcrm arguments: a clear message, exit 1, nothing removed")
  func badRemovalArguments() throws {
    let modes = Self.badRemovals.map(\.mode)
    let before = try RemovalTests.untouched(seed: 61)
    let results = try DifferentialRun.run(
      tool: "ipcrm",
      modes: modes,
      fixtureArguments: ["--seed", "61", "--count", "4"]
    )
    #expect(results.count == modes.count * Namespaces.users.count)
    for (index, comparison) in results.enumerated() {
      let expected = Self.badRemovals[index / Namespaces.users.count].message
      let stderr = Self.text(comparison.candidate.stderr)
      #expect(comparison.candidate.status == 1, "\(comparison.arguments)")
      #expect(stderr.hasPrefix(expected + "\n"), "\(comparison.arguments.prefix(80)): \(stderr.prefix(200))")
      #expect(comparison.candidateAfter == before, "swipcrm removed something for \(comparison.arguments.prefix(80))")
    }
  }

  /// A well-formed id or key that does not exist (a negative id too) is not a command-line error: reported, and
  /// the rest goes on, exactly as util-linux does it.
  @Test("ids that do not exist are reported and the rest goes on")
  func missingIDsGoOn() throws {
    let results = try DifferentialRun.run(
      tool: "ipcrm",
      modes: ["-m -5 -q {msg:0}", "-s 123456 -S 0x12345 -q {msg:1}", "-M -1 -m {shm:1}"],
      fixtureArguments: ["--seed", "62", "--count", "3"]
    )
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
      #expect(comparison.candidate.status == 1)
    }
  }

  @Test("bad swipcs arguments are reported as util-linux reports them")
  func badListingArguments() throws {
    let modes = [
      "-i '' -m", "-i 0x -q", "-i 09 -s", "-i \"$(printf '\\377')\" -m", "-i \(String(repeating: "7", count: 5000)) -m",
      "--idd 1", "--s", "--hu", "-i", "-m -i -5 extra",
    ]
    let results = try DifferentialRun.run(tool: "ipcs", modes: modes, fixtureArguments: ["--count", "2"])
    for comparison in results {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
  }

  // MARK: Output errors

  @Test("a full stdout is a write error, a closed pipe ends quietly, as in util-linux")
  func outputErrors() throws {
    let script = #"""
      tool=ipcs
      for side in ref new; do
        if [ $side = ref ]; then path=/usr/bin:/bin; else path=$NEW:/usr/bin:/bin; fi
        for args in "" "-h" "-t" "-l" "-u" "-m -i 0" "-c"; do
          # shellcheck disable=SC2086
          PATH=$path $tool $args > /dev/full 2> "$WORK/err"
          echo "$tool|$side|full|$args|$?|$(cat "$WORK/err")"
        done
        # stdout closed: quiet when the output fits stdio's buffer, "write error" when it does not.
        for args in "-h" ""; do
          # shellcheck disable=SC2086
          PATH=$path $tool $args >&- 2> "$WORK/err"
          echo "$tool|$side|closed|$args|$?|$(cat "$WORK/err")"
        done
        # A reader that leaves after one line: SIGPIPE as it comes, then ignored (EPIPE).
        { PATH=$path $tool 2> "$WORK/err"; echo $? > "$WORK/rc"; } | head -1 > /dev/null
        echo "$tool|$side|pipe||$(cat "$WORK/rc")|$(cat "$WORK/err")"
        ( trap '' PIPE; { PATH=$path $tool 2> "$WORK/err"; echo $? > "$WORK/rc"; } | head -1 > /dev/null )
        echo "$tool|$side|pipe-ignored||$(cat "$WORK/rc")|$(cat "$WORK/err")"
      done
      # Each program removes a queue of its own, with -v, to a full disk; then the queue must be gone.
      for side in ref new; do
        if [ $side = ref ]; then path=/usr/bin:/bin queue=0; else path=$NEW:/usr/bin:/bin queue=1; fi
        PATH=$path ipcrm -v -q $queue > /dev/full 2> "$WORK/err"
        echo "ipcrm|$side|full|-v -q|$?|$(cat "$WORK/err")|$(ipcs -q -i $queue 2>&1)"
      done
      """#
    // Thousands of rows, so that a listing is far larger than a pipe holds.
    let result = try Namespaces.runScript(script, fixtureArguments: ["--bulk", "3000"])
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    let lines = Self.text(result.stdout).split(separator: "\n").map {
      $0.split(separator: "|", omittingEmptySubsequences: false)
    }
    let reference = lines.filter { $0[1] == "ref" && $0[0] == "ipcs" }
    let ours = lines.filter { $0[1] == "new" && $0[0] == "ipcs" }
    #expect(reference.count == 11 && ours.count == 11)
    for (ref, new) in zip(reference, ours) {
      // Everything but the side's own label: the case, the arguments, the exit status and stderr.
      let withoutSide = { (fields: [Substring]) in [fields[0]] + fields[2...] }
      #expect(withoutSide(ref) == withoutSide(new), "ipcs \(ref[2]) '\(ref[3])'")
    }
    // A listing larger than stdio's buffer fails during the run: util-linux then says only "write error".
    #expect(ours.first { $0[2] == "full" && $0[3] == "" }.map { [$0[4], $0[5]] } == ["1", "ipcs: write error"])
    #expect(ours.first { $0[2] == "full" && $0[3] == "-l" }?[5] == "ipcs: write error: No space left on device")
    #expect(ours.first { $0[2] == "pipe" }?[4] == "141")
    #expect(ours.filter { $0[2] == "closed" }.map { [$0[4], $0[5]] } == [["0", ""], ["1", "ipcs: write error"]])
    #expect(ours.first { $0[2] == "pipe-ignored" }.map { [$0[4], $0[5]] } == ["1", "ipcs: write error"])
    // swipcrm -v to a full disk: the removal happens, then the write error, as with ipcrm.
    let removal = lines.filter { $0[0] == "ipcrm" && $0[2] == "full" }.map { $0.map(String.init) }
    #expect(removal.count == 2)
    #expect(removal.first.map { Array($0[4...5]) } == removal.last.map { Array($0[4...5]) })
    #expect(removal.last?[5] == "ipcrm: write error: No space left on device")
    #expect(removal.last?[6] == "ipcs: id 1 not found")
  }

  /// With stdout and stderr in one pipe, ipcrm's verbose lines arrive in stdio's blocks between its unbuffered
  /// error lines; swipcrm writes stdout at the same points, so the combined stream is the same.
  @Test(
    "swipcrm -v -a 2>&1 interleaves verbose and error lines as ipcrm does",
    .enabled(if: Namespaces.mode == .root, "needs root to act as uid 65534")
  )
  func interleavedStreams() throws {
    let script = #"""
      for side in ref new; do
        if [ $side = ref ]; then path=/usr/bin:/bin; else path=$NEW:/usr/bin:/bin; fi
        PATH=$path setpriv --reuid=65534 --regid=65534 --clear-groups ipcrm -v -a 2>&1 | cat > "$WORK/$side"
      done
      cmp "$WORK/ref" "$WORK/new" && echo same
      grep -c "permission denied" "$WORK/new"
      wc -c < "$WORK/new"
      """#
    // Root's objects of mode 0644: uid 65534 may read them, so -a tries each, and may not remove them.
    let result = try Namespaces.runScript(script, fixtureArguments: ["--bulk", "150", "--bulk-mode", "644"])
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    let lines = Self.text(result.stdout).split(separator: "\n")
    #expect(lines.first == "same", "\(Self.text(result.stdout))")
    #expect(lines.dropFirst().first == "450")
    #expect((lines.last.flatMap { Int($0) } ?? 0) > 3 * 4096, "the stream must span several stdio blocks")
  }

  // MARK: No /proc/sysvipc

  @Test("with /proc/sysvipc hidden, swipcs lists the same objects as ipcs does with it")
  func withoutProcSysvipc() throws {
    let script = #"""
      modes=("" "-t" "-p" "-c" "--human" "-m -i 1" "-q -i 2" "-s -i 0" "-u")
      users=(root)
      [ "$(id -u)" = 0 ] && [ -z "${SINGLE:-}" ] && users+=(nobody)
      as() { if [ "$1" = root ]; then shift; "$@"; else shift; setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi; }
      for user in "${users[@]}"; do
        for i in "${!modes[@]}"; do
          # shellcheck disable=SC2086
          PATH=/usr/bin:/bin as $user ipcs ${modes[$i]} > "$WORK/visible.$user.$i" 2>&1
        done
      done
      export -f as
      unshare --mount --propagation private bash -c '
        mount -t tmpfs none /proc/sysvipc || exit 3
        test ! -e /proc/sysvipc/shm || exit 4
        modes=("" "-t" "-p" "-c" "--human" "-m -i 1" "-q -i 2" "-s -i 0" "-u")
        for user in '"${users[*]}"'; do
          for i in "${!modes[@]}"; do
            PATH=$NEW:/usr/bin:/bin as $user ipcs ${modes[$i]} > "$WORK/hidden.$user.$i" 2>&1
            PATH=/usr/bin:/bin as $user ipcs ${modes[$i]} > "$WORK/fallback.$user.$i" 2>&1
          done
        done' || exit $?
      for user in "${users[@]}"; do
        for i in "${!modes[@]}"; do
          if cmp -s "$WORK/visible.$user.$i" "$WORK/hidden.$user.$i"; then echo "same|$user|${modes[$i]}"
          else echo "DIFFERENT|$user|${modes[$i]}"; diff "$WORK/visible.$user.$i" "$WORK/hidden.$user.$i" | head -5; fi
          cmp -s "$WORK/visible.$user.$i" "$WORK/fallback.$user.$i" || echo "util-linux-fallback-differs|$user|${modes[$i]}"
        done
      done
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "71", "--count", "5"])
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    let lines = Self.text(result.stdout).split(separator: "\n")
    #expect(lines.filter { $0.hasPrefix("same|") }.count == 9 * Namespaces.users.count, "\(Self.text(result.stdout))")
    #expect(!lines.contains { $0.hasPrefix("DIFFERENT") }, "\(Self.text(result.stdout))")
    // util-linux's own fallback (*_STAT) hides from uid 65534 what it may not read: the case swipcs covers.
    if Namespaces.mode == .root {
      #expect(lines.contains { $0.hasPrefix("util-linux-fallback-differs|nobody") })
    }
  }

  @Test("with /proc/sys/kernel hidden, -l falls back to IPC_INFO as util-linux does")
  func limitsWithoutProcSys() throws {
    let script = #"""
      unshare --mount --propagation private bash -c '
        mount -t tmpfs none /proc/sys/kernel || exit 3
        for mode in "-l" "-l -b" "-l --human"; do
          PATH=/usr/bin:/bin ipcs $mode > "$WORK/ref" 2>&1; echo "rc $?" >> "$WORK/ref"
          PATH=$NEW:/usr/bin:/bin ipcs $mode > "$WORK/new" 2>&1; echo "rc $?" >> "$WORK/new"
          cmp -s "$WORK/ref" "$WORK/new" && echo "same|$mode" || { echo "DIFFERENT|$mode"; diff "$WORK/ref" "$WORK/new"; }
        done'
      """#
    let result = try Namespaces.runScript(
      script,
      fixtureArguments: ["--count", "1", "--set-after", "shmmax=123456789", "--set-after", "msgmnb=5000"]
    )
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    #expect(Self.text(result.stdout) == "same|-l\nsame|-l -b\nsame|-l --human\n", "\(Self.text(result.stdout))")
  }

  // MARK: Unprivileged callers

  @Test(
    "uid 65534 on root's mode-0 objects: listings match, removals fail as in util-linux and change nothing",
    .enabled(if: Namespaces.mode == .root, "needs root to act as uid 65534")
  )
  func unprivilegedOnModeZero() throws {
    let listing = try DifferentialRun.run(
      tool: "ipcs",
      modes: ListingTests.listModes + ["-l", "-u", "-m -i {shm}", "-q -i {msg}", "-s -i {sem}"],
      fixtureArguments: ["--seed", "81", "--count", "4", "--root-mode0"]
    )
    for comparison in listing {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
    }
    #expect(listing.contains { $0.user == "nobody" && Self.text($0.candidate.stderr).contains("Permission denied") })
    let removalModes = [
      "-m {shm:0}", "-q {msg:1} -s {sem:2}", "-M {shmkey:1}", "-a", "-v -a", "-ashm", "shm {shm:0} {shm:1}",
      "-Q {msgkey:2} -S {semkey:3}",
    ]
    let untouched = try RemovalTests.untouched(seed: 81, extra: ["--root-mode0"])
    let removals = try DifferentialRun.run(
      tool: "ipcrm",
      modes: removalModes,
      fixtureArguments: ["--seed", "81", "--count", "4", "--root-mode0"]
    )
    for comparison in removals {
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
      if comparison.user == "nobody" {
        #expect(comparison.candidateAfter == untouched, "uid 65534 removed something: \(comparison.arguments)")
      }
    }
  }
}

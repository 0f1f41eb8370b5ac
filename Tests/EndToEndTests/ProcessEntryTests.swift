import Glibc
import Testing

/// How the tools start and end.
///
/// The command line as the process received it (with no /proc, another pid namespace's /proc, or a moved
/// `environ`), stderr failures in the exit status, stdout written in stdio's blocks,
/// and system text passed through as bytes. Each case runs util-linux and ours in identical namespaces, under the
/// same program name, and compares status, stdout and the exact bytes of stderr.
@Suite(.enabled(if: Namespaces.mode == .root, "needs root: private mount namespaces, tmpfs and /proc mounts"))
struct ProcessEntryTests {
  /// One case's result on one side: exit status, a digest of stdout, stderr as hex.
  struct Outcome: Equatable, CustomStringConvertible {
    var status: String
    var stdout: String
    var stderr: String
    var description: String { "status \(status), stdout \(stdout), stderr \(stderr)" }
  }

  /// Runs `script` (which prints `case|side|status|stdout-digest|stderr-hex` lines) and pairs each case's
  /// `ref` and `new` outcomes.
  static func outcomes(_ script: String, fixture: [String] = ["--count", "0"]) throws -> [String: [String: Outcome]] {
    let prologue = """
      FIXTURE='\(Support.product("ipc-fixture"))'
      # case side command...: runs the command, records what it printed.
      record() {
        local label=$1 which=$2 rc; shift 2
        "$@" > "$WORK/out" 2> "$WORK/err"; rc=$?
        printf '%s|%s|%s|%s|%s\\n' "$label" "$which" "$rc" "$(sha256sum < "$WORK/out" | cut -c1-16)" \\
          "$(od -An -tx1 -v "$WORK/err" | tr -d ' \\n')"
      }
      side_path() { if [ "$1" = ref ]; then echo /usr/bin:/bin; else echo "$NEW:/usr/bin:/bin"; fi; }

      """
    let result = try Namespaces.runScript(prologue + script, fixtureArguments: fixture)
    try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    var cases: [String: [String: Outcome]] = [:]
    for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 5 else { continue }
      cases[fields[0], default: [:]][fields[1]] = Outcome(status: fields[2], stdout: fields[3], stderr: fields[4])
    }
    return cases
  }

  static func expectSame(_ cases: [String: [String: Outcome]], count: Int) {
    #expect(cases.count == count, "cases run: \(cases.keys.sorted())")
    for (name, sides) in cases.sorted(by: { $0.key < $1.key }) {
      #expect(
        sides["ref"] != nil && sides["ref"] == sides["new"],
        "\(name): util-linux \(sides["ref"].map { "\($0)" } ?? "-") vs ours \(sides["new"].map { "\($0)" } ?? "-")"
      )
    }
  }

  /// The situations to stage.
  ///
  /// The ASan run of the suite (.ci/run sets SWIPCS_SANITIZED_RUN) has only the preload: AddressSanitizer's own
  /// runtime reads /proc/self/exe at start and /proc/PID/task at exit, so an instrumented binary cannot run
  /// without /proc at all; the plain run stages all three.
  static let situations: [String] =
    getenv("SWIPCS_SANITIZED_RUN") == nil ? ["no-proc", "foreign-proc", "preload"] : ["preload"]

  /// The three situations in which the Swift runtime's own argv comes back empty: each tool, both sides, in
  /// namespaces filled from the same seed, with the objects left listed afterwards.
  @Test(
    "the command line survives no /proc, a foreign /proc and a moved environ",
    arguments: situations
  )
  func commandLineWithoutProc(situation: String) throws {
    let script = #"""
      cc -shared -fPIC -o "$WORK/setenv.so" -x c - <<'EOF'
      #include <stdlib.h>
      __attribute__((constructor)) static void move_environ(void) { setenv("SWIPCS_TEST_MOVED", "1", 1); }
      EOF
      for side in ref new; do
        # Each side in a mount namespace of its own, so that what one unmounts the other still has.
        SIDE=$side SITUATION=\#(situation) PATH=$(side_path $side) \
          unshare --mount --propagation private "$FIXTURE" --seed 23 --count 4 -- bash -c '
          '"$(declare -f record)"'
          case $SITUATION in
            no-proc) umount -l /proc ;;
            # A /proc of a pid namespace this shell is not in: /proc/self does not resolve.
            foreign-proc) unshare --pid --fork sh -c "mount -t proc proc /proc" ;;
            preload) export LD_PRELOAD=$WORK/setenv.so ;;
          esac
          if [ "$SITUATION" != preload ] && [ -e /proc/self ]; then echo "the situation was not staged: /proc/self resolves" >&2; exit 3; fi
          # Not -c nor -i of a present object: without /proc, ipcs shows a segment'"'"'s or set'"'"'s creator uid as its
          # creator group (util-linux'"'"'s ipcutils.c fallback); -i and -p show times and pids, which differ per side.
          for args in "-l" "-u" "" "-q -i 999999" "-s -i 88888" "-x" "-i" "--bogus"; do record "ipcs $args" $SIDE ipcs $args; done
          record "ipcrm -Z" $SIDE ipcrm -Z -q 0
          record "ipcrm -v -q 0" $SIDE ipcrm -v -q 0
          record "ipcrm -q 1 -m 0" $SIDE ipcrm -q 1 -m 0
          record "ipcrm shm 1 7" $SIDE ipcrm shm 1 7
          record "ipcrm -v -a sem" $SIDE ipcrm -v --all=sem
          unset LD_PRELOAD
          record "left" $SIDE ipcs -a
        ' || exit $?
      done
      """#
    Self.expectSame(try Self.outcomes(script), count: 14)
  }

  @Test("an empty argv is an error, never 'nothing to do'")
  func emptyArgv() throws {
    let script = #"""
      cc -o "$WORK/noargs" -x c - <<'EOF'
      #include <unistd.h>
      int main(int argc, char **argv) { char *none[] = { 0 }; char *env[] = { 0 }; execve(argv[1], none, env); return 127; }
      EOF
      '\#(Support.product("ipc-fixture"))' --count 2 -- bash -c '
        "$WORK/noargs" "$SWIPCRM"; echo "swipcrm|$?"
        "$WORK/noargs" "$SWIPCS" > /dev/null; echo "swipcs|$?"
      '
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "0"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    let errors = String(decoding: result.stderr, as: UTF8.self)
    // Linux 5.18+ hands a program started with an empty argv one empty argument; either way it is no command.
    #expect(text.contains("swipcrm|1\n") && text.contains("swipcs|1\n"), "\(text) \(errors)")
    #expect(errors.contains("swipcrm: no command line"), "\(errors)")
  }

  @Test("a failed write to stderr makes the exit status 1, as util-linux's close_stdout")
  func stderrFailures() throws {
    let script = #"""
      for side in ref new; do
        export PATH=$(side_path $side)
        record "-m -i 999 2>&-" $side sh -c 'ipcs -m -i 999 2>&-'
        record "-m -i 999 2>/dev/full" $side sh -c 'ipcs -m -i 999 2>/dev/full'
        record "-m -i 0 2>&-" $side sh -c 'ipcs -m -i 0 2>&-'
        record "-m 2>/dev/full" $side sh -c 'ipcs -m 2>/dev/full'
        record ">/dev/full 2>&-" $side sh -c 'ipcs -m > /dev/full 2>&-'
        record ">/dev/full 2>/dev/full" $side sh -c 'ipcs -a > /dev/full 2>/dev/full'
        record "ipcrm -m 999 2>&-" $side sh -c 'ipcrm -m 999 2>&-'
        record "ipcrm -x 2>/dev/full" $side sh -c 'ipcrm -x 2>/dev/full'
      done
      """#
    let cases = try Self.outcomes(script, fixture: ["--seed", "3", "--count", "3"])
    Self.expectSame(cases, count: 8)
    #expect(cases["-m -i 999 2>&-"]?["new"]?.status == "1")
  }

  /// stdout goes out in stdio's blocks: the same write sizes, and so the same bytes on a disk that fills and the
  /// same message about the write that failed.
  @Test("stdout is written in stdio's blocks: write sizes, a full disk, a file size limit")
  func stdioBlocks() throws {
    let script = #"""
      mkdir "$WORK/small" && mount -t tmpfs -o size=4k tmpfs "$WORK/small" || exit 4
      for side in ref new; do
        export PATH=$(side_path $side)
        # The sizes of the writes to stdout, in order.
        strace -f -qq -e trace=write -e signal=none -o "$WORK/trace" ipcs -a > /dev/null
        printf 'write sizes|%s|0|%s|\n' $side "$(grep -o 'write(1, .*= [0-9-]*' "$WORK/trace" | sed 's/.*= //' | tr '\n' ',')"
        for view in "-m" "-m -t" "-a"; do
          rm -f "$WORK/small/out"
          record "tmpfs 4k $view" $side sh -c "ipcs $view > '$WORK/small/out'"
          printf 'tmpfs 4k %s bytes|%s|0|%s|\n' "$view" $side "$(sha256sum < "$WORK/small/out" | cut -c1-16)"
          record "ulimit -f 4 $view" $side bash -c "trap '' XFSZ; ulimit -f 4; ipcs $view > '$WORK/limited'"
          printf 'ulimit -f 4 %s bytes|%s|0|%s|\n' "$view" $side "$(sha256sum < "$WORK/limited" | cut -c1-16)"
        done
      done
      umount "$WORK/small"
      """#
    // 60 segments: -m is between one and two blocks, -m -t and -a longer.
    let cases = try Self.outcomes(script, fixture: ["--seed", "9", "--count", "60"])
    Self.expectSame(cases, count: 13)
    let sizes = cases["write sizes"]?["new"]?.stdout ?? ""
    #expect(sizes.hasPrefix("4096,4096,"), "\(sizes)")
  }

  /// strerror in a Latin-1 locale and a program name that is not UTF-8 reach stderr as util-linux prints them.
  ///
  /// The program name is compared with util-linux directly. In the Latin-1 locale util-linux's own words are
  /// translated where util-linux-locales is installed (swipcs's are not: README, "Language"), so there the
  /// strerror text is compared with what libc gives a C program in the same locale.
  @Test("system text and the program name keep their bytes")
  func bytesNotStrings() throws {
    let script = #"""
      mkdir "$WORK/locales" && localedef -c -i de_DE -f ISO-8859-1 "$WORK/locales/de_DE.ISO-8859-1" 2> /dev/null
      [ -d "$WORK/locales/de_DE.ISO-8859-1" ] || { echo "localedef failed" >&2; exit 4; }
      cc -o "$WORK/strerror" -x c - <<'EOF'
      #include <errno.h>
      #include <locale.h>
      #include <stdio.h>
      #include <string.h>
      int main(void) { setlocale(LC_ALL, ""); fputs(strerror(ERANGE), stderr); return 0; }
      EOF
      mkdir "$WORK/ref" "$WORK/new"
      name=$(printf 'ipcsÿ')
      ln -s /usr/bin/ipcs "$WORK/ref/$name" && ln -s "$SWIPCS" "$WORK/new/$name"
      rmname=$(printf 'ipcrmé')
      ln -s /usr/bin/ipcrm "$WORK/ref/$rmname" && ln -s "$SWIPCRM" "$WORK/new/$rmname"
      for side in ref new; do
        export PATH=$(side_path $side)
        for args in "-m -i 99999999999" "-q -i 1" "-x"; do
          record "argv0 ipcs $args" $side env PATH="$WORK/$side" "$name" $args
        done
        record "argv0 ipcrm -q 77" $side env PATH="$WORK/$side" "$rmname" -q 77
        record "argv0 ipcrm -x" $side env PATH="$WORK/$side" "$rmname" -x
      done
      export LOCPATH=$WORK/locales LC_ALL=de_DE.ISO-8859-1
      record "strerror" libc "$WORK/strerror"
      record "swipcs -m -i 99999999999" latin1 "$SWIPCS" -m -i 99999999999
      record "swipcrm -m 99999999999" latin1 "$SWIPCRM" -m 99999999999
      """#
    let cases = try Self.outcomes(script, fixture: ["--count", "1"])
    Self.expectSame(cases.filter { $0.key.hasPrefix("argv0") }, count: 5)
    let strerror = cases["strerror"]?["libc"]?.stderr ?? ""
    // The Latin-1 'ß' of "außerhalb" (0xdf) as one byte, not as U+FFFD (ef bf bd).
    let bytes = stride(from: 0, to: strerror.count - 1, by: 2).map { String(strerror.dropFirst($0).prefix(2)) }
    #expect(bytes.contains("df"), "libc's German ERANGE text: \(strerror)")
    for name in ["swipcs -m -i 99999999999", "swipcrm -m 99999999999"] {
      let ours = cases[name]?["latin1"]?.stderr ?? ""
      #expect(ours.hasSuffix("3a20" + strerror + "0a") && !ours.contains("efbfbd"), "\(name): \(ours)")
    }
  }

  @Test("--help names the tools' own manual pages whatever the binary is called")
  func helpFooter() throws {
    let script = #"""
      ln -s "$SWIPCS" "$WORK/other-name" && ln -s "$SWIPCRM" "$WORK/other-rm"
      "$WORK/other-name" --help | tail -1; "$WORK/other-rm" --help | tail -1; "$WORK/other-name" --help | sed -n 3p
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "0"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    #expect(
      text
        == "For more details see swipcs(1).\nFor more details see swipcrm(1).\n other-name [resource-option...] [output-option]\n",
      "\(text)"
    )
  }
}

import Glibc
import Testing

/// `swipcs --prometheus` and `--textfile` with the real validators: promtool (Debian `prometheus`) and
/// node_exporter (Debian `prometheus-node-exporter`) reading the file over its textfile collector, in private IPC
/// namespaces filled by the test, compared with what the kernel shows in /proc/sysvipc, lsipc and ipcs.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct MetricsTests {
  static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

  /// A tool the test needs: found in PATH, or a failure under CI (`.ci/run` installs them), else the test is
  /// skipped.
  static func tool(_ names: String...) -> String? {
    for name in names {
      let path = "/usr/bin/" + name
      if access(path, X_OK) == 0 { return path }
    }
    return nil
  }
  static let promtool = tool("promtool")
  static let exporter = tool("prometheus-node-exporter", "node_exporter")
  static let underCI = getenv("CI") != nil
  static var validatorsPresent: Bool { underCI || (promtool != nil && exporter != nil) }

  /// Samples of an exposition: `name{labels}` → value text.
  static func samples(_ exposition: Substring) -> [String: String] {
    var result: [String: String] = [:]
    for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
      guard let space = line.lastIndex(of: " ") else { continue }
      result[String(line[..<space])] = String(line[line.index(after: space)...])
    }
    return result
  }

  /// The sections of a script's stdout: `=== NAME` lines start each.
  static func sections(_ output: String) -> [String: Substring] {
    var result: [String: Substring] = [:]
    let parts = output.split(separator: "=== ", omittingEmptySubsequences: true)
    for part in parts {
      let newline = part.firstIndex(of: "\n") ?? part.endIndex
      result[String(part[..<newline])] = newline < part.endIndex ? part[part.index(after: newline)...] : ""
    }
    return result
  }

  /// What the kernel's /proc/sysvipc tables say, as the series swipcs must write (user labels left out: they are
  /// checked separately against getent).
  static func expectedSeries(shm: Substring, msg: Substring, sem: Substring, objects: Bool) -> [String: UInt64] {
    func rows(_ table: Substring) -> [[Substring]] {
      table.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
    }
    func number(_ field: Substring) -> UInt64 { UInt64(field) ?? UInt64.max }
    func key(_ field: Substring) -> String {
      let value = UInt32(bitPattern: Int32(field) ?? 0)
      let hex = String(value, radix: 16)
      return "0x" + String(repeating: "0", count: 8 - hex.count) + hex
    }
    var series: [String: UInt64] = [:]
    // shm: key shmid perms size cpid lpid nattch uid ...; msg: key msqid perms cbytes qnum lspid lrpid uid ...;
    // sem: key semid perms nsems uid ...
    let tables: [(String, [[Substring]], Int)] = [("msg", rows(msg), 7), ("shm", rows(shm), 7), ("sem", rows(sem), 4)]
    for (kind, table, uidColumn) in tables {
      series["ipc_objects{kind=\"\(kind)\"}"] = UInt64(table.count)
      for row in table {
        series["ipc_owner_objects{kind=\"\(kind)\",uid=\"\(row[uidColumn])\"}", default: 0] += 1
        guard objects else { continue }
        let labels = "{id=\"\(row[1])\",key=\"\(key(row[0]))\",uid=\"\(row[uidColumn])\"}"
        switch kind {
        case "shm":
          series["ipc_shm_segment_size_bytes" + labels] = number(row[3])
          series["ipc_shm_segment_attachments" + labels] = number(row[6])
        case "msg":
          series["ipc_msg_queue_bytes" + labels] = number(row[3])
          series["ipc_msg_queue_messages" + labels] = number(row[4])
        default:
          series["ipc_sem_set_semaphores" + labels] = number(row[3])
        }
      }
    }
    series["ipc_shm_bytes"] = rows(shm).reduce(0) { $0 + number($1[3]) }
    series["ipc_msg_queued_bytes"] = rows(msg).reduce(0) { $0 + number($1[3]) }
    series["ipc_msg_queued_messages"] = rows(msg).reduce(0) { $0 + number($1[4]) }
    series["ipc_semaphores"] = rows(sem).reduce(0) { $0 + number($1[3]) }
    return series
  }

  /// The samples of `exposition` with the `user` label taken out (and kept aside, by uid), integer values only.
  static func withoutUser(_ exposition: Substring) -> (series: [String: UInt64], users: [String: String]) {
    var series: [String: UInt64] = [:]
    var users: [String: String] = [:]
    let userLabel = #/,user="([^"]*)"/#
    let uidLabel = #/uid="([0-9]+)"/#
    for (name, value) in samples(exposition) {
      var key = name
      if let match = name.firstMatch(of: userLabel) {
        if let uid = name.firstMatch(of: uidLabel) { users[String(uid.output.1)] = String(match.output.1) }
        key = name.replacing(userLabel, with: "")
      }
      if let number = UInt64(value) { series[key] = number }
    }
    return (series, users)
  }

  // MARK: promtool, and the values against the kernel's own tables

  static let modes = ["--prometheus", "--prometheus=objects", "-m --prometheus", "-q -s --prometheus=objects"]

  @Test(
    "every output passes promtool check metrics with no lint warning, with the kernel's values",
    .enabled(if: validatorsPresent, "promtool is not installed (apt-get install prometheus)"),
    arguments: [1, 2, 3] as [UInt64]
  )
  func promtoolAndValues(seed: UInt64) throws {
    let promtool = try #require(Self.promtool, "promtool is missing")
    let script = #"""
      users=(root)
      [ "$(id -u)" = 0 ] && [ -n "$(getent passwd 65534)" ] && users+=(nobody)
      as() { if [ "$1" = root ]; then shift; "$@"; else shift; setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi; }
      for kind in shm msg sem; do echo "=== proc-$kind"; cat /proc/sysvipc/$kind; done
      echo "=== lsipc"; lsipc -g --raw --noheadings --bytes -o RESOURCE,LIMIT,USED
      echo "=== ipcs-u"; /usr/bin/ipcs -u
      echo "=== getent"; getent passwd | cut -d: -f1,3
      i=0
      while IFS= read -r mode; do
        for user in "${users[@]}"; do
          # shellcheck disable=SC2086
          as $user "$SWIPCS" $mode > "$WORK/out.$i.$user" 2> "$WORK/err.$i.$user"
          echo "=== run|$mode|$user|$?|$(cat "$WORK/err.$i.$user")"
          cat "$WORK/out.$i.$user"
          echo "=== promtool|$mode|$user"
          "$PROMTOOL" check metrics < "$WORK/out.$i.$user" 2>&1
          echo "rc=$?"
        done
        i=$((i + 1))
      done <<< "$MODES"
      """#
    let result = try Namespaces.runScript(
      "export PROMTOOL='\(promtool)' MODES='\(Self.modes.joined(separator: "\n"))'\n" + script,
      fixtureArguments: ["--seed", String(seed), "--count", "8"]
    )
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    let sections = Self.sections(Self.text(result.stdout))
    let names = Dictionary(
      (sections["getent"] ?? "").split(separator: "\n").map { line in
        let fields = line.split(separator: ":", omittingEmptySubsequences: false)
        return (String(fields.last ?? ""), String(fields.first ?? ""))
      },
      uniquingKeysWith: { first, _ in first }
    )
    let lsipc = Dictionary(
      (sections["lsipc"] ?? "").split(separator: "\n").map { line in
        let fields = line.split(separator: " ")
        return (String(fields[0]), fields.dropFirst().map(String.init))
      },
      uniquingKeysWith: { first, _ in first }
    )
    var runs = 0
    for (name, body) in sections {
      let fields = name.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      if fields.first == "promtool" {
        // promtool prints nothing and exits 0 when the text parses and has no lint problem.
        #expect(body == "rc=0\n", "promtool on \(fields[1]) as \(fields[2]): \(body)")
      }
      guard fields.first == "run", fields.count == 5 else { continue }
      runs += 1
      let (mode, user) = (fields[1], fields[2])
      #expect(fields[3] == "0" && fields[4].isEmpty, "\(mode) as \(user): exit \(fields[3]), \(fields[4])")
      let kinds = mode.hasPrefix("-m") ? ["shm"] : mode.hasPrefix("-q -s") ? ["msg", "sem"] : ["msg", "shm", "sem"]
      let expected = Self.expectedSeries(
        shm: kinds.contains("shm") ? sections["proc-shm"] ?? "" : "",
        msg: kinds.contains("msg") ? sections["proc-msg"] ?? "" : "",
        sem: kinds.contains("sem") ? sections["proc-sem"] ?? "" : "",
        objects: mode.contains("objects")
      ).filter { key, _ in
        // A kind not selected has no series at all.
        kinds.contains { key.contains("kind=\"\($0)\"") || key.hasPrefix("ipc_\($0)") }
          || (!key.contains("kind=") && !["ipc_shm", "ipc_msg", "ipc_sem"].contains { key.hasPrefix($0) })
      }
      let (actual, users) = Self.withoutUser(body)
      for (series, value) in expected {
        #expect(actual[series] == value, "\(mode) as \(user): \(series)")
      }
      for (series, value) in actual where series.hasPrefix("ipc_owner_objects") || series.contains("id=\"") {
        // /proc/sysvipc has no msg_qbytes: every queue the fixture made has the default, MSGMNB.
        if series.hasPrefix("ipc_msg_queue_capacity_bytes") {
          #expect(String(value) == lsipc["MSGMNB"]?.first, "\(series)")
          continue
        }
        #expect(expected[series] != nil, "\(mode) as \(user): \(series) is not in /proc/sysvipc")
      }
      for (uid, label) in users { #expect(label == names[uid] ?? "", "user of uid \(uid)") }
      // Limits and the used values lsipc -g shows (lsipc 2.38.1 counts sets, not semaphores, for SEMMNS: that
      // one is compared with ipcs -u).
      let all = Self.samples(body)
      for (resource, kind) in [("MSGMNI", "msg"), ("SHMMNI", "shm"), ("SEMMNI", "sem")] where kinds.contains(kind) {
        #expect(all["ipc_objects_limit{kind=\"\(kind)\"}"] == lsipc[resource]?.first, "\(resource) limit")
        #expect(all["ipc_objects{kind=\"\(kind)\"}"] == lsipc[resource]?.last, "\(resource) used")
      }
      if kinds.contains("sem") {
        #expect(all["ipc_semaphores_limit"] == lsipc["SEMMNS"]?.first)
        #expect((sections["ipcs-u"] ?? "").contains("allocated semaphores = \(all["ipc_semaphores"] ?? "?")\n"))
      }
      if kinds.contains("shm") {
        // The kernel's pages allocated (shm_tot) are what SHMALL's ratio counts: each segment in whole pages.
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let pages = (sections["proc-shm"] ?? "").split(separator: "\n").dropFirst().reduce(UInt64(0)) {
          let size = UInt64($1.split(separator: " ")[3]) ?? 0
          return $0 + (size + pageSize - 1) / pageSize
        }
        #expect((sections["ipcs-u"] ?? "").contains("pages allocated \(pages)\n"))
        let limit = Double(lsipc["SHMALL"]?.first ?? "") ?? 0
        #expect(all["ipc_usage_ratio{resource=\"SHMALL\"}"].flatMap(Double.init) == Double(pages) / limit)
      }
    }
    #expect(runs == Self.modes.count * (Namespaces.mode == .root ? 2 : 1))
  }

  // MARK: node_exporter

  @Test(
    "node_exporter's textfile collector serves the file swipcs --textfile writes, with the objects' values",
    .enabled(if: validatorsPresent, "prometheus-node-exporter is not installed")
  )
  func nodeExporter() throws {
    let exporter = try #require(Self.exporter, "node_exporter is missing")
    let script = #"""
      dir=$WORK/textfiles
      mkdir "$dir"
      pid=
      stop() { if [ -n "$pid" ]; then kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; pid=; fi; }
      trap stop EXIT
      # scrape FILE: the exporter's /metrics into FILE; false when it does not answer as node_exporter.
      scrape() { curl -sf --max-time 10 "http://127.0.0.1:$port/metrics" -o "$1" && grep -q '^node_textfile_scrape_error' "$1"; }
      "$SWIPCS" --prometheus=objects --textfile "$dir/ipc.prom" || exit 10
      for kind in shm msg sem; do echo "=== proc-$kind"; cat /proc/sysvipc/$kind; done
      echo "=== getent"; getent passwd | cut -d: -f1,3
      # A loopback port: a random one in a range, the next one when the exporter cannot listen there (it exits),
      # up to 20 ports; each polled a bounded number of times until it answers as node_exporter.
      base=$((20000 + RANDOM % 40000))
      port=
      for candidate in $(seq "$base" $((base + 19))); do
        port=$candidate
        "$EXPORTER" --web.listen-address="127.0.0.1:$port" --web.disable-exporter-metrics \
          --collector.disable-defaults --collector.textfile --collector.textfile.directory="$dir" \
          > "$WORK/exporter.log" 2>&1 &
        pid=$!
        up=0
        for _ in $(seq 1 3000); do
          if scrape "$WORK/scrape"; then up=1; break; fi
          kill -0 "$pid" 2> /dev/null || break
        done
        [ "$up" = 1 ] && break
        stop
        port=
      done
      [ -n "$port" ] || { cat "$WORK/exporter.log" >&2; exit 11; }
      echo "=== port"; echo "$port"
      echo "=== scrape"; cat "$WORK/scrape"
      # One queue fewer, the file written again: the next scrape has the new count.
      queue=$(awk 'NR == 2 { print $2 }' /proc/sysvipc/msg)
      /usr/bin/ipcrm -q "$queue" || exit 12
      "$SWIPCS" --textfile "$dir/ipc.prom" || exit 13
      scrape "$WORK/scrape2" || exit 14
      echo "=== scrape2"; cat "$WORK/scrape2"
      echo "=== exporter"; echo "$pid"
      stop
      kill -0 "$pid" 2> /dev/null && echo "=== still running"
      echo "=== files"; ls -A "$dir"
      """#
    let result = try Namespaces.runScript(
      "export EXPORTER='\(exporter)'\n" + script,
      fixtureArguments: ["--seed", "5", "--count", "6"]
    )
    try #require(result.status == 0, "exit \(result.status): \(Self.text(result.stderr))")
    let sections = Self.sections(Self.text(result.stdout))
    let scrape = try #require(sections["scrape"])
    let served = Self.samples(scrape)
    #expect(served["node_textfile_scrape_error"] == "0", "\(scrape.prefix(2000))")
    #expect(served.keys.contains { $0.hasPrefix("node_textfile_mtime_seconds{file=") && $0.contains("ipc.prom") })
    let expected = Self.expectedSeries(
      shm: sections["proc-shm"] ?? "",
      msg: sections["proc-msg"] ?? "",
      sem: sections["proc-sem"] ?? "",
      objects: true
    )
    // node_exporter re-exposes the series with their labels in name order and Go's float text: compared as numbers.
    let userLabel = #/,?user="[^"]*"/#
    var exposed: [String: Double] = [:]
    for (series, value) in served where series.hasPrefix("ipc_") {
      exposed[series.replacing(userLabel, with: "").replacing("{,", with: "{")] = Double(value)
    }
    #expect(expected.count > 20)
    for (series, value) in expected {
      #expect(exposed[series] == Double(value), "\(series)")
    }
    for family in ["ipc_objects_limit", "ipc_usage_ratio", "ipc_shm_resident_bytes", "ipc_semaphores_limit"] {
      #expect(exposed.keys.contains { $0.hasPrefix(family) }, "\(family) not served")
    }
    #expect(scrape.contains("# HELP ipc_usage_ratio Use of a kernel limit, 0 to 1, by resource as lsipc -g names it."))
    // After one queue was removed and the file rewritten (without per-object series).
    let second = Self.samples(try #require(sections["scrape2"]))
    #expect(second["node_textfile_scrape_error"] == "0")
    let queues = expected["ipc_objects{kind=\"msg\"}"] ?? 0
    #expect(second["ipc_objects{kind=\"msg\"}"] == String(queues - 1))
    #expect(!second.keys.contains { $0.hasPrefix("ipc_msg_queue_messages") })
    #expect(sections["still running"] == nil, "the exporter outlived the test")
    #expect(sections["files"] == "ipc.prom\n", "only the published file is left")
  }

  // MARK: The atomic replacement

  @Test("a reader sees the old or the new file, whole; rename publishes it; failures leave the old file")
  func atomicReplacement() throws {
    let script = #"""
      dir=$WORK/textfiles
      mkdir "$dir"
      "$SWIPCS" --prometheus > "$WORK/A"
      "$SWIPCS" --prometheus=objects > "$WORK/B"
      # A writer alternating the two outputs 150 times, and a reader comparing every read with both, until the
      # writer is done or 100000 reads.
      "$SWIPCS" --textfile "$dir/ipc.prom"
      (
        for _ in $(seq 1 75); do
          "$SWIPCS" --prometheus=objects --textfile "$dir/ipc.prom" || exit 1
          "$SWIPCS" --textfile "$dir/ipc.prom" || exit 1
        done
      ) &
      writer=$!
      a=$(< "$WORK/A") b=$(< "$WORK/B")
      reads=0 partial=0 seen_a=0 seen_b=0
      while kill -0 "$writer" 2> /dev/null && [ "$reads" -lt 100000 ]; do
        content=$(< "$dir/ipc.prom")
        reads=$((reads + 1))
        if [ "$content" = "$a" ]; then seen_a=1
        elif [ "$content" = "$b" ]; then seen_b=1
        else partial=$((partial + 1)); fi
      done
      wait "$writer"
      echo "=== reader"; echo "writer=$? reads=$reads partial=$partial a=$seen_a b=$seen_b"
      echo "=== left"; ls -A "$dir"
      # The calls, in order.
      echo "=== strace"
      strace -e trace=openat,open,write,fsync,close,rename,renameat,renameat2,unlink,fchmod -o "$WORK/trace" \
        "$SWIPCS" --textfile "$dir/ipc.prom" || echo "strace exit $?"
      grep -E 'ipc\.prom|textfiles|^[0-9]* *(write|fsync|close|fchmod)\(([3-9]|[1-9][0-9])[,)]' "$WORK/trace"
      # Mode 0644 whatever the umask, and nothing on stdout.
      echo "=== mode"; (umask 077 && "$SWIPCS" --textfile "$dir/umask.prom" > "$WORK/stdout" && stat -c %a "$dir/umask.prom" && wc -c < "$WORK/stdout")
      # fail NAME PATH [ARGS...]: exit status, stderr, the directory's files and whether the old file is intact.
      fail() {
        name=$1 path=$2
        shift 2
        "$@" "$SWIPCS" --prometheus=objects --textfile "$path" 2> "$WORK/err"
        rc=$?
        dirname=$(dirname "$path")
        if [ -f "$WORK/old" ] && cmp -s "$WORK/old" "$path"; then intact=intact; else intact=changed; fi
        echo "=== fail|$name|$rc|$(cat "$WORK/err")|$(ls -A "$dirname" 2> /dev/null | tr '\n' ' ')|$intact"
      }
      fail missing-directory "$WORK/missing/ipc.prom"
      mkdir -p "$WORK/isdir/ipc.prom"
      fail path-is-a-directory "$WORK/isdir/ipc.prom"
      if [ "$(id -u)" = 0 ] && [ -n "$(getent passwd 65534)" ] && [ -z "${SINGLE:-}" ]; then
        mkdir "$WORK/locked" && chmod 755 "$WORK/locked"
        "$SWIPCS" -q --textfile "$WORK/locked/ipc.prom" && cp "$WORK/locked/ipc.prom" "$WORK/old"
        fail not-writable "$WORK/locked/ipc.prom" setpriv --reuid=65534 --regid=65534 --clear-groups
      fi
      unshare --mount --propagation private bash -c '
        mkdir "$WORK/small" "$WORK/ro"
        mount -t tmpfs -o size=4k tmpfs "$WORK/small" || exit 0
        "$SWIPCS" -q --textfile "$WORK/small/ipc.prom" && cp "$WORK/small/ipc.prom" "$WORK/old"
        '"$(declare -f fail)"'
        fail disk-full "$WORK/small/ipc.prom"
        "$SWIPCS" -q --textfile "$WORK/ro/ipc.prom" && cp "$WORK/ro/ipc.prom" "$WORK/old"
        mount --bind "$WORK/ro" "$WORK/ro" && mount -o remount,bind,ro "$WORK/ro" || exit 0
        fail read-only "$WORK/ro/ipc.prom"
      '
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "9", "--count", "10"])
    try #require(result.status == 0, "\(Self.text(result.stderr))")
    let output = Self.text(result.stdout)
    let sections = Self.sections(output)
    let reader = String(sections["reader"] ?? "")
    #expect(reader.hasPrefix("writer=0 "), "\(reader)")
    #expect(reader.contains(" partial=0 "), "\(reader)")
    #expect((Int(reader.firstMatch(of: #/reads=([0-9]+)/#)?.output.1 ?? "") ?? 0) > 0)
    #expect(sections["left"] == "ipc.prom\n", "no temporary file left behind")

    // The trace: the temporary file created exclusively, written, synced, closed, renamed over the file, then the
    // directory synced; the file itself never opened for writing.
    let trace = (sections["strace"] ?? "").split(separator: "\n").map(String.init)
    let create = try #require(
      trace.firstIndex { $0.contains("/.ipc.prom.") && $0.contains("O_CREAT|O_EXCL") && $0.contains(", 0644)") },
      "\(trace)"
    )
    let descriptor = try #require(trace[create].split(separator: "=").last.map { $0.filter { $0 != " " } })
    let rename = try #require(trace.firstIndex { $0.contains("rename") && $0.contains("/.ipc.prom.") }, "\(trace)")
    let after = trace[create...]
    let write = after.firstIndex { $0.hasPrefix("write(\(descriptor),") }
    let sync = after.firstIndex { $0.hasPrefix("fsync(\(descriptor))") }
    let close = after.firstIndex { $0.hasPrefix("close(\(descriptor))") && $0.hasSuffix("= 0") }
    let steps = [create, write, sync, close, rename].compactMap { $0 }
    #expect(steps.count == 5 && steps == steps.sorted(), "create, write, fsync, close, rename: \(trace)")
    #expect(trace[rename].hasSuffix("/textfiles/ipc.prom\") = 0"), "\(trace[rename])")
    #expect(trace[(rename + 1)...].contains { $0.contains("/textfiles/\"") && $0.contains("O_DIRECTORY") })
    #expect(trace[(rename + 1)...].contains { $0.hasPrefix("fsync(") })
    #expect(!trace.contains { $0.contains("/textfiles/ipc.prom\"") && $0.contains("O_WRONLY") })

    #expect(sections["mode"] == "644\n0\n")

    var failures: [String: [String]] = [:]
    for name in sections.keys where name.hasPrefix("fail|") {
      let fields = name.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      failures[fields[1]] = Array(fields[2...])
    }
    func check(_ name: String, operation: String, error: String, files: String, intact: Bool) {
      guard let fields = failures[name] else {
        Issue.record("no result for \(name): \(output)")
        return
      }
      #expect(fields[0] == "1", "\(name): exit status")
      let message = try? #require(
        fields[1].firstMatch(of: #/^swipcs: cannot write (\S+): (\w+)\(.*\) failed: (.*); (\S+) left as it was$/#)
      )
      #expect(message != nil, "\(name): \(fields[1])")
      #expect(message.map { $0.output.1 == $0.output.4 && $0.output.1.hasSuffix("/ipc.prom") } == true, "\(fields[1])")
      #expect(message.map { String($0.output.2) } == operation, "\(name): \(fields[1])")
      #expect(message.map { String($0.output.3) } == error, "\(name): \(fields[1])")
      #expect(fields[2] == files, "\(name): files left \(fields[2])")
      if intact { #expect(fields[3] == "intact", "\(name): the old file changed") }
    }
    check("missing-directory", operation: "open", error: "No such file or directory", files: "", intact: false)
    check("path-is-a-directory", operation: "rename", error: "Is a directory", files: "ipc.prom ", intact: false)
    if Namespaces.mode == .root {
      check("not-writable", operation: "open", error: "Permission denied", files: "ipc.prom ", intact: true)
      check("disk-full", operation: "write", error: "No space left on device", files: "ipc.prom ", intact: true)
      check("read-only", operation: "open", error: "Read-only file system", files: "ipc.prom ", intact: true)
    }
  }

  // MARK: The command line

  @Test("metrics options mixed with a view or -i, or with a bad argument, are errors that read nothing")
  func commandLine() throws {
    let cases: [(String, String)] = [
      ("--prometheus -t", "swipcs: --prometheus cannot be combined with --time\n"),
      ("-l --textfile x.prom", "swipcs: --textfile cannot be combined with --limits\n"),
      ("--textfile x.prom --prometheus -c", "swipcs: --prometheus cannot be combined with --creator\n"),
      ("-m -i 0 --prometheus", "swipcs: --prometheus cannot be combined with --id\n"),
      (
        "--prometheus=foo",
        "swipcs: unknown --prometheus argument: 'foo' (only 'objects' and 'orphans', comma-separated)\n"
      ),
      ("--textfile", "swipcs: option '--textfile' requires an argument\nTry 'swipcs --help' for more information.\n"),
      (
        "--p",
        "swipcs: option '--p' is ambiguous; possibilities: '--pid' '--prometheus' '--posix-shmems' '--posix-mqueues' '--posix-semaphores' '--processes'\n"
          + "Try 'swipcs --help' for more information.\n"
      ),
    ]
    var script = "cd \"$WORK\"\n"
    for (index, (arguments, _)) in cases.enumerated() {
      script +=
        "LC_ALL=C PATH=\"$NEW:$PATH\" ipcs \(arguments) > out.\(index) 2> err.\(index); echo \"=== \(index)|$?|$(wc -c < out.\(index))\"; cat err.\(index)\n"
    }
    script += "echo \"=== files\"; ls -A | grep prom\n"
    let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "1"])
    let sections = Self.sections(Self.text(result.stdout))
    for (index, (arguments, message)) in cases.enumerated() {
      let stderr = sections.first { $0.key.hasPrefix("\(index)|") }
      #expect(stderr?.key == "\(index)|1|0", "\(arguments)")
      #expect(stderr.map { String($0.value) } == message.replacingOccurrences("swipcs", "ipcs"), "\(arguments)")
    }
    #expect(sections["files"] == "", "no file was written")
  }
}

extension String {
  fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}

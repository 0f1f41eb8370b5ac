import Testing

/// The column views against util-linux `lsipc` 2.38.1 on the same objects, as root and as uid 65534: every lsipc
/// column's value in `--raw --bytes` (and `--export`, the time formats, numeric permissions, `--global`), and the
/// JSON, validated against the committed schema and compared value by value.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct ColumnTests {
  /// lsipc's columns of each kind, CGID left out: lsipc 2.38.1 prints the creator's uid there (README).
  static let generic = "KEY,ID,OWNER,PERMS,CUID,CUSER,CGROUP,UID,USER,GID,GROUP,CTIME"
  static let columns = [
    "-m": generic + ",SIZE,NATTCH,STATUS,ATTACH,DETACH,COMMAND,CPID,LPID",
    "-q": generic + ",USEDBYTES,MSGS,SEND,RECV,LSPID,LRPID",
    "-s": generic + ",NSEMS,OTIME",
  ]

  static func modes() -> [String] {
    var modes: [String] = []
    for kind in ["-m", "-q", "-s"] {
      let list = columns[kind] ?? ""
      modes += [
        "\(kind) --raw --bytes -o \(list)",
        "\(kind) --raw --bytes --time-format iso -o \(list)",
        "\(kind) --raw --bytes --time-format full -o \(list)",
        "\(kind) --raw --bytes --noheadings -o \(list)",
        "\(kind) --export --bytes -o \(list)",
        "\(kind) --raw --bytes",
        "\(kind) --raw",
        "\(kind) --raw --bytes -t",
        "\(kind) --raw --bytes -o +KEY",
        "\(kind) --export",
      ]
    }
    // -P: lsipc 2.38.1 prints an empty PERMS for queues with it (README), so shm and sem only.
    modes += ["-m --raw -P -o ID,PERMS", "-s --export -P -o KEY,PERMS"]
    // --global: every row but the used figures lsipc 2.38.1 counts wrong (SHMALL, SEMMNS: README). With a kind
    // and no -o, lsipc also keeps that kind's columns, empty, before its own (README): -o names them here. A bare
    // -g also has util-linux master's POSIX queue rows, which 2.38.1 has not: `valuesAsLsipc` takes them out of
    // swipcs's output before comparing (PosixEndToEndTests checks their values).
    let global = "-o RESOURCE,DESCRIPTION,LIMIT,USED,USE%"
    modes += [
      "-q -g --raw --bytes \(global)", "-q -g --raw \(global)", "-g --raw --bytes -o RESOURCE,DESCRIPTION,LIMIT",
      "-g --export -o RESOURCE,DESCRIPTION,LIMIT", "-m -g --raw -o RESOURCE,LIMIT",
      "-s -g --raw --bytes -o RESOURCE,DESCRIPTION,LIMIT",
    ]
    return modes
  }

  @Test(
    "every lsipc column's value is lsipc's in --raw --bytes, --export and the time formats",
    arguments: [1, 2, 3] as [UInt64]
  )
  func valuesAsLsipc(seed: UInt64) throws {
    let modes = Self.modes()
    let results = try DifferentialRun.run(
      tool: "lsipc",
      modes: modes,
      fixtureArguments: ["--seed", String(seed), "--count", "10"]
    )
    #expect(results.count == modes.count * Namespaces.users.count)
    for var comparison in results {
      if comparison.arguments.hasPrefix("-g ") {
        // util-linux master's rows, right after MSGMNB's, as many as its three.
        let lines = comparison.candidate.stdout.split(separator: 0x0a, omittingEmptySubsequences: false)
        let isPosix = { (line: ArraySlice<UInt8>) in
          line.starts(with: Array("MQU".utf8)) || line.starts(with: Array("RESOURCE=\"MQU".utf8))
        }
        let posix = lines.indices.filter { isPosix(lines[$0]) }
        #expect(posix.count == 3, "\(comparison.arguments): \(posix.count) MQU rows")
        if let first = posix.first {
          #expect(String(decoding: lines[first - 1], as: UTF8.self).contains("MSGMNB"), "\(comparison.arguments)")
        }
        comparison.candidate.stdout = Array(lines.filter { !isPosix($0) }.joined(separator: [0x0a]))
      }
      #expect(comparison.difference == nil, Comment(rawValue: comparison.difference ?? ""))
      #expect(comparison.reference.status == 0)
    }
    // The listings are not empty: the comparison compared objects.
    #expect(results.contains { $0.candidate.stdout.filter { $0 == 0x0a }.count > 5 })
  }

  /// Where swipcs and lsipc differ on purpose, swipcs is checked against the kernel's own figures.
  @Test("CGID is the creator's group, and --global counts what the kernel counts")
  func documentedDifferences() throws {
    let script = #"""
      # CGID per object, from /proc (id and cgid) and from swipcs.
      tail -n +2 /proc/sysvipc/shm | awk '{ print $2, $11 }' > "$WORK/proc-cgid"
      "$SWIPCS" -m --raw --noheadings -o ID,CGID > "$WORK/our-cgid"
      cmp "$WORK/proc-cgid" "$WORK/our-cgid" && echo "cgid same"
      # lsipc prints the creator uid as CGID.
      tail -n +2 /proc/sysvipc/shm | awk '{ print $2, $10 }' > "$WORK/proc-cuid"
      lsipc -m --raw --noheadings -o ID,CGID > "$WORK/lsipc-cgid"
      cmp "$WORK/proc-cuid" "$WORK/lsipc-cgid" && echo "lsipc shows cuid"
      # lsipc -q -P prints an empty PERMS; swipcs the %#o of the mode.
      echo "numeric $(lsipc -q -P --raw --noheadings -o PERMS | sort -u | tr '\n' ,)" \
        "$("$SWIPCS" -q -P --raw --noheadings -o PERMS | grep -c '^0[0-7]*$')"
      # SEMMNS used: the sum of every set's semaphores.
      total=$(tail -n +2 /proc/sysvipc/sem | awk '{ s += $4 } END { print s + 0 }')
      echo "semmns $total $("$SWIPCS" -s -g --raw --noheadings -o RESOURCE,USED | awk '$1 == "SEMMNS" { print $2 }')"
      # SHMALL used: the kernel's pages in use, as ipcs -u reports them.
      pages=$(ipcs -m -u | awk '/pages allocated/ { print $3 }')
      echo "shmall $pages $("$SWIPCS" -m -g --raw --noheadings -o RESOURCE,USED | awk '$1 == "SHMALL" { print $2 }')"
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "5", "--count", "12"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    #expect(text.contains("cgid same\n"), "\(text)")
    #expect(text.contains("lsipc shows cuid\n"), "\(text)")
    #expect(text.contains("numeric , 12\n"), "\(text)")
    let figures = text.split(separator: "\n").map { $0.split(separator: " ") }
    for name in ["semmns", "shmall"] {
      let line = try #require(figures.first { $0.first.map(String.init) == name }, "\(text)")
      #expect(line.count == 3 && line[1] == line[2] && line[1] != "0", "\(name): \(line)")
    }
  }

  /// JSON of every kind, `--global`, an empty namespace and the unprivileged view validates against the schema;
  /// values are typed and say what lsipc says.
  @Test("--json validates against docs/swipcs.schema.json and its values are lsipc's, typed")
  func jsonIsTyped() throws {
    let schema = Support.scriptsDirectory + "/../../../docs/swipcs.schema.json"
    let check = Support.scriptsDirectory + "/check-json.py"
    let columns = Self.columns
    let script = """
      check() { /usr/bin/python3 '\(check)' '\(schema)' "$@" || echo "FAILED: $*"; }
      for user in root nobody; do
        if [ $user = root ]; then as=""; else as="setpriv --reuid=65534 --regid=65534 --clear-groups"; fi
        for kind in -m -q -s; do
          case $kind in
            -m) list='\(columns["-m"] ?? "")' ;;
            -q) list='\(columns["-q"] ?? "")' ;;
            -s) list='\(columns["-s"] ?? "")' ;;
          esac
          $as "$SWIPCS" $kind --json --time-format iso -o "$list" > "$WORK/doc.json"
          $as lsipc $kind --raw --bytes --time-format iso -o "$list" > "$WORK/lsipc.txt"
          check "$WORK/doc.json" "$WORK/lsipc.txt"
          $as "$SWIPCS" $kind --json > "$WORK/default.json" && check "$WORK/default.json"
        done
        $as "$SWIPCS" --json -o +RSS,SWAP,QBYTES,KIND,AGE,IDLE,NSEMS > "$WORK/all.json" && check "$WORK/all.json"
        $as "$SWIPCS" -g --json > "$WORK/global.json" && check "$WORK/global.json"
        $as "$SWIPCS" -m -g --json > "$WORK/global-m.json" && check "$WORK/global-m.json"
      done
      unshare --ipc "$SWIPCS" --json > "$WORK/empty.json" && check "$WORK/empty.json"
      echo checked
      # Types, for the test to look at: an attach time of a never-attached segment, a pid 0, numbers.
      jq -c '[.sharedmemory[] | select(.nattch == 0 and .attach == null)] | length' "$WORK/all.json"
      jq -c '[.sharedmemory[0].id, .sharedmemory[0].size, .sharedmemory[0].nsems, .messages[0].lrpid] | map(type)' \
        "$WORK/all.json"
      jq -c '.messages[] | select(.lrpid == null) | .lrpid' "$WORK/all.json" | head -1
      jq -c '[.ipclimits[] | select(.resource == "MSGMAX")][0] | [.used, ."use%", (.limit | type)]' "$WORK/global.json"
      jq -c '[(.sharedmemory | length), (.messages | length), (.semaphores | length)]' "$WORK/empty.json"
      """
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "7", "--count", "10"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    #expect(!text.contains("FAILED"), "\(text)")
    #expect(text.contains("checked\n"), "\(text) \(String(decoding: result.stderr, as: UTF8.self))")
    let lines = text.split(separator: "\n").map(String.init)
    let tail = Array(lines.drop { $0 != "checked" }.dropFirst())
    try #require(tail.count == 5, "\(text) \(String(decoding: result.stderr, as: UTF8.self))")
    #expect(Int(tail[0]) ?? 0 > 0, "a never-attached segment's attach time is null")
    #expect(tail[1] == #"["number","number","null","number"]"# || tail[1] == #"["number","number","null","null"]"#)
    #expect(tail[2] == "null", "a pid 0 is null")
    #expect(tail[3] == #"[null,null,"number"]"#)
    #expect(tail[4] == "[0,0,0]")
  }

  @Test("bad column-view arguments: a clear message and exit 1")
  func badArguments() throws {
    let script = #"""
      mkdir "$WORK/bin" && ln -s "$SWIPCS" "$WORK/bin/swipcs"
      for args in "-o FOO" "-o KEY,,ID" "-o ''" "--json --raw" "-e -J" "-l -o KEY" "-u --json" "-g -m -i 0" \
        "--time-format week" "-o"; do
        eval "set -- $args"
        PATH="$WORK/bin:$PATH" swipcs "$@" > "$WORK/out" 2> "$WORK/err"
        echo "$args|$?|$(head -1 "$WORK/err")|$(wc -c < "$WORK/out")"
      done
      """#
    let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "2"])
    let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
      $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }
    let expected = [
      "-o FOO": "swipcs: unknown column: FOO",
      "-o KEY,,ID": "swipcs: unknown column: ",
      "-o ''": "swipcs: no column names in ''",
      "--json --raw": "swipcs: mutually exclusive arguments: --json --export --raw",
      "-e -J": "swipcs: mutually exclusive arguments: --json --export --raw",
      "-l -o KEY": "swipcs: --limits and --summary have no column view; use --global for the limits and their use",
      "-u --json": "swipcs: --limits and --summary have no column view; use --global for the limits and their use",
      "-g -m -i 0": "swipcs: mutually exclusive arguments: --global --id",
      "--time-format week": "swipcs: unknown time format: week",
      "-o": "swipcs: option requires an argument -- 'o'",
    ]
    #expect(lines.count == expected.count)
    for line in lines {
      #expect(line.count == 4 && line[1] == "1" && line[3] == "0", "\(line)")
      #expect(line.count == 4 && expected[line[0]] == line[2], "\(line)")
    }
  }
}

import Glibc
import Testing

/// `--filter` and the shorthands end to end, in private namespaces filled by the fixture, as root and as uid 65534:
/// random expressions over random objects, the ids each tool selects checked against an evaluation written here
/// (over `/proc/sysvipc` and `getent passwd`, not the tools' code); real removals that take exactly what was
/// selected and nothing else; the object changed between selection and removal; every bad input.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct SelectionTests {
  // MARK: The objects, as /proc/sysvipc shows them

  /// One object: its kind and the columns the expressions use, with nil where the column does not apply or has
  /// no value.
  struct Row: Hashable {
    var kind: String
    var id: Int64
    var numbers: [String: Int64] = [:]
    var texts: [String: String] = [:]
    var times: [String: Int64] = [:]
    var key: Int64 = 0
    var mode: Int64 = 0
    var owner: Int64 { numbers["UID"] ?? -1 }
    var creator: Int64 { numbers["CUID"] ?? -1 }
  }

  static let numberColumns: [String: [String]] = [
    "*": ["ID", "UID", "GID", "CUID", "CGID"],
    "shm": ["SIZE", "NATTCH", "CPID", "LPID"],
    "msg": ["USEDBYTES", "MSGS", "LSPID", "LRPID"],
    "sem": ["NSEMS"],
  ]
  static let timeColumns: [String: [String]] = [
    "*": ["CTIME"], "shm": ["ATTACH", "DETACH"], "msg": ["SEND", "RECV"], "sem": ["OTIME"],
  ]
  static let textColumns = ["KIND", "OWNER", "USER", "STATUS"]

  /// The rows of the three /proc/sysvipc files (kernel header names), with names from `getent passwd` lines.
  static func rows(shm: String, msg: String, sem: String, passwd: String) -> [Row] {
    var names: [Int64: String] = [:]
    for line in passwd.split(separator: "\n") {
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      if fields.count > 2, let uid = Int64(fields[2]), names[uid] == nil { names[uid] = String(fields[0]) }
    }
    var rows: [Row] = []
    for (kind, text) in [("shm", shm), ("msg", msg), ("sem", sem)] {
      let lines = text.split(separator: "\n")
      guard let header = lines.first?.split(separator: " ").map(String.init) else { continue }
      for line in lines.dropFirst() {
        let values = line.split(separator: " ").map(String.init)
        var field: [String: String] = [:]
        for (name, value) in zip(header, values) { field[name] = value }
        func number(_ name: String) -> Int64 { Int64(field[name] ?? "") ?? 0 }
        var row = Row(kind: kind, id: number(kind == "shm" ? "shmid" : kind == "msg" ? "msqid" : "semid"))
        row.key = number("key") & 0xffff_ffff
        row.mode = Int64(field["perms"] ?? "", radix: 8) ?? 0
        row.numbers = [
          "ID": row.id, "UID": number("uid"), "GID": number("gid"), "CUID": number("cuid"),
          "CGID": number("cgid"),
        ]
        func time(_ column: String, _ name: String) { if number(name) != 0 { row.times[column] = number(name) } }
        time("CTIME", "ctime")
        switch kind {
        case "shm":
          for (column, name) in [("SIZE", "size"), ("NATTCH", "nattch"), ("CPID", "cpid"), ("LPID", "lpid")] {
            row.numbers[column] = number(name)
          }
          time("ATTACH", "atime")
          time("DETACH", "dtime")
          let status = [(0o1000, "dest"), (0o2000, "locked"), (0o4000, "hugetlb"), (0o10000, "noreserve")]
            .filter { row.mode & Int64($0.0) != 0 }.map(\.1)
          row.texts["STATUS"] = status.joined(separator: ",")
        case "msg":
          for (column, name) in [("USEDBYTES", "cbytes"), ("MSGS", "qnum"), ("LSPID", "lspid"), ("LRPID", "lrpid")] {
            row.numbers[column] = number(name)
          }
          time("SEND", "stime")
          time("RECV", "rtime")
        default:
          row.numbers["NSEMS"] = number("nsems")
          time("OTIME", "otime")
        }
        row.texts["KIND"] = kind
        let uid = number("uid")
        row.texts["OWNER"] = names[uid] ?? String(uid)
        row.texts["USER"] = names[uid] ?? ""
        rows.append(row)
      }
    }
    return rows
  }

  // MARK: Random expressions, evaluated here

  /// An expression as generated: its text (in one of the spellings the language allows) and its meaning here.
  indirect enum Expression {
    case number(String, String, Int64)  // column, operator, literal
    case time(String, String, Int64)
    case text(String, String, String)
    case match(String, String, Bool)  // column, pattern, negated
    case key(String, Int64)
    case mode(String, Int64)
    case bare(String)
    case not(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)

    func holds(_ row: Row) -> Bool {
      func compare<T: Comparable>(_ left: T, _ op: String, _ right: T) -> Bool {
        switch op {
        case "==": left == right
        case "!=": left != right
        case "<": left < right
        case "<=": left <= right
        case ">": left > right
        default: left >= right
        }
      }
      switch self {
      case .number(let column, let op, let literal):
        guard let value = row.numbers[column] else { return false }
        return compare(value, op, literal)
      case .time(let column, let op, let literal):
        guard let value = row.times[column] else { return false }
        return compare(value, op, literal)
      case .text(let column, let op, let literal):
        guard let value = row.texts[column] else { return false }
        // Byte by byte, as memcmp: -1, 0 or 1 against 0.
        let (left, right) = (Array(value.utf8), Array(literal.utf8))
        let order = left == right ? 0 : left.lexicographicallyPrecedes(right) ? -1 : 1
        return compare(order, op, 0)
      case .match(let column, let pattern, let negated):
        guard let value = row.texts[column], let regex = try? Regex(pattern) else { return false }
        return value.contains(regex) != negated
      case .key(let op, let literal): return compare(row.key, op, literal)
      case .mode(let op, let literal): return compare(row.mode & 0o777, op, literal)
      case .bare(let column):
        if let value = row.numbers[column] { return value != 0 }
        if let value = row.texts[column] { return !value.isEmpty }
        if Self.allTimes.contains(column) { return row.times[column] != nil }
        if column == "KEY" { return row.key != 0 }
        return false
      case .not(let inner): return !inner.holds(row)
      case .and(let left, let right): return left.holds(row) && right.holds(row)
      case .or(let left, let right): return left.holds(row) || right.holds(row)
      }
    }

    static let allTimes: Set<String> = ["CTIME", "ATTACH", "DETACH", "SEND", "RECV", "OTIME"]
  }

  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
  }

  static let operators = ["==", "!=", "<", "<=", ">", ">="]
  static let wordOperators = ["==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"]

  /// A random expression over `rows` (literals mostly taken from their values, so that comparisons go both ways)
  /// and its text.
  static func generate(_ random: inout Generator, rows: [Row], depth: Int) -> (Expression, String) {
    func op() -> String { random.pick(operators) }
    func spelled(_ op: String) -> String { random.chance(25) ? wordOperators[op] ?? op : op }
    if depth > 0 && random.chance(55) {
      let (left, leftText) = generate(&random, rows: rows, depth: depth - 1)
      switch random.below(3) {
      case 0: return (.not(left), (random.chance(50) ? "!" : "not ") + "(\(leftText))")
      case 1:
        let (right, rightText) = generate(&random, rows: rows, depth: depth - 1)
        return (.and(left, right), "(\(leftText)) \(random.chance(30) ? "and" : "&&") (\(rightText))")
      default:
        let (right, rightText) = generate(&random, rows: rows, depth: depth - 1)
        return (.or(left, right), "(\(leftText)) \(random.chance(30) ? "OR" : "||") (\(rightText))")
      }
    }
    let row = rows.isEmpty ? nil : random.pick(rows)
    switch random.below(8) {
    case 0, 1:
      let kind = row?.kind ?? "shm"
      let column = random.pick((numberColumns["*"] ?? []) + (numberColumns[kind] ?? []))
      var value = row?.numbers[column] ?? Int64(random.below(100))
      if random.chance(30) { value = max(0, value + Int64(random.below(3)) - 1) }
      let o = op()
      let literal = value > 0 && value % 1024 == 0 && random.chance(50) ? "\(value / 1024)K" : "\(value)"
      return (.number(column, o, value), "\(column) \(spelled(o)) \(literal)")
    case 2:
      let kind = row?.kind ?? "shm"
      let column = random.pick((timeColumns["*"] ?? []) + (timeColumns[kind] ?? []))
      let value = (row?.times[column] ?? 1_700_000_000) + Int64(random.below(3)) - 1
      let o = op()
      return (.time(column, o, value), "\(column) \(spelled(o)) \(value)")
    case 3:
      let column = random.pick(textColumns)
      let value = row?.texts[column] ?? "root"
      let o = random.pick(["==", "!=", "<", ">="])
      let quote = random.chance(50) ? "\"" : "'"
      return (.text(column, o, value), "\(column) \(spelled(o)) \(quote)\(value)\(quote)")
    case 4:
      let column = random.pick(textColumns)
      let pattern = random.pick(["^r", "t$", "o", "^[0-9]+$", "^(shm|sem)$", "dest", "^$", "[a-z]"])
      let negated = random.chance(30)
      return (.match(column, pattern, negated), "\(column) \(negated ? "!~" : "=~") \"\(pattern)\"")
    case 5:
      let value = row?.key ?? 0
      let o = random.pick(["==", "!=", "<", ">"])
      let text = random.chance(50) ? "0x" + String(value, radix: 16) : "\"" + String(format8: value) + "\""
      return (.key(o, value), "KEY \(spelled(o)) \(text)")
    case 6:
      let value = (row?.mode ?? 0o600) & 0o777
      let o = random.pick(["==", "!="])
      return (.mode(o, value), "PERMS \(o) \"0\(String(value, radix: 8))\"")
    default:
      let column = random.pick(["NATTCH", "MSGS", "KEY", "USER", "STATUS", "ATTACH", "SEND", "LPID"])
      return (.bare(column), column)
    }
  }

  // MARK: Running the tools

  static func read(_ path: String) -> String { String(decoding: Support.readFile(path) ?? [], as: UTF8.self) }

  /// `kind id` pairs of `--raw --noheadings -o KIND,ID` lines.
  static func pairs(_ text: String) -> Set<String> {
    Set(text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") })
  }

  /// The `kind id outcome` of each entry of a swipcrm `--json` report.
  static func outcomes(_ json: String) -> [String: String] {
    var result: [String: String] = [:]
    let pattern = #/"kind": "(\w+)", "id": (-?\d+|null),.*"outcome": "([\w-]+)"/#
    for line in json.split(separator: "\n") {
      if let match = line.firstMatch(of: pattern) {
        result["\(match.output.1) \(match.output.2)"] = String(match.output.3)
      }
    }
    return result
  }

  /// Whether uid/gid 65534 without supplementary groups may read `row` (the kernel's `ipcperms` for reading).
  static func nobodyReads(_ row: Row) -> Bool {
    let gid = row.numbers["GID"], cgid = row.numbers["CGID"]
    if row.owner == 65534 || row.creator == 65534 { return row.mode & 0o400 != 0 }
    if gid == 65534 || cgid == 65534 { return row.mode & 0o040 != 0 }
    return row.mode & 0o004 != 0
  }

  /// The script's common start: the objects and the user database as this namespace has them.
  static let dump = """
    cat /proc/sysvipc/shm > "$OUT/shm"; cat /proc/sysvipc/msg > "$OUT/msg"; cat /proc/sysvipc/sem > "$OUT/sem"
    getent passwd > "$OUT/passwd"
    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

    """

  static func rows(in directory: String) -> [Row] {
    rows(
      shm: read(directory + "/shm"),
      msg: read(directory + "/msg"),
      sem: read(directory + "/sem"),
      passwd: read(directory + "/passwd")
    )
  }

  @Test(
    "random expressions over random objects: swipcs and swipcrm -n select what the test's evaluation selects",
    arguments: [11, 12, 13] as [UInt64]
  )
  func differential(seed: UInt64) throws {
    let out = try Support.temporaryDirectory()
    defer { Support.removeTree(out) }
    // First the objects, to draw literals from.
    let fixture = ["--seed", String(seed), "--count", "12"]
    let first = try Namespaces.runScript("OUT='\(out)'\n" + Self.dump, fixtureArguments: fixture)
    try #require(first.status == 0, "\(String(decoding: first.stderr, as: UTF8.self))")
    let sample = Self.rows(in: out)
    try #require(sample.count > 20)
    var random = Generator(state: seed)
    let generated = (0..<60).map { _ in Self.generate(&random, rows: sample, depth: 3) }
    try Support.writeFile(out + "/exprs", generated.map(\.1).joined(separator: "\n") + "\n")
    let nobody = Namespaces.users.contains("nobody")
    let script =
      "OUT='\(out)'\n" + Self.dump + """
        i=0
        while IFS= read -r expr; do
          "$SWIPCS" --raw --noheadings -o KIND,ID --filter "$expr" > "$OUT/$i.swipcs" 2> "$OUT/$i.swipcs.err"
          "$SWIPCS" --filter "$expr" > "$OUT/$i.listing"
          "$SWIPCS" --prometheus --filter "$expr" > "$OUT/$i.metrics"
          "$SWIPCRM" -n --json -a --filter "$expr" > "$OUT/$i.root" 2> /dev/null
          \(nobody ? "nobody \"$SWIPCRM\" -n --json -a --filter \"$expr\" > \"$OUT/$i.nobody\" 2> /dev/null" : ":")
          i=$((i + 1))
        done < "$OUT/exprs"
        """
    let result = try Namespaces.runScript(script, fixtureArguments: fixture)
    try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let rows = Self.rows(in: out)
    #expect(rows.count == sample.count)
    var selectedSome = false
    var selectedNotAll = false
    for (index, (expression, text)) in generated.enumerated() {
      let expected = Set(rows.filter { expression.holds($0) }.map { "\($0.kind) \($0.id)" })
      selectedSome = selectedSome || !expected.isEmpty
      selectedNotAll = selectedNotAll || expected.count < rows.count
      #expect(Self.read("\(out)/\(index).swipcs.err") == "", "\(text)")
      #expect(Self.pairs(Self.read("\(out)/\(index).swipcs")) == expected, "swipcs --filter '\(text)'")
      // ipcs's own view: a heading per kind, then one line per selected object.
      let listed = Self.read("\(out)/\(index).listing").split(separator: "\n").filter { $0.hasPrefix("0x") }
      #expect(listed.count == expected.count, "swipcs (ipcs view) --filter '\(text)'")
      // The metrics count the selected objects of each kind.
      let metrics = Self.read("\(out)/\(index).metrics").split(separator: "\n")
      for kind in ["shm", "msg", "sem"] {
        let count = expected.filter { $0.hasPrefix(kind + " ") }.count
        #expect(metrics.contains("ipc_objects{kind=\"\(kind)\"} \(count)"), "swipcs --prometheus '\(text)': \(kind)")
      }
      let root = Self.outcomes(Self.read("\(out)/\(index).root"))
      #expect(Set(root.keys) == expected, "swipcrm -n -a --filter '\(text)' as root")
      #expect(root.values.allSatisfy { $0 == "would-remove" })
      if nobody {
        // uid 65534 walks the objects it may read, and would be denied those it neither owns nor created.
        var wanted: [String: String] = [:]
        for row in rows where expression.holds(row) && Self.nobodyReads(row) {
          wanted["\(row.kind) \(row.id)"] = row.owner == 65534 || row.creator == 65534 ? "would-remove" : "denied"
        }
        #expect(Self.outcomes(Self.read("\(out)/\(index).nobody")) == wanted, "swipcrm -n -a '\(text)' as 65534")
      }
    }
    #expect(selectedSome && selectedNotAll)
  }

  @Test("removal: exactly the selected objects go, every other object stays", arguments: [21, 22] as [UInt64])
  func removal(seed: UInt64) throws {
    let fixture = ["--seed", String(seed), "--count", "8"]
    let probe = try Support.temporaryDirectory()
    defer { Support.removeTree(probe) }
    _ = try Namespaces.runScript("OUT='\(probe)'\n" + Self.dump, fixtureArguments: fixture)
    let sample = Self.rows(in: probe)
    var random = Generator(state: seed)
    for round in 0..<6 {
      let (expression, text) = Self.generate(&random, rows: sample, depth: 2)
      for user in Namespaces.users {
        // -a, or every object named by id: both narrowed by the expression.
        let byID = round % 2 == 1
        let out = try Support.temporaryDirectory()
        defer { Support.removeTree(out) }
        try Support.writeFile(out + "/expr", text)
        let named = sample.map { "-\($0.kind == "shm" ? "m" : $0.kind == "msg" ? "q" : "s") \($0.id)" }
        let targets = byID ? named.joined(separator: " ") : "-a"
        let run = (user == "root" ? "" : "nobody ") + "\"$SWIPCRM\" --json --filter \"$(cat \"$OUT/expr\")\" \(targets)"
        let script =
          "OUT='\(out)'\n" + Self.dump + """
            \(run) > "$OUT/report" 2> "$OUT/err"
            echo $? > "$OUT/rc"
            mkdir "$OUT/after" && cp /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem "$OUT/after/"
            cp "$OUT/passwd" "$OUT/after/"
            """
        let result = try Namespaces.runScript(script, fixtureArguments: fixture)
        try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        let before = Self.rows(in: out)
        // What may go: selected, and (as uid 65534) readable for -a, and owned or created by the caller.
        var gone = Set<String>()
        var outcomes: [String: String] = [:]
        for row in before where expression.holds(row) {
          let name = "\(row.kind) \(row.id)"
          if user == "nobody" && !byID && !Self.nobodyReads(row) { continue }
          let allowed = user == "root" || row.owner == 65534 || row.creator == 65534
          outcomes[name] = allowed ? "removed" : "denied"
          if allowed { gone.insert(name) }
        }
        if byID {
          for row in before where !expression.holds(row) { outcomes["\(row.kind) \(row.id)"] = "skipped" }
        }
        // A segment removed while attached stays, marked dest, until its last detach (the fixture holds them).
        func live(_ rows: [Row]) -> Set<String> {
          Set(rows.filter { $0.mode & 0o1000 == 0 }.map { "\($0.kind) \($0.id)" })
        }
        let after = Self.rows(in: out + "/after")
        let label = "\(user) swipcrm --filter '\(text)' \(byID ? "(ids)" : "-a")"
        #expect(live(after) == live(before).subtracting(gone), "\(label)")
        #expect(Set(after.map { "\($0.kind) \($0.id)" }).isSubset(of: Set(before.map { "\($0.kind) \($0.id)" })))
        for row in after where gone.contains("\(row.kind) \(row.id)") {
          #expect(row.kind == "shm" && row.mode & 0o1000 != 0 && row.key == 0, "\(label): \(row.kind) \(row.id) stays")
        }
        #expect(Self.outcomes(Self.read(out + "/report")) == outcomes, "\(user) '\(text)' report")
        let status = Self.read(out + "/rc").trimmingSpaces
        #expect(status == (outcomes.values.contains("denied") ? "1" : "0"), "\(user) '\(text)': exit \(status)")
      }
    }
  }

  /// `kind id` of each object in the three files one after the other, as written by the scripts above.
  static func idsByLine(_ text: String) -> Set<String> {
    var kind = ""
    var result = Set<String>()
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if line.contains("shmid") {
        kind = "shm"
      } else if line.contains("msqid") {
        kind = "msg"
      } else if line.contains("semid") {
        kind = "sem"
      } else if fields.count > 1 {
        result.insert("\(kind) \(fields[1])")
      }
    }
    return result
  }

  @Test("an object that changes between selection and removal is skipped and reported as changed")
  func changedBetweenSelectionAndRemoval() throws {
    for user in Namespaces.users {
      let out = try Support.temporaryDirectory()
      defer { Support.removeTree(out) }
      // The hook (honoured by debug builds only) sends a message to the first queue after swipcrm selected it
      // as empty; swipcrm waits for it, then reads each queue again.
      try Support.writeFile(
        out + "/hook.py",
        """
        import ctypes, sys
        message = ctypes.create_string_buffer(b"\\x01" + bytes(7) + b"hi")
        sys.exit(ctypes.CDLL(None).msgsnd(int(sys.argv[1]), message, 2, 0) != 0)

        """
      )
      let prefix = user == "root" ? "" : "nobody "
      let script =
        "OUT='\(out)'\n" + Self.dump + """
          q1=$(\(prefix)ipcmk -Q -p 0666 | awk '{ print $NF }')
          q2=$(\(prefix)ipcmk -Q -p 0666 | awk '{ print $NF }')
          echo "$q1 $q2" > "$OUT/ids"
          SWIPCRM_TEST_AFTER_SELECTION="/usr/bin/python3 $OUT/hook.py $q1" \\
            \(prefix)"$SWIPCRM" --json --filter 'MSGS == 0' -q "$q1" -q "$q2" > "$OUT/report" 2> "$OUT/err"
          echo $? > "$OUT/rc"
          cat /proc/sysvipc/msg > "$OUT/after"
          """
      let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "0"])
      try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
      let ids = Self.read(out + "/ids").split(whereSeparator: \.isWhitespace).map(String.init)
      try #require(ids.count == 2)
      #expect(Self.outcomes(Self.read(out + "/report")) == ["msg \(ids[0])": "changed", "msg \(ids[1])": "removed"])
      #expect(
        Self.read(out + "/err") == "swipcrm: skipped message queue \(ids[0]): it no longer matches the selection\n"
      )
      #expect(Self.read(out + "/rc").trimmingSpaces == "0")
      #expect(Self.idsByLine(Self.read(out + "/after")) == ["msg \(ids[0])"], "\(user): the changed queue stays")
    }
  }

  @Test("every bad input: a message, exit 1, and nothing removed or shown")
  func badInput() throws {
    let cases: [(String, String)] = [
      ("--filter '(ID == 1 && KEY '", "--filter: expected ')' at column 17"),
      ("--filter 'FOO == 1'", "--filter: unknown column 'FOO'; valid columns: KEY, ID, OWNER,"),
      ("--filter 'SIZE =~ \"x\"'", "--filter: SIZE is a number and cannot be matched with a regular expression"),
      ("--filter 'OWNER > 3'", "--filter: cannot compare OWNER (text) with 3 (a number) at column 1"),
      ("--filter ''", "--filter: the expression is empty"),
      ("--filter 'OWNER == \"root'", "--filter: unterminated string at column 10"),
      ("--filter 'OWNER =~ \"(\"'", "--filter: the regular expression does not compile: "),
      ("--older-than 1x", "--older-than: '1x' is not a duration"),
      ("--idle-for -5m", "--idle-for: '-5m' is not a duration"),
      ("--owner no-such-user-here", "--owner: no such user: 'no-such-user-here'"),
      ("--group no-such-group-here", "--group: no such group: 'no-such-group-here'"),
      ("--key 0x1g", "--key: '0x1g' is not a key"),
      ("--filter 'ORPHANED == 3'", "--filter: cannot compare ORPHANED (a boolean) with 3 (a number) at column 1"),
      ("--filter 'CPID-ALIVE =~ \"x\"'", "--filter: CPID-ALIVE is a boolean and cannot be matched"),
    ]
    let out = try Support.temporaryDirectory()
    defer { Support.removeTree(out) }
    var lines: [String] = []
    for (index, (arguments, _)) in cases.enumerated() {
      // The arguments are shell words as typed; uid 65534 gets the same messages.
      let runAs = Namespaces.users.contains("nobody") ? "nobody " : ""
      for (side, command) in [("s", "\"$SWIPCS\""), ("r", runAs + "\"$SWIPCRM\" -a")] {
        let base = "\"$OUT/\(index).\(side)"
        lines.append("\(command) \(arguments) > \(base).out\" 2> \(base).err\"; echo $? > \(base).rc\"")
      }
    }
    // A selection with nothing to narrow.
    lines.append("\"$SWIPCRM\" --unattached > \"$OUT/n.out\" 2> \"$OUT/n.err\"; echo $? > \"$OUT/n.rc\"")
    let script =
      "OUT='\(out)'\n" + Self.dump + """
        cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem > "$OUT/before"

        """ + lines.joined(separator: "\n") + """

        cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem > "$OUT/after"
        """
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "5", "--count", "4"])
    try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    for (index, (arguments, message)) in cases.enumerated() {
      for (tool, side) in [("swipcs", "s"), ("swipcrm", "r")] {
        #expect(Self.read("\(out)/\(index).\(side).rc").trimmingSpaces == "1", "\(tool) \(arguments)")
        #expect(Self.read("\(out)/\(index).\(side).out") == "", "\(tool) \(arguments) printed something")
        let error = Self.read("\(out)/\(index).\(side).err")
        #expect(error.hasPrefix("\(tool): \(message)"), "\(tool) \(arguments): \(error)")
        #expect(error.split(separator: "\n").count == 1, "\(tool) \(arguments): one line")
      }
    }
    #expect(Self.read(out + "/n.rc").trimmingSpaces == "1")
    #expect(Self.read(out + "/n.err").hasPrefix("swipcrm: --unattached narrows what -a, -m/-q/-s or -M/-Q/-S name"))
    #expect(Self.read(out + "/before") == Self.read(out + "/after"), "something was removed")
    #expect(Self.read(out + "/before").split(separator: "\n").count > 6)
  }
}

extension String {
  var trimmingSpaces: String { String(filter { !$0.isWhitespace }) }

  /// `"0x%08x"` of a 32-bit value.
  init(format8 value: Int64) {
    let digits = String(value & 0xffff_ffff, radix: 16)
    self = "0x" + String(repeating: "0", count: Swift.max(0, 8 - digits.count)) + digits
  }
}

import Glibc
import Testing

/// What a finished process printed and returned.
struct ProcessResult: Equatable {
  var status: Int32
  var stdout: [UInt8]
  var stderr: [UInt8]
}

enum Support {
  /// The directory the build products are in: the test bundle sits next to the executables.
  static let productsDirectory: String = {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let path = length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
  }()

  static func product(_ name: String) -> String { productsDirectory + "/" + name }

  /// The folder of this file's scripts.
  static let scriptsDirectory: String = {
    let file = #filePath
    return String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) + "/Scripts"
  }()

  /// Runs `arguments` (looked up in PATH) with stdin from /dev/null and both outputs captured in files.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    let directory = try temporaryDirectory()
    defer { removeTree(directory) }
    let status = try spawnAndWait(
      arguments,
      environment: environment,
      stdout: directory + "/out",
      stderr: directory + "/err"
    )
    return ProcessResult(
      status: status,
      stdout: readFile(directory + "/out") ?? [],
      stderr: readFile(directory + "/err") ?? []
    )
  }

  /// Starts `arguments` with its outputs sent to the given files and returns its exit status (128+N for signal N).
  static func spawnAndWait(
    _ arguments: [String],
    environment: [String: String] = [:],
    stdout: String = "/dev/null",
    stderr: String = "/dev/null"
  ) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var envp = environmentPairs(overriding: environment).map { strdup($0) } + [nil]
    defer { for pointer in envp { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, &envp)
    try #require(spawned == 0, "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }

  static func environmentPairs(overriding: [String: String]) -> [String] {
    var pairs: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if let equals = text.firstIndex(of: "=") {
        pairs[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      pointer += 1
    }
    for (key, value) in overriding { pairs[key] = value }
    return pairs.map { "\($0.key)=\($0.value)" }
  }

  static func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = read(fd, &chunk, chunk.count)
      if count <= 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
    }
  }

  static func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(fd >= 0, "cannot create \(path)")
    defer { close(fd) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    try #require(written == bytes.count)
  }

  static func temporaryDirectory() throws -> String {
    var template = Array("/tmp/swipcs-test-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress.unsafelyUnwrapped) }
    let path = try #require(made.map { String(cString: $0) }, "mkdtemp failed")
    chmod(path, 0o755)
    return path
  }

  static func removeTree(_ path: String) {
    _ = try? spawnAndWait(["rm", "-rf", "--", path])
  }
}

/// How this machine lets a test make a private IPC namespace, if at all.
enum Namespaces {
  enum Mode {
    /// Real root: the fixture unshares the IPC namespace itself; other users can be simulated.
    case root
    /// An unprivileged user: `unshare --map-root-user` first, then only the mapped root exists.
    case mappedRoot
  }

  static let mode: Mode? = {
    if getuid() == 0, (try? Support.spawnAndWait(["unshare", "--ipc", "true"])) == 0 { return .root }
    if (try? Support.spawnAndWait(["unshare", "--map-root-user", "--ipc", "true"])) == 0 { return .mappedRoot }
    return nil
  }()

  static var available: Bool { mode != nil }

  /// What the fixture needs to hear when only the mapped root exists.
  static var singleUser: [String] { mode == .mappedRoot ? ["--single-user"] : [] }
  static let unavailableReason =
    "cannot create an IPC namespace here (neither unshare --ipc nor unshare --map-root-user)"

  /// The users each mode runs as: root, and uid 65534 where the namespace has it.
  static var users: [String] { mode == .root ? ["root", "nobody"] : ["root"] }

  /// The words that run `command` inside a fresh fixture namespace filled by `fixtureArguments`, or, when that is
  /// nil, run `command` alone (it then starts the fixture itself, once per namespace it needs).
  ///
  /// As root a private mount namespace also gets an /etc/passwd and /etc/group with a 25-character user name and
  /// a 22-character group name (util-linux truncates the first in list views and not in -c).
  static func wrap(_ command: [String], fixtureArguments: [String]?, workDirectory: String) throws -> [String] {
    let fixture = fixtureArguments.map { [Support.product("ipc-fixture")] + $0 + singleUser + ["--"] } ?? []
    switch mode {
    case .root:
      let passwd = (Support.readFile("/etc/passwd").map { String(decoding: $0, as: UTF8.self) } ?? "")
      let group = (Support.readFile("/etc/group").map { String(decoding: $0, as: UTF8.self) } ?? "")
      try Support.writeFile(
        workDirectory + "/passwd",
        passwd + "averyveryverylongusername:x:4244:4244::/nonexistent:/usr/sbin/nologin\n"
      )
      try Support.writeFile(workDirectory + "/group", group + "averyverylonggroupname:x:4244:\n")
      let script =
        "mount --bind \"$1/passwd\" /etc/passwd && mount --bind \"$1/group\" /etc/group && shift && exec \"$@\""
      return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", workDirectory]
        + fixture + command
    case .mappedRoot:
      return ["unshare", "--map-root-user"] + fixture + command
    case nil:
      return []
    }
  }
}

extension Namespaces {
  /// Runs a bash `script` inside a fresh fixture namespace made from `fixtureArguments`.
  ///
  /// The script finds
  /// `$SWIPCS`, `$SWIPCRM` (our builds), `$NEW` (a directory where they are also named ipcs and ipcrm, to put
  /// first in PATH), `$WORK` (a scratch directory) and `$SCRIPTS`.
  static func runScript(_ script: String, fixtureArguments: [String]) throws -> ProcessResult {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    let new = work + "/new-bin"
    let prologue = """
      set -u
      export SWIPCS='\(Support.product("swipcs"))' SWIPCRM='\(Support.product("swipcrm"))'
      export WORK='\(work)' NEW='\(new)' SCRIPTS='\(Support.scriptsDirectory)'
      mkdir -p "$NEW" && ln -s "$SWIPCS" "$NEW/ipcs" && ln -s "$SWIPCRM" "$NEW/ipcrm"

      """
    return try Support.run(
      wrap(["bash", "-c", prologue + script], fixtureArguments: fixtureArguments, workDirectory: work)
    )
  }
}

/// One mode run by both programs as one user.
struct Comparison {
  var arguments: String
  var user: String
  var reference: ProcessResult
  var candidate: ProcessResult
  /// `ipcs` after each program ran, for removals.
  var referenceAfter: [UInt8]? = nil
  var candidateAfter: [UInt8]? = nil

  /// A readable account of the first difference, or nil when the two agree byte for byte.
  var difference: String? {
    var parts: [String] = []
    if reference.status != candidate.status {
      parts.append("exit status \(reference.status) (util-linux) vs \(candidate.status)")
    }
    if let line = firstDifferentLine(reference.stdout, candidate.stdout) { parts.append("stdout \(line)") }
    if let line = firstDifferentLine(reference.stderr, candidate.stderr) { parts.append("stderr \(line)") }
    if let after = referenceAfter, let line = firstDifferentLine(after, candidateAfter ?? []) {
      parts.append("objects left \(line)")
    }
    return parts.isEmpty ? nil : "[\(user)] '\(arguments)': " + parts.joined(separator: "; ")
  }

  private func firstDifferentLine(_ a: [UInt8], _ b: [UInt8]) -> String? {
    guard a != b else { return nil }
    let left = a.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let right = b.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for index in 0..<max(left.count, right.count) {
      let l = index < left.count ? String(decoding: left[index], as: UTF8.self) : "<none>"
      let r = index < right.count ? String(decoding: right[index], as: UTF8.self) : "<none>"
      if l != r {
        return "line \(index + 1):\n  util-linux: \(l.debugDescription)\n  swipcs:     \(r.debugDescription)"
      }
    }
    return "differs"
  }
}

enum DifferentialRun {
  /// Fills a fresh namespace from `fixtureArguments`, runs every mode with util-linux's `tool` and ours, and
  /// returns each pair of results.
  static func run(
    tool: String,
    modes: [String],
    fixtureArguments: [String],
    environment: [String: String] = [:]
  ) throws -> [Comparison] {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    let candidate = Support.product(tool == "ipcrm" ? "swipcrm" : "swipcs")
    try Support.writeFile(work + "/modes", modes.joined(separator: "\n") + "\n")
    let output = work + "/out"
    let destructive = tool == "ipcrm"
    let command =
      destructive
      ? [
        "sh", Support.scriptsDirectory + "/run-removals.sh", output, tool, candidate, Support.product("ipc-fixture"),
        work + "/modes",
      ] + Namespaces.users + ["--"] + fixtureArguments + Namespaces.singleUser
      : ["sh", Support.scriptsDirectory + "/run-modes.sh", output, tool, candidate, work + "/modes"] + Namespaces.users
    let result = try Support.run(
      Namespaces.wrap(command, fixtureArguments: destructive ? nil : fixtureArguments, workDirectory: work),
      environment: environment
    )
    try #require(
      result.status == 0,
      "the fixture failed: \(String(decoding: result.stderr, as: UTF8.self))"
    )
    let expanded = String(decoding: Support.readFile(output + "/modes") ?? [], as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    var comparisons: [Comparison] = []
    for (index, mode) in expanded.enumerated() {
      for user in Namespaces.users {
        func load(_ side: String) throws -> ProcessResult {
          let base = "\(output)/\(index).\(user).\(side)"
          let rc = String(decoding: Support.readFile(base + ".rc") ?? [], as: UTF8.self)
          return ProcessResult(
            status: try #require(Int32(rc.filter { !$0.isWhitespace }), "no exit status for '\(mode)'"),
            stdout: Support.readFile(base + ".out") ?? [],
            stderr: Support.readFile(base + ".err") ?? []
          )
        }
        let base = "\(output)/\(index).\(user)"
        let shown = Support.readFile(base + ".ref.args").map { String(decoding: $0, as: UTF8.self) } ?? mode
        comparisons.append(
          Comparison(
            arguments: shown,
            user: user,
            reference: DocumentedDifferences.apply(to: try load("ref"), candidate: try load("new"), tool: tool),
            candidate: try load("new"),
            referenceAfter: Support.readFile(base + ".ref.after"),
            candidateAfter: Support.readFile(base + ".new.after")
          )
        )
      }
    }
    return comparisons
  }
}

/// What swipcs and swipcrm print differently from util-linux on purpose (README, "How it relates to util-linux"),
/// applied to util-linux's output before the comparison so that everything else is still compared byte for byte.
enum DocumentedDifferences {
  /// `--help` ends with the tool's own manual page, `swipcs(1)`, where util-linux names argv[0]'s.
  ///
  /// swipcs's also lists its column options, its metrics options and its columns after ipcs's text. So
  /// util-linux's help, its last line left out, must begin ours, and ours must end with our manual page.
  static func apply(to result: ProcessResult, candidate: ProcessResult, tool: String) -> ProcessResult {
    var changed = result
    let footer = Array("For more details see \(tool)(1).\n".utf8)
    let ours = Array("\nFor more details see sw\(tool)(1).\n".utf8)
    guard changed.stdout.count >= footer.count, changed.stdout.suffix(footer.count).elementsEqual(footer) else {
      return changed
    }
    let body = changed.stdout.dropLast(footer.count)
    if candidate.stdout.starts(with: body) && candidate.stdout.suffix(ours.count).elementsEqual(ours) {
      changed.stdout = candidate.stdout
    } else {
      changed.stdout = Array(body) + ours.dropFirst()
    }
    return changed
  }
}

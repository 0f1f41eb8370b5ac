import Glibc
import Testing

/// The bash, zsh and fish completions, tried as a user's Tab tries them, in a fresh fixture namespace: the words
/// each shell offers are compared with the ids and keys /proc/sysvipc lists in that namespace.
///
/// bash runs the completion function on the words readline would make (`--id=5` is `--id`, `=`, `5`); zsh runs in a
/// pseudo-terminal (`zpty`) with the completions in `fpath`, `compinit`, and `compadd` wrapped to record what is
/// added; fish runs `complete -C LINE` with the completions in `fish_complete_path`, found by name as an installed
/// file would be.
@Suite(.enabled(if: Namespaces.available, Comment(rawValue: Namespaces.unavailableReason)))
struct CompletionTests {
  static let completions = Support.scriptsDirectory + "/../../../completions"

  enum Shell: String, CaseIterable, Sendable {
    case bash, zsh, fish

    var installed: Bool { (try? Support.spawnAndWait(["sh", "-c", "command -v \(rawValue)"])) == 0 }
  }

  /// What a line should offer.
  enum Expected: Sendable {
    /// The ids of these kinds (`shm`, `msg`, `sem`), each once, in /proc order kind after kind.
    case ids([String])
    /// The keys of one kind as 0x%08x, IPC_PRIVATE left out.
    case keys(String)
    case words([String])
    /// The names of the POSIX objects of a kind (`pshm`, `psem`) the script made in its private `/dev/shm`.
    case names(String)
  }

  struct Case: Sendable, CustomStringConvertible {
    /// The command line; `^` marks the cursor when it is not at the end.
    var line: String
    var expected: Expected
    var shells: Set<Shell> = Set(Shell.allCases)
    /// Words starting with `-` are left out before comparing (where bash offers the options along).
    var ignoringOptions = false
    /// What fish prints before each word when the argument is attached to its option (`-qi`, `--id=`).
    var fishPrefix = ""

    var description: String { "'\(line)'" }
  }

  static let types = ["shm", "msg", "sem"]
  /// What `-a` takes: the System V and the POSIX types.
  static let allTypes = ["shm", "pshm", "msg", "pmsg", "sem", "psem"]

  /// The POSIX names offered from a private tmpfs on /dev/shm: only as root, where the namespace has its own mounts.
  static let posixCases: [Case] =
    Namespaces.mode == .root
    ? [
      Case(line: "swipcrm --posix-shmem ", expected: .names("pshm")),
      Case(line: "swipcrm -m 1 --posix-semaphore=", expected: .names("psem"), fishPrefix: "--posix-semaphore="),
      Case(line: "swipcrm -a p", expected: .words(["pshm", "pmsg", "psem"])),
      Case(line: "swipcrm --posix-s", expected: .words(["--posix-shmem", "--posix-semaphore"])),
    ] : []

  static let cases: [Case] =
    posixCases + [
      // swipcrm: ids and keys of the kind of the option.
      Case(line: "swipcrm -m ", expected: .ids(["shm"])),
      Case(line: "swipcrm -q ", expected: .ids(["msg"])),
      Case(line: "swipcrm -s ", expected: .ids(["sem"])),
      Case(line: "swipcrm -vs ", expected: .ids(["sem"])),
      Case(line: "swipcrm -m 1 -q ", expected: .ids(["msg"])),
      Case(line: "swipcrm -M 0x", expected: .keys("shm")),
      Case(line: "swipcrm -Q ", expected: .keys("msg")),
      Case(line: "swipcrm -S ", expected: .keys("sem")),
      Case(line: "swipcrm --shmem-id=", expected: .ids(["shm"]), fishPrefix: "--shmem-id="),
      Case(line: "swipcrm --queue-key=", expected: .keys("msg"), fishPrefix: "--queue-key="),
      Case(line: "swipcrm --semaphore-id ", expected: .ids(["sem"])),
      // The old form.
      Case(line: "swipcrm ", expected: .words(types), ignoringOptions: true),
      Case(line: "swipcrm shm ", expected: .ids(["shm"])),
      Case(line: "swipcrm msg 1 ", expected: .ids(["msg"])),
      Case(line: "swipcrm sem ", expected: .ids(["sem"])),
      // -a and --all: the type attached or as the next word.
      Case(line: "swipcrm -a ", expected: .words(allTypes), ignoringOptions: true),
      Case(line: "swipcrm -va ", expected: .words(allTypes), ignoringOptions: true),
      Case(line: "swipcrm -m 1 -a ", expected: .words(allTypes), ignoringOptions: true),
      Case(line: "swipcrm --all ", expected: .words(allTypes), ignoringOptions: true),
      Case(line: "swipcrm --all=", expected: .words(allTypes), fishPrefix: "--all="),
      Case(line: "swipcrm -a s", expected: .words(["shm", "sem"])),
      Case(line: "swipcrm -a shm -s ", expected: .ids(["sem"])),
      // swipcs -i: the ids of the kind selected, wherever it is selected; of all kinds, each once, when none is.
      Case(line: "swipcs -mi ", expected: .ids(["shm"])),
      Case(line: "swipcs -qi ", expected: .ids(["msg"])),
      Case(line: "swipcs -tsi ", expected: .ids(["sem"])),
      Case(line: "swipcs -m -i ", expected: .ids(["shm"])),
      Case(line: "swipcs -q --id ", expected: .ids(["msg"])),
      Case(line: "swipcs --semaphores --id=", expected: .ids(["sem"]), fishPrefix: "--id="),
      Case(line: "swipcs --id=", expected: .ids(types), fishPrefix: "--id="),
      Case(line: "swipcs -i ", expected: .ids(types)),
      Case(line: "swipcs -a -i ", expected: .ids(types)),
      Case(line: "swipcs -qi", expected: .ids(["msg"]), shells: [.zsh, .fish], fishPrefix: "-qi"),
      // The kind after the cursor (fish's `complete -C` has the cursor at the end).
      Case(line: "swipcs -i ^ -q", expected: .ids(["msg"]), shells: [.bash, .zsh]),
      Case(line: "swipcs --id ^ --shmems", expected: .ids(["shm"]), shells: [.bash, .zsh]),
      Case(line: "swipcs -i ^ -ts", expected: .ids(["sem"]), shells: [.bash, .zsh]),
      // Options.
      Case(line: "swipcrm --dr", expected: .words(["--dry-run"])),
      Case(line: "swipcs --h", expected: .words(["--help", "--human"])),
      Case(line: "swipcs -i 1 --sh", expected: .words(["--shmems"])),
      Case(line: "swipcs --prometheus=", expected: .words(["objects", "orphans"]), fishPrefix: "--prometheus="),
      Case(line: "swipcs --prometheus=ob", expected: .words(["objects"]), fishPrefix: "--prometheus="),
      // --filter: the column names, for the name being typed at the end of the expression.
      Case(line: "swipcs --filter NAT", expected: .words(["NATTCH"])),
      Case(line: "swipcs -m --filter NSE", expected: .words(["NSEMS"])),
      Case(line: "swipcrm -a --owner root --filter QB", expected: .words(["QBYTES"])),
      Case(line: "swipcrm -a --filter LP", expected: .words(["LPID"])),
    ]

  /// What /proc/sysvipc lists: for each kind, its (id, key as 0x%08x) rows in file order.
  struct Objects {
    var rows: [String: [(id: String, key: String)]] = [:]
    /// The POSIX names the script made, by kind.
    var names: [String: [String]] = [:]

    func expected(_ expected: Expected) -> [String] {
      switch expected {
      case .ids(let kinds):
        var seen = Set<String>()
        return kinds.flatMap { rows[$0] ?? [] }.map(\.id).filter { seen.insert($0).inserted }
      case .keys(let kind): return (rows[kind] ?? []).map(\.key).filter { $0 != "0x00000000" }
      case .words(let words): return words
      case .names(let kind): return names[kind] ?? []
      }
    }
  }

  /// The words of `line` as bash's readline hands them to a completion function, and the index of the one under
  /// the cursor: split at spaces, and `=` a word of its own (`--id=5` is `--id`, `=`, `5`; `--id=` is `--id`, `=`
  /// with the cursor on `=`).
  static func bashWords(_ line: String) -> (words: [String], current: Int) {
    func split(_ text: Substring) -> [String] {
      text.split(separator: " ", omittingEmptySubsequences: false).flatMap { word -> [String] in
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return [String(word)] }
        let value = word[word.index(after: equals)...]
        return [String(word[..<equals]), "="] + (value.isEmpty ? [] : [String(value)])
      }
    }
    let parts = line.split(separator: "^", maxSplits: 1, omittingEmptySubsequences: false)
    var words = split(parts[0])
    let current = words.count - 1
    if parts.count > 1 { words += split(parts[1].dropFirst()) }
    return (words, current)
  }

  static func quoted(_ word: String) -> String { "'" + word + "'" }

  /// The script that runs the cases in `shell`; it prints the offered words of each case followed by a line `@@`.
  static func script(_ shell: Shell, _ cases: [Case]) -> String {
    let lines = cases.map { quoted($0.line) }.joined(separator: " ")
    switch shell {
    case .bash:
      var script = "source \"$C/swipcs.bash\"; source \"$C/swipcrm.bash\"\n"
      for item in cases {
        let (words, current) = bashWords(item.line)
        let tool = words[0]
        script += """
          COMP_WORDS=(\(words.map(quoted).joined(separator: " "))); COMP_CWORD=\(current); COMPREPLY=(); _\(tool)
          ((${#COMPREPLY[@]} == 0)) || printf '%s\\n' "${COMPREPLY[@]}"; echo @@

          """
      }
      return script
    case .zsh:
      return """
        cat > "$WORK/zsh-setup" <<'EOF'
        \(zshSetup)
        EOF
        cat > "$WORK/zsh-drive" <<'EOF'
        \(zshDrive)
        EOF
        timeout 120 zsh -f "$WORK/zsh-drive" "$C" "$WORK/zsh-out" \(lines) >&2 && cat "$WORK/zsh-out"

        """
    case .fish:
      return """
        PATH="$(dirname "$SWIPCS"):$PATH" timeout 120 fish --no-config -c '
          set -p fish_complete_path $argv[1]
          for line in $argv[2..-1]
            complete -C $line | string replace -r "\\t.*" ""
            echo @@
          end' "$C" \(lines)

        """
    }
  }

  /// Sourced by the zsh in the pseudo-terminal: completion as a user's `.zshrc` sets it up, with `compadd` wrapped
  /// to append what it adds to `$__out`, and Tab bound to a widget that completes and then writes `@@` there and
  /// `<<DONE>>` to the terminal.
  static let zshSetup = #"""
    PS1='' PS2='' RPS1=''
    unsetopt auto_list beep
    fpath=($__compl $fpath)
    autoload -Uz compinit && compinit -u -D
    compadd() {
      if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
      local -a __hits
      builtin compadd -A __hits "$@"
      local r=$?
      (( $#__hits )) && print -rl -- $__hits >> $__out
      builtin compadd "$@"
      return r
    }
    __done() { print -r -- @@ >> $__out; print -n '<<DO''NE>>'; }
    __tab() { comppostfuncs=(__done); zle complete-word; }
    zle -N __tab
    bindkey '^I' __tab
    """#

  /// Starts zsh in a pseudo-terminal and types each line (the cursor moved back to its `^`), then Tab, then waits
  /// for the widget's `<<DONE>>`.
  static let zshDrive = #"""
    zmodload zsh/zpty
    compl=$1 out=$2
    shift 2
    : > $out
    zpty z zsh -f -i
    zpty -w z "__compl=${(q)compl} __out=${(q)out}; source ${(q)WORK}/zsh-setup"
    for line in "$@"; do
      before=${line%%\^*} after=
      [[ $line == *^* ]] && after=${line#*^}
      zpty -w -n z "$before$after"
      repeat $#after zpty -w -n z $'\C-b'
      zpty -w -n z $'\t'
      zpty -r z junk '*<<DONE>>*' || exit 1
      zpty -w -n z $'\C-e\C-u'
    done
    zpty -d z
    """#

  /// Runs `cases` in `shell` in a fresh fixture namespace with `count` objects of each kind; returns the words
  /// offered for each case and the objects.
  static func run(_ shell: Shell, _ cases: [Case], count: Int) throws -> (offered: [[String]], objects: Objects) {
    let script = """
      export C='\(completions)' HOME="$WORK" XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" TERM=dumb
      if \(Namespaces.mode == .root); then
        # A private /dev/shm (the namespace's own mount) with objects and entries that are none.
        mount -t tmpfs swipcs-test /dev/shm || exit 1
        if [ \(count) -gt 0 ]; then
          touch /dev/shm/app.shm /dev/shm/seg2 /dev/shm/sem.lock /dev/shm/sem.x2
          ln -s /etc/passwd /dev/shm/planted; ln -s /etc/passwd /dev/shm/sem.planted; mkdir /dev/shm/adir
        fi
      fi
      for kind in shm msg sem; do
        tail -n +2 /proc/sysvipc/$kind | while read -r key id rest; do
          printf '%s %s 0x%08x\\n' $kind "$id" $((key & 0xffffffff))
        done
      done
      echo '##'
      \(Self.script(shell, cases))
      """
    let result = try Namespaces.runScript(script, fixtureArguments: ["--seed", "51", "--count", "\(count)"])
    try #require(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    let separator = try #require(lines.firstIndex(of: "##"))
    var objects = Objects()
    if Namespaces.mode == .root && count > 0 {
      objects.names = ["pshm": ["app.shm", "seg2"], "psem": ["lock", "x2"]]
    }
    for line in lines[..<separator] {
      let parts = line.split(separator: " ").map(String.init)
      try #require(parts.count == 3, "bad /proc line \(line)")
      objects.rows[parts[0], default: []].append((parts[1], parts[2]))
    }
    var offered: [[String]] = [[]]
    for line in lines[(separator + 1)...] {
      if line == "@@" { offered.append([]) } else { offered[offered.count - 1].append(line) }
    }
    offered.removeLast()
    try #require(offered.count == cases.count, "\(shell) answered \(offered.count) of \(cases.count) lines")
    return (offered, objects)
  }

  /// Runs the cases of `shell` among `count` objects of each kind (none: only the words that are not ids or keys).
  static func check(_ shell: Shell, count: Int = 6) throws {
    let cases = Self.cases.filter { $0.shells.contains(shell) }
    let (offered, objects) = try run(shell, cases, count: count)
    let shm = objects.rows["shm"] ?? []
    #expect(shm.count == count)
    if count > 0 {
      #expect(shm.contains { $0.key == "0x00000000" } && shm.contains { $0.key != "0x00000000" })
      #expect(Set(shm.map(\.id)) != Set((objects.rows["msg"] ?? []).map(\.id)), "kinds should differ in their ids")
    }
    for (item, words) in zip(cases, offered) {
      var words = words
      if shell == .fish && !item.fishPrefix.isEmpty {
        words = words.map { $0.hasPrefix(item.fishPrefix) ? String($0.dropFirst(item.fishPrefix.count)) : $0 }
      }
      if item.ignoringOptions { words = words.filter { !$0.hasPrefix("-") } }
      let expected = objects.expected(item.expected)
      #expect(!expected.isEmpty || count == 0)
      if shell == .bash {
        // bash offers COMPREPLY in its order: /proc's.
        #expect(words == expected, "bash: \(item)")
      } else {
        #expect(words.sorted() == expected.sorted(), "\(shell): \(item)")
      }
    }
  }

  @Test("bash offers the ids, keys and types of the objects that exist")
  func bash() throws { try Self.check(.bash) }

  @Test(
    "zsh offers the ids, keys and types of the objects that exist",
    .enabled(if: Shell.zsh.installed, "zsh is not installed")
  )
  func zsh() throws { try Self.check(.zsh) }

  @Test(
    "fish offers the ids, keys and types of the objects that exist",
    .enabled(if: Shell.fish.installed, "fish is not installed")
  )
  func fish() throws { try Self.check(.fish) }

  /// Where /proc/sysvipc has its header lines only (zsh once offered the header's `shmid` there).
  @Test(
    "nothing but options and types is offered where no object exists",
    arguments: Shell.allCases.filter(\.installed)
  )
  func emptyNamespace(shell: Shell) throws { try Self.check(shell, count: 0) }
}

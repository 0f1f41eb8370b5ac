import Glibc
import Testing

/// The process columns and `--processes` on real processes.
///
/// Each case is staged in fresh private IPC, pid and mount namespaces (`Scripts/processes.sh`): attached, removed while attached, inherited by a forked child, creator
/// alive, exited, and its pid reused by a newer process (`ns_last_pid`), pids not visible from a nested pid
/// namespace, a reader of uid 65534 that cannot read root's processes, queue and semaphore waiters, and that
/// without a process column no `/proc/PID` is opened (strace). Root only: the reuse case writes `ns_last_pid`, and
/// the unprivileged reader is uid 65534 under `setpriv`.
@Suite(.enabled(if: getuid() == 0 && Namespaces.mode == .root, "needs root (ns_last_pid, setpriv, unshare --pid)"))
struct ProcessTests {
  @Test("every staged case, as root and as uid 65534")
  func stagedCases() throws {
    let work = try Support.temporaryDirectory()
    defer { Support.removeTree(work) }
    let holder = work + "/holder"
    let compiled = try Support.run(["cc", "-O2", "-Wall", "-o", holder, Support.scriptsDirectory + "/holder.c"])
    try #require(compiled.status == 0, "cc: \(String(decoding: compiled.stderr, as: UTF8.self))")
    let result = try Support.run([
      "unshare", "--ipc", "--pid", "--fork", "--mount-proc", "bash", Support.scriptsDirectory + "/processes.sh",
      Support.product("swipcs"), holder, work, Support.product("swipcrm"),
    ])
    let text = String(decoding: result.stdout, as: UTF8.self)
    let lines = text.split(separator: "\n")
    let failures = lines.filter { !$0.hasPrefix("ok ") && $0 != "done" }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))\n\(String(decoding: result.stderr, as: UTF8.self))")
    #expect(lines.last == "done", "\(String(decoding: result.stderr, as: UTF8.self))")
    #expect(lines.filter { $0.hasPrefix("ok ") }.count >= 90)
  }
}

package import IPCModel

/// The line that opens each namespace's block under `--all-namespaces`.
///
///     ==== IPC namespace 4026532180 (pid 2345 postgres, 6 processes, docker 4f1c2a9b0e7d) ====
///
/// The namespace's inode, the process it was entered through with its command (control characters as `?`), how
/// many processes share the namespace, and the container or pod their cgroup path shows, if any.
package enum NamespaceHeader {
  package static func line(id: NamespaceID, members: Int, describing process: NamespaceDescription) -> Message {
    var details: Message = "pid \(process.pid) \(process.command)"
    details = details + (members == 1 ? ", 1 process" : ", \(members) processes")
    if let container = process.container { details = details + ", \(container.label)" }
    return "==== IPC namespace \(id.rawValue) (\(details)) ====\n"
  }
}

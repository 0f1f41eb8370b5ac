package import IPCModel

/// Where each tool does its work: the caller's IPC namespace, the one `--ns` names, or every one in use.
package enum NamespaceWalk {
  /// `--ns`: enters the namespace `target` names, for the rest of the process, as `nsenter --ipc` does.
  ///
  /// On failure prints why (naming the namespace and the privilege it needs) and returns false: nothing may be done.
  package static func enter(_ target: NamespaceTarget?, program: Program) -> Bool {
    guard let target else { return true }
    do throws(NamespaceError) {
      try IPCNamespace.open(target).enter()
      return true
    } catch {
      program.warn(error.message)
      return false
    }
  }

  /// `--all-namespaces`: runs `body` inside every IPC namespace in use (the distinct inodes of
  /// `/proc/[0-9]*/ns/ipc`), in the order of each one's lowest pid, after writing its header line.
  ///
  /// Each namespace is opened through one of its processes and checked to still be that namespace (a pid that
  /// exited and was reused is not followed); one whose processes have all gone is skipped without a word. One
  /// that cannot be opened or entered is reported on stderr and the walk goes on.
  ///
  /// - Returns: 0 when `body` returned 0 everywhere and every namespace found was entered; 1 when a namespace
  ///   could not be entered or processes could not be inspected; at once 1 when the process could not return
  ///   to its own namespace.
  package static func forEach(
    program: Program,
    to out: inout OutputBuffer,
    _ body: (inout OutputBuffer) -> Int32
  ) -> Int32 {
    let scanner = NamespaceScanner(processes: LiveProcesses())
    let scan: NamespaceScan
    do throws(IPCError) {
      scan = try scanner.scan()
    } catch {
      program.warn(error.message)
      return 1
    }
    var status: Int32 = 0
    for members in scan.namespaces {
      var entered: (IPCNamespace, Int32)?
      var failure: NamespaceError?
      for pid in members.pids {
        do throws(NamespaceError) {
          let namespace = try IPCNamespace.open(.process(pid))
          // The pid now names another namespace: it exited and its number was reused.
          guard namespace.id == members.id else { continue }
          entered = (namespace, pid)
          break
        } catch {
          if error.code == Errno.notFound || error.code == Errno.noSuchProcess { continue }
          failure = failure ?? error
        }
      }
      guard let (namespace, pid) = entered else {
        if let failure {
          program.warn("IPC namespace \(members.id.rawValue) left out: \(failure.message)")
          status = 1
        }
        continue
      }
      let description = scanner.describe(pid)
      do throws(NamespaceError) {
        let result = try namespace.withEntered { () -> Int32 in
          out.append(NamespaceHeader.line(id: members.id, members: members.pids.count, describing: description).bytes)
          return body(&out)
        }
        if result != 0 { status = result }
      } catch {
        program.warn(error.message)
        if error.stage == .restore { return 1 }
        status = 1
      }
    }
    if scan.unreadable > 0 {
      let count = scan.unreadable == 1 ? "1 process" : "\(scan.unreadable) processes"
      program.warn("the IPC namespaces of \(count) could not be read: \(errno: scan.unreadableErrno)")
      status = 1
    }
    return status
  }
}

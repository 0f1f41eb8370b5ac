import Glibc
package import IPCModel

/// Where the work is done: the caller's own namespaces, or an IPC namespace entered for `--ns` or
/// `--all-namespaces`, with what the POSIX kinds need to follow it.
///
/// System V objects, `/proc/sysvipc`, the limits and the POSIX message queues follow the IPC namespace the thread is
/// in (the private mqueue mount binds to it when it is made). `/dev/shm` (POSIX shared memory and semaphores)
/// belongs to a *mount* namespace: in another namespace it is read as `/proc/PID/root/dev/shm` of a process of it,
/// so a namespace named by a path alone has none.
package struct NamespacePlace: Sendable {
  /// The IPC namespace entered; nil for the caller's own, untouched.
  package var namespace: NamespaceID?
  /// A process in it, whose mount namespace's `/dev/shm` is read; nil for the caller's own or `--ns PATH`.
  package var pid: Int32?
  /// How `--ns` named it, for messages: nil unless named by a path.
  package var path: [UInt8]?

  /// The caller's own namespaces.
  package static let own = NamespacePlace()

  package init(namespace: NamespaceID? = nil, pid: Int32? = nil, path: [UInt8]? = nil) {
    self.namespace = namespace
    self.pid = pid
    self.path = path
  }

  /// Whether `/dev/shm` can be reached: not for a namespace named by a path alone.
  package var reachesSharedMemoryDirectory: Bool { path == nil }

  /// The live catalog of this place.
  ///
  /// In another IPC namespace, POSIX queues are read through a private mqueue mount made in it; `/dev/mqueue` of
  /// the caller's mount namespace only where its queues are shown to be that namespace's (`LivePosix`: a mount
  /// shows the queues of the namespace it was made in).
  package func catalog() -> LiveCatalog {
    guard namespace != nil else { return LiveCatalog() }
    let directory = pid.map { "/proc/\($0)/root/dev/shm" } ?? "/dev/shm"
    var catalog = LiveCatalog(
      sysV: LiveSysV(),
      files: LiveFiles(),
      posix: LivePosix(
        sharedMemoryDirectory: directory,
        sharedMemoryRoot: pid.map { "/proc/\($0)/root" }
      )
    )
    if let pid { catalog.mountNamespacePath = "/proc/\(pid)/ns/mnt" }
    return catalog
  }

  /// Whether objects may be removed from this place's `/dev/shm`; says why not.
  ///
  /// Always in the caller's own mount namespace; in another process's only when its mount namespace belongs to the
  /// caller's user namespace, since whoever owns a mount namespace decides what is mounted on its `/dev/shm` (an
  /// unprivileged user's `unshare --user --mount` can bind any directory it sees there, root's own files included).
  package func mayRemoveFromSharedMemoryDirectory(program: Program) -> Bool {
    guard let pid else { return true }
    switch IPCNamespace.mountNamespaceIsOwn(pid: pid) {
    case .success(true): return true
    case .success(false):
      program.warn(
        "POSIX shared memory and semaphores are not removed through process \(pid): its mount namespace belongs "
          + "to another user namespace, whose users decide what its /dev/shm is (run swipcrm inside it instead, "
          + "with nsenter --target \(pid) --all)"
      )
    case .failure(let error):
      program.warn(
        "POSIX shared memory and semaphores are not removed through process \(pid): the owner of its mount "
          + "namespace cannot be told (\(error.message))"
      )
    }
    return false
  }

  /// Under `--all-namespaces`, whether this place's `/dev/shm` is one already read for another namespace.
  ///
  /// IPC namespaces that share a mount namespace, or a tmpfs, share it: its objects are then not shown, counted or
  /// removed again, and stderr says so. A directory that cannot be identified is read (its listing says why).
  package func sharedMemoryDirectoryAlreadyRead(
    _ seen: inout [PosixFileIdentity: NamespaceID],
    program: Program
  ) -> Bool {
    guard let namespace, let identity = try? catalog().posix?.sharedMemoryDirectoryIdentity() else { return false }
    if let first = seen[identity] {
      program.warn(
        "IPC namespace \(namespace.rawValue): its /dev/shm is the one shown for IPC namespace \(first.rawValue); "
          + "its POSIX shared memory and semaphores are not shown again"
      )
      return true
    }
    seen[identity] = namespace
    return false
  }

  /// Whether the process whose `/dev/shm` was read is still the one the namespace was entered through.
  ///
  /// Its `/proc/PID/ns/ipc` must still name the namespace (the check the walk makes on opening it): false when it
  /// exited, or its pid now names another process in another namespace.
  package func processStillThere() -> Bool {
    guard let pid, let namespace else { return true }
    var info = stat()
    guard stat("/proc/\(pid)/ns/ipc", &info) == 0 else { return false }
    return UInt64(info.st_ino) == namespace.rawValue
  }

  /// After reading or removing in `/dev/shm`: false, with a message, when the process it was read through is gone.
  package func confirmSharedMemoryDirectory(program: Program) -> Bool {
    if processStillThere() { return true }
    program.warn(
      "process \(pid ?? 0) left IPC namespace \(namespace?.rawValue ?? 0) while its /dev/shm was read: "
        + "what was shown of /proc/\(pid ?? 0)/root/dev/shm may be another process's"
    )
    return false
  }
}

/// One namespace of `--all-namespaces`, as the walk entered it.
package struct NamespaceVisit: Sendable {
  package var id: NamespaceID
  /// Every process found in it, in ascending order.
  package var pids: [Int32]
  /// The process it was entered through, with its command and container.
  package var description: NamespaceDescription

  /// Where the work is done in it.
  package var place: NamespacePlace { NamespacePlace(namespace: id, pid: description.pid) }

  /// Its header line in the text forms.
  package var header: Message { NamespaceHeader.line(id: id, members: pids.count, describing: description) }
}

/// Where each tool does its work: the caller's IPC namespace, the one `--ns` names, or every one in use.
package enum NamespaceWalk {
  /// `--ns`: enters the namespace `target` names, for the rest of the process, as `nsenter --ipc` does.
  ///
  /// On failure prints why (naming the namespace and the privilege it needs) and returns nil: nothing may be done.
  package static func enter(_ target: NamespaceTarget?, program: Program) -> NamespacePlace? {
    guard let target else { return .own }
    do throws(NamespaceError) {
      let namespace = try IPCNamespace.open(target)
      try namespace.enter()
      switch target {
      case .process(let pid): return NamespacePlace(namespace: namespace.id, pid: pid)
      case .file(let path): return NamespacePlace(namespace: namespace.id, path: path)
      }
    } catch {
      program.warn(error.message)
      return nil
    }
  }

  /// `--all-namespaces`: runs `body` inside every IPC namespace in use (the distinct inodes of
  /// `/proc/[0-9]*/ns/ipc`), in the order of each one's lowest pid; `body` writes the header it needs.
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
    _ body: (NamespaceVisit, inout OutputBuffer) -> Int32
  ) -> Int32 {
    let scanner = NamespaceScanner(processes: LiveNamespaceProcesses())
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
      let visit = NamespaceVisit(id: members.id, pids: members.pids, description: scanner.describe(pid))
      do throws(NamespaceError) {
        let result = try namespace.withEntered { () -> Int32 in body(visit, &out) }
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

  /// The command of each of `pids` (control characters as `?`), for the JSON of `--all-namespaces`.
  package static func commands(of pids: some Sequence<Int32>) -> [(pid: Int32, command: [UInt8])] {
    let scanner = NamespaceScanner(processes: LiveNamespaceProcesses())
    return pids.map { ($0, scanner.shownCommand($0)) }
  }
}

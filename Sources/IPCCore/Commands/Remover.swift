/// An error after which util-linux ipcrm exits at once (an errno it has no message for).
package struct FatalRemovalError: Error {
  package var message: Message
}

/// Carries out removals with util-linux ipcrm's messages (`remove_id`, `key_to_id`, `remove_all`), counting the
/// failures after which it goes on.
package struct Remover {
  package let program: Program
  package let dryRun: Bool
  package private(set) var failures = 0

  package init(program: Program, dryRun: Bool) {
    self.program = program
    self.dryRun = dryRun
  }

  private static func noun(_ kind: IPCKind) -> String {
    switch kind {
    case .sharedMemory: "shared memory segment"
    case .messageQueues: "message queue"
    case .semaphores: "semaphore"
    }
  }

  private mutating func fail(_ message: Message) {
    program.warn(message)
    failures += 1
  }

  /// Removes object `id`, as util-linux `remove_id` does.
  ///
  /// `byKey` only changes the wording of failures.
  package mutating func remove(
    _ kind: IPCKind,
    id: Int32,
    byKey: Bool,
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    if verbose || dryRun {
      out.append(Array("removing \(Self.noun(kind)) id `\(id)'\n".utf8))
      out.flushIfFull()
    }
    let what = byKey ? "key" : "id"
    if dryRun {
      if IPCObjects.state(kind, id: id) == .absent { fail("invalid \(what) (\(id))") }
      return
    }
    do throws(IPCError) {
      try IPCObjects.remove(kind, id: id)
    } catch {
      switch error.code {
      case Errno.permissionDenied, Errno.notPermitted: fail("permission denied for \(what) (\(id))")
      case Errno.invalidArgument: fail("invalid \(what) (\(id))")
      case Errno.identifierRemoved: fail("already removed \(what) (\(id))")
      default: throw FatalRemovalError(message: "\(what) failed: \(errno: error.code)")
      }
    }
  }

  /// Removes the object `key` names (util-linux `key_to_id` then `remove_id`), and only while it still has that
  /// key: the key is resolved, then checked again just before the removal.
  package mutating func remove(
    _ kind: IPCKind,
    key: IPCKey,
    typed: [UInt8],
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) {
    let shown = typed
    if key == .ipcPrivate { return fail("illegal key (\(shown))") }
    let id: Int32
    do throws(IPCError) {
      id = try IPCObjects.lookUp(kind, key: key)
    } catch {
      switch error.code {
      case Errno.permissionDenied: return fail("permission denied for key (\(shown))")
      case Errno.identifierRemoved: return fail("already removed key (\(shown))")
      case Errno.notFound: return fail("invalid key (\(shown))")
      default: throw FatalRemovalError(message: "key failed: \(errno: error.code)")
      }
    }
    let state = IPCObjects.state(kind, id: id)
    if state == .absent || (state != .unknown && state != .present(key: key)) {
      // Removed, or removed and its id reused, since the lookup: as if the key had not been found.
      return fail("invalid key (\(shown))")
    }
    try remove(kind, id: id, byKey: true, verbose: verbose, to: &out)
  }

  /// Removes every object of `kind` the caller may read (util-linux `remove_all`: objects it may not read are
  /// left alone without a word; those it may read but not remove are reported).
  package mutating func removeAll(_ kind: IPCKind, verbose: Bool, to out: inout OutputBuffer) throws(FatalRemovalError)
  {
    let worked: Bool
    switch kind {
    case .sharedMemory: worked = try removeAll(SharedMemorySegment.self, verbose: verbose, to: &out)
    case .messageQueues: worked = try removeAll(MessageQueue.self, verbose: verbose, to: &out)
    case .semaphores: worked = try removeAll(SemaphoreSet.self, verbose: verbose, to: &out)
    }
    guard worked else {
      let what =
        switch kind {
        case .sharedMemory: "shared memory"
        case .messageQueues: "message queues"
        case .semaphores: "semaphores"
        }
      throw FatalRemovalError(message: "kernel not configured for \(what)")
    }
  }

  private mutating func removeAll<Row: KernelListable>(
    _ type: Row.Type,
    verbose: Bool,
    to out: inout OutputBuffer
  ) throws(FatalRemovalError) -> Bool {
    try ObjectCatalog.visitReadable(Row.self) { (row: Row) throws(FatalRemovalError) in
      try remove(Row.kind, id: row.permissions.id, byKey: false, verbose: verbose, to: &out)
    }
  }
}

/// The calls on one object of a kind, chosen by kind: what removal needs.
package enum IPCObjects {
  /// `IPC_RMID` on `id`.
  package static func remove(_ kind: IPCKind, id: Int32) throws(IPCError) {
    switch kind {
    case .sharedMemory: try SharedMemoryCalls.remove(id: id)
    case .messageQueues: try MessageQueueCalls.remove(id: id)
    case .semaphores: try SemaphoreCalls.remove(id: id)
    }
  }

  /// `shmget`/`msgget`/`semget(key, 0, 0)`: the identifier `key` names now.
  package static func lookUp(_ kind: IPCKind, key: IPCKey) throws(IPCError) -> Int32 {
    switch kind {
    case .sharedMemory: try SharedMemoryCalls.lookUp(key: key)
    case .messageQueues: try MessageQueueCalls.lookUp(key: key)
    case .semaphores: try SemaphoreCalls.lookUp(key: key)
    }
  }

  /// What is known now of object `id`, whatever the caller's permissions.
  package enum State: Equatable, Sendable {
    case present(key: IPCKey)
    case absent
    /// Neither `*_STAT_ANY` nor `IPC_STAT` could say (an old kernel and no read permission).
    case unknown
  }

  /// Finds object `id` without needing read permission: `*_STAT_ANY` on the slots an id can map to (the low 15
  /// bits, or 24 with `ipcmni_extend`), then `IPC_STAT` by id.
  package static func state(_ kind: IPCKind, id: Int32) -> State {
    switch kind {
    case .sharedMemory: state(SharedMemorySegment.self, id: id)
    case .messageQueues: state(MessageQueue.self, id: id)
    case .semaphores: state(SemaphoreSet.self, id: id)
    }
  }

  private static func state<Row: KernelListable>(_ type: Row.Type, id: Int32) -> State {
    guard id >= 0 else { return .absent }
    for index in Set([id & 0x7fff, id & 0xff_ffff]) {
      if let row = try? Row.stat(index, lookup: .slotIgnoringPermissions), row.permissions.id == id {
        return .present(key: row.permissions.key)
      }
    }
    do throws(IPCError) {
      return .present(key: try Row.stat(id, lookup: .identifier).permissions.key)
    } catch {
      return error.code == Errno.permissionDenied ? .unknown : .absent
    }
  }
}

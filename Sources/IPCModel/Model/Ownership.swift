/// The mode word of an IPC object: the nine permission bits plus the shared-memory state bits.
package struct IPCMode: OptionSet, Hashable, Sendable {
  package var rawValue: UInt32
  package init(rawValue: UInt32) { self.rawValue = rawValue }

  /// The segment is removed and goes away on its last detach.
  ///
  /// The corresponding C constant is `SHM_DEST`.
  package static let destroyed = IPCMode(rawValue: 0o1000)
  /// The segment is locked in memory.
  ///
  /// The corresponding C constant is `SHM_LOCKED`.
  package static let locked = IPCMode(rawValue: 0o2000)

  /// The `rwxrwxrwx` bits alone (`mode & 0777`).
  package var accessBits: UInt32 { rawValue & 0o777 }
}

/// Who owns an object and who made it, and its mode: the `ipc_perm` fields other than its name.
package struct Ownership: Hashable, Sendable {
  package var owner: UserID
  package var group: GroupID
  package var creator: UserID
  package var creatorGroup: GroupID
  package var mode: IPCMode

  package init(owner: UserID, group: GroupID, creator: UserID, creatorGroup: GroupID, mode: IPCMode) {
    self.owner = owner
    self.group = group
    self.creator = creator
    self.creatorGroup = creatorGroup
    self.mode = mode
  }
}

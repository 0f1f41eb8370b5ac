import CIPCShim

/// How a stat call names its object.
package enum IPCLookup: Sendable {
  /// A kernel slot index, with no read-permission check: `*_STAT_ANY` (Linux 4.17 and later).
  case slotIgnoringPermissions
  /// A kernel slot index, only if the caller may read the object: `*_STAT`.
  case readableSlot
  /// An identifier, only if the caller may read the object: `IPC_STAT`.
  case identifier

  var shim: cipc_lookup {
    switch self {
    case .slotIgnoringPermissions: CIPC_BY_INDEX_ANY
    case .readableSlot: CIPC_BY_INDEX
    case .identifier: CIPC_BY_ID
    }
  }

  /// The command's C name, for messages.
  func commandName(_ prefix: String) -> String {
    switch self {
    case .slotIgnoringPermissions: "\(prefix)_STAT_ANY"
    case .readableSlot: "\(prefix)_STAT"
    case .identifier: "IPC_STAT"
    }
  }
}

/// A kind of object the kernel can enumerate slot by slot and that `/proc/sysvipc` lists.
package protocol KernelListable: Sendable {
  static var kind: IPCKind { get }
  var permissions: IPCPermissions { get }
  /// `IPC_INFO`: the highest slot index in use, or 0 when none is (the kernel does not return -1 here).
  ///
  /// `IPC_INFO` answers in constant time; `SHM_INFO` returns the same index but first sums the resident and
  /// swapped pages of every segment (8–16 ms at 32,000 segments, measured), so the walk does not use it.
  static func highestIndex() throws(IPCError) -> Int32
  /// `*_INFO`: how many objects of this kind exist.
  static func count() throws(IPCError) -> Int32
  /// `*_STAT_ANY`, `*_STAT` or `IPC_STAT` of one slot or identifier.
  static func stat(_ target: Int32, lookup: IPCLookup) throws(IPCError) -> Self
  /// Parses this kind's `/proc/sysvipc` file.
  static func parseProcFile(_ bytes: [UInt8], file: String) throws(ProcParseError) -> ProcTable<Self>
}

extension IPCPermissions {
  init(_ perm: cipc_perm) {
    self.init(
      key: IPCKey(rawValue: perm.key),
      id: perm.id,
      owner: UserID(rawValue: perm.uid),
      group: GroupID(rawValue: perm.gid),
      creator: UserID(rawValue: perm.cuid),
      creatorGroup: GroupID(rawValue: perm.cgid),
      mode: IPCMode(rawValue: perm.mode)
    )
  }
}

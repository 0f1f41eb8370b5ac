/// An IPC key as the kernel stores it: a signed 32-bit `key_t`.
///
/// Tools show it as unsigned hex (`0x%08x`).
package struct IPCKey: RawRepresentable, Hashable, Sendable {
  package var rawValue: Int32
  package init(rawValue: Int32) { self.rawValue = rawValue }

  /// `IPC_PRIVATE`, also what the kernel sets on a segment removed while attached.
  package static let ipcPrivate = IPCKey(rawValue: 0)

  /// The same 32 bits, read as unsigned: what `0x%08x` prints.
  package var bitPattern: UInt32 { UInt32(bitPattern: rawValue) }
}

/// A user ID.
///
/// A distinct type so that it cannot be stored where a group ID belongs (util-linux's STAT fallback
/// stores the creator uid as creator gid; with these types that mix-up does not compile).
package struct UserID: RawRepresentable, Hashable, Sendable {
  package var rawValue: UInt32
  package init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// A group ID.
package struct GroupID: RawRepresentable, Hashable, Sendable {
  package var rawValue: UInt32
  package init(rawValue: UInt32) { self.rawValue = rawValue }
}

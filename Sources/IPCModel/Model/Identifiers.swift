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

/// A process id as the kernel records it for an object (creator, last operator).
///
/// Kept apart from plain integers: a pid is evidence about a process only with care (ids are reused, and a pid
/// from another pid namespace reads as 0), so it is never mixed up with a count or an object id.
package struct ProcessID: RawRepresentable, Hashable, Sendable {
  package var rawValue: Int32
  package init(rawValue: Int32) { self.rawValue = rawValue }
}

/// A time the kernel records for an object, in seconds since the epoch.
///
/// "Never" is not a time: the kernel's 0 becomes `nil` where objects are read (kernel and /proc), so that only
/// the renderers decide how "never" is shown (`Not set`, or the epoch where util-linux prints it so).
package struct Timestamp: RawRepresentable, Hashable, Comparable, Sendable {
  package var rawValue: Int64
  package init(rawValue: Int64) { self.rawValue = rawValue }

  /// The kernel's value: 0 means never.
  package init?(kernelValue: Int64) {
    guard kernelValue != 0 else { return nil }
    rawValue = kernelValue
  }

  package static func < (left: Timestamp, right: Timestamp) -> Bool { left.rawValue < right.rawValue }
}

/// An IPC namespace, named by the inode of its nsfs file (`/proc/PID/ns/ipc`), as lsns and nsenter name it.
package struct NamespaceID: RawRepresentable, Hashable, Sendable {
  package var rawValue: UInt64
  package init(rawValue: UInt64) { self.rawValue = rawValue }
}

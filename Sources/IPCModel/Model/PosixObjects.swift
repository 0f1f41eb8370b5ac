/// The name of a POSIX object as the kernel and glibc store it: the bytes after the leading `/` of
/// `shm_open("/NAME")`, `sem_open("/NAME")` or `mq_open("/NAME")`.
///
/// Bytes, not a `String`: a name need not be UTF-8 (the kernel and glibc accept every byte but NUL and `/`), and
/// is shown and removed with the bytes it has.
package struct PosixName: Hashable, Sendable {
  package var bytes: [UInt8]

  package init(bytes: [UInt8]) { self.bytes = bytes }

  /// The prefix glibc gives a named semaphore's file in `/dev/shm`.
  package static let semaphorePrefix: [UInt8] = Array("sem.".utf8)

  /// The entry's name in its directory: `/dev/shm/NAME`, `/dev/shm/sem.NAME`, or the mqueue filesystem's `NAME`.
  package func fileName(_ kind: ObjectKind) -> [UInt8] {
    kind == .posixSemaphore ? Self.semaphorePrefix + bytes : bytes
  }

  /// The name as util-linux master shows it: `NAME` for shared memory and semaphores (the file name, without
  /// `sem.`), `/NAME` for queues (the name `mq_open` takes).
  package func shown(_ kind: ObjectKind) -> [UInt8] {
    kind == .posixMessageQueue ? [UInt8(ascii: "/")] + bytes : bytes
  }
}

/// Which file a POSIX object is: its device and inode, so that a name found again can be told from a new object
/// that took the name meanwhile, and so that `/proc/PID/maps` and `/proc/PID/fd` can be matched to it.
package struct PosixFileIdentity: Hashable, Sendable {
  package var device: UInt64
  package var inode: UInt64

  package init(device: UInt64, inode: UInt64) {
    self.device = device
    self.inode = inode
  }
}

/// What every POSIX object has, whatever its kind: the facts of its file.
///
/// A file has one owner, so `ownership` has the file's uid and gid both as owner and as creator (as util-linux
/// master's lsipc reports them), and `mode` the nine permission bits alone.
package protocol PosixObject: Sendable, Hashable {
  static var kind: ObjectKind { get }
  var name: PosixName { get }
  var ownership: Ownership { get }
  /// The file's mtime: for queues the last send or receive, for shared memory the last change of size or data
  /// written through `write`, for semaphores their creation (operations go through a mapping and change nothing).
  var modificationTime: Timestamp? { get }
  var file: PosixFileIdentity { get }
}

/// A POSIX shared-memory object: the regular file `/dev/shm/NAME`.
package struct PosixSharedMemory: PosixObject {
  package static var kind: ObjectKind { .posixSharedMemory }
  package var name: PosixName
  package var ownership: Ownership
  /// Bytes (`st_size`).
  package var size: UInt64
  package var modificationTime: Timestamp?
  package var file: PosixFileIdentity

  package init(
    name: PosixName,
    ownership: Ownership,
    size: UInt64,
    modificationTime: Timestamp?,
    file: PosixFileIdentity
  ) {
    self.name = name
    self.ownership = ownership
    self.size = size
    self.modificationTime = modificationTime
    self.file = file
  }
}

/// A POSIX named semaphore: the regular file `/dev/shm/sem.NAME`, which holds glibc's `sem_t`.
package struct PosixSemaphore: PosixObject {
  package static var kind: ObjectKind { .posixSemaphore }
  package var name: PosixName
  package var ownership: Ownership
  /// The value (`sem_getvalue`), read from the file's `sem_t` without opening the semaphore; nil where the caller
  /// may not read the file or it does not hold a `sem_t` of this glibc's layout.
  package var value: Int32?
  package var modificationTime: Timestamp?
  package var file: PosixFileIdentity

  package init(
    name: PosixName,
    ownership: Ownership,
    value: Int32?,
    modificationTime: Timestamp?,
    file: PosixFileIdentity
  ) {
    self.name = name
    self.ownership = ownership
    self.value = value
    self.modificationTime = modificationTime
    self.file = file
  }
}

/// A POSIX message queue: a file of the mqueue filesystem of its IPC namespace.
package struct PosixMessageQueue: PosixObject {
  package static var kind: ObjectKind { .posixMessageQueue }
  package var name: PosixName
  package var ownership: Ownership
  /// Bytes of message text queued (the file's `QSIZE:`); nil where the caller may not read the file.
  package var usedBytes: UInt64?
  /// Messages queued (`mq_getattr`'s `mq_curmsgs`); nil where the caller may not read the file.
  package var messageCount: UInt64?
  /// The queue's capacity (`mq_maxmsg`) and largest message (`mq_msgsize`); nil where unknown.
  package var maxMessages: UInt64?
  package var maxMessageSize: UInt64?
  package var modificationTime: Timestamp?
  package var file: PosixFileIdentity

  package init(
    name: PosixName,
    ownership: Ownership,
    usedBytes: UInt64?,
    messageCount: UInt64?,
    maxMessages: UInt64? = nil,
    maxMessageSize: UInt64? = nil,
    modificationTime: Timestamp?,
    file: PosixFileIdentity
  ) {
    self.name = name
    self.ownership = ownership
    self.usedBytes = usedBytes
    self.messageCount = messageCount
    self.maxMessages = maxMessages
    self.maxMessageSize = maxMessageSize
    self.modificationTime = modificationTime
    self.file = file
  }
}

/// POSIX message-queue limits of the IPC namespace (`/proc/sys/fs/mqueue`): lsipc master's MQUMNI, MQUMAX and
/// MQUMNB rows.
package struct PosixQueueLimits: Hashable, Sendable {
  /// `queues_max`: queues the namespace may hold.
  package var maxQueues: UInt64
  /// `msgsize_max`: the largest `mq_msgsize` an unprivileged process may ask for.
  package var maxMessageSize: UInt64
  /// `msg_max`: the largest `mq_maxmsg` an unprivileged process may ask for.
  package var maxMessagesPerQueue: UInt64

  package init(maxQueues: UInt64, maxMessageSize: UInt64, maxMessagesPerQueue: UInt64) {
    self.maxQueues = maxQueues
    self.maxMessageSize = maxMessageSize
    self.maxMessagesPerQueue = maxMessagesPerQueue
  }
}

package import IPCModel

/// What `fstatat(…, AT_SYMLINK_NOFOLLOW)` says of one directory entry: a symlink is reported as itself, never as
/// what it points to.
package struct PosixFileStatus: Hashable, Sendable {
  package enum FileType: Hashable, Sendable {
    case regular
    case directory
    case symbolicLink
    /// A FIFO, socket or device.
    case other
  }

  package var type: FileType
  package var owner: UserID
  package var group: GroupID
  /// `st_mode & 07777`.
  package var permissions: UInt32
  package var size: UInt64
  /// `st_mtime`; 0 is kept as 0 here and becomes "never" in the objects.
  package var modificationTime: Int64
  package var file: PosixFileIdentity

  package init(
    type: FileType,
    owner: UserID,
    group: GroupID,
    permissions: UInt32,
    size: UInt64,
    modificationTime: Int64,
    file: PosixFileIdentity
  ) {
    self.type = type
    self.owner = owner
    self.group = group
    self.permissions = permissions
    self.size = size
    self.modificationTime = modificationTime
    self.file = file
  }

  /// The file's owner and mode as an object's: owner and creator are the file's uid and gid, the mode its nine
  /// permission bits (the sticky and set-id bits would read as System V's `dest` and `locked` bits).
  package var ownership: Ownership {
    Ownership(
      owner: owner,
      group: group,
      creator: owner,
      creatorGroup: group,
      mode: IPCMode(rawValue: permissions & 0o777)
    )
  }
}

/// One entry of a POSIX object directory (`/dev/shm`, or the mqueue filesystem), `.` and `..` left out.
package struct PosixDirectoryEntry: Hashable, Sendable {
  /// The entry's name, bytes as the directory holds them.
  package var fileName: [UInt8]
  package var status: PosixFileStatus

  package init(fileName: [UInt8], status: PosixFileStatus) {
    self.fileName = fileName
    self.status = status
  }
}

/// One file of the mqueue filesystem, with what opening it gave.
package struct PosixQueueEntry: Hashable, Sendable {
  package var entry: PosixDirectoryEntry
  /// The file's text (`QSIZE:…`); nil where it could not be opened (no read permission).
  package var contents: [UInt8]?
  /// `mq_getattr`'s `mq_curmsgs`, `mq_maxmsg`, `mq_msgsize`; nil where the file could not be opened.
  package var messages: UInt64?
  package var maxMessages: UInt64?
  package var maxMessageSize: UInt64?

  package init(
    entry: PosixDirectoryEntry,
    contents: [UInt8]?,
    messages: UInt64? = nil,
    maxMessages: UInt64? = nil,
    maxMessageSize: UInt64? = nil
  ) {
    self.entry = entry
    self.contents = contents
    self.messages = messages
    self.maxMessages = maxMessages
    self.maxMessageSize = maxMessageSize
  }
}

/// Why the queues of the IPC namespace cannot be listed.
package struct PosixQueueListingError: Error, Hashable, Sendable {
  /// Why no private mount of the mqueue filesystem could be made (not root: `fsopen` answers EPERM).
  package var privateMount: IPCError
  /// The mounted directory tried instead (`/dev/mqueue`); nil when none may be (in another IPC namespace).
  package var mountedDirectory: String?
  /// What the mounted directory is instead: nil when it is not an mqueue filesystem.
  package var mountedProblem: IPCError?
  /// The mounted directory is an mqueue filesystem, but not (or not provably) the caller's IPC namespace's.
  package var foreign: Foreign?

  /// How the mounted directory was found not to be the caller's namespace's.
  package enum Foreign: Hashable, Sendable {
    /// A queue it lists is not the caller's queue of that name.
    case otherNamespace
    /// None of its queues could be opened to tell, and the caller is not in the initial IPC namespace.
    case unproven
  }

  package init(
    privateMount: IPCError,
    mountedDirectory: String?,
    mountedProblem: IPCError?,
    foreign: Foreign? = nil
  ) {
    self.privateMount = privateMount
    self.mountedDirectory = mountedDirectory
    self.mountedProblem = mountedProblem
    self.foreign = foreign
  }

  /// `POSIX message queues cannot be listed: …`, naming both ways that were tried.
  package var message: Message {
    let privileged: Message =
      privateMount.code == Errno.notPermitted ? " (only root may mount one)" : ""
    guard let mountedDirectory else {
      return "POSIX message queues of another IPC namespace cannot be listed: a private mount of its mqueue "
        + "filesystem could not be made: \(privateMount.message)\(privileged) (/dev/mqueue is not read: it shows "
        + "the queues of the namespace it was mounted in)"
    }
    let mounted: Message =
      if foreign == .otherNamespace {
        "\(mountedDirectory) shows the queues of another IPC namespace"
      } else if foreign == .unproven {
        "\(mountedDirectory) cannot be shown to be this IPC namespace's (no queue it lists could be opened)"
      } else if let problem = mountedProblem, problem.code != Errno.notFound {
        "\(mountedDirectory) cannot be read (\(problem.message))"
      } else if mountedProblem == nil {
        "\(mountedDirectory) is not an mqueue filesystem"
      } else {
        "\(mountedDirectory) is not mounted"
      }
    return "POSIX message queues cannot be listed: \(mounted), and a private mount of the mqueue filesystem could not "
      + "be made: \(privateMount.message)\(privileged)"
  }
}

/// The file-system calls POSIX IPC takes, behind one seam: `LivePosix` makes them, unit tests pass fakes.
///
/// Shared memory and semaphores are files of one directory (`/dev/shm`); every call names an entry relative to a
/// descriptor of that directory opened with `O_NOFOLLOW`, and never follows a symlink.
package protocol PosixSource {
  /// The directory's path, for messages (`/dev/shm`).
  var sharedMemoryDirectory: String { get }
  /// Every entry of the shared-memory directory, each as `fstatat(AT_SYMLINK_NOFOLLOW)` sees it.
  func sharedMemoryEntries() throws(IPCError) -> [PosixDirectoryEntry]
  /// Which directory the shared-memory directory is (its device and inode), to tell two paths to one apart.
  func sharedMemoryDirectoryIdentity() throws(IPCError) -> PosixFileIdentity
  /// The first `limit` bytes of regular file `fileName` of the shared-memory directory, opened with `O_NOFOLLOW`
  /// and only while it is still the file `file`; nil where it cannot be read (no permission, or replaced).
  func readSharedMemoryFile(_ fileName: [UInt8], file: PosixFileIdentity, limit: Int) -> [UInt8]?
  /// `fstatat(AT_SYMLINK_NOFOLLOW)` of `fileName`, then, if `shouldUnlink` accepts what it found, `unlinkat` of the
  /// same name on the same directory descriptor. Returns what was found.
  func unlinkSharedMemoryEntry(
    _ fileName: [UInt8],
    if shouldUnlink: (PosixFileStatus) -> Bool
  ) throws(IPCError) -> PosixFileStatus
  /// The files of the mqueue filesystem of the caller's IPC namespace, each opened read-only where permitted.
  func queueEntries() throws(PosixQueueListingError) -> [PosixQueueEntry]
  /// `mq_unlink("/NAME")`: the queue of the caller's IPC namespace.
  func unlinkQueue(_ name: PosixName) throws(IPCError)
}

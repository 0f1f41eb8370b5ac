import CIPCShim
import Glibc
package import IPCModel

/// The POSIX IPC calls, made: the only Swift file that opens, stats and unlinks entries of `/dev/shm` and of the
/// mqueue filesystem, and calls `mq_unlink` (through the shim).
///
/// Every entry is reached relative to a descriptor of its directory, opened `O_DIRECTORY | O_NOFOLLOW`, with
/// `AT_SYMLINK_NOFOLLOW` or `O_NOFOLLOW`: no symlink planted in `/dev/shm` is ever followed.
package struct LivePosix: PosixSource {
  /// Where shared memory and semaphores live: glibc's `SHMDIR`; for another namespace, `/proc/PID/root/dev/shm`
  /// (`NamespacePlace`).
  package var sharedMemoryDirectory: String
  /// Another process's root (`/proc/PID/root`), inside which `dev/shm` is resolved (`openat2` with
  /// `RESOLVE_IN_ROOT`), so that a symlinked `/dev` or `/dev/shm` in a container leads where it leads for the
  /// container's own processes and never to the caller's files; nil for the caller's own `/dev/shm`.
  package var sharedMemoryRoot: String?
  /// Where the mqueue filesystem is usually mounted; read when no private mount can be made.
  ///
  /// nil in another IPC namespace than the mount's: only a private mount made there shows its queues.
  package var mountedQueueDirectory: String?

  package init(
    sharedMemoryDirectory: String = "/dev/shm",
    sharedMemoryRoot: String? = nil,
    mountedQueueDirectory: String? = "/dev/mqueue"
  ) {
    self.sharedMemoryDirectory = sharedMemoryDirectory
    self.sharedMemoryRoot = sharedMemoryRoot
    self.mountedQueueDirectory = mountedQueueDirectory
  }

  // MARK: Shared memory and semaphores

  package func sharedMemoryEntries() throws(IPCError) -> [PosixDirectoryEntry] {
    let directory = try openSharedMemoryDirectory()
    return try Self.entries(of: directory, path: sharedMemoryDirectory)
  }

  package func sharedMemoryDirectoryIdentity() throws(IPCError) -> PosixFileIdentity {
    let directory = try openSharedMemoryDirectory()
    defer { close(directory) }
    var info = stat()
    _ = try Errno.check("fstat(\(sharedMemoryDirectory))") { fstat(directory, &info) }
    return Self.identity(info)
  }

  package func readSharedMemoryFile(_ fileName: [UInt8], file: PosixFileIdentity, limit: Int) -> [UInt8]? {
    guard let directory = try? openSharedMemoryDirectory() else { return nil }
    defer { close(directory) }
    let fd = Self.withCName(fileName) { openat(directory, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, Self.type(info.st_mode) == .regular, Self.identity(info) == file else { return nil }
    return Self.readUpTo(fd, limit: limit)
  }

  package func unlinkSharedMemoryEntry(
    _ fileName: [UInt8],
    if shouldUnlink: (PosixFileStatus) -> Bool
  ) throws(IPCError) -> PosixFileStatus {
    let directory = try openSharedMemoryDirectory()
    defer { close(directory) }
    let shown = sharedMemoryDirectory + "/" + String(decoding: fileName, as: UTF8.self)
    var info = stat()
    _ = try Errno.check("fstatat(\(shown))") {
      Self.withCName(fileName) { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) }
    }
    let status = Self.status(info)
    if shouldUnlink(status) {
      _ = try Errno.check("unlinkat(\(shown))") { Self.withCName(fileName) { unlinkat(directory, $0, 0) } }
    }
    return status
  }

  // MARK: Queues

  package func queueEntries() throws(PosixQueueListingError) -> [PosixQueueEntry] {
    let directory: Int32
    // Set when the private mount could not be made and the mounted directory is read instead.
    var mountedInstead: IPCError?
    do throws(IPCError) {
      directory = try Self.privateQueueInstance()
    } catch {
      let privateFailure = error
      mountedInstead = error
      guard let mountedQueueDirectory else {
        throw PosixQueueListingError(privateMount: privateFailure, mountedDirectory: nil, mountedProblem: nil)
      }
      do throws(IPCError) {
        directory = try Self.openDirectory(mountedQueueDirectory)
      } catch {
        throw PosixQueueListingError(
          privateMount: privateFailure,
          mountedDirectory: mountedQueueDirectory,
          mountedProblem: error
        )
      }
      guard cipc_filesystem_type(directory) == Int64(CIPC_MQUEUE_MAGIC) else {
        close(directory)
        throw PosixQueueListingError(
          privateMount: privateFailure,
          mountedDirectory: mountedQueueDirectory,
          mountedProblem: nil
        )
      }
    }
    let entries: [PosixDirectoryEntry]
    do throws(IPCError) {
      entries = try Self.entries(of: directory, path: "mqueue", keepOpen: true)
    } catch {
      close(directory)
      throw PosixQueueListingError(
        privateMount: error,
        mountedDirectory: mountedQueueDirectory,
        mountedProblem: error
      )
    }
    defer { close(directory) }
    if let privateFailure = mountedInstead, let foreign = Self.foreignQueues(entries) {
      throw PosixQueueListingError(
        privateMount: privateFailure,
        mountedDirectory: mountedQueueDirectory,
        mountedProblem: nil,
        foreign: foreign
      )
    }
    return entries.map { entry in
      guard entry.status.type == .regular else { return PosixQueueEntry(entry: entry, contents: nil) }
      let fd = Self.withCName(entry.fileName) {
        openat(directory, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
      }
      guard fd >= 0 else { return PosixQueueEntry(entry: entry, contents: nil) }
      defer { close(fd) }
      var info = stat()
      guard fstat(fd, &info) == 0, Self.identity(info) == entry.status.file else {
        return PosixQueueEntry(entry: entry, contents: nil)
      }
      var current: Int64 = 0
      var maximum: Int64 = 0
      var size: Int64 = 0
      let attributes = cipc_mq_attributes(fd, &current, &maximum, &size) == 0
      return PosixQueueEntry(
        entry: entry,
        contents: Self.readUpTo(fd, limit: 4096),
        messages: attributes ? UInt64(clamping: current) : nil,
        maxMessages: attributes ? UInt64(clamping: maximum) : nil,
        maxMessageSize: attributes ? UInt64(clamping: size) : nil
      )
    }
  }

  /// Whether a mounted mqueue filesystem's `entries` are not the caller's IPC namespace's queues.
  ///
  /// A mount shows the queues of the namespace it was made in, which may be another than the caller's (an
  /// `unshare --ipc` keeps the mount namespace). `mq_open` acts on the caller's namespace: a listed queue that it
  /// opens as the same file (device and inode) proves the mount the caller's; one it does not find, or finds as
  /// another file, proves it another's. With nothing to tell by (no queue, none readable), the mount is taken as the
  /// caller's only in the initial IPC namespace, where such mounts are made.
  private static func foreignQueues(_ entries: [PosixDirectoryEntry]) -> PosixQueueListingError.Foreign? {
    for entry in entries where entry.status.type == .regular {
      let fd = withCName([UInt8(ascii: "/")] + entry.fileName) { cipc_mq_open_readonly($0) }
      if fd < 0 {
        if cipc_errno() == ENOENT { return .otherNamespace }
        continue
      }
      defer { close(fd) }
      var info = stat()
      guard fstat(fd, &info) == 0 else { continue }
      return identity(info) == entry.status.file ? nil : .otherNamespace
    }
    return IPCNamespace.currentID() == NamespaceID(rawValue: 0xEFFF_FFFF) ? nil : .unproven
  }

  package func unlinkQueue(_ name: PosixName) throws(IPCError) {
    let path = name.shown(.posixMessageQueue)
    _ = try Errno.check("mq_unlink") { Self.withCName(path) { cipc_mq_unlink($0) } }
  }

  /// A detached read-only mount of the mqueue filesystem of this IPC namespace, opened as a directory.
  private static func privateQueueInstance() throws(IPCError) -> Int32 {
    var stage = CIPC_MQUEUE_FSOPEN
    let mount = cipc_mqueue_private_instance(&stage)
    if mount < 0 {
      let code = errno
      let operation =
        switch stage {
        case CIPC_MQUEUE_FSOPEN: "fsopen(mqueue)"
        case CIPC_MQUEUE_FSCONFIG: "fsconfig(mqueue)"
        default: "fsmount(mqueue)"
        }
      throw IPCError(operation, code: code)
    }
    defer { close(mount) }
    // fsmount's descriptor is a path descriptor; the directory is read through one opened on it.
    return try Errno.check("open(mqueue)") { openat(mount, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
  }

  // MARK: Shared helpers

  /// The shared-memory directory: the caller's own opened `O_NOFOLLOW`; another process's resolved inside its root.
  ///
  /// Without `openat2` (before Linux 5.6) each component inside the root is opened `O_NOFOLLOW`, so a symlinked
  /// `dev` or `dev/shm` there is refused rather than followed.
  private func openSharedMemoryDirectory() throws(IPCError) -> Int32 {
    guard let sharedMemoryRoot else { return try Self.openDirectory(sharedMemoryDirectory) }
    // The magic link /proc/PID/root is followed on purpose: the caller checked that PID is in the namespace.
    let root = try Errno.check("open(\(sharedMemoryRoot))") {
      cipc_open_path(AT_FDCWD, sharedMemoryRoot, O_DIRECTORY | O_CLOEXEC)
    }
    defer { close(root) }
    let operation = "openat2(\(sharedMemoryRoot), dev/shm, RESOLVE_IN_ROOT)"
    let fd = cipc_open_in_root(root, "dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 { return fd }
    let code = errno
    guard code == ENOSYS else { throw IPCError(operation, code: code) }
    let dev = try Errno.check("open(\(sharedMemoryRoot)/dev)") {
      cipc_open_path(root, "dev", O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }
    defer { close(dev) }
    return try Errno.check("open(\(sharedMemoryDirectory))") {
      openat(dev, "shm", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }
  }

  private static func openDirectory(_ path: String) throws(IPCError) -> Int32 {
    try Errno.check("open(\(path))") { open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
  }

  /// The entries of `directory`, each stat'ed without following symlinks; closes `directory` unless `keepOpen`.
  private static func entries(
    of directory: Int32,
    path: String,
    keepOpen: Bool = false
  ) throws(IPCError)
    -> [PosixDirectoryEntry]
  {
    let reading = try Errno.check("dup(\(path))") { dup(directory) }
    if !keepOpen { close(directory) }
    guard let stream = fdopendir(reading) else {
      let code = errno
      close(reading)
      throw IPCError("opendir(\(path))", code: code)
    }
    defer { closedir(stream) }
    let listed = dirfd(stream)
    var found: [PosixDirectoryEntry] = []
    while true {
      errno = 0
      guard let record = readdir(stream) else {
        let code = errno
        if code != 0 { throw IPCError("readdir(\(path))", code: code) }
        return found
      }
      let name = withUnsafeBytes(of: record.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 })
      }
      if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
      var info = stat()
      // An entry removed since readdir saw it is simply not listed.
      guard withCName(name, { fstatat(listed, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else { continue }
      found.append(PosixDirectoryEntry(fileName: name, status: status(info)))
    }
  }

  private static func readUpTo(_ fd: Int32, limit: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: limit)
    var total = 0
    while total < limit {
      let count = bytes.withUnsafeMutableBytes { buffer in
        let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[total...])
        return pread(fd, rest.baseAddress, rest.count, off_t(total))
      }
      if count < 0 && errno == EINTR { continue }
      if count < 0 { return nil }
      if count == 0 { break }
      total += count
    }
    return Array(bytes[..<total])
  }

  /// `name` as a NUL-terminated C string (a name holds no NUL: it comes from argv or a directory).
  private static func withCName<Result>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
    (name + [0]).withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress.unsafelyUnwrapped) }
    }
  }

  private static func type(_ mode: mode_t) -> PosixFileStatus.FileType {
    switch mode & S_IFMT {
    case S_IFREG: .regular
    case S_IFDIR: .directory
    case S_IFLNK: .symbolicLink
    default: .other
    }
  }

  private static func identity(_ info: stat) -> PosixFileIdentity {
    PosixFileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  private static func status(_ info: stat) -> PosixFileStatus {
    PosixFileStatus(
      type: type(info.st_mode),
      owner: UserID(rawValue: info.st_uid),
      group: GroupID(rawValue: info.st_gid),
      permissions: UInt32(info.st_mode & 0o7777),
      size: UInt64(clamping: info.st_size),
      modificationTime: Int64(info.st_mtim.tv_sec),
      file: identity(info)
    )
  }
}

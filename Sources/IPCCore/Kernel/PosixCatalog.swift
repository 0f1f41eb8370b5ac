package import IPCModel

/// An entry of a POSIX object directory that is no object and was left out: a symlink, a directory, a FIFO.
package struct PosixSkippedEntry: Hashable, Sendable {
  /// The entry's path, bytes as the directory holds them (`/dev/shm/NAME`).
  package var path: [UInt8]
  package var type: PosixFileStatus.FileType

  package init(path: [UInt8], type: PosixFileStatus.FileType) {
    self.path = path
    self.type = type
  }

  /// `/dev/shm/x: a symbolic link, not a POSIX IPC object`.
  package var message: Message {
    let what =
      switch type {
      case .symbolicLink: "a symbolic link"
      case .directory: "a directory"
      case .other: "not a regular file"
      case .regular: "a regular file"
      }
    return "\(path): \(what), not a POSIX IPC object"
  }
}

/// The POSIX objects of one kind, in name order (byte order), and what was left out.
package struct PosixListing<Row: Sendable>: Sendable {
  package var rows: [Row]
  /// Entries of the directory that are no object of any kind.
  package var skipped: [PosixSkippedEntry]
  /// Why the objects could not be listed at all; nil when they were.
  package var failure: Message?

  package init(rows: [Row] = [], skipped: [PosixSkippedEntry] = [], failure: Message? = nil) {
    self.rows = rows
    self.skipped = skipped
    self.failure = failure
  }
}

extension Catalog {
  /// The objects of `/dev/shm` that are shared memory (regular files not named `sem.NAME`).
  package func posixSharedMemory() -> PosixListing<PosixSharedMemory> {
    sharedMemoryDirectoryListing(.posixSharedMemory) { entry, name in
      PosixSharedMemory(
        name: name,
        ownership: entry.status.ownership,
        size: entry.status.size,
        modificationTime: Timestamp(kernelValue: entry.status.modificationTime),
        file: entry.status.file
      )
    }
  }

  /// The named semaphores of `/dev/shm` (regular files `sem.NAME`), each value read from its file's `sem_t`.
  package func posixSemaphores() -> PosixListing<PosixSemaphore> {
    sharedMemoryDirectoryListing(.posixSemaphore) { entry, name in
      let contents =
        entry.status.size == UInt64(GlibcSemaphoreFile.size)
        ? posix?.readSharedMemoryFile(entry.fileName, file: entry.status.file, limit: GlibcSemaphoreFile.size + 1)
        : nil
      return PosixSemaphore(
        name: name,
        ownership: entry.status.ownership,
        value: contents.flatMap { GlibcSemaphoreFile.value($0) },
        modificationTime: Timestamp(kernelValue: entry.status.modificationTime),
        file: entry.status.file
      )
    }
  }

  /// The queues of the IPC namespace's mqueue filesystem.
  package func posixQueues() -> PosixListing<PosixMessageQueue> {
    guard let posix else { return PosixListing(failure: "POSIX message queues cannot be listed here") }
    let entries: [PosixQueueEntry]
    do throws(PosixQueueListingError) {
      entries = try posix.queueEntries()
    } catch {
      return PosixListing(failure: error.message)
    }
    var listing = PosixListing<PosixMessageQueue>()
    for queue in entries.sorted(by: { $0.entry.fileName.lexicographicallyPrecedes($1.entry.fileName) }) {
      let entry = queue.entry
      guard entry.status.type == .regular else {
        listing.skipped.append(PosixSkippedEntry(path: Array("mqueue:".utf8) + entry.fileName, type: entry.status.type))
        continue
      }
      let status = queue.contents.flatMap(PosixQueueStatus.parse)
      listing.rows.append(
        PosixMessageQueue(
          name: PosixName(bytes: entry.fileName),
          ownership: entry.status.ownership,
          usedBytes: status?.queuedBytes,
          messageCount: queue.messages,
          maxMessages: queue.maxMessages,
          maxMessageSize: queue.maxMessageSize,
          modificationTime: Timestamp(kernelValue: entry.status.modificationTime),
          file: entry.status.file
        )
      )
    }
    return listing
  }

  /// The regular files of `/dev/shm` that are objects of `kind`, in name order; entries that are not regular
  /// files are reported once, with the kind their name would have.
  private func sharedMemoryDirectoryListing<Row>(
    _ kind: ObjectKind,
    _ make: (PosixDirectoryEntry, PosixName) -> Row
  ) -> PosixListing<Row> {
    guard let posix else { return PosixListing(failure: "\(kind.facilityName) cannot be listed here") }
    let entries: [PosixDirectoryEntry]
    do throws(IPCError) {
      entries = try posix.sharedMemoryEntries()
    } catch {
      return PosixListing(failure: "\(kind.facilityName) cannot be listed: \(error.message)")
    }
    var listing = PosixListing<Row>()
    for entry in entries.sorted(by: { $0.fileName.lexicographicallyPrecedes($1.fileName) }) {
      let (entryKind, name) = PosixName.sharedMemoryDirectoryEntry(entry.fileName)
      guard entryKind == kind else { continue }
      guard entry.status.type == .regular else {
        let path = Array(posix.sharedMemoryDirectory.utf8) + [UInt8(ascii: "/")] + entry.fileName
        listing.skipped.append(PosixSkippedEntry(path: path, type: entry.status.type))
        continue
      }
      listing.rows.append(make(entry, name))
    }
    return listing
  }
}

import Glibc

/// Replaces a file so that a reader (node_exporter's textfile collector) sees the whole old file or the whole new
/// one, never a part: the bytes go to a new temporary file in the same directory, which is synced and then
/// renamed over the file, and the directory is synced so that the rename survives a crash.
///
/// On any failure the temporary file is removed and the file is left as it was; the message names the file and
/// the operation that failed. The temporary file is `.NAME.PID.N.tmp`: hidden, and without the `.prom` suffix
/// the collector reads, so a run killed half-way leaves nothing the collector would read.
package struct AtomicFile<Sink: FileSink> {
  package let sink: Sink
  package let path: [UInt8]
  /// Mode of the new file, whatever the umask (the collector often runs as another user).
  package var mode: UInt32 = 0o644
  /// Tried names before giving up on EEXIST (a leftover of a killed run with the same pid).
  package var attempts = 100
  let processID: Int32

  package init(sink: Sink, path: [UInt8], processID: Int32 = getpid()) {
    self.sink = sink
    self.path = path
    self.processID = processID
  }

  /// The directory of `path` (`.` when it names none) and the name in it.
  package var directoryAndName: (directory: [UInt8], name: [UInt8]) {
    guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else { return (Array("./".utf8), path) }
    return (Array(path[...slash]), Array(path[(slash + 1)...]))
  }

  /// The temporary file of attempt `attempt`.
  package func temporaryPath(attempt: Int) -> [UInt8] {
    let (directory, name) = directoryAndName
    return directory + Array(".".utf8) + name + Array(".\(processID).\(attempt).tmp".utf8)
  }

  /// Writes what `body` appends to the buffer as the new contents of `path`; nil when done, else the message.
  package func write(_ body: (inout OutputBuffer) -> Void) -> Message? {
    var temporary: [UInt8] = []
    var descriptor: Int32 = -1
    do throws(IPCError) {
      for attempt in 0..<attempts {
        temporary = temporaryPath(attempt: attempt)
        do throws(IPCError) {
          descriptor = try sink.createExclusive(temporary, mode: mode)
          break
        } catch {
          if error.code != EEXIST || attempt == attempts - 1 { throw error }
        }
      }
    } catch {
      return failure(error)
    }
    do throws(IPCError) {
      var buffer = OutputBuffer(descriptor: descriptor)
      body(&buffer)
      if let code = buffer.flushReturningError() {
        throw IPCError("write(\(String(decoding: temporary, as: UTF8.self)))", code: code)
      }
      try sink.sync(descriptor, path: temporary)
      let open = descriptor
      descriptor = -1
      try sink.close(open, path: temporary)
      try sink.rename(temporary, to: path)
    } catch {
      if descriptor >= 0 { try? sink.close(descriptor, path: temporary) }
      do throws(IPCError) {
        try sink.remove(temporary)
      } catch let cleanup {
        return failure(error) + "; \(cleanup.message), so \(temporary) is left behind"
      }
      return failure(error)
    }
    // Published: a failure now is reported, but the new file is in place.
    do throws(IPCError) {
      try sink.syncDirectory(directoryAndName.directory)
    } catch {
      return "\(path) was replaced, but \(error.message)"
    }
    return nil
  }

  private func failure(_ error: IPCError) -> Message {
    "cannot write \(path): \(error.message); \(path) left as it was"
  }
}

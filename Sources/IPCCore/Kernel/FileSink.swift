import Glibc
package import IPCModel

/// The file-system calls that replace a file atomically, behind a seam.
///
/// `LiveFileSink` makes them; unit tests pass fakes that fail at a chosen step. Paths are bytes, as they came on
/// the command line. Every failure is the operation, its path and errno.
package protocol FileSink {
  /// `open(path, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC)` then `fchmod(mode)` (the mode exactly, whatever the umask):
  /// a new file's descriptor. EEXIST when the path exists.
  func createExclusive(_ path: [UInt8], mode: UInt32) throws(IPCError) -> Int32
  /// `fsync(descriptor)`.
  func sync(_ descriptor: Int32, path: [UInt8]) throws(IPCError)
  /// `close(descriptor)`; the descriptor is closed even when this throws.
  func close(_ descriptor: Int32, path: [UInt8]) throws(IPCError)
  /// `rename(from, to)`.
  func rename(_ from: [UInt8], to: [UInt8]) throws(IPCError)
  /// `open(directory, O_RDONLY|O_DIRECTORY)`, `fsync`, `close`: makes a rename in it durable.
  func syncDirectory(_ directory: [UInt8]) throws(IPCError)
  /// `unlink(path)`.
  func remove(_ path: [UInt8]) throws(IPCError)
}

/// The file-system calls of the running system.
package struct LiveFileSink: FileSink {
  package init() {}

  package func createExclusive(_ path: [UInt8], mode: UInt32) throws(IPCError) -> Int32 {
    let shown = Self.shown(path)
    let descriptor = try Int32(
      Errno.retrying("open(\(shown))") {
        Int(Self.withCString(path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) })
      }
    )
    do throws(IPCError) {
      _ = try Errno.check("fchmod(\(shown))") { fchmod(descriptor, mode) }
    } catch {
      Glibc.close(descriptor)
      _ = Self.withCString(path) { unlink($0) }
      throw error
    }
    return descriptor
  }

  package func sync(_ descriptor: Int32, path: [UInt8]) throws(IPCError) {
    _ = try Errno.retrying("fsync(\(Self.shown(path)))") { Int(fsync(descriptor)) }
  }

  package func close(_ descriptor: Int32, path: [UInt8]) throws(IPCError) {
    // Linux closes the descriptor even when close fails (EINTR included): it is never retried.
    _ = try Errno.check("close(\(Self.shown(path)))") { Glibc.close(descriptor) }
  }

  package func rename(_ from: [UInt8], to: [UInt8]) throws(IPCError) {
    _ = try Errno.check("rename(\(Self.shown(from)), \(Self.shown(to)))") {
      Self.withCString(from) { old in Self.withCString(to) { new in Glibc.rename(old, new) } }
    }
  }

  package func syncDirectory(_ directory: [UInt8]) throws(IPCError) {
    let shown = Self.shown(directory)
    let descriptor = try Int32(
      Errno.retrying("open(\(shown))") {
        Int(Self.withCString(directory) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) })
      }
    )
    defer { Glibc.close(descriptor) }
    do throws(IPCError) {
      _ = try Errno.retrying("fsync(\(shown))") { Int(fsync(descriptor)) }
    } catch {
      // Some file systems cannot sync a directory (EINVAL): the rename is done, and there is nothing to make
      // durable that the file system offers.
      if error.code != EINVAL { throw error }
    }
  }

  package func remove(_ path: [UInt8]) throws(IPCError) {
    _ = try Errno.check("unlink(\(Self.shown(path)))") { Self.withCString(path) { unlink($0) } }
  }

  /// The path in an operation's name: its bytes decoded for the message (a message keeps its own bytes where it
  /// names the path itself).
  static func shown(_ path: [UInt8]) -> String { String(decoding: path, as: UTF8.self) }

  static func withCString<Result>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
    (path + [0]).withUnsafeBufferPointer { bytes in
      bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress.unsafelyUnwrapped) }
    }
  }
}

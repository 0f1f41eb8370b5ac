import Glibc

/// Reading a whole file such as `/proc/sysvipc/shm`: `stat` reports size 0 for these, so it reads to EOF.
package enum ProcFile {
  package static func read(_ path: String) throws(IPCError) -> [UInt8] {
    let fd = try Errno.retrying("open(\(path))") { Int(open(path, O_RDONLY | O_CLOEXEC)) }
    defer { close(Int32(fd)) }
    var bytes: [UInt8] = []
    var chunk = 1 << 16
    while true {
      let start = bytes.count
      bytes.append(contentsOf: repeatElement(0, count: chunk))
      let count = try Errno.retrying("read(\(path))") {
        bytes.withUnsafeMutableBytes { buffer in
          Glibc.read(Int32(fd), buffer.baseAddress.map { $0 + start }, chunk)
        }
      }
      bytes.removeLast(chunk - count)
      if count == 0 { return bytes }
      chunk = min(chunk * 2, 1 << 22)
    }
  }
}

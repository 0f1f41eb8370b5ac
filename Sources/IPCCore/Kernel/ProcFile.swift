import Glibc

/// Reading a whole file such as `/proc/sysvipc/shm`: `stat` reports size 0 for these, so it reads to EOF.
package enum ProcFile {
  package static func read(_ path: String) throws(IPCError) -> [UInt8] {
    let fd = try Errno.retrying("open(\(path))") { Int(open(path, O_RDONLY | O_CLOEXEC)) }
    defer { close(Int32(fd)) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = try Errno.retrying("read(\(path))") {
        chunk.withUnsafeMutableBytes { Glibc.read(Int32(fd), $0.baseAddress, $0.count) }
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
    }
  }
}

import Glibc
import Testing

/// Reads a file of `Fixtures/`, found next to this source file (no Bundle, so no Foundation).
func fixture(_ name: String) throws -> [UInt8] {
  let file = #filePath
  let path = String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) + "/Fixtures/" + name
  let fd = open(path, O_RDONLY)
  try #require(fd >= 0, "no fixture \(path)")
  defer { close(fd) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65_536)
  while true {
    let count = read(fd, &chunk, chunk.count)
    if count <= 0 { return bytes }
    bytes.append(contentsOf: chunk[..<count])
  }
}

extension Array where Element == UInt8 {
  var text: String { String(decoding: self, as: UTF8.self) }
}

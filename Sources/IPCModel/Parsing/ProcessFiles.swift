/// A System V shared-memory segment mapped into a process, as a line of `/proc/PID/maps` shows it:
/// `7f40809a1000-7f40809a2000 rw-s 00000000 00:01 65538   /SYSV00001234 (deleted)`.
///
/// The kernel names a segment's file `SYSV%08x` after its key when it is created and sets the file's inode number
/// to the shmid; the mapping is shared (`s`). After `IPC_RMID` the path gains ` (deleted)` (the key it shows
/// stays the one the segment was created with; the kernel's own key then reads 0).
package struct MappedSegment: Hashable, Sendable {
  package var id: Int32
  /// The key in the file's name: the key at creation.
  package var key: IPCKey
  package var deleted: Bool
  /// How many lines (mappings, VMAs) of the process map it: each counts once in the segment's nattch.
  package var mappings: Int

  package init(id: Int32, key: IPCKey, deleted: Bool, mappings: Int = 1) {
    self.id = id
    self.key = key
    self.deleted = deleted
    self.mappings = mappings
  }
}

/// What a task is doing, from `/proc/PID/task/TID/syscall`.
package enum TaskSyscall: Hashable, Sendable {
  /// `running`: on a CPU, so not waiting.
  case running
  /// Stopped or sleeping outside a system call (`-1 SP PC`).
  case outsideSyscall
  /// In system call `number` (the architecture's), with its first argument.
  case inSyscall(number: Int64, firstArgument: UInt64)
}

/// The parsers of the per-process files of `/proc` that the process columns read: values in, values out.
///
/// Each is strict: what does not have the kernel's exact form is not taken (nil, or no attachment), never guessed.
package enum ProcessFiles {
  /// The System V segments `maps` (the whole of a `/proc/PID/maps`) maps, each once, in order of first
  /// appearance, with the number of its lines (a segment split by `mprotect` or attached twice shows on several).
  package static func mappedSegments(_ maps: [UInt8]) -> [MappedSegment] {
    var found: [MappedSegment] = []
    forEachLine(maps) { line in
      guard let segment = mappedSegment(line) else { return }
      if let known = found.firstIndex(where: {
        $0.id == segment.id && $0.key == segment.key && $0.deleted == segment.deleted
      }) {
        found[known].mappings += 1
      } else {
        found.append(segment)
      }
    }
    return found
  }

  /// Calls `body` with each line of `text`, without its newline (none after the last newline).
  private static func forEachLine(_ text: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
    var start = 0
    let end = text.count
    while start < end {
      var stop = start
      while stop < end && text[stop] != 0x0a { stop += 1 }
      body(text[start..<stop])
      start = stop + 1
    }
  }

  /// One line of `/proc/PID/maps`, without its newline: the segment it maps, or nil when it is not a shared
  /// mapping of a System V segment.
  package static func mappedSegment(_ line: ArraySlice<UInt8>) -> MappedSegment? {
    var index = line.startIndex
    let end = line.endIndex
    let space = UInt8(ascii: " ")
    /// A run of bytes up to the next space; nil when it is empty or the line ends first.
    func field() -> Range<Int>? {
      let first = index
      while index < end && line[index] != space { index += 1 }
      guard index > first, index < end else { return nil }
      defer { index += 1 }
      return first..<index
    }
    // address range, perms (4 letters, the last `s` for shared), offset, device, inode.
    guard field() != nil, let perms = field(), perms.count == 4, line[perms.upperBound - 1] == UInt8(ascii: "s"),
      field() != nil, field() != nil
    else { return nil }
    let inodeStart = index
    while index < end && line[index] != space { index += 1 }
    guard let inode = Digits.unsigned(line[inodeStart..<index]), inode <= UInt64(Int32.max) else { return nil }
    while index < end && line[index] == space { index += 1 }
    let path = line[index..<end]
    let prefix: [UInt8] = Array("/SYSV".utf8)
    guard path.count >= 13, path.prefix(5).elementsEqual(prefix) else { return nil }
    var key: UInt32 = 0
    for byte in path.dropFirst(5).prefix(8) {
      let value: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
      default: return nil
      }
      key = key << 4 | UInt32(value)
    }
    let rest = path.dropFirst(13)
    let deleted: Bool
    if rest.isEmpty {
      deleted = false
    } else if rest.elementsEqual(" (deleted)".utf8) {
      deleted = true
    } else {
      return nil
    }
    return MappedSegment(id: Int32(inode), key: IPCKey(rawValue: Int32(bitPattern: key)), deleted: deleted)
  }

  /// The files `maps` (the whole of a `/proc/PID/maps`) maps shared (`s`), each once, in order of first appearance:
  /// POSIX shared memory and semaphores (`mmap` of `/dev/shm/NAME`, `sem.NAME`) are held this way.
  ///
  /// A private mapping (`p`), an anonymous one (inode 0) and a line without the kernel's form are left out.
  package static func mappedFiles(_ maps: [UInt8]) -> [PosixFileIdentity] {
    var found: [PosixFileIdentity] = []
    var seen = Set<PosixFileIdentity>()
    forEachLine(maps) { line in
      if let file = mappedFile(line), seen.insert(file).inserted { found.append(file) }
    }
    return found
  }

  /// One line of `/proc/PID/maps`, without its newline: the file it maps (shared or private: either holds the
  /// file), or nil when it is not a file-backed mapping in the kernel's form (`START-END PERMS OFFSET MAJOR:MINOR INODE [PATH]`, numbers in
  /// lower-case hex but the inode in decimal).
  ///
  /// The device becomes `st_dev` as glibc encodes it (`makedev`), so that it compares with a file's `stat`.
  package static func mappedFile(_ line: ArraySlice<UInt8>) -> PosixFileIdentity? {
    var index = line.startIndex
    let end = line.endIndex
    let space = UInt8(ascii: " ")
    /// A run of bytes up to the next space; nil when it is empty or the line ends first.
    func field() -> ArraySlice<UInt8>? {
      let first = index
      while index < end && line[index] != space { index += 1 }
      guard index > first, index < end else { return nil }
      defer { index += 1 }
      return line[first..<index]
    }
    /// Two hex numbers of at most 32 bits each, around `separator`.
    func pair(_ text: ArraySlice<UInt8>, _ separator: UInt8, limit: UInt64) -> (UInt64, UInt64)? {
      guard let middle = text.firstIndex(of: separator), let first = hex(text[..<middle]), first <= limit,
        let second = hex(text[(middle + 1)...]), second <= limit
      else { return nil }
      return (first, second)
    }
    guard let range = field(), pair(range, UInt8(ascii: "-"), limit: .max) != nil,
      let perms = field(), perms.count == 4,
      perms[perms.startIndex] == UInt8(ascii: "r") || perms[perms.startIndex] == UInt8(ascii: "-"),
      perms[perms.startIndex + 1] == UInt8(ascii: "w") || perms[perms.startIndex + 1] == UInt8(ascii: "-"),
      perms[perms.startIndex + 2] == UInt8(ascii: "x") || perms[perms.startIndex + 2] == UInt8(ascii: "-"),
      perms[perms.startIndex + 3] == UInt8(ascii: "s") || perms[perms.startIndex + 3] == UInt8(ascii: "p"),
      let offset = field(), hex(offset) != nil,
      let device = field(), let number = pair(device, UInt8(ascii: ":"), limit: UInt64(UInt32.max))
    else { return nil }
    let inodeStart = index
    while index < end && line[index] != space { index += 1 }
    guard let inode = Digits.unsigned(line[inodeStart..<index]), inode != 0 else { return nil }
    return PosixFileIdentity(device: deviceNumber(major: UInt32(number.0), minor: UInt32(number.1)), inode: inode)
  }

  /// glibc's `makedev(major, minor)`: the `st_dev` that `stat` reports for a file of that device.
  package static func deviceNumber(major: UInt32, minor: UInt32) -> UInt64 {
    let major = UInt64(major)
    let minor = UInt64(minor)
    return (major & 0xffff_f000) << 32 | (major & 0xfff) << 8 | (minor & 0xffff_ff00) << 12 | minor & 0xff
  }

  /// Lower-case hex digits, at most 64 bits of them; nil when `text` is empty, holds anything else or overflows.
  static func hex(_ text: ArraySlice<UInt8>) -> UInt64? {
    guard !text.isEmpty else { return nil }
    var value: UInt64 = 0
    for byte in text {
      let digit: UInt64
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
      default: return nil
      }
      guard value >> 60 == 0 else { return nil }
      value = value << 4 | digit
    }
    return value
  }

  /// Field 22 of `/proc/PID/stat`, the process's start time in clock ticks after boot; nil when `stat` does not
  /// have the kernel's form (`PID (COMM) STATE ...`, COMM may hold spaces and parentheses: the last `)` ends it).
  package static func startTicks(stat: [UInt8]) -> UInt64? {
    guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
    // Fields 3 to 22 follow ") ", each after one space.
    var index = close + 1
    var field = 2
    while field < 22 {
      guard index < stat.count, stat[index] == UInt8(ascii: " ") else { return nil }
      index += 1
      field += 1
      let start = index
      while index < stat.count && stat[index] != UInt8(ascii: " ") && stat[index] != 0x0a { index += 1 }
      guard index > start else { return nil }
      if field == 22 { return Digits.unsigned(stat[start..<index]) }
    }
    return nil
  }

  /// `btime` of `/proc/stat`: the boot time in seconds since the epoch; nil when there is no well-formed line.
  package static func bootTime(stat: [UInt8]) -> Int64? {
    var start = 0
    let word = Array("btime ".utf8)
    while start < stat.count {
      var stop = start
      while stop < stat.count && stat[stop] != 0x0a { stop += 1 }
      let line = stat[start..<stop]
      if line.starts(with: word) {
        guard let value = Digits.unsigned(line.dropFirst(word.count)), value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
      }
      start = stop + 1
    }
    return nil
  }

  /// `/proc/PID/task/TID/syscall`: `running`, `-1 SP PC`, or `NR ARG1 ... ARG6 SP PC` (arguments in `0x` hex);
  /// nil when it has none of these forms.
  package static func taskSyscall(_ bytes: [UInt8]) -> TaskSyscall? {
    var text = bytes[...]
    if text.last == 0x0a { text = text.dropLast() }
    if text.elementsEqual("running".utf8) { return .running }
    let fields = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard let first = fields.first else { return nil }
    if first.elementsEqual("-1".utf8) { return fields.count == 3 ? .outsideSyscall : nil }
    guard fields.count == 9, let number = Digits.unsigned(first), number <= UInt64(Int64.max) else { return nil }
    let argument = fields[1]
    guard argument.count > 2, argument.starts(with: "0x".utf8), argument.count <= 18 else { return nil }
    var value: UInt64 = 0
    for byte in argument.dropFirst(2) {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(byte - UInt8(ascii: "a") + 10)
      default: return nil
      }
    }
    return .inSyscall(number: Int64(number), firstArgument: value)
  }

  /// The effective user of `/proc/PID/status` (the second number of its `Uid:` line, what `ps -o user` shows).
  package static func effectiveUser(status: [UInt8]) -> UserID? {
    var start = 0
    let word = Array("Uid:".utf8)
    while start < status.count {
      var stop = start
      while stop < status.count && status[stop] != 0x0a { stop += 1 }
      let line = status[start..<stop]
      if line.starts(with: word) {
        let numbers = line.dropFirst(word.count).split(separator: UInt8(ascii: "\t"))
        guard numbers.count == 4, let value = Digits.unsigned(numbers[1]), value <= UInt64(UInt32.max) else {
          return nil
        }
        return UserID(rawValue: UInt32(value))
      }
      start = stop + 1
    }
    return nil
  }
}

/// Why a name typed for a POSIX object names none.
package enum PosixNameError: Error, Hashable, Sendable {
  /// Nothing after the leading slashes.
  case empty
  /// A `/` after the start: the name would reach outside the object's directory.
  case slashInside
  /// Longer than the kernel's NAME_MAX allows for this kind's file (`limit` bytes).
  case tooLong(limit: Int)
  /// `.` or `..`: the directory itself or its parent, never an object.
  case directoryName
  /// A shared-memory name that is the file of a named semaphore (`sem.NAME`): removed only as what it is.
  case semaphoreFile(PosixName)

  /// Why, in words (after `invalid POSIX … name `NAME': `).
  package var reason: String {
    switch self {
    case .empty: "empty"
    case .slashInside: "'/' is allowed only at the start"
    case .tooLong(let limit): "longer than \(limit) bytes"
    case .directoryName: "names a directory, not an object"
    case .semaphoreFile: "it is the file of a POSIX semaphore (use --posix-semaphore)"
    }
  }
}

extension PosixName {
  /// The kernel's NAME_MAX: the longest file name of `/dev/shm` and of the mqueue filesystem.
  package static let maxFileNameLength = 255

  /// The longest name of `kind`: NAME_MAX, less the `sem.` of a semaphore's file.
  package static func maxLength(_ kind: ObjectKind) -> Int {
    kind == .posixSemaphore ? maxFileNameLength - semaphorePrefix.count : maxFileNameLength
  }

  /// The name `typed` names, as the call that would remove it reads it.
  ///
  /// - Shared memory and semaphores, as glibc's `shm_unlink` and `sem_unlink`: every leading `/` is dropped.
  /// - Queues: one leading `/` is dropped if there is one. `mq_unlink` needs it; the name without it is taken as
  ///   the same name (util-linux master passes it on and fails with `name failed: Invalid argument`).
  ///
  /// What is left must be non-empty, hold no `/`, and fit NAME_MAX (with `sem.` for a semaphore). Any other byte
  /// is allowed, UTF-8 or not, as the kernel and glibc allow it. `.` and `..` are refused, and a shared-memory name
  /// `sem.NAME` is refused as the file of semaphore NAME (`shm_unlink` would remove the semaphore).
  package static func parse(_ typed: [UInt8], kind: ObjectKind) -> Result<PosixName, PosixNameError> {
    let slash = UInt8(ascii: "/")
    var rest = typed[...]
    if kind == .posixMessageQueue {
      if rest.first == slash { rest = rest.dropFirst() }
    } else {
      rest = rest.drop { $0 == slash }
    }
    guard !rest.isEmpty else { return .failure(.empty) }
    guard !rest.contains(slash) else { return .failure(.slashInside) }
    guard rest.count <= maxLength(kind) else { return .failure(.tooLong(limit: maxLength(kind))) }
    let name = PosixName(bytes: Array(rest))
    if kind != .posixSemaphore && (name.bytes == [UInt8(ascii: ".")] || name.bytes == Array("..".utf8)) {
      return .failure(.directoryName)
    }
    if kind == .posixSharedMemory, let semaphore = semaphoreName(ofFile: name.bytes) {
      return .failure(.semaphoreFile(semaphore))
    }
    return .success(name)
  }

  /// The semaphore whose file in `/dev/shm` is `fileName` (`sem.NAME`), or nil.
  ///
  /// `sem.` alone is no semaphore's
  /// file (`sem_open` refuses an empty name), so it is a shared-memory object's.
  package static func semaphoreName(ofFile fileName: [UInt8]) -> PosixName? {
    guard fileName.count > semaphorePrefix.count, fileName.starts(with: semaphorePrefix) else { return nil }
    return PosixName(bytes: Array(fileName.dropFirst(semaphorePrefix.count)))
  }

  /// What a regular file of `/dev/shm` named `fileName` is: a semaphore (`sem.NAME`) or a shared-memory object.
  package static func sharedMemoryDirectoryEntry(_ fileName: [UInt8]) -> (ObjectKind, PosixName) {
    if let semaphore = semaphoreName(ofFile: fileName) { return (.posixSemaphore, semaphore) }
    return (.posixSharedMemory, PosixName(bytes: fileName))
  }
}

/// What reading a file of the mqueue filesystem gives: `QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d`
/// (`ipc/mqueue.c`, `mqueue_read_file`).
package struct PosixQueueStatus: Hashable, Sendable {
  /// Bytes of message text queued.
  package var queuedBytes: UInt64
  /// The `mq_notify` registration: the notification type (`SIGEV_*`), signal and process; nil where the line has
  /// no such field.
  package var notify: Int32?
  package var signal: Int32?
  package var notifyPID: ProcessID?

  package init(queuedBytes: UInt64, notify: Int32? = nil, signal: Int32? = nil, notifyPID: ProcessID? = nil) {
    self.queuedBytes = queuedBytes
    self.notify = notify
    self.signal = signal
    self.notifyPID = notifyPID
  }

  /// The fields of the file's line.
  ///
  /// In any order, separated by white space; fields this parser does not know are passed over. nil unless there is a `QSIZE:` field with a decimal number that fits 64 bits, and every known
  /// field's value is a number.
  package static func parse(_ bytes: [UInt8]) -> PosixQueueStatus? {
    var status: PosixQueueStatus?
    var notify: Int32?
    var signal: Int32?
    var pid: ProcessID?
    let fields = bytes.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") }
    for field in fields {
      guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { continue }
      let label = field[..<colon]
      let value = field[(colon + 1)...]
      switch Array(label) {
      case Array("QSIZE".utf8):
        guard let size = Digits.unsigned(value) else { return nil }
        status = PosixQueueStatus(queuedBytes: size)
      case Array("NOTIFY".utf8):
        guard let number = Digits.signed(value, as: Int32.self) else { return nil }
        notify = number
      case Array("SIGNO".utf8):
        guard let number = Digits.signed(value, as: Int32.self) else { return nil }
        signal = number
      case Array("NOTIFY_PID".utf8):
        guard let number = Digits.signed(value, as: Int32.self) else { return nil }
        pid = ProcessID(rawValue: number)
      default:
        continue
      }
    }
    status?.notify = notify
    status?.signal = signal
    status?.notifyPID = pid
    return status
  }
}

/// glibc's `sem_t` as `sem_open` leaves it in `/dev/shm/sem.NAME`, read without opening the semaphore.
///
/// On 64-bit targets glibc (2.21 and later) keeps `struct new_sem { uint64_t data; int private; int pad; }` in a
/// 32-byte `sem_t`: the value is the low 32 bits of `data` (`SEM_VALUE_MASK`), the number of waiters the high 32
/// (`SEM_NWAITERS_SHIFT`). `sem_getvalue` returns exactly that. Where `data` is not one 64-bit word (32-bit
/// targets keep `value << 1` and the waiters apart), this reader says nothing.
package enum GlibcSemaphoreFile {
  /// `sizeof(sem_t)`: the size of the file `sem_open` creates.
  package static let size = 32

  /// The value in `bytes`, the whole file, in the byte order of the machine that reads it (the one that wrote it);
  /// nil when the file is not one `sem_t` of this layout, or the value is beyond `SEM_VALUE_MAX` (INT_MAX).
  package static func value(_ bytes: [UInt8], littleEndian: Bool = hostIsLittleEndian) -> Int32? {
    guard bytes.count == size, sixtyFourBitLayout else { return nil }
    var data: UInt64 = 0
    for (index, byte) in bytes.prefix(8).enumerated() {
      let shift = littleEndian ? index * 8 : (7 - index) * 8
      data |= UInt64(byte) << UInt64(shift)
    }
    let value = data & 0xffff_ffff
    return value <= UInt64(Int32.max) ? Int32(value) : nil
  }

  /// Whether this build's glibc keeps the 64-bit layout (every 64-bit target has 64-bit atomics).
  package static var sixtyFourBitLayout: Bool { MemoryLayout<Int>.size == 8 }

  package static var hostIsLittleEndian: Bool { 1.littleEndian == 1 }
}

/// Text made safe for one cell of the aligned table, which goes to a terminal.
///
/// As libsmartcols makes it (`mbs_safe_encode`): a byte that is a control character (C0, DEL, and the C1 controls
/// U+0080 to U+009F, whose 8-bit forms terminals obey) or not part of valid UTF-8 is shown as `\xHH`, and so is a
/// backslash before an `x`, so that the text reads back unambiguously; everything else passes through.
package enum SafeText {
  /// Whether `bytes` needs no change: ASCII without controls or backslashes (almost every cell), checked first.
  package static func isPlain(_ bytes: [UInt8]) -> Bool {
    !bytes.contains { $0 < 0x20 || $0 >= 0x7f || $0 == UInt8(ascii: "\\") }
  }

  package static func encode(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      let length = validSequenceLength(bytes, at: index)
      let byte = bytes[index]
      let escapedBackslash =
        byte == UInt8(ascii: "\\") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "x")
      if length == 1 && (byte < 0x20 || byte == 0x7f || escapedBackslash) {
        escape(byte, into: &out)
      } else if length == 2 && byte == 0xc2 && bytes[index + 1] <= 0x9f {
        // A C1 control.
        escape(byte, into: &out)
        escape(bytes[index + 1], into: &out)
      } else if length == 0 {
        escape(bytes[index], into: &out)
        index += 1
        continue
      } else {
        out += bytes[index..<index + length]
      }
      index += max(length, 1)
    }
    return out
  }

  private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
    let digits = Array("0123456789abcdef".utf8)
    out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0xf)]]
  }

  /// The length of the valid UTF-8 sequence at `index` (1 for ASCII), or 0 when there is none.
  private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    if lead < 0x80 { return 1 }
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xbf
    switch lead {
    case 0xc2...0xdf: length = 2
    case 0xe0:
      length = 3
      low = 0xa0
    case 0xe1...0xec, 0xee...0xef: length = 3
    case 0xed:
      length = 3
      high = 0x9f
    case 0xf0:
      length = 4
      low = 0x90
    case 0xf1...0xf3: length = 4
    case 0xf4:
      length = 4
      high = 0x8f
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    for offset in 1..<length {
      let byte = bytes[index + offset]
      let (min, max): (UInt8, UInt8) = offset == 1 ? (low, high) : (0x80, 0xbf)
      guard byte >= min && byte <= max else { return 0 }
    }
    return length
  }
}

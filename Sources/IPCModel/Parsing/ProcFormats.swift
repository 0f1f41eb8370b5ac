/// The columns of `/proc/sysvipc/shm`.
enum SharedMemoryColumn: Int, ProcColumn {
  case key, id, perms, size, cpid, lpid, nattch, uid, gid, cuid, cgid, atime, dtime, ctime, rss, swap

  var header: String {
    switch self {
    case .id: "shmid"
    default: "\(self)"
    }
  }
  var isOptional: Bool { self == .rss || self == .swap }
}

/// The columns of `/proc/sysvipc/msg`.
enum MessageQueueColumn: Int, ProcColumn {
  case key, id, perms, cbytes, qnum, lspid, lrpid, uid, gid, cuid, cgid, stime, rtime, ctime

  var header: String { self == .id ? "msqid" : "\(self)" }
  var isOptional: Bool { false }
}

/// The columns of `/proc/sysvipc/sem`.
enum SemaphoreColumn: Int, ProcColumn {
  case key, id, perms, nsems, uid, gid, cuid, cgid, otime, ctime

  var header: String { self == .id ? "semid" : "\(self)" }
  var isOptional: Bool { false }
}

extension ProcRecord where Column: ProcColumn {
  fileprivate func ownership(
    perms: Column,
    uid: Column,
    gid: Column,
    cuid: Column,
    cgid: Column
  )
    throws(ProcFieldError) -> Ownership
  {
    Ownership(
      owner: UserID(rawValue: try unsigned(uid, as: UInt32.self)),
      group: GroupID(rawValue: try unsigned(gid, as: UInt32.self)),
      creator: UserID(rawValue: try unsigned(cuid, as: UInt32.self)),
      creatorGroup: GroupID(rawValue: try unsigned(cgid, as: UInt32.self)),
      mode: try mode(perms)
    )
  }

  fileprivate func key(_ column: Column) throws(ProcFieldError) -> IPCKey {
    IPCKey(rawValue: try signed(column, as: Int32.self))
  }

  fileprivate func pid(_ column: Column) throws(ProcFieldError) -> ProcessID {
    ProcessID(rawValue: try processID(column))
  }

  /// A time column: 0 is "never".
  fileprivate func timestamp(_ column: Column) throws(ProcFieldError) -> Timestamp? {
    Timestamp(kernelValue: try time(column))
  }
}

extension SharedMemorySegment {
  /// Parses the text of `/proc/sysvipc/shm`.
  package static func parseProcFile(
    _ bytes: [UInt8],
    file: String = "/proc/sysvipc/shm"
  ) throws(ProcParseError) -> ProcTable<SharedMemorySegment> {
    try ProcTableParser.parse(bytes, file: file, columns: SharedMemoryColumn.self) { r throws(ProcFieldError) in
      SharedMemorySegment(
        id: try r.signed(.id, as: Int32.self),
        key: try r.key(.key),
        ownership: try r.ownership(perms: .perms, uid: .uid, gid: .gid, cuid: .cuid, cgid: .cgid),
        size: try r.unsigned(.size, as: UInt64.self),
        attachCount: try r.unsigned(.nattch, as: UInt64.self),
        creatorPID: try r.pid(.cpid),
        lastOperationPID: try r.pid(.lpid),
        attachTime: try r.timestamp(.atime),
        detachTime: try r.timestamp(.dtime),
        changeTime: try r.timestamp(.ctime),
        residentBytes: try r.optionalUnsigned(.rss),
        swappedBytes: try r.optionalUnsigned(.swap)
      )
    }
  }
}

extension MessageQueue {
  /// Parses the text of `/proc/sysvipc/msg`.
  package static func parseProcFile(
    _ bytes: [UInt8],
    file: String = "/proc/sysvipc/msg"
  ) throws(ProcParseError) -> ProcTable<MessageQueue> {
    try ProcTableParser.parse(bytes, file: file, columns: MessageQueueColumn.self) { r throws(ProcFieldError) in
      MessageQueue(
        id: try r.signed(.id, as: Int32.self),
        key: try r.key(.key),
        ownership: try r.ownership(perms: .perms, uid: .uid, gid: .gid, cuid: .cuid, cgid: .cgid),
        usedBytes: try r.unsigned(.cbytes, as: UInt64.self),
        messageCount: try r.unsigned(.qnum, as: UInt64.self),
        capacityBytes: nil,
        lastSendPID: try r.pid(.lspid),
        lastReceivePID: try r.pid(.lrpid),
        sendTime: try r.timestamp(.stime),
        receiveTime: try r.timestamp(.rtime),
        changeTime: try r.timestamp(.ctime)
      )
    }
  }
}

extension SemaphoreSet {
  /// Parses the text of `/proc/sysvipc/sem`.
  package static func parseProcFile(
    _ bytes: [UInt8],
    file: String = "/proc/sysvipc/sem"
  ) throws(ProcParseError) -> ProcTable<SemaphoreSet> {
    try ProcTableParser.parse(bytes, file: file, columns: SemaphoreColumn.self) { r throws(ProcFieldError) in
      SemaphoreSet(
        id: try r.signed(.id, as: Int32.self),
        key: try r.key(.key),
        ownership: try r.ownership(perms: .perms, uid: .uid, gid: .gid, cuid: .cuid, cgid: .cgid),
        semaphoreCount: try r.unsigned(.nsems, as: UInt64.self),
        operationTime: try r.timestamp(.otime),
        changeTime: try r.timestamp(.ctime)
      )
    }
  }
}

package import IPCModel

/// Which list view: ipcs's default, `-t`, `-p` or `-c`.
package enum ListFormat: Sendable {
  case standard
  case times
  case pids
  case creators
}

/// Renders the list views of util-linux ipcs 2.38.1, byte for byte (`sys-utils/ipcs.c`, `do_msg`/`do_shm`/`do_sem`).
///
/// Each `append…Section` writes the title, the column header and the rows of one kind; the caller writes the
/// empty lines around sections. Rows are flushed as they are written.
package struct ListingText {
  package var names: NameCache
  package var times: TimeText
  package var unit: SizeUnit
  /// The locale's decimal point, for `--human` sizes.
  package var decimalPoint: [UInt8]

  package init(names: NameCache = NameCache(), times: TimeText = TimeText(), unit: SizeUnit, decimalPoint: [UInt8]) {
    self.names = names
    self.times = times
    self.unit = unit
    self.decimalPoint = decimalPoint
  }

  // MARK: Message queues

  package mutating func appendSection(_ rows: [MessageQueue], format: ListFormat, to out: inout OutputBuffer) {
    switch format {
    case .creators:
      out.append("------ Message Queues Creators/Owners --------\n")
      appendCreatorsHeader("msqid", to: &out)
    case .times:
      out.append("------ Message Queues Send/Recv/Change Times --------\n")
      appendHeader([("msqid", 8), ("owner", 10), ("send", 20), ("recv", 20), ("change", 20)], to: &out)
    case .pids:
      out.append("------ Message Queues PIDs --------\n")
      appendHeader([("msqid", 10), ("owner", 10), ("lspid", 10), ("lrpid", 10)], to: &out)
    case .standard:
      out.append("------ Message Queues --------\n")
      let size: StaticString = unit == .human ? "size" : "used-bytes"
      appendHeader([("key", 10), ("msqid", 10), ("owner", 10), ("perms", 10), (size, 12), ("messages", 12)], to: &out)
    }
    for row in rows {
      switch format {
      case .creators:
        appendCreatorsRow(row, to: &out)
      case .times:
        appendIDAndOwner(row, idWidth: 8, to: &out)
        for time in [row.sendTime, row.receiveTime, row.changeTime] {
          out.append(UInt8(ascii: " "))
          times.appendShort(time, to: &out)
        }
        out.append("\n")
      case .pids:
        appendIDAndOwner(row, idWidth: 8, to: &out)
        out.append("  ")
        out.appendDecimal(row.lastSendPID.rawValue, width: 5, alignRight: true)
        out.append("     ")
        out.appendDecimal(row.lastReceivePID.rawValue, width: 5, alignRight: true)
        out.append("\n")
      case .standard:
        out.appendHexKey(row.key.bitPattern)
        out.append(UInt8(ascii: " "))
        appendIDAndOwner(row, idWidth: 10, to: &out)
        appendPerms(row, to: &out)
        if unit == .human {
          out.append(HumanSize.text(row.usedBytes, decimalPoint: decimalPoint), width: 6, alignRight: true)
          out.appendSpaces(6)
        } else {
          out.appendDecimal(row.usedBytes, width: 12)
        }
        out.append(UInt8(ascii: " "))
        out.appendDecimal(row.messageCount, width: 12)
        out.append("\n")
      }
      out.flushIfFull()
    }
  }

  // MARK: Shared memory

  package mutating func appendSection(_ rows: [SharedMemorySegment], format: ListFormat, to out: inout OutputBuffer) {
    switch format {
    case .creators:
      out.append("------ Shared Memory Segment Creators/Owners --------\n")
      appendCreatorsHeader("shmid", to: &out)
    case .times:
      out.append("------ Shared Memory Attach/Detach/Change Times --------\n")
      appendHeader([("shmid", 10), ("owner", 10), ("attached", 20), ("detached", 20), ("changed", 20)], to: &out)
    case .pids:
      out.append("------ Shared Memory Creator/Last-op PIDs --------\n")
      appendHeader([("shmid", 10), ("owner", 10), ("cpid", 10), ("lpid", 10)], to: &out)
    case .standard:
      out.append("------ Shared Memory Segments --------\n")
      let size: StaticString = unit == .human ? "size" : "bytes"
      appendHeader(
        [("key", 10), ("shmid", 10), ("owner", 10), ("perms", 10), (size, 10), ("nattch", 10), ("status", 12)],
        to: &out
      )
    }
    for row in rows {
      switch format {
      case .creators:
        appendCreatorsRow(row, to: &out)
      case .times:
        appendIDAndOwner(row, idWidth: 10, to: &out)
        for time in [row.attachTime, row.detachTime, row.changeTime] {
          out.append(UInt8(ascii: " "))
          times.appendShort(time, to: &out)
        }
        out.append("\n")
      case .pids:
        appendIDAndOwner(row, idWidth: 10, to: &out)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt32(bitPattern: row.creatorPID.rawValue), width: 10)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt32(bitPattern: row.lastOperationPID.rawValue), width: 10)
        out.append("\n")
      case .standard:
        out.appendHexKey(row.key.bitPattern)
        out.append(UInt8(ascii: " "))
        appendIDAndOwner(row, idWidth: 10, to: &out)
        appendPerms(row, to: &out)
        if unit == .human {
          out.append(HumanSize.text(row.size, decimalPoint: decimalPoint), width: 6, alignRight: true)
          out.appendSpaces(4)
        } else {
          out.appendDecimal(row.size, width: 10)
        }
        out.append(UInt8(ascii: " "))
        out.appendDecimal(row.attachCount, width: 10)
        out.append(UInt8(ascii: " "))
        if row.ownership.mode.contains(.destroyed) { out.append("dest  ") } else { out.append("      ") }
        out.append(UInt8(ascii: " "))
        if row.ownership.mode.contains(.locked) { out.append("locked\n") } else { out.append("      \n") }
      }
      out.flushIfFull()
    }
  }

  // MARK: Semaphores

  package mutating func appendSection(_ rows: [SemaphoreSet], format: ListFormat, to out: inout OutputBuffer) {
    switch format {
    case .creators:
      out.append("------ Semaphore Arrays Creators/Owners --------\n")
      appendCreatorsHeader("semid", to: &out)
    case .times:
      out.append("------ Semaphore Operation/Change Times --------\n")
      appendHeader([("semid", 8), ("owner", 10), ("last-op", 26), ("last-changed", 26)], to: &out)
    case .pids:
      return  // ipcs prints no semaphore section at all for -p
    case .standard:
      out.append("------ Semaphore Arrays --------\n")
      appendHeader([("key", 10), ("semid", 10), ("owner", 10), ("perms", 10), ("nsems", 10)], to: &out)
    }
    for row in rows {
      switch format {
      case .creators:
        appendCreatorsRow(row, to: &out)
      case .times:
        appendIDAndOwner(row, idWidth: 8, to: &out)
        out.append("  ")
        times.appendLong(row.operationTime, to: &out)
        out.append(UInt8(ascii: " "))
        times.appendLong(row.changeTime, to: &out)
        out.append("\n")
      case .standard, .pids:  // -p returned before the rows
        out.appendHexKey(row.key.bitPattern)
        out.append(UInt8(ascii: " "))
        appendIDAndOwner(row, idWidth: 10, to: &out)
        appendPerms(row, to: &out)
        out.appendDecimal(row.semaphoreCount, width: 10)
        out.append("\n")
      }
      out.flushIfFull()
    }
  }

  // MARK: Shared pieces

  /// `%-Ns %-Ns … \n` of the column names (the last one padded too, as ipcs pads it).
  private func appendHeader(_ columns: [(StaticString, Int)], to out: inout OutputBuffer) {
    for (index, (name, width)) in columns.enumerated() {
      if index > 0 { out.append(UInt8(ascii: " ")) }
      name.withUTF8Buffer { out.append($0, width: width) }
    }
    out.append("\n")
  }

  private func appendCreatorsHeader(_ idName: StaticString, to out: inout OutputBuffer) {
    appendHeader([(idName, 10), ("perms", 10), ("cuid", 10), ("cgid", 10), ("uid", 10), ("gid", 10)], to: &out)
  }

  /// `%-<idWidth>d %-10.10s` of id and owner name, or `%-<idWidth>d %-10u` when the owner has no passwd entry.
  private mutating func appendIDAndOwner(_ row: some SystemVObject, idWidth: Int, to out: inout OutputBuffer) {
    out.appendDecimal(row.id, width: idWidth)
    out.append(UInt8(ascii: " "))
    if let name = names.userName(row.ownership.owner) {
      out.append(name, width: 10, truncate: true)
    } else {
      out.appendDecimal(row.ownership.owner.rawValue, width: 10)
    }
  }

  /// ` %-10o ` of the permission bits.
  private func appendPerms(_ row: some SystemVObject, to out: inout OutputBuffer) {
    out.append(UInt8(ascii: " "))
    out.appendOctal(row.ownership.mode.accessBits, width: 10)
    out.append(UInt8(ascii: " "))
  }

  /// util-linux `ipc_print_perms`: id, perms, then creator, creator group, owner, group, names not truncated.
  private mutating func appendCreatorsRow(_ row: some SystemVObject, to out: inout OutputBuffer) {
    let perm = row.ownership
    out.appendDecimal(row.id, width: 10)
    out.append(UInt8(ascii: " "))
    out.appendOctal(perm.mode.accessBits, width: 10)
    appendName(names.userName(perm.creator), perm.creator.rawValue, to: &out)
    appendName(names.groupName(perm.creatorGroup), perm.creatorGroup.rawValue, to: &out)
    appendName(names.userName(perm.owner), perm.owner.rawValue, to: &out)
    appendName(names.groupName(perm.group), perm.group.rawValue, to: &out)
    out.append("\n")
  }

  private func appendName(_ name: [UInt8]?, _ number: UInt32, to out: inout OutputBuffer) {
    out.append(UInt8(ascii: " "))
    if let name { out.append(name, width: 10) } else { out.appendDecimal(number, width: 10) }
  }
}

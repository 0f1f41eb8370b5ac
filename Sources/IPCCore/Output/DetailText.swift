package import IPCModel

/// Renders `ipcs -i ID` (util-linux 2.38.1 `print_shm`, `print_msg`, `print_sem`).
package struct DetailText {
  package var times: TimeText
  package var unit: SizeUnit
  package var decimalPoint: [UInt8]

  package init(times: TimeText = TimeText(), unit: SizeUnit, decimalPoint: [UInt8]) {
    self.times = times
    self.unit = unit
    self.decimalPoint = decimalPoint
  }

  /// - Parameters:
  ///   - segment: the segment.
  ///   - requestedID: the id as given on the command line, which is what the title shows.
  ///   - out: where the text goes.
  package mutating func append(_ segment: SharedMemorySegment, requestedID: Int32, to out: inout OutputBuffer) {
    let perm = segment.ownership
    out.append("\nShared memory Segment shmid=")
    out.appendDecimal(requestedID)
    appendOwners(perm, separator: "\t", to: &out)
    out.append("\nmode=")
    out.appendOctal(perm.mode.rawValue, alternate: true)
    out.append("\taccess_perms=")
    out.appendOctal(perm.mode.accessBits, alternate: true)
    out.append("\n")
    out.appendSize(
      segment.size,
      unit: unit,
      label: unit == .human ? "size=" : "bytes=",
      end: "\t",
      decimalPoint: decimalPoint
    )
    out.append("lpid=")
    out.appendDecimal(UInt32(bitPattern: segment.lastOperationPID.rawValue))
    out.append("\tcpid=")
    out.appendDecimal(UInt32(bitPattern: segment.creatorPID.rawValue))
    out.append("\tnattch=")
    out.appendDecimal(Int64(bitPattern: segment.attachCount))
    out.append("\natt_time=")
    times.appendLong(segment.attachTime, to: &out)
    out.append("\ndet_time=")
    times.appendLong(segment.detachTime, to: &out)
    out.append("\nchange_time=")
    times.appendLong(segment.changeTime, always: true, to: &out)
    out.append("\n\n")
  }

  /// - Parameters:
  ///   - queue: the queue; its `capacityBytes` is printed as qbytes, 0 when nil (util-linux's IPC_STAT failed).
  ///   - requestedID: the id as given on the command line.
  ///   - out: where the text goes.
  package mutating func append(_ queue: MessageQueue, requestedID: Int32, to out: inout OutputBuffer) {
    let perm = queue.ownership
    out.append("\nMessage Queue msqid=")
    out.appendDecimal(requestedID)
    appendOwners(perm, separator: "\t", to: &out)
    out.append("\tmode=")
    out.appendOctal(perm.mode.rawValue, alternate: true)
    out.append("\n")
    let human = unit == .human
    out.appendSize(
      queue.usedBytes,
      unit: unit,
      label: human ? "csize=" : "cbytes=",
      end: "\t",
      decimalPoint: decimalPoint
    )
    out.appendSize(
      queue.capacityBytes ?? 0,
      unit: unit,
      label: human ? "qsize=" : "qbytes=",
      end: "\t",
      decimalPoint: decimalPoint
    )
    out.append("qnum=")
    out.appendDecimal(Int64(bitPattern: queue.messageCount))
    out.append("\tlspid=")
    out.appendDecimal(queue.lastSendPID.rawValue)
    out.append("\tlrpid=")
    out.appendDecimal(queue.lastReceivePID.rawValue)
    out.append("\nsend_time=")
    times.appendLong(queue.sendTime, to: &out)
    out.append("\nrcv_time=")
    times.appendLong(queue.receiveTime, to: &out)
    out.append("\nchange_time=")
    times.appendLong(queue.changeTime, to: &out)
    out.append("\n\n")
  }

  /// - Parameters:
  ///   - set: the semaphore set.
  ///   - values: one entry per semaphore.
  ///   - requestedID: the id as given on the command line.
  ///   - out: where the text goes.
  package mutating func append(
    _ set: SemaphoreSet,
    values: [SemaphoreValue],
    requestedID: Int32,
    to out: inout OutputBuffer
  ) {
    let perm = set.ownership
    out.append("\nSemaphore Array semid=")
    out.appendDecimal(requestedID)
    appendOwners(perm, separator: "\t ", to: &out)
    out.append("\nmode=")
    out.appendOctal(perm.mode.rawValue, alternate: true)
    out.append(", access_perms=")
    out.appendOctal(perm.mode.accessBits, alternate: true)
    out.append("\nnsems = ")
    out.appendDecimal(set.semaphoreCount)
    out.append("\notime = ")
    times.appendLong(set.operationTime, to: &out)
    out.append("\nctime = ")
    times.appendLong(set.changeTime, always: true, to: &out)
    out.append("\nsemnum     value      ncount     zcount     pid       \n")
    for (number, value) in values.enumerated() {
      out.appendDecimal(number, width: 10)
      for figure in [value.value, value.waitingForIncrease, value.waitingForZero] {
        out.append(" ")
        out.appendDecimal(figure, width: 10)
      }
      out.append(" ")
      out.appendDecimal(value.lastPID.rawValue, width: 10)
      out.append("\n")
      out.flushIfFull()
    }
    out.append("\n")
  }

  /// `\nuid=%u<sep>gid=%u<sep>cuid=%u<sep>cgid=%u` (no newline after).
  private func appendOwners(_ perm: Ownership, separator: StaticString, to out: inout OutputBuffer) {
    out.append("\nuid=")
    out.appendDecimal(perm.owner.rawValue)
    out.append(separator)
    out.append("gid=")
    out.appendDecimal(perm.group.rawValue)
    out.append(separator)
    out.append("cuid=")
    out.appendDecimal(perm.creator.rawValue)
    out.append(separator)
    out.append("cgid=")
    out.appendDecimal(perm.creatorGroup.rawValue)
  }
}

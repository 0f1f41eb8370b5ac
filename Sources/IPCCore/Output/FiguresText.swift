package import IPCModel

/// Renders `ipcs -l` and `ipcs -u` (util-linux 2.38.1 `do_msg`/`do_shm`/`do_sem`, LIMITS and STATUS).
package struct FiguresText {
  package var unit: SizeUnit
  package var decimalPoint: [UInt8]
  /// The page size `shmall` counts in.
  package var pageSize: UInt64

  package init(unit: SizeUnit, decimalPoint: [UInt8], pageSize: UInt64) {
    self.unit = unit
    self.decimalPoint = decimalPoint
    self.pageSize = pageSize
  }

  /// The unit a limit line uses when none was asked for.
  private func unit(orDefault fallback: SizeUnit) -> SizeUnit { unit == .standard ? fallback : unit }

  package func appendLimits(_ limits: MessageQueueLimits?, to out: inout OutputBuffer) {
    guard let limits else { return out.append("unable to fetch message limits\n") }
    out.append("------ Messages Limits --------\n")
    out.append("max queues system wide = ")
    out.appendDecimal(limits.maxQueues)
    out.append("\n")
    let sizeUnit = unit(orDefault: .bytes)
    out.appendSize(
      limits.maxMessageSize,
      unit: sizeUnit,
      label: "max size of message",
      end: "\n",
      decimalPoint: decimalPoint
    )
    // ipc_print_size takes a uint64_t: a negative int would print as its 64-bit two's complement.
    out.appendSize(
      UInt64(bitPattern: Int64(limits.defaultQueueSize)),
      unit: sizeUnit,
      label: "default max size of queue",
      end: "\n",
      decimalPoint: decimalPoint
    )
  }

  package func appendLimits(_ limits: SharedMemoryLimits?, to out: inout OutputBuffer) {
    guard let limits else { return out.append("unable to fetch shared memory limits\n") }
    out.append("------ Shared Memory Limits --------\n")
    out.append("max number of segments = ")
    out.appendDecimal(limits.maxSegments)
    out.append("\n")
    out.appendSize(
      limits.maxSegmentSize,
      unit: unit(orDefault: .kilobytes),
      label: "max seg size",
      end: "\n",
      decimalPoint: decimalPoint
    )
    if unit == .standard || unit == .kilobytes {
      let total = LimitArithmetic.total(pages: limits.maxTotalPages, multiplier: pageSize / 1024)
      out.appendSize(
        total,
        unit: .standard,
        label: "max total shared memory (kbytes)",
        end: "\n",
        decimalPoint: decimalPoint
      )
    } else {
      let total = LimitArithmetic.total(pages: limits.maxTotalPages, multiplier: pageSize)
      out.appendSize(total, unit: unit, label: "max total shared memory", end: "\n", decimalPoint: decimalPoint)
    }
    out.appendSize(
      limits.minSegmentSize,
      unit: unit(orDefault: .bytes),
      label: "min seg size",
      end: "\n",
      decimalPoint: decimalPoint
    )
  }

  package func appendLimits(_ limits: SemaphoreLimits?, to out: inout OutputBuffer) {
    guard let limits else { return out.append("unable to fetch semaphore limits\n") }
    out.append("------ Semaphore Limits --------\n")
    let lines: [(StaticString, Int64)] = [
      ("max number of arrays = ", Int64(limits.maxSets)),
      ("max semaphores per array = ", Int64(limits.maxPerSet)),
      ("max semaphores system wide = ", Int64(limits.maxTotal)),
      ("max ops per semop call = ", Int64(limits.maxOperationsPerCall)),
      ("semaphore max value = ", Int64(limits.maxValue)),
    ]
    for (label, value) in lines {
      out.append(label)
      out.appendDecimal(value)
      out.append("\n")
    }
  }

  package func appendUsage(_ usage: MessageQueueUsage?, to out: inout OutputBuffer) {
    guard let usage else { return appendNotConfigured(.messageQueue, to: &out) }
    out.append("------ Messages Status --------\n")
    out.append("allocated queues = ")
    out.appendDecimal(usage.queues)
    out.append("\nused headers = ")
    out.appendDecimal(usage.messages)
    out.append("\n")
    out.appendSize(
      UInt64(bitPattern: Int64(usage.bytes)),
      unit: unit,
      label: "used space",
      end: unit == .standard ? " bytes\n" : "\n",
      decimalPoint: decimalPoint
    )
  }

  package func appendUsage(_ usage: SharedMemoryUsage?, to out: inout OutputBuffer) {
    guard let usage else { return appendNotConfigured(.sharedMemorySegment, to: &out) }
    out.append("------ Shared Memory Status --------\n")
    out.append("segments allocated ")
    out.appendDecimal(usage.segments)
    out.append("\npages allocated ")
    out.appendDecimal(Int64(bitPattern: usage.pagesAllocated))
    out.append("\npages resident  ")
    out.appendDecimal(Int64(bitPattern: usage.pagesResident))
    out.append("\npages swapped   ")
    out.appendDecimal(Int64(bitPattern: usage.pagesSwapped))
    out.append("\nSwap performance: ")
    out.appendDecimal(Int64(bitPattern: usage.swapAttempts))
    out.append(" attempts\t ")
    out.appendDecimal(Int64(bitPattern: usage.swapSuccesses))
    out.append(" successes\n")
  }

  package func appendUsage(_ usage: SemaphoreUsage?, to out: inout OutputBuffer) {
    guard let usage else { return appendNotConfigured(.semaphoreSet, to: &out) }
    out.append("------ Semaphore Status --------\n")
    out.append("used arrays = ")
    out.appendDecimal(usage.sets)
    out.append("\nallocated semaphores = ")
    out.appendDecimal(usage.semaphores)
    out.append("\n")
  }

  /// ipcs's line for a facility the kernel lacks (`MSG_INFO` and the like fail).
  private func appendNotConfigured(_ kind: ObjectKind, to out: inout OutputBuffer) {
    out.append(Message("kernel not configured for \(kind.facilityName)\n").bytes)
  }
}

/// Message-queue limits (`ipcs -l`), from `/proc/sys/kernel/msg*` or `IPC_INFO`.
package struct MessageQueueLimits: Hashable, Sendable {
  package var maxQueues: Int32
  package var maxMessageSize: UInt64
  package var defaultQueueSize: Int32

  package init(maxQueues: Int32, maxMessageSize: UInt64, defaultQueueSize: Int32) {
    self.maxQueues = maxQueues
    self.maxMessageSize = maxMessageSize
    self.defaultQueueSize = defaultQueueSize
  }
}

/// Shared-memory limits, from `/proc/sys/kernel/shm*` or `IPC_INFO`.
package struct SharedMemoryLimits: Hashable, Sendable {
  package var maxSegments: UInt64
  /// Bytes.
  package var maxSegmentSize: UInt64
  /// Pages.
  package var maxTotalPages: UInt64
  /// Bytes: SHMMIN, from `IPC_INFO`, or the kernel's constant where the limits come from `/proc/sys/kernel`.
  package var minSegmentSize: UInt64

  /// The kernel's SHMMIN, which util-linux prints when it reads the limits from `/proc/sys/kernel`.
  package static let kernelMinSegmentSize: UInt64 = 1

  package init(maxSegments: UInt64, maxSegmentSize: UInt64, maxTotalPages: UInt64, minSegmentSize: UInt64) {
    self.maxSegments = maxSegments
    self.maxSegmentSize = maxSegmentSize
    self.maxTotalPages = maxTotalPages
    self.minSegmentSize = minSegmentSize
  }
}

/// Semaphore limits, from `/proc/sys/kernel/sem` or `IPC_INFO`.
package struct SemaphoreLimits: Hashable, Sendable {
  package var maxSets: Int32
  package var maxPerSet: Int32
  package var maxTotal: Int32
  package var maxOperationsPerCall: Int32
  /// SEMVMX: from `IPC_INFO`, or the kernel's constant where the limits come from `/proc/sys/kernel/sem`.
  package var maxValue: UInt32

  /// The kernel's SEMVMX, a compile-time constant, which util-linux prints when it reads `/proc/sys/kernel/sem`.
  package static let kernelMaxValue: UInt32 = 32767

  package init(maxSets: Int32, maxPerSet: Int32, maxTotal: Int32, maxOperationsPerCall: Int32, maxValue: UInt32) {
    self.maxSets = maxSets
    self.maxPerSet = maxPerSet
    self.maxTotal = maxTotal
    self.maxOperationsPerCall = maxOperationsPerCall
    self.maxValue = maxValue
  }
}

/// `MSG_INFO` figures (`ipcs -u`).
package struct MessageQueueUsage: Hashable, Sendable {
  package var queues: Int32
  package var messages: Int32
  package var bytes: Int32

  package init(queues: Int32, messages: Int32, bytes: Int32) {
    self.queues = queues
    self.messages = messages
    self.bytes = bytes
  }
}

/// `SHM_INFO` figures.
package struct SharedMemoryUsage: Hashable, Sendable {
  package var segments: Int32
  package var pagesAllocated: UInt64
  package var pagesResident: UInt64
  package var pagesSwapped: UInt64
  package var swapAttempts: UInt64
  package var swapSuccesses: UInt64

  package init(
    segments: Int32,
    pagesAllocated: UInt64,
    pagesResident: UInt64,
    pagesSwapped: UInt64,
    swapAttempts: UInt64,
    swapSuccesses: UInt64
  ) {
    self.segments = segments
    self.pagesAllocated = pagesAllocated
    self.pagesResident = pagesResident
    self.pagesSwapped = pagesSwapped
    self.swapAttempts = swapAttempts
    self.swapSuccesses = swapSuccesses
  }
}

/// `SEM_INFO` figures.
package struct SemaphoreUsage: Hashable, Sendable {
  package var sets: Int32
  package var semaphores: Int32

  package init(sets: Int32, semaphores: Int32) {
    self.sets = sets
    self.semaphores = semaphores
  }
}

/// One semaphore of a set (`ipcs -s -i`).
package struct SemaphoreValue: Hashable, Sendable {
  package var value: Int32
  /// Processes waiting for the value to increase.
  package var waitingForIncrease: Int32
  /// Processes waiting for the value to become zero.
  package var waitingForZero: Int32
  /// The last process to operate on it.
  package var lastPID: ProcessID

  package init(value: Int32, waitingForIncrease: Int32, waitingForZero: Int32, lastPID: ProcessID) {
    self.value = value
    self.waitingForIncrease = waitingForIncrease
    self.waitingForZero = waitingForZero
    self.lastPID = lastPID
  }
}

/// The arithmetic of `ipcs -l`.
package enum LimitArithmetic {
  /// `shmall` pages times `multiplier` (the page size, or the page size in KiB), clamped as util-linux clamps an
  /// overflow: to the largest multiple of `multiplier` that fits in 64 bits.
  package static func total(pages: UInt64, multiplier: UInt64) -> UInt64 {
    let (product, overflow) = pages.multipliedReportingOverflow(by: multiplier)
    return overflow ? UInt64.max - (UInt64.max % multiplier) : product
  }
}

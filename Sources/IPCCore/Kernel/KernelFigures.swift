import CIPCShim
import Glibc

/// Limits and usage figures, from where util-linux takes them (`ipcutils.c`).
package enum KernelFigures {
  static let kernelDirectory = "/proc/sys/kernel/"

  private static func exists(_ name: String) -> Bool { access(kernelDirectory + name, F_OK) == 0 }

  private static func contents(_ name: String) -> [UInt8]? { try? ProcFile.read(kernelDirectory + name) }

  /// msgmni, msgmax and msgmnb from `/proc/sys/kernel` when all three exist, else `msgctl(0, IPC_INFO)`; nil when
  /// neither works ("unable to fetch message limits").
  package static func messageQueueLimits() -> MessageQueueLimits? {
    if exists("msgmni") && exists("msgmnb") && exists("msgmax") {
      guard let mni = contents("msgmni").flatMap(ScanfNumber.int),
        let mnb = contents("msgmnb").flatMap(ScanfNumber.int),
        let max = contents("msgmax").flatMap(ScanfNumber.unsignedLong)
      else { return nil }
      return MessageQueueLimits(maxQueues: mni, maxMessageSize: max, defaultQueueSize: mnb)
    }
    var info = cipc_msg_limits()
    guard cipc_msg_limits(&info) >= 0 else { return nil }
    return MessageQueueLimits(
      maxQueues: info.msgmni,
      maxMessageSize: UInt64(truncatingIfNeeded: Int64(info.msgmax)),
      defaultQueueSize: info.msgmnb
    )
  }

  /// shmall, shmmax and shmmni from `/proc/sys/kernel` when all three exist, else `shmctl(0, IPC_INFO)`.
  ///
  /// util-linux ignores a failed read of one of the files (and prints whatever its stack held); swipcs prints 0.
  package static func sharedMemoryLimits() -> SharedMemoryLimits? {
    if exists("shmall") && exists("shmmax") && exists("shmmni") {
      return SharedMemoryLimits(
        maxSegments: contents("shmmni").flatMap(ScanfNumber.unsignedLong) ?? 0,
        maxSegmentSize: contents("shmmax").flatMap(ScanfNumber.unsignedLong) ?? 0,
        maxTotalPages: contents("shmall").flatMap(ScanfNumber.unsignedLong) ?? 0
      )
    }
    var info = cipc_shm_limits()
    guard cipc_shm_limits(&info) >= 0 else { return nil }
    return SharedMemoryLimits(maxSegments: info.shmmni, maxSegmentSize: info.shmmax, maxTotalPages: info.shmall)
  }

  /// The four numbers of `/proc/sys/kernel/sem` (semmsl semmns semopm semmni), else `semctl(0, 0, IPC_INFO)`.
  package static func semaphoreLimits() -> SemaphoreLimits? {
    if let text = contents("sem") {
      let values = ScanfNumber.ints(text, count: 4)
      if values.count == 4 {
        return SemaphoreLimits(
          maxSets: values[3],
          maxPerSet: values[0],
          maxTotal: values[1],
          maxOperationsPerCall: values[2]
        )
      }
    }
    var info = cipc_sem_limits()
    guard cipc_sem_limits(&info) >= 0 else { return nil }
    return SemaphoreLimits(
      maxSets: info.semmni,
      maxPerSet: info.semmsl,
      maxTotal: info.semmns,
      maxOperationsPerCall: info.semopm
    )
  }

  /// `msgctl(0, MSG_INFO)`; nil when the kernel has no message queues.
  package static func messageQueueUsage() -> MessageQueueUsage? {
    var usage = cipc_msg_usage()
    guard cipc_msg_usage(&usage) >= 0 else { return nil }
    return MessageQueueUsage(queues: usage.queues, messages: usage.messages, bytes: usage.bytes)
  }

  /// `shmctl(0, SHM_INFO)`.
  package static func sharedMemoryUsage() -> SharedMemoryUsage? {
    var usage = cipc_shm_usage()
    guard cipc_shm_usage(&usage) >= 0 else { return nil }
    return SharedMemoryUsage(
      segments: usage.used_ids,
      pagesAllocated: usage.total_pages,
      pagesResident: usage.resident_pages,
      pagesSwapped: usage.swapped_pages,
      swapAttempts: usage.swap_attempts,
      swapSuccesses: usage.swap_successes
    )
  }

  /// `semctl(0, 0, SEM_INFO)`.
  package static func semaphoreUsage() -> SemaphoreUsage? {
    var usage = cipc_sem_usage()
    guard cipc_sem_usage(&usage) >= 0 else { return nil }
    return SemaphoreUsage(sets: usage.sets, semaphores: usage.semaphores)
  }

  /// The page size `shmall` is counted in.
  package static var pageSize: UInt64 { UInt64(getpagesize()) }
}

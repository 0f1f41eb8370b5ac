import Glibc
package import IPCModel

/// Limits and usage figures, from where util-linux takes them (`ipcutils.c`).
package struct KernelFigures<SysV: SysVSource, Files: FileSource> {
  package let sysV: SysV
  package let files: Files
  package var kernelDirectory: String
  /// Where the POSIX message-queue limits of the IPC namespace are (`queues_max`, `msg_max`, `msgsize_max`).
  package var mqueueDirectory: String

  package init(
    sysV: SysV,
    files: Files,
    kernelDirectory: String = "/proc/sys/kernel/",
    mqueueDirectory: String = "/proc/sys/fs/mqueue/"
  ) {
    self.sysV = sysV
    self.files = files
    self.kernelDirectory = kernelDirectory
    self.mqueueDirectory = mqueueDirectory
  }

  private func exists(_ name: String) -> Bool { files.exists(kernelDirectory + name) }

  private func contents(_ name: String) -> [UInt8]? { try? files.read(kernelDirectory + name) }

  /// msgmni, msgmax and msgmnb from `/proc/sys/kernel` when all three exist, else `msgctl(0, IPC_INFO)`; nil when
  /// neither works ("unable to fetch message limits").
  package func messageQueueLimits() -> MessageQueueLimits? {
    if exists("msgmni") && exists("msgmnb") && exists("msgmax") {
      guard let mni = contents("msgmni").flatMap(ScanfNumber.int),
        let mnb = contents("msgmnb").flatMap(ScanfNumber.int),
        let max = contents("msgmax").flatMap(ScanfNumber.unsignedLong)
      else { return nil }
      return MessageQueueLimits(maxQueues: mni, maxMessageSize: max, defaultQueueSize: mnb)
    }
    return try? sysV.messageQueueInfo()
  }

  /// shmall, shmmax and shmmni from `/proc/sys/kernel` when all three exist, else `shmctl(0, IPC_INFO)`.
  ///
  /// util-linux ignores a failed read of one of the files (and prints whatever its stack held); swipcs prints 0.
  /// SHMMIN is a constant of the kernel (1) that util-linux prints without asking on this path.
  package func sharedMemoryLimits() -> SharedMemoryLimits? {
    if exists("shmall") && exists("shmmax") && exists("shmmni") {
      return SharedMemoryLimits(
        maxSegments: contents("shmmni").flatMap(ScanfNumber.unsignedLong) ?? 0,
        maxSegmentSize: contents("shmmax").flatMap(ScanfNumber.unsignedLong) ?? 0,
        maxTotalPages: contents("shmall").flatMap(ScanfNumber.unsignedLong) ?? 0,
        minSegmentSize: SharedMemoryLimits.kernelMinSegmentSize
      )
    }
    return try? sysV.sharedMemoryInfo()
  }

  /// The four numbers of `/proc/sys/kernel/sem` (semmsl semmns semopm semmni), else `semctl(0, 0, IPC_INFO)`.
  ///
  /// SEMVMX is a constant of the kernel (32767) that util-linux prints without asking on the first path.
  package func semaphoreLimits() -> SemaphoreLimits? {
    if let text = contents("sem") {
      let values = ScanfNumber.ints(text, count: 4)
      if values.count == 4 {
        return SemaphoreLimits(
          maxSets: values[3],
          maxPerSet: values[0],
          maxTotal: values[1],
          maxOperationsPerCall: values[2],
          maxValue: SemaphoreLimits.kernelMaxValue
        )
      }
    }
    return try? sysV.semaphoreInfo()
  }

  /// The POSIX queue limits (lsipc master's MQUMNI, MQUMAX and MQUMNB), read as util-linux master reads them
  /// (`fscanf("%" SCNu64)`) from `/proc/sys/fs/mqueue/{queues_max,msgsize_max,msg_max}`; a file that cannot be read
  /// or holds no number is 0, as there; nil when none of the three can be read (no POSIX queues in this kernel).
  package func posixQueueLimits() -> PosixQueueLimits? {
    let values = ["queues_max", "msgsize_max", "msg_max"].map { name in
      (try? files.read(mqueueDirectory + name)).flatMap(ScanfNumber.unsignedLong)
    }
    guard values.contains(where: { $0 != nil }) else { return nil }
    return PosixQueueLimits(
      maxQueues: values[0] ?? 0,
      maxMessageSize: values[1] ?? 0,
      maxMessagesPerQueue: values[2] ?? 0
    )
  }

  /// `msgctl(0, MSG_INFO)`; nil when the kernel has no message queues.
  package func messageQueueUsage() -> MessageQueueUsage? { try? sysV.messageQueueUsage() }

  /// `shmctl(0, SHM_INFO)`.
  package func sharedMemoryUsage() -> SharedMemoryUsage? { try? sysV.sharedMemoryUsage() }

  /// `semctl(0, 0, SEM_INFO)`.
  package func semaphoreUsage() -> SemaphoreUsage? { try? sysV.semaphoreUsage() }

  /// The page size `shmall` is counted in.
  package static var pageSize: UInt64 { UInt64(getpagesize()) }
}

extension Catalog {
  /// Limits and usage from the same sources as the objects.
  package var figures: KernelFigures<SysV, Files> { KernelFigures(sysV: sysV, files: files) }
}

/// One shared-memory segment (a row of `/proc/sysvipc/shm`, or `SHM_STAT_ANY`).
package struct SharedMemorySegment: Hashable, Sendable {
  package var permissions: IPCPermissions
  /// Size in bytes.
  package var size: UInt64
  package var attachCount: UInt64
  package var creatorPID: Int32
  package var lastOperationPID: Int32
  /// Seconds since the epoch; 0 means never.
  package var attachTime: Int64
  package var detachTime: Int64
  package var changeTime: Int64
  /// Resident bytes: `nil` where the source does not say (kernels before 2.6.36, and the syscalls).
  package var residentBytes: UInt64?
  /// Swapped bytes: `nil` where the source does not say.
  package var swappedBytes: UInt64?

  package init(
    permissions: IPCPermissions,
    size: UInt64,
    attachCount: UInt64,
    creatorPID: Int32,
    lastOperationPID: Int32,
    attachTime: Int64,
    detachTime: Int64,
    changeTime: Int64,
    residentBytes: UInt64? = nil,
    swappedBytes: UInt64? = nil
  ) {
    self.permissions = permissions
    self.size = size
    self.attachCount = attachCount
    self.creatorPID = creatorPID
    self.lastOperationPID = lastOperationPID
    self.attachTime = attachTime
    self.detachTime = detachTime
    self.changeTime = changeTime
    self.residentBytes = residentBytes
    self.swappedBytes = swappedBytes
  }
}

/// One message queue (a row of `/proc/sysvipc/msg`, or `MSG_STAT_ANY`).
package struct MessageQueue: Hashable, Sendable {
  package var permissions: IPCPermissions
  /// Bytes currently queued.
  package var usedBytes: UInt64
  package var messageCount: UInt64
  /// The queue's capacity in bytes: `nil` where the source does not say (`/proc` has no such column).
  package var capacityBytes: UInt64?
  package var lastSendPID: Int32
  package var lastReceivePID: Int32
  package var sendTime: Int64
  package var receiveTime: Int64
  package var changeTime: Int64

  package init(
    permissions: IPCPermissions,
    usedBytes: UInt64,
    messageCount: UInt64,
    capacityBytes: UInt64?,
    lastSendPID: Int32,
    lastReceivePID: Int32,
    sendTime: Int64,
    receiveTime: Int64,
    changeTime: Int64
  ) {
    self.permissions = permissions
    self.usedBytes = usedBytes
    self.messageCount = messageCount
    self.capacityBytes = capacityBytes
    self.lastSendPID = lastSendPID
    self.lastReceivePID = lastReceivePID
    self.sendTime = sendTime
    self.receiveTime = receiveTime
    self.changeTime = changeTime
  }
}

/// One semaphore set (a row of `/proc/sysvipc/sem`, or `SEM_STAT_ANY`).
package struct SemaphoreSet: Hashable, Sendable {
  package var permissions: IPCPermissions
  package var count: UInt64
  /// The newest semop time of any semaphore in the set; 0 means never.
  package var operationTime: Int64
  package var changeTime: Int64

  package init(permissions: IPCPermissions, count: UInt64, operationTime: Int64, changeTime: Int64) {
    self.permissions = permissions
    self.count = count
    self.operationTime = operationTime
    self.changeTime = changeTime
  }
}

import CIPCShim
import Glibc

/// The message-queue calls: the only file that reaches `msgctl`.
package enum MessageQueueCalls {
  /// Removes queue `id`.
  ///
  /// The corresponding C call is `msgctl(id, IPC_RMID)`.
  package static func remove(id: Int32) throws(IPCError) {
    _ = try Errno.check("msgctl(IPC_RMID)") { cipc_msg_remove(id) }
  }

  /// The identifier of the queue with `key`.
  ///
  /// The corresponding C call is `msgget(key, 0)`.
  package static func lookUp(key: IPCKey) throws(IPCError) -> Int32 {
    try Errno.check("msgget") { msgget(key.rawValue, 0) }
  }
}

extension MessageQueue: KernelListable {
  package static var kind: IPCKind { .messageQueues }

  /// The corresponding C call is `msgctl(0, IPC_INFO, …)`.
  package static func highestIndex() throws(IPCError) -> Int32 {
    var limits = cipc_msg_limits()
    return try Errno.check("msgctl(IPC_INFO)") { cipc_msg_limits(&limits) }
  }

  /// The corresponding C call is `msgctl(0, MSG_INFO, …)`.
  package static func count() throws(IPCError) -> Int32 {
    var usage = cipc_msg_usage()
    _ = try Errno.check("msgctl(MSG_INFO)") { cipc_msg_usage(&usage) }
    return usage.queues
  }

  /// The corresponding C call is `msgctl(target, MSG_STAT_ANY | MSG_STAT | IPC_STAT, …)`.
  package static func stat(_ target: Int32, lookup: IPCLookup) throws(IPCError) -> MessageQueue {
    var row = cipc_msg()
    _ = try Errno.check("msgctl(\(lookup.commandName("MSG")))") { cipc_msg_stat(target, lookup.shim, &row) }
    return MessageQueue(
      permissions: IPCPermissions(row.perm),
      usedBytes: row.cbytes,
      messageCount: row.qnum,
      capacityBytes: row.qbytes,
      lastSendPID: row.lspid,
      lastReceivePID: row.lrpid,
      sendTime: row.stime,
      receiveTime: row.rtime,
      changeTime: row.ctime
    )
  }
}

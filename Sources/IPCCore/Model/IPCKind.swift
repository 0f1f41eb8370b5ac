/// The three kinds of System V IPC object.
package enum IPCKind: CaseIterable, Sendable {
  case messageQueues
  case sharedMemory
  case semaphores

  /// The file under `/proc/sysvipc` that lists this kind.
  package var procFileName: String {
    switch self {
    case .messageQueues: "msg"
    case .sharedMemory: "shm"
    case .semaphores: "sem"
    }
  }
}

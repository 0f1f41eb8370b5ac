/// Whether the process a recorded pid named is still running.
///
/// A pid the kernel recorded (creator, last user, last sender or receiver, last operation) is evidence about a
/// process only with care: pids are reused. `dead` is said only when it is certain.
package enum Liveness: Hashable, Sendable {
  /// A process with the pid exists and started no later than the event that recorded it (+1 s): the same process.
  case alive
  /// No process has the pid, or the one that has it started after the event: the recorded process has exited.
  case dead
  /// The pid is 0 (never set, or not visible from the reader's pid namespace), the event's time is not known, or
  /// the process's start time could not be read.
  case unknown

  /// JSON's `true`, `false`, `null`.
  package var isAlive: Bool? {
    switch self {
    case .alive: true
    case .dead: false
    case .unknown: nil
    }
  }
}

/// What the reader found about the process that has a pid now.
package enum ProcessEvidence: Hashable, Sendable {
  /// A process has the pid; it started `startTicks` clock ticks after boot (`/proc/PID/stat` field 22).
  case running(startTicks: UInt64)
  /// No process has the pid (`kill(pid, 0)` says `ESRCH`).
  case absent
  /// A process has the pid, or may have, but its start time cannot be read.
  case unreadable
}

/// The reuse rule: a pid recorded at time T names a process still alive only if a process with that pid exists now
/// and started no later than T + 1 s (IPC times have one-second resolution).
package enum ReuseRule {
  /// `pid`, recorded by an event at `recordedAt`, judged from `evidence`; `bootTime` is `/proc/stat`'s `btime`.
  ///
  /// The start time is `bootTime + startTicks / ticksPerSecond`. `btime` is the boot time rounded down to the
  /// second and `startTicks` is rounded down to the tick, so the computed start is never later than the true one:
  /// a process judged `dead` for starting after T + 1 s truly started after the event.
  package static func judge(
    _ pid: ProcessID,
    recordedAt: Timestamp?,
    evidence: ProcessEvidence,
    bootTime: Int64?,
    ticksPerSecond: Int64
  ) -> Liveness {
    guard pid.rawValue > 0 else { return .unknown }
    switch evidence {
    case .absent:
      // A living process keeps its pid: with no process holding it, the recorded one has exited.
      return .dead
    case .unreadable:
      return .unknown
    case .running(let startTicks):
      guard let recordedAt, let bootTime, ticksPerSecond > 0 else { return .unknown }
      // Alive when bootTime + startTicks / hz <= T + 1, that is startTicks <= (T + 1 - bootTime) * hz.
      let (limitSeconds, o1) = recordedAt.rawValue.subtractingReportingOverflow(bootTime)
      let (plusOne, o2) = limitSeconds.addingReportingOverflow(1)
      guard !o1 && !o2 else { return .unknown }
      if plusOne < 0 { return .dead }
      let (limit, o3) = UInt64(plusOne).multipliedReportingOverflow(by: UInt64(ticksPerSecond))
      if o3 { return .alive }
      return startTicks <= limit ? .alive : .dead
    }
  }
}

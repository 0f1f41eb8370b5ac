package import IPCModel

/// An error after which util-linux ipcrm exits at once (an errno it has no message for, a facility the kernel
/// lacks).
package struct FatalRemovalError: Error {
  package var message: Message
}

/// Every line swipcrm prints about removals, in util-linux ipcrm's words (`remove_id`, `key_to_id`,
/// `remove_all`), and the count of failures after which it goes on.
package struct RemovalReporter {
  package let program: Program
  package private(set) var failures = 0

  package init(program: Program) { self.program = program }

  /// What a failure names: `id` or `key`, and the value as shown (an id, or a key as the user typed it).
  ///
  /// The text is made only when a failure is reported: removals that succeed build none.
  package enum Subject {
    /// An id removed by id, or (`byKey`) the id a key was resolved to: ipcrm then still says "key".
    case id(Int32, byKey: Bool)
    case key(typed: [UInt8])

    var word: StaticString {
      switch self {
      case .id(_, let byKey): byKey ? "key" : "id"
      case .key: "key"
      }
    }

    var shown: Message {
      switch self {
      case .id(let id, _): "\(id)"
      case .key(let typed): "\(typed)"
      }
    }
  }

  /// A failure after which ipcrm goes on.
  package enum Failure {
    case permissionDenied
    case invalid
    case alreadyRemoved
    case illegal
  }

  /// `removing shared memory segment id `5'`: `-v`'s line, and the one `--dry-run` prints.
  package func announce(_ kind: ObjectKind, id: Int32, to out: inout OutputBuffer) {
    out.append(Message("removing \(kind.objectNoun) id `\(id)'\n").bytes)
    out.flushIfFull()
  }

  package mutating func report(_ failure: Failure, _ subject: Subject) {
    let word = "\(subject.word)"
    switch failure {
    case .permissionDenied: program.warn("permission denied for \(word) (\(subject.shown))")
    case .invalid: program.warn("invalid \(word) (\(subject.shown))")
    case .alreadyRemoved: program.warn("already removed \(word) (\(subject.shown))")
    case .illegal: program.warn("illegal \(word) (\(subject.shown))")
    }
    failures += 1
  }

  /// `id failed: <strerror>` (or `key failed`): an errno ipcrm has no message for ends the run.
  package func fatal(_ subject: Subject, _ error: IPCError) -> FatalRemovalError {
    FatalRemovalError(message: "\(subject.word) failed: \(errno: error.code)")
  }

  /// The kernel has no such facility (`IPC_INFO` fails): `-a` of the kind ends the run.
  package func notConfigured(_ kind: ObjectKind) -> FatalRemovalError {
    FatalRemovalError(message: "kernel not configured for \(kind.facilityName)")
  }

  /// `removing POSIX shared memory `NAME'`: `-v`'s line for a POSIX object (util-linux master's), and the one
  /// `--dry-run` prints. `shown` is the name as typed, or as listed for `-a`.
  package func announce(_ kind: ObjectKind, name shown: [UInt8], to out: inout OutputBuffer) {
    out.append(Message("removing \(kind.objectNoun) `\(shown)'\n").bytes)
    out.flushIfFull()
  }

  /// A failure to remove a POSIX object by name, after which swipcrm goes on.
  package enum NameFailure {
    /// util-linux master's `permission denied for name `NAME'`.
    case permissionDenied
    /// util-linux master's `name `NAME' not found`.
    case notFound
    /// util-linux master's `name `NAME' too long`.
    case tooLong
    /// The name is an entry of `path` that is no object of the kind: a symlink, a directory, a FIFO. Not removed.
    case notAnObject(ObjectKind, path: [UInt8], PosixFileStatus.FileType)
  }

  package mutating func report(_ failure: NameFailure, name shown: [UInt8]) {
    switch failure {
    case .permissionDenied: program.warn("permission denied for name `\(shown)'")
    case .notFound: program.warn("name `\(shown)' not found")
    case .tooLong: program.warn("name `\(shown)' too long")
    case .notAnObject(let kind, let path, let type):
      let what =
        switch type {
        case .symbolicLink: "a symbolic link"
        case .directory: "a directory"
        case .other, .regular: "not a regular file"
        }
      program.warn("name `\(shown)' is not \(kind.objectNoun): \(path) is \(what); not removed")
    }
    failures += 1
  }

  /// `name failed: <strerror>`: an errno util-linux master has no message for ends the run.
  package func fatalName(_ error: IPCError) -> FatalRemovalError {
    FatalRemovalError(message: "name failed: \(errno: error.code)")
  }

  /// The old form's closing line, printed only when every id went.
  package func allDeleted(to out: inout OutputBuffer) {
    out.append("resource(s) deleted\n")
  }
}

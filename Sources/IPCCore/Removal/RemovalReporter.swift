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

  /// A failure in ipcrm's words.
  ///
  /// With `predicted` (a dry run) it is prefixed by `would fail: `. Either counts.
  package mutating func report(_ failure: Failure, _ subject: Subject, predicted: Bool = false) {
    let word = "\(subject.word)"
    let text: Message =
      switch failure {
      case .permissionDenied: "permission denied for \(word) (\(subject.shown))"
      case .invalid: "invalid \(word) (\(subject.shown))"
      case .alreadyRemoved: "already removed \(word) (\(subject.shown))"
      case .illegal: "illegal \(word) (\(subject.shown))"
      }
    program.warn(predicted ? "would fail: \(text)" : text)
    failures += 1
  }

  /// `--dry-run`'s line for an object it would remove: `would remove shared memory segment 5 (key 0x00001234,
  /// owner root)`.
  package func wouldRemove(_ object: IPCObject, owner name: [UInt8]?, to out: inout OutputBuffer) {
    let owner = name ?? Array(String(object.ownership.owner.rawValue).utf8)
    // System V objects only: the POSIX dry run names its objects by name (`wouldRemove(_:name:)`).
    out.append(Message("would remove \(object.kind.objectNoun) \(object.id ?? -1) (key ").bytes)
    out.appendHexKey(object.key?.bitPattern ?? 0)
    out.append(Message(", owner \(owner))\n").bytes)
    out.flushIfFull()
  }

  /// The same, for an object that could not be read.
  package func wouldRemove(_ kind: ObjectKind, id: Int32, to out: inout OutputBuffer) {
    out.append(Message("would remove \(kind.objectNoun) \(id)\n").bytes)
    out.flushIfFull()
  }

  /// An object left alone because of the selection (not a failure): `skipped shared memory segment 5: it does
  /// not match the selection`.
  package func skipped(_ kind: ObjectKind, id: Int32, reason: Message) {
    program.warn("skipped \(kind.objectNoun) \(id): \(reason)")
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

  /// A POSIX object left alone because of the selection (not a failure): `skipped POSIX shared memory `NAME': it
  /// does not match the selection`.
  package func skipped(_ kind: ObjectKind, name shown: [UInt8], reason: Message) {
    program.warn("skipped \(kind.objectNoun) `\(shown)': \(reason)")
  }

  /// `--dry-run`'s line for a POSIX object it would remove: `would remove POSIX shared memory `NAME' (owner root)`;
  /// without the owner where it was not read (a queue named without a selection).
  package func wouldRemove(
    _ kind: ObjectKind,
    name shown: [UInt8],
    owner name: [UInt8]?,
    uid: UserID?,
    to out: inout OutputBuffer
  ) {
    out.append(Message("would remove \(kind.objectNoun) `\(shown)'").bytes)
    if let uid {
      let owner = name ?? Array(String(uid.rawValue).utf8)
      out.append(Message(" (owner \(owner))").bytes)
    }
    out.append("\n")
    out.flushIfFull()
  }

  /// A failure to remove a POSIX object; with `predicted` (a dry run) prefixed by `would fail: `.
  package mutating func report(_ failure: NameFailure, name shown: [UInt8], predicted: Bool = false) {
    let prefix: Message = predicted ? "would fail: " : ""
    switch failure {
    case .permissionDenied: program.warn("\(prefix)permission denied for name `\(shown)'")
    case .notFound: program.warn("name `\(shown)' not found")
    case .tooLong: program.warn("name `\(shown)' too long")
    case .notAnObject(let kind, let path, let type):
      let what =
        switch type {
        case .symbolicLink: "a symbolic link"
        case .directory: "a directory"
        case .other, .regular: "not a regular file"
        }
      // "POSIX shared memory" takes no article; a semaphore or a queue does.
      let article = kind == .posixSharedMemory ? "" : "a "
      program.warn("name `\(shown)' is not \(article)\(kind.objectNoun): \(path) is \(what); not removed")
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

extension RemovalReporter {
  /// `--json`'s report: the expression, whether it was a dry run, one entry per object with its outcome, and the
  /// count of each outcome.
  package static func appendJSON(
    _ records: [RemovalRecord],
    filter: [UInt8]?,
    dryRun: Bool,
    names: inout NameCache,
    to out: inout OutputBuffer
  ) {
    out.append("{\n   \"filter\": ")
    if let filter { CellText.appendJSONString(filter, to: &out) } else { out.append("null") }
    out.append(",\n   \"dry-run\": ")
    out.append(dryRun ? "true" : "false")
    out.append(",\n   \"objects\": [")
    for (index, record) in records.enumerated() {
      out.append(index == 0 ? "\n      {" : ",\n      {")
      out.append(Message("\"kind\": \"\(record.kind.typeWord)\", \"id\": ").bytes)
      if let id = record.id { out.appendDecimal(id) } else { out.append("null") }
      out.append(", \"key\": ")
      if let key = record.key {
        out.append(UInt8(ascii: "\""))
        out.appendHexKey(key.bitPattern)
        out.append(UInt8(ascii: "\""))
      } else {
        out.append("null")
      }
      out.append(", \"name\": ")
      if let name = record.name { CellText.appendJSONString(name, to: &out) } else { out.append("null") }
      out.append(", \"owner\": ")
      if let owner = record.owner {
        CellText.appendJSONString(names.userName(owner) ?? Array(String(owner.rawValue).utf8), to: &out)
        out.append(", \"uid\": ")
        out.appendDecimal(owner.rawValue)
      } else {
        out.append("null, \"uid\": null")
      }
      out.append(Message(", \"outcome\": \"\(record.outcome.rawValue)\"}").bytes)
      out.flushIfFull()
    }
    out.append(records.isEmpty ? "],\n   \"totals\": {" : "\n   ],\n   \"totals\": {")
    for (index, outcome) in RemovalOutcome.allCases.enumerated() {
      let count = records.lazy.filter { $0.outcome == outcome }.count
      out.append(Message("\(index == 0 ? "" : ", ")\"\(outcome.rawValue)\": \(count)").bytes)
    }
    out.append("}\n}\n")
  }
}

/// Where a listing came from.
package enum ListingSource: Hashable, Sendable {
  /// `IPC_INFO` then `*_STAT_ANY` on every slot: every object, whatever its permissions.
  case kernelSlotsIgnoringPermissions
  /// `/proc/sysvipc/<kind>`: every object, whatever its permissions.
  case procFile
  /// `IPC_INFO` then `*_STAT` on every slot: only the objects the caller may read (util-linux's own fallback).
  case kernelReadableSlots
}

/// The objects of one kind, in kernel slot order, and how they were found.
package struct Listing<Row: Sendable>: Sendable {
  package var rows: [Row]
  /// nil when no source answered: the listing is then empty, as util-linux's is.
  package var source: ListingSource?
  /// Lines of `/proc/sysvipc` that did not parse and were left out.
  package var skipped: [ProcParseError]
}

/// Gathers the objects of a kind from the fastest source that works.
///
/// util-linux reads `/proc/sysvipc` first. swipcs asks the kernel first: `*_STAT_ANY` gives the same rows, in the
/// same slot order, regardless of permissions, without the kernel formatting text that is then parsed again; at
/// 32,000 objects of each kind it takes less than half the time of reading the three files (see the README's
/// benchmark). `/proc/sysvipc` is used where `*_STAT_ANY` is missing (Linux before 4.17) or refused (a security
/// module), and util-linux's `*_STAT` walk where `/proc` cannot be read either.
package enum ObjectCatalog {
  package static let defaultSources: [ListingSource] = [
    .kernelSlotsIgnoringPermissions, .procFile, .kernelReadableSlots,
  ]

  package static func list<Row: KernelListable>(
    _ type: Row.Type,
    sources: [ListingSource] = defaultSources,
    procDirectory: String = "/proc/sysvipc"
  ) -> Listing<Row> {
    for source in sources {
      switch source {
      case .kernelSlotsIgnoringPermissions, .kernelReadableSlots:
        if let rows = walkSlots(Row.self, ignoringPermissions: source == .kernelSlotsIgnoringPermissions) {
          return Listing(rows: rows, source: source, skipped: [])
        }
      case .procFile:
        let path = procDirectory + "/" + Row.kind.procFileName
        guard let bytes = try? ProcFile.read(path), let table = try? Row.parseProcFile(bytes, file: path) else {
          continue
        }
        return Listing(rows: table.rows, source: source, skipped: table.skipped)
      }
    }
    return Listing(rows: [], source: nil, skipped: [])
  }

  /// Stats every slot up to the highest one in use.
  ///
  /// Returns nil when this way of asking does not work here.
  private static func walkSlots<Row: KernelListable>(_ type: Row.Type, ignoringPermissions: Bool) -> [Row]? {
    var rows: [Row] = []
    let worked = visitSlots(Row.self, ignoringPermissions: ignoringPermissions, reserve: { rows.reserveCapacity($0) }) {
      rows.append($0)
    }
    return worked ? rows : nil
  }

  /// Hands every object the caller may read to `visit` as soon as its slot is read, in slot order: util-linux
  /// `remove_all` removes each object as it finds it, and so does swipcrm `-a`.
  ///
  /// Returns false when `IPC_INFO` fails (the kernel has no such IPC); objects that vanish or may not be read are
  /// passed over.
  package static func visitReadable<Row: KernelListable, Failure: Error>(
    _ type: Row.Type,
    _ visit: (Row) throws(Failure) -> Void
  ) throws(Failure) -> Bool {
    try visitSlots(Row.self, ignoringPermissions: false, reserve: { _ in }, visit)
  }

  private static func visitSlots<Row: KernelListable, Failure: Error>(
    _ type: Row.Type,
    ignoringPermissions: Bool,
    reserve: (Int) -> Void,
    _ visit: (Row) throws(Failure) -> Void
  ) throws(Failure) -> Bool {
    guard let highest = try? Row.highestIndex(), highest >= 0 else { return false }
    // Slots hold at most one object each; the cap keeps a sparse table (ipcmni_extend allows 16M slots) cheap.
    reserve(min(Int(highest) + 1, 1 << 16))
    let lookup: IPCLookup = ignoringPermissions ? .slotIgnoringPermissions : .readableSlot
    var found = false
    for index in 0...highest {
      let row: Row
      do throws(IPCError) {
        row = try Row.stat(index, lookup: lookup)
      } catch {
        switch error.code {
        case Errno.invalidArgument, Errno.identifierRemoved:
          continue  // an empty slot, or an object removed while we walk
        case Errno.permissionDenied, Errno.notPermitted:
          if ignoringPermissions { return false }  // *_STAT_ANY refused by a security module
          continue  // *_STAT: an object the caller may not read is left out, as util-linux leaves it out
        default:
          if ignoringPermissions { return false }
          continue  // util-linux's walks pass over any failure
        }
      }
      found = true
      try visit(row)
    }
    // A kernel before 4.17 answers EINVAL for the unknown *_STAT_ANY command on every slot, used or not: an empty
    // walk is only believed when the kernel also counts no object.
    if ignoringPermissions && !found && (try? Row.count()) != 0 { return false }
    return true
  }
}

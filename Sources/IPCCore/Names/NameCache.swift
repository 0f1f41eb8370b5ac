import Glibc
package import IPCModel

/// uid → user name and gid → group name, looked up once per distinct id.
///
/// util-linux calls getpwuid/getgrgid for every row and column; with tens of thousands of objects owned by a
/// handful of users that is most of its run time. A name is kept as the bytes the database holds (not
/// necessarily UTF-8), and a missing entry is remembered as missing.
package struct NameCache {
  private var users: [UInt32: [UInt8]?] = [:]
  private var groups: [UInt32: [UInt8]?] = [:]
  private var buffer = LookupBuffer()
  /// The last user looked up: rows mostly come in runs of one owner, and this skips the hashing.
  private var lastUser: (id: UInt32, name: [UInt8]?)?

  package init() {}

  /// The user name of `id`, or nil when the passwd database has no entry.
  package mutating func userName(_ id: UserID) -> [UInt8]? {
    if let lastUser, lastUser.id == id.rawValue { return lastUser.name }
    let name: [UInt8]?
    if let known = users[id.rawValue] {
      name = known
    } else {
      name = buffer.lookUp(passwd(), name: \.pw_name) { getpwuid_r(id.rawValue, $0, $1, $2, $3) }
      users[id.rawValue] = name
    }
    lastUser = (id.rawValue, name)
    return name
  }

  /// The group name of `id`, or nil when the group database has no entry.
  package mutating func groupName(_ id: GroupID) -> [UInt8]? {
    if let known = groups[id.rawValue] { return known }
    let name = buffer.lookUp(group(), name: \.gr_name) { getgrgid_r(id.rawValue, $0, $1, $2, $3) }
    groups[id.rawValue] = name
    return name
  }
}

/// The scratch buffer of `getpwuid_r`/`getgrgid_r`, grown while an entry does not fit and kept at its size.
///
/// util-linux's `getpwuid`/`getgrgid` grow glibc's buffer without limit: a group whose member line takes
/// megabytes (large LDAP-backed hosts have them) still has a name. With the `files` backend every line read on
/// the way to the entry must fit too, so one huge line affects every entry after it; keeping the grown buffer
/// makes those lookups succeed at the first call.
///
/// The limit is a real memory limit rather than a guess at the largest entry: the buffer doubles until the entry
/// fits, until `malloc` refuses (the caller's RLIMIT_AS or RLIMIT_DATA, or the kernel's overcommit check), or
/// until it would exceed the machine's physical memory. An entry larger than all of memory cannot be a real one
/// (glibc's `files` backend reads the line into this very buffer); only a misbehaving NSS module that answers
/// ERANGE forever reaches the limit. When the limit is reached the lookup fails and the id is printed as a
/// number, as util-linux prints it when `getpwuid` fails with ENOMEM. The memory is not touched beyond what the
/// backend writes, so a buffer grown for one entry costs only the pages that entry used.
private final class LookupBuffer {
  private var base: UnsafeMutableRawPointer
  private var size: Int

  /// The largest buffer a lookup may use: the machine's physical memory.
  static let limit: Int = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let pageSize = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, pageSize > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
    return overflow ? Int.max : bytes
  }()

  init() {
    size = 1024
    base = malloc(size).unsafelyUnwrapped
  }

  deinit { free(base) }

  /// One `getpwuid_r`/`getgrgid_r` call, repeated with a larger buffer while the entry does not fit (ERANGE).
  func lookUp<Entry>(
    _ empty: Entry,
    name: KeyPath<Entry, UnsafeMutablePointer<CChar>?>,
    _ call: (
      UnsafeMutablePointer<Entry>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>
    ) -> Int32
  ) -> [UInt8]? {
    var entry = empty
    var result: UnsafeMutablePointer<Entry>?
    while true {
      let rc = call(&entry, base.assumingMemoryBound(to: CChar.self), size, &result)
      if rc == ERANGE {
        if grow() { continue }
        return nil
      }
      guard rc == 0, result != nil, let text = entry[keyPath: name] else { return nil }
      return cStringBytes(text)
    }
  }

  /// Doubles the buffer, or returns false when that would pass ``limit`` or `malloc` refuses.
  private func grow() -> Bool {
    guard size < Self.limit else { return false }
    let next = size <= Self.limit / 2 ? size * 2 : Self.limit
    // A new block rather than realloc: the old contents are scratch, and copying megabytes would be wasted.
    guard let larger = malloc(next) else { return false }
    free(base)
    base = larger
    size = next
    return true
  }
}

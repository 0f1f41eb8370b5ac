import Glibc

/// uid → user name and gid → group name, looked up once per distinct id.
///
/// util-linux calls getpwuid/getgrgid for every row and column; with tens of thousands of objects owned by a
/// handful of users that is most of its run time. A name is kept as the bytes the database holds (not
/// necessarily UTF-8), and a missing entry is remembered as missing.
package struct NameCache {
  private var users: [UInt32: [UInt8]?] = [:]
  private var groups: [UInt32: [UInt8]?] = [:]
  private var buffer: [CChar] = .init(repeating: 0, count: 1024)
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
      name = lookUp(passwd(), name: \.pw_name) { getpwuid_r(id.rawValue, $0, $1, $2, $3) }
      users[id.rawValue] = name
    }
    lastUser = (id.rawValue, name)
    return name
  }

  /// The group name of `id`, or nil when the group database has no entry.
  package mutating func groupName(_ id: GroupID) -> [UInt8]? {
    if let known = groups[id.rawValue] { return known }
    let name = lookUp(group(), name: \.gr_name) { getgrgid_r(id.rawValue, $0, $1, $2, $3) }
    groups[id.rawValue] = name
    return name
  }

  /// One `getpwuid_r`/`getgrgid_r` call, with the scratch buffer grown while the entry does not fit (ERANGE).
  private mutating func lookUp<Entry>(
    _ empty: Entry,
    name: KeyPath<Entry, UnsafeMutablePointer<CChar>?>,
    _ call: (
      UnsafeMutablePointer<Entry>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>
    ) -> Int32
  ) -> [UInt8]? {
    var entry = empty
    var result: UnsafeMutablePointer<Entry>?
    while true {
      let size = buffer.count
      let rc = buffer.withUnsafeMutableBufferPointer { storage in
        call(&entry, storage.baseAddress.unsafelyUnwrapped, size, &result)
      }
      if rc == ERANGE && size < 1 << 20 {
        buffer = .init(repeating: 0, count: size * 4)
        continue
      }
      guard rc == 0, result != nil, let text = entry[keyPath: name] else { return nil }
      return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }
  }
}

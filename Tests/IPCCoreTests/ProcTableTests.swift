import Glibc
import IPCCore
import IPCModel
import Testing

@Suite("/proc/sysvipc parsing")
struct ProcTableTests {
  @Test func sixteenColumnKernel() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("proc-shm-16-columns.txt"))
    #expect(table.skipped.isEmpty)
    #expect(table.rows.count == 5)
    let first = try #require(table.rows.first)
    #expect(first.key == IPCKey(rawValue: -876_697_071))
    #expect(first.key.bitPattern == 0xcbbe_aa11)
    #expect(first.ownership.group == GroupID(rawValue: 4343))
    #expect(first.size == 1_048_577)
    #expect(first.attachCount == 2)
    #expect(first.residentBytes == 0)
    #expect(first.swappedBytes == 0)
    let removed = table.rows[2]
    #expect(removed.ownership.mode.contains(.destroyed))
    #expect(removed.ownership.mode.accessBits == 0o634)
    #expect(removed.ownership.creator == UserID(rawValue: 4242))
    #expect(table.rows[3].id == 203_096_167)
    #expect(table.rows[4].ownership.mode == IPCMode(rawValue: 0o1000))
  }

  @Test func fourteenColumnKernelHasNoResidentOrSwapFigures() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("proc-shm-14-columns.txt"))
    #expect(table.skipped.isEmpty)
    #expect(table.rows.count == 2)
    #expect(table.rows.allSatisfy { $0.residentBytes == nil && $0.swappedBytes == nil })
    #expect(table.rows[1].ownership.mode.rawValue == 0o1666)
    #expect(table.rows[1].lastOperationPID.rawValue == 31003)
  }

  @Test func fifteenColumnKernelHasResidentOnly() throws {
    let row = try #require(try SharedMemorySegment.parseProcFile(try fixture("proc-shm-15-columns.txt")).rows.first)
    #expect(row.residentBytes == 4096)
    #expect(row.swappedBytes == nil)
  }

  @Test func futureColumnsAreIgnored() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("proc-shm-future-columns.txt"))
    #expect(table.skipped.isEmpty)
    #expect(table.rows.first?.changeTime?.rawValue == 1_795_383_152)
  }

  @Test func extremeValuesParse() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("proc-shm-edge-values.txt"))
    #expect(table.skipped.isEmpty)
    let big = try #require(table.rows.first)
    #expect(big.key == IPCKey(rawValue: .min))
    #expect(big.key.bitPattern == 0x8000_0000)
    #expect(big.id == .max)
    #expect(big.ownership.owner == UserID(rawValue: .max))
    #expect(big.ownership.creatorGroup == GroupID(rawValue: .max))
    #expect(big.size == .max)
    #expect(big.attachCount == .max)
    #expect(big.attachTime?.rawValue == .max)
    #expect(big.ownership.mode.contains([.destroyed, .locked]))
    #expect(table.rows[1].key.bitPattern == 0x7fff_ffff)
    #expect(table.rows[2].key.bitPattern == 0xb177_c0b4)
  }

  @Test func malformedLinesAreSkippedAndNamed() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("malformed-shm.txt"), file: "shm")
    // Line 10's ctime of 99999999999999999999 is read as %SCNi64 reads it (Int64.max), as ipcs lists it.
    #expect(table.rows.map(\.id) == [6, 7])
    #expect(table.rows.last?.changeTime?.rawValue == .max)
    #expect(table.skipped.map(\.line) == [2, 3, 4, 5, 6, 7])
    #expect(table.skipped[0].description == "shm:2: 'key' is not a 32-bit number: 'abc'")
    #expect(table.skipped[1].description == "shm:3: no 'gid' field")
    #expect(table.skipped[2].reason == "'perms' is not an octal mode: '689'")
    #expect(table.skipped[3].reason == "'uid' is not an unsigned 32-bit number: '4294967296'")
    #expect(table.skipped[4].reason == "'size' is not an unsigned 64-bit number: '-1'")
    #expect(table.skipped[5].reason == "'key' is not a 32-bit number: '2147483648'")
  }

  /// util-linux reads the times with `%SCNi64` (`%li`): strtol's rules with the base taken from the prefix, and
  /// glibc's scanf stores the saturated value on overflow (checked in `ScanfLongFieldTests` against glibc).
  @Test func timesAreReadAsScanfReadsThem() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("proc-shm-times.txt"), file: "shm")
    #expect(table.rows.map(\.id) == [0, 1, 2, 3])
    let times = table.rows.map { [$0.attachTime, $0.detachTime, $0.changeTime].map { $0?.rawValue ?? 0 } }
    #expect(times[0] == [-1, .max, 1_795_383_152])
    #expect(times[1] == [.max, .min, .min])
    #expect(times[2] == [16, 8, 0])
    #expect(times[3] == [253_402_300_800, .min, .max])
    // A field %li does not take whole (ipcs would read the rest as the next column) is still a malformed line.
    #expect(
      table.skipped.map(\.description) == [
        "shm:6: 'atime' is not a time: '08'", "shm:7: 'dtime' is not a time: '1x1'",
        "shm:8: 'ctime' is not a time: '-'", "shm:9: 'ctime' is not a time: '0xg'",
      ]
    )
    let queue = try #require(try MessageQueue.parseProcFile(try fixture("proc-msg-times.txt")).rows.first)
    #expect(
      [queue.sendTime, queue.receiveTime, queue.changeTime].map { $0?.rawValue ?? 0 } == [.max, -1, 253_402_300_800]
    )
    let set = try #require(try SemaphoreSet.parseProcFile(try fixture("proc-sem-times.txt")).rows.first)
    #expect([set.operationTime, set.changeTime].map { $0?.rawValue ?? 0 } == [-1, .max])
  }

  /// Fields are separated by whatever `sscanf` skips, vertical tab and form feed too (found by the fuzz target).
  @Test func everyScanfSpaceSeparatesFields() throws {
    let table = try SharedMemorySegment.parseProcFile(try fixture("proc-shm-scanf-spaces.txt"), file: "shm")
    #expect(table.skipped.isEmpty)
    let row = try #require(table.rows.first)
    #expect(row.id == 7)
    #expect(row.key == IPCKey(rawValue: 4660))
    #expect(row.ownership.mode.accessBits == 0o600)
    #expect(row.changeTime == Timestamp(kernelValue: 795_383_152))
  }

  @Test func aMissingRequiredColumnRejectsTheFile() throws {
    #expect(throws: ProcParseError(file: "shm", line: 1, reason: "the header has no 'nattch' column")) {
      try SharedMemorySegment.parseProcFile(try fixture("malformed-missing-column.txt"), file: "shm")
    }
  }

  @Test func anEmptyFileHasNoHeader() throws {
    #expect(throws: ProcParseError(file: "sem", line: 1, reason: "no header line")) {
      try SemaphoreSet.parseProcFile(try fixture("empty.txt"), file: "sem")
    }
  }

  @Test func messageQueues() throws {
    let table = try MessageQueue.parseProcFile(try fixture("proc-msg.txt"))
    #expect(table.skipped.isEmpty)
    #expect(table.rows.count == 5)
    let last = try #require(table.rows.last)
    #expect(last.key == IPCKey(rawValue: -715_797_849))
    #expect(last.usedBytes == 7130)
    #expect(last.messageCount == 2)
    #expect(last.lastReceivePID.rawValue == 17139)
    #expect(last.receiveTime?.rawValue == 1_795_388_679)
    #expect(last.capacityBytes == nil)
    #expect(table.rows[1].ownership.mode.rawValue == 0)
  }

  @Test func malformedMessageQueueLines() throws {
    let table = try MessageQueue.parseProcFile(try fixture("malformed-msg.txt"), file: "msg")
    #expect(table.rows.map(\.id) == [0])
    #expect(
      table.skipped.map(\.description) == [
        "msg:3: no 'ctime' field", "msg:4: 'cbytes' is not an unsigned 64-bit number: 'x0'",
      ]
    )
  }

  @Test func semaphoreSets() throws {
    let table = try SemaphoreSet.parseProcFile(try fixture("proc-sem.txt"))
    #expect(table.skipped.isEmpty)
    #expect(table.rows.map(\.semaphoreCount) == [6, 1, 1, 1, 1])
    #expect(table.rows[1].operationTime == nil)
    #expect(table.rows[4].id == 544_931_847)
    #expect(table.rows[4].ownership.owner == UserID(rawValue: 65534))
  }
}

@Suite("ASCII numbers")
struct DigitsTests {
  @Test(arguments: [("0", Int32(0)), ("-1", -1), ("-2147483648", .min), ("2147483647", .max), ("+5", 5)])
  func signedFitting(text: String, expected: Int32) {
    #expect(Digits.signed(Array(text.utf8)[...], as: Int32.self) == expected)
  }

  @Test(arguments: ["", "-", "2147483648", "-2147483649", "1x", " 1", "0x1", "--1"])
  func signedRejected(text: String) {
    #expect(Digits.signed(Array(text.utf8)[...], as: Int32.self) == nil)
  }

  @Test func unsignedEdges() {
    #expect(Digits.unsigned(Array("18446744073709551615".utf8)[...]) == .max)
    #expect(Digits.unsigned(Array("18446744073709551616".utf8)[...]) == nil)
    #expect(Digits.unsigned(Array("3777".utf8)[...], radix: 8) == 0o3777)
    #expect(Digits.unsigned(Array("8".utf8)[...], radix: 8) == nil)
  }
}

/// ``ScanfNumber/longField(_:)`` against glibc's own `sscanf("%li%n")` on the same text.
@Suite("%li fields as glibc's scanf reads them")
struct ScanfLongFieldTests {
  /// What glibc stores for `text` with `%li`, or nil when the conversion does not take all of it.
  static func glibc(_ text: String) -> Int64? {
    var value = 0
    var consumed: Int32 = -1
    let converted = withUnsafeMutablePointer(to: &value) { valuePointer in
      withUnsafeMutablePointer(to: &consumed) { consumedPointer in
        withVaList([valuePointer, consumedPointer]) { vsscanf(text, "%li%n", $0) }
      }
    }
    return converted == 1 && consumed == text.utf8.count ? Int64(value) : nil
  }

  @Test(arguments: [
    "-1", "18446744073709551615", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "-18446744073709551615", "99999999999999999999", "010", "08", "0x10", "0x", "0xg",
    "-0x8000000000000000", "0xffffffffffffffff", "+", "-", "+5", "1x", "00", "-0", "0X1F", "+0x", "09", "0",
    "0777", "-0x", "1795383152", "00000000000000000000000000000001", "0x0000000000000000000000001", "--1", "x1",
  ])
  func agreesWithGlibc(text: String) {
    #expect(ScanfNumber.longField(Array(text.utf8)[...]) == Self.glibc(text))
  }

  @Test func overflowSaturatesAsGlibcStoresIt() {
    #expect(Self.glibc("18446744073709551615") == .max)
    #expect(ScanfNumber.longField(Array("18446744073709551615".utf8)[...]) == .max)
    #expect(ScanfNumber.longField(Array("-1".utf8)[...]) == -1)
    #expect(ScanfNumber.longField(Array("-99999999999999999999".utf8)[...]) == .min)
  }
}

// libFuzzer targets for the parsers that read untrusted text. One of FUZZ_PROC_SHM, FUZZ_PROC_MSG,
// FUZZ_PROC_SEM, FUZZ_NUMBERS, FUZZ_PROC_PROCESS or FUZZ_FILTER is defined when Tests/Fuzz/run.sh builds this file against the IPCModel target
// (built on its own, instrumented). A broken invariant is a fatalError, which libFuzzer reports as a crash and
// saves as an artifact.
import Glibc
import IPCModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: data, count: count))
  #if FUZZ_PROC_SHM
  checkTable(bytes, SharedMemorySegment.parseProcFile, utilLinux: shmFormat, values: shmValues)
  #elseif FUZZ_PROC_MSG
  checkTable(bytes, MessageQueue.parseProcFile, utilLinux: msgFormat, values: msgValues)
  #elseif FUZZ_PROC_SEM
  checkTable(bytes, SemaphoreSet.parseProcFile, utilLinux: semFormat, values: semValues)
  #elseif FUZZ_NUMBERS
  checkNumbers(bytes)
  #elseif FUZZ_PROC_PROCESS
  checkProcessFiles(bytes)
  #elseif FUZZ_FILTER
  checkFilter(bytes)
  #endif
  return 0
}

/// util-linux 2.38.1's scanf format for a line of a `/proc/sysvipc` file (`sys-utils/ipcutils.c`, x86-64), with
/// the kernel's header names in the same order.
struct UtilLinuxFormat {
  var header: [String]
  var format: String
  /// How many fields util-linux needs for the line to count (shm: 14 of 16).
  var required: Int
}

let shmFormat = UtilLinuxFormat(
  header: [
    "key", "shmid", "perms", "size", "cpid", "lpid", "nattch", "uid", "gid", "cuid", "cgid", "atime", "dtime",
    "ctime", "rss", "swap",
  ],
  format: "%d %d  %o %lu %u %u  %lu %u %u %u %u %li %li %li %lu %lu\n",
  required: 14
)
let msgFormat = UtilLinuxFormat(
  header: [
    "key", "msqid", "perms", "cbytes", "qnum", "lspid", "lrpid", "uid", "gid", "cuid", "cgid", "stime", "rtime",
    "ctime",
  ],
  format: "%d %d  %o  %lu %lu %u %u %u %u %u %u %li %li %li\n",
  required: 14
)
let semFormat = UtilLinuxFormat(
  header: ["key", "semid", "perms", "nsems", "uid", "gid", "cuid", "cgid", "otime", "ctime"],
  format: "%d %d  %o %lu %u %u %u %u %li %li\n",
  required: 10
)

/// A row's fields in util-linux's scanf order, each as the 64 bits scanf would store (32-bit fields zero-extended).
func permissionValues(_ r: some SystemVObject) -> [UInt64] {
  [
    UInt64(r.key.bitPattern), UInt64(UInt32(bitPattern: r.id)), UInt64(r.ownership.mode.rawValue),
  ]
}
func ownerValues(_ r: some SystemVObject) -> [UInt64] {
  let p = r.ownership
  return [p.owner.rawValue, p.group.rawValue, p.creator.rawValue, p.creatorGroup.rawValue].map { UInt64($0) }
}
func pid(_ value: ProcessID) -> UInt64 { UInt64(UInt32(bitPattern: value.rawValue)) }
/// A time as scanf stored it: "never" is the kernel's 0.
func time(_ value: Timestamp?) -> UInt64 { UInt64(bitPattern: value?.rawValue ?? 0) }

func shmValues(_ r: SharedMemorySegment) -> [UInt64] {
  permissionValues(r) + [r.size, pid(r.creatorPID), pid(r.lastOperationPID), r.attachCount]
    + ownerValues(r) + [time(r.attachTime), time(r.detachTime), time(r.changeTime)]
    + [r.residentBytes, r.swappedBytes].compactMap { $0 }
}
func msgValues(_ r: MessageQueue) -> [UInt64] {
  permissionValues(r) + [r.usedBytes, r.messageCount, pid(r.lastSendPID), pid(r.lastReceivePID)]
    + ownerValues(r) + [time(r.sendTime), time(r.receiveTime), time(r.changeTime)]
}
func semValues(_ r: SemaphoreSet) -> [UInt64] {
  permissionValues(r) + [r.semaphoreCount] + ownerValues(r)
    + [time(r.operationTime), time(r.changeTime)]
}

/// What util-linux's `sscanf(line, format, …)` stores: how many fields it converted, and each field's 64 bits.
func utilLinuxScan(_ line: ArraySlice<UInt8>, _ format: UtilLinuxFormat) -> (count: Int, values: [UInt64]) {
  var text = line.map { CChar(bitPattern: $0) } + [0]
  var slots = [UInt64](repeating: 0, count: format.header.count)
  let count = slots.withUnsafeMutableBufferPointer { storage in
    let pointers = (0..<storage.count).map { storage.baseAddress.unsafelyUnwrapped + $0 }
    return withVaList(pointers) { arguments in
      text.withUnsafeMutableBufferPointer { vsscanf($0.baseAddress, format.format, arguments) }
    }
  }
  // %d, %u and %o store 32 bits (the low half on x86-64); the slots started at 0.
  let conversions = format.format.split(separator: "%", omittingEmptySubsequences: false).dropFirst()
  for (index, conversion) in conversions.enumerated() where !conversion.hasPrefix("l") {
    slots[index] &= 0xffff_ffff
  }
  return (Int(count), slots)
}

/// Every data line that has a field ends up either as a row or as a skipped line that names it; and where the
/// file has the kernel's header, every row holds what util-linux's scanf reads from its line.
func checkTable<Row>(
  _ bytes: [UInt8],
  _ parse: ([UInt8], String) throws(ProcParseError) -> ProcTable<Row>,
  utilLinux format: UtilLinuxFormat,
  values: (Row) -> [UInt64]
) {
  let table: ProcTable<Row>
  do throws(ProcParseError) {
    table = try parse(bytes, "fuzz")
  } catch {
    guard error.line == 1 else { fatalError("a header error names line \(error.line)") }
    return
  }
  let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropFirst()
  let dataLines = lines.filter { line in line.contains { !CommandLineNumber.isSpace($0) } }.count
  guard table.rows.count + table.skipped.count == dataLines else {
    fatalError("\(table.rows.count) rows + \(table.skipped.count) skipped != \(dataLines) data lines")
  }
  let lineCount = lines.count + 1
  for problem in table.skipped where !(2...lineCount).contains(problem.line) {
    fatalError("skipped line \(problem.line) is outside 2...\(lineCount)")
  }

  // A line left out for its time: glibc's %li (util-linux's %SCNi64) does not take that field whole either.
  let header = ProcTableParser.fields(of: bytes.prefix { $0 != UInt8(ascii: "\n") }[...]).map {
    String(decoding: $0, as: UTF8.self)
  }
  let lineList = Array(lines)
  for problem in table.skipped {
    guard let name = problem.reason.split(separator: "'").first, problem.reason.hasPrefix("'\(name)' is not a time"),
      let column = header.firstIndex(of: String(name))
    else { continue }
    let fields = ProcTableParser.fields(of: lineList[problem.line - 2])
    if column < fields.count, let value = scanfLong(Array(fields[column])) {
      fatalError("line \(problem.line): '\(name)' left out, but %li reads it whole as \(value)")
    }
  }

  // The kernel's header (shm also in its 14-column form): columns are where util-linux's format expects them.
  guard header == format.header || header == Array(format.header.prefix(format.required)) else { return }
  let skippedLines = Set(table.skipped.map(\.line))
  var rows = table.rows[...]
  for (offset, line) in lines.enumerated() where line.contains(where: { !CommandLineNumber.isSpace($0) }) {
    if skippedLines.contains(offset + 2) { continue }
    guard let row = rows.popFirst() else { fatalError("fewer rows than lines") }
    let expected = values(row)
    let scanned = utilLinuxScan(line, format)
    guard scanned.count >= format.required, Array(scanned.values.prefix(expected.count)) == expected else {
      fatalError("line \(offset + 2): swipcs read \(expected), util-linux's sscanf \(scanned)")
    }
  }
}

/// Runs a libc conversion on `bytes` as a C string: the value, whether anything was converted, whether all of it
/// was, and errno.
func libc<T>(
  _ bytes: [UInt8],
  _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T
) -> (value: T, converted: Bool, whole: Bool, errno: Int32) {
  var text = bytes.map { CChar(bitPattern: $0) } + [0]
  return text.withUnsafeMutableBufferPointer { buffer in
    let start = buffer.baseAddress.unsafelyUnwrapped
    var end: UnsafeMutablePointer<CChar>? = nil
    errno = 0
    let value = convert(start, &end)
    let code = errno
    let stop = end ?? start
    return (value, stop != start, stop.pointee == 0, code)
  }
}

/// The command-line and /proc/sys number parsers agree with glibc's conversions under util-linux's rules.
func checkNumbers(_ bytes: [UInt8]) {
  // Also without a reference: no input may crash them.
  _ = ScanfNumber.ints(bytes, count: 4)
  guard !bytes.contains(0) else {
    _ = CommandLineNumber.decimalInt32(bytes)
    _ = CommandLineNumber.key(bytes)
    return
  }

  // ipcs -i / ipcrm -m: util-linux strtos32_or_err.
  let long = libc(bytes) { strtoll($0, $1, 10) }
  let expectedID: Result<Int32, NumberError> =
    if long.errno == ERANGE { .failure(.outOfRange) } else if bytes.isEmpty || !long.converted || !long.whole {
      .failure(.invalid)
    } else if let id = Int32(exactly: long.value) { .success(id) } else { .failure(.outOfRange) }
  guard CommandLineNumber.decimalInt32(bytes) == expectedID else {
    fatalError("decimalInt32(\(bytes)) != \(expectedID)")
  }

  // ipcrm -M: strtoul(…, 0), then swipcrm's 32-bit range (negative down to -2^31, positive up to 2^32-1).
  let unsigned = libc(bytes) { strtoul($0, $1, 0) }
  let negative = bytes.drop { CommandLineNumber.isSpace($0) }.first == UInt8(ascii: "-")
  let expectedKey: Result<IPCKey, NumberError>
  if unsigned.errno == ERANGE {
    expectedKey = .failure(.outOfRange)
  } else if bytes.isEmpty || !unsigned.converted || !unsigned.whole {
    expectedKey = .failure(.invalid)
  } else if negative ? (0 &- unsigned.value) <= 1 << 31 : unsigned.value <= UInt(UInt32.max) {
    expectedKey = .success(IPCKey(rawValue: Int32(truncatingIfNeeded: unsigned.value)))
  } else {
    expectedKey = .failure(.outOfRange)
  }
  guard CommandLineNumber.key(bytes) == expectedKey else { fatalError("key(\(bytes)) != \(expectedKey)") }

  // /proc/sys/kernel: fscanf %lu and %d, which convert as strtoul and strtol on the longest prefix.
  let scannedUnsigned = libc(bytes) { strtoul($0, $1, 10) }
  guard ScanfNumber.unsignedLong(bytes) == (scannedUnsigned.converted ? UInt64(scannedUnsigned.value) : nil) else {
    fatalError("unsignedLong(\(bytes)) != strtoul")
  }
  let scannedInt = libc(bytes) { strtol($0, $1, 10) }
  let expectedInt = scannedInt.converted ? Int32(truncatingIfNeeded: scannedInt.value) : nil
  guard ScanfNumber.int(bytes) == expectedInt else { fatalError("int(\(bytes)) != strtol") }

  // /proc/sysvipc times: util-linux's sscanf %SCNi64 (%li) on a whole field (no white space in it).
  if !bytes.isEmpty && !bytes.contains(where: { isspace(Int32($0)) != 0 }) {
    guard ScanfNumber.longField(bytes[...]) == scanfLong(bytes) else {
      fatalError("longField(\(bytes)) != sscanf %li (\(String(describing: scanfLong(bytes))))")
    }
  }
}

/// What glibc's `sscanf(text, "%li%n")` stores, or nil unless it converts all of `bytes`.
func scanfLong(_ bytes: [UInt8]) -> Int64? {
  var text = bytes.map { CChar(bitPattern: $0) } + [0]
  var value = 0
  var consumed: Int32 = -1
  let converted = withUnsafeMutablePointer(to: &value) { valuePointer in
    withUnsafeMutablePointer(to: &consumed) { consumedPointer in
      withVaList([valuePointer, consumedPointer]) { arguments in
        text.withUnsafeMutableBufferPointer { vsscanf($0.baseAddress, "%li%n", arguments) }
      }
    }
  }
  return converted == 1 && consumed == bytes.count ? Int64(value) : nil
}

// MARK: The per-process files (maps, stat, /proc/stat, syscall, status)

/// The first byte picks the parser, the rest is the file.
///
/// Each answer is checked against a reading of the same text by other means (splitting on spaces), so a parser that
/// accepts what it should not, or reads the wrong field, is caught, not only one that crashes.
func checkProcessFiles(_ input: [UInt8]) {
  guard let selector = input.first else { return }
  let bytes = Array(input.dropFirst())
  let space = UInt8(ascii: " ")
  func words(_ text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
    text.split(separator: space, omittingEmptySubsequences: false)
  }
  func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
    text.split(separator: 0x0a, omittingEmptySubsequences: false)
  }
  switch selector % 6 {
  case 0:
    var accepted = 0
    for line in lines(bytes) {
      guard let segment = ProcessFiles.mappedSegment(line) else { continue }
      accepted += 1
      // The reading by words: perms ends in s, the inode is the id, the path is /SYSV + the key in 8 hex digits.
      let fields = line.split(separator: space)
      let hex = String(segment.key.bitPattern, radix: 16)
      let name = "/SYSV" + String(repeating: "0", count: 8 - hex.count) + hex
      guard fields.count >= 6, fields[1].count == 4, fields[1].last == UInt8(ascii: "s"),
        String(decoding: fields[4], as: UTF8.self) == String(segment.id) || fields[4].first == UInt8(ascii: "0"),
        Int(String(decoding: fields[4], as: UTF8.self)) == Int(segment.id),
        String(decoding: fields[5], as: UTF8.self) == name,
        segment.deleted == (fields.count == 7 && fields[6].elementsEqual("(deleted)".utf8)),
        fields.count == (segment.deleted ? 7 : 6)
      else { fatalError("accepted \(Array(line)) as \(segment)") }
    }
    let all = ProcessFiles.mappedSegments(bytes)
    guard all.reduce(0, { $0 + $1.mappings }) == accepted else { fatalError("mappings do not add up") }
    guard Set(all.map { "\($0.id) \($0.key.rawValue) \($0.deleted)" }).count == all.count else {
      fatalError("a segment listed twice")
    }
  case 1:
    guard let ticks = ProcessFiles.startTicks(stat: bytes) else { return }
    guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { fatalError("no ) but \(ticks)") }
    let rest = words(bytes[(close + 1)...])
    let field = rest.count > 20 ? rest[20].prefix { $0 != 0x0a } : []
    guard rest.first?.isEmpty == true, UInt64(String(decoding: field, as: UTF8.self)) == ticks else {
      fatalError("field 22 is not \(ticks) in \(bytes)")
    }
  case 2:
    guard let boot = ProcessFiles.bootTime(stat: bytes) else { return }
    guard let line = lines(bytes).first(where: { $0.starts(with: "btime ".utf8) }),
      Int64(String(decoding: line.dropFirst(6), as: UTF8.self)) == boot
    else { fatalError("btime is not \(boot)") }
  case 3:
    guard let state = ProcessFiles.taskSyscall(bytes) else { return }
    var text = bytes[...]
    if text.last == 0x0a { text = text.dropLast() }
    let fields = words(text)
    switch state {
    case .running: guard text.elementsEqual("running".utf8) else { fatalError("running?") }
    case .outsideSyscall: guard fields.count == 3, fields[0].elementsEqual("-1".utf8) else { fatalError("-1?") }
    case .inSyscall(let number, let argument):
      guard fields.count == 9, Int64(String(decoding: fields[0], as: UTF8.self)) == number,
        UInt64(String(decoding: fields[1].dropFirst(2), as: UTF8.self), radix: 16) == argument
      else { fatalError("syscall \(number) \(argument) from \(bytes)") }
    }
  case 5:
    checkMappedFiles(lines(bytes), bytes)
  default:
    guard let user = ProcessFiles.effectiveUser(status: bytes) else { return }
    guard let line = lines(bytes).first(where: { $0.starts(with: "Uid:".utf8) }),
      let second = line.dropFirst(4).split(separator: UInt8(ascii: "\t")).dropFirst().first,
      UInt32(String(decoding: second, as: UTF8.self)) == user.rawValue
    else { fatalError("uid is not \(user.rawValue)") }
  }
}

/// The files of `/proc/PID/maps` lines, against a reading by words: a line is taken only with its address range,
/// perms `[r-][w-][x-][sp]`, offset and `MAJOR:MINOR` in lower-case hex (each side within 32 bits), and a decimal
/// inode other than 0, each field after one space; the device is glibc's makedev of the two; the whole file gives
/// the lines' files each once, in order.
func checkMappedFiles(_ lines: [ArraySlice<UInt8>], _ bytes: [UInt8]) {
  /// The field split on `separator` into two, each as text if it is all ASCII.
  func halves(_ field: ArraySlice<UInt8>, _ separator: Character) -> [String] {
    guard field.allSatisfy({ $0 < 0x80 }) else { return [] }
    return String(decoding: field, as: UTF8.self).split(separator: separator, omittingEmptySubsequences: false).map {
      String($0)
    }
  }
  func hex(_ text: String) -> UInt64? {
    guard !text.isEmpty, text.allSatisfy({ "0123456789abcdef".contains($0) }) else { return nil }
    return UInt64(text, radix: 16)
  }
  var expected: [PosixFileIdentity] = []
  for line in lines {
    guard let file = ProcessFiles.mappedFile(line) else { continue }
    let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    guard fields.count >= 5 else { fatalError("accepted \(Array(line)) of \(fields.count) fields") }
    let range = halves(fields[0], "-")
    let perms = Array(fields[1])
    let device = halves(fields[3], ":")
    let inode = halves(fields[4], " ").first ?? ""
    guard range.count == 2, hex(range[0]) != nil, hex(range[1]) != nil, perms.count == 4,
      [UInt8(ascii: "r"), UInt8(ascii: "-")].contains(perms[0]),
      [UInt8(ascii: "w"), UInt8(ascii: "-")].contains(perms[1]),
      [UInt8(ascii: "x"), UInt8(ascii: "-")].contains(perms[2]),
      [UInt8(ascii: "s"), UInt8(ascii: "p")].contains(perms[3]),
      hex(halves(fields[2], " ").first ?? "") != nil, device.count == 2, let major = hex(device[0]),
      let minor = hex(device[1]), major <= UInt32.max, minor <= UInt32.max,
      inode.allSatisfy({ "0123456789".contains($0) }), let number = UInt64(inode), number != 0, file.inode == number,
      file.device
        == (major & 0xffff_f000) << 32 | (major & 0xfff) << 8 | (minor & 0xffff_ff00) << 12 | (minor & 0xff)
    else { fatalError("accepted \(Array(line)) as \(file)") }
    if !expected.contains(file) { expected.append(file) }
  }
  guard ProcessFiles.mappedFiles(bytes) == expected else { fatalError("mappedFiles is not its lines' files") }
}

/// The `--filter` parser, with a printer oracle.
///
/// It never crashes, its errors point inside the text (or just after it), and every tree it makes prints as text
/// that parses back to the same tree, whose printing is the same text again. Also the duration parser against a
/// plain reference, and the pattern checks on the same bytes.
func checkFilter(_ bytes: [UInt8]) {
  _ = SelectionValues.unsafePattern(bytes)
  checkDuration(bytes)
  let tree: FilterExpression
  do throws(FilterSyntaxError) {
    tree = try FilterParser.parse(bytes)
  } catch {
    guard (0...(bytes.count + 1)).contains(error.position), !error.message.isEmpty else {
      fatalError("error \(error.description) outside the text of \(bytes.count) bytes")
    }
    guard bytes.count <= FilterLimits.length || error.position == 0 else { fatalError("too long, yet parsed on") }
    return
  }
  guard bytes.count <= FilterLimits.length else { fatalError("parsed \(bytes.count) bytes") }
  let operands = tree.operands
  guard operands.count <= FilterLimits.nodes else { fatalError("\(operands.count) operands") }
  for operand in operands where !(1...bytes.count).contains(operand.position) {
    fatalError("operand at \(operand.position) outside 1...\(bytes.count)")
  }
  let printed = FilterPrinter.text(tree)
  let again: FilterExpression
  do throws(FilterSyntaxError) {
    again = try FilterParser.parse(printed)
  } catch {
    // Canonical spacing may make a compact text longer than the bound; nothing else may fail.
    if printed.count > FilterLimits.length { return }
    fatalError("printed text does not parse: \(error.description): \(String(decoding: printed, as: UTF8.self))")
  }
  guard again.withoutPositions == tree.withoutPositions else {
    fatalError("printed text parses to another tree: \(String(decoding: printed, as: UTF8.self))")
  }
  guard FilterPrinter.text(again) == printed else { fatalError("printing is not stable") }
}

/// `SelectionValues.duration` against a reference: digits and at most one unit letter, in 64 bits.
func checkDuration(_ bytes: [UInt8]) {
  var expected: UInt64? = nil
  let units: [UInt8: UInt64] = [0x73: 1, 0x6d: 60, 0x68: 3600, 0x64: 86400]
  var digits = bytes[...]
  var unit: UInt64 = 1
  if let last = bytes.last, let multiplier = units[last] {
    unit = multiplier
    digits = digits.dropLast()
  }
  if !digits.isEmpty && digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
    let text = String(decoding: digits, as: UTF8.self)
    if let value = UInt64(text) {
      let (product, overflow) = value.multipliedReportingOverflow(by: unit)
      expected = overflow ? nil : product
    }
  }
  guard SelectionValues.duration(bytes) == expected else {
    fatalError(
      "duration(\(bytes)) = \(String(describing: SelectionValues.duration(bytes))), expected \(String(describing: expected))"
    )
  }
}

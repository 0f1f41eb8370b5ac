// libFuzzer targets for the parsers that read untrusted text. One of FUZZ_PROC_SHM, FUZZ_PROC_MSG,
// FUZZ_PROC_SEM or FUZZ_NUMBERS is defined when Tests/Fuzz/run.sh builds this file with the IPCCore sources it
// needs. A broken invariant is a fatalError, which libFuzzer reports as a crash and saves as an artifact.
import Glibc

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: data, count: count))
  #if FUZZ_PROC_SHM
  checkTable(bytes, SharedMemorySegment.parseProcFile)
  #elseif FUZZ_PROC_MSG
  checkTable(bytes, MessageQueue.parseProcFile)
  #elseif FUZZ_PROC_SEM
  checkTable(bytes, SemaphoreSet.parseProcFile)
  #elseif FUZZ_NUMBERS
  checkNumbers(bytes)
  #endif
  return 0
}

/// Every data line that has a field ends up either as a row or as a skipped line that names it.
func checkTable<Row>(_ bytes: [UInt8], _ parse: ([UInt8], String) throws(ProcParseError) -> ProcTable<Row>) {
  let table: ProcTable<Row>
  do throws(ProcParseError) {
    table = try parse(bytes, "fuzz")
  } catch {
    guard error.line == 1 else { fatalError("a header error names line \(error.line)") }
    return
  }
  let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropFirst()
  let dataLines = lines.filter { line in line.contains { ![0x20, 0x09, 0x0d].contains($0) } }.count
  guard table.rows.count + table.skipped.count == dataLines else {
    fatalError("\(table.rows.count) rows + \(table.skipped.count) skipped != \(dataLines) data lines")
  }
  let lineCount = lines.count + 1
  for problem in table.skipped where !(2...lineCount).contains(problem.line) {
    fatalError("skipped line \(problem.line) is outside 2...\(lineCount)")
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
}

import Glibc
import IPCCore
import IPCModel
import Testing

@Suite("util-linux number and size formatting")
struct FormattingTests {
  @Test func paddingAndAlignment() {
    var out = OutputBuffer()
    out.appendDecimal(42, width: 10)
    out.append("|")
    out.appendDecimal(-7, width: 5, alignRight: true)
    out.append("|")
    out.appendDecimal(UInt64.max)
    out.append("|")
    out.appendDecimal(Int64.min)
    out.append("|")
    out.append(Array("averyveryverylongusername".utf8), width: 10, truncate: true)
    out.append("|")
    out.append(Array("averyveryverylongusername".utf8), width: 10)
    out.append("|")
    out.appendDecimal(1_234_567_890_123, width: 10)
    #expect(
      out.bytes.text
        == "42        |   -7|18446744073709551615|-9223372036854775808|averyveryv|averyveryverylongusername|1234567890123"
    )
  }

  @Test(arguments: [(UInt32(0), "0", "0"), (0o600, "600", "0600"), (0o1666, "1666", "01666"), (0o7, "7", "07")])
  func octal(value: UInt32, plain: String, alternate: String) {
    var out = OutputBuffer()
    out.appendOctal(value)
    #expect(out.bytes.text == plain)
    out = OutputBuffer()
    out.appendOctal(value, alternate: true)
    #expect(out.bytes.text == alternate)
  }

  @Test(arguments: [
    (UInt32(0), "0x00000000"), (0x1234, "0x00001234"), (0xb177_c0b4, "0xb177c0b4"), (.max, "0xffffffff"),
  ])
  func hexKeys(value: UInt32, text: String) {
    var out = OutputBuffer()
    out.appendHexKey(value)
    #expect(out.bytes.text == text)
  }

  /// Values checked against util-linux's size_to_human_string (as `ipcs --human` prints them).
  @Test(arguments: [
    (UInt64(0), "0B"), (1, "1B"), (1023, "1023B"), (1024, "1K"), (12345, "12.1K"), (1_048_552, "1024K"),
    (1_048_576, "1M"), (1_048_577, "1M"), (2_097_152, "2M"), (4_294_967_295, "4G"), (8192, "8K"), (16384, "16K"),
    (17_592_186_040_320, "16T"), (18_446_744_073_692_774_399, "16E"), (.max, "16E"), (1536, "1.5K"),
    (1_100_000, "1M"), (1_153_434, "1.1M"),
  ])
  func humanSizes(bytes: UInt64, text: String) {
    #expect(HumanSize.text(bytes).text == text)
  }

  @Test func humanSizeUsesTheLocaleDecimalPoint() {
    #expect(HumanSize.text(12345, decimalPoint: Array(",".utf8)).text == "12,1K")
  }

  @Test func timesAreCtimeInTheLocalZone() {
    setenv("TZ", "UTC", 1)
    var times = TimeText()
    #expect(times.ctime(0).text == "Thu Jan  1 00:00:00 1970\n")
    #expect(times.ctime(1_795_388_679).text == "Sun Nov 22 23:04:39 2026\n")
    var out = OutputBuffer()
    times.appendShort(Timestamp(kernelValue: 1_795_388_679), to: &out)
    times.appendShort(Timestamp(kernelValue: 0), to: &out)
    times.appendLong(nil, to: &out)
    times.appendLong(nil, always: true, to: &out)
    #expect(
      out.bytes.text
        == "Nov 22 23:04:39     Not set             Not set                   Thu Jan  1 00:00:00 1970  "
    )
  }

  /// What util-linux prints for times glibc's 26-byte `ctime_r` buffer cannot hold, with TZ=UTC (checked with a C
  /// program against glibc 2.36: `printf("%-26.24s|%-20.16s", buf, buf + 4)` after `ctime_r`).
  static let beyondCtime: [(time: Int64, long: String, short: String)] = [
    // Year 10000: 25 bytes written, EOVERFLOW returned and ignored; the long form keeps 24 of them.
    (253_402_300_800, "Sat Jan  1 00:00:00 1000  ", "Jan  1 00:00:00     "),
    (3_155_760_000_000, "Fri Jan 21 00:00:00 1019  ", "Jan 21 00:00:00     "),
    (67_767_976_233_316_800, "Sun Dec 29 12:00:00 2147  ", "Dec 29 12:00:00     "),
    (-67_768_040_609_740_800, "Thu Jan  1 00:00:00 -214  ", "Jan  1 00:00:00     "),
    // Short years: the text is shorter than 24 bytes, so the long form carries ctime's newline.
    (-62_135_596_800, "Mon Jan  1 00:00:00 1\n    ", "Jan  1 00:00:00     "),
    (-62_167_219_201, "Fri Dec 31 23:59:59 -1\n   ", "Dec 31 23:59:59     "),
    (-1, "Wed Dec 31 23:59:59 1969  ", "Dec 31 23:59:59     "),
    (253_402_300_799, "Fri Dec 31 23:59:59 9999  ", "Dec 31 23:59:59     "),
    // glibc writes nothing (localtime_r fails, or the year is above INT_MAX - 1900): an empty field, where
    // util-linux shows what its static buffer last held (nothing in a fresh process).
    (.max, blankLong, blankShort),
    (.min, blankLong, blankShort),
    (67_768_036_191_676_799, blankLong, blankShort),
    (67_768_036_191_676_800, blankLong, blankShort),
  ]
  static let blankLong = String(repeating: " ", count: 26)
  static let blankShort = String(repeating: " ", count: 20)

  @Test(arguments: beyondCtime)
  func timesBeyondCtime(time: Int64, long: String, short: String) {
    setenv("TZ", "UTC", 1)
    var times = TimeText()
    var out = OutputBuffer()
    times.appendLong(Timestamp(rawValue: time), to: &out)
    times.appendLong(Timestamp(rawValue: time), always: true, to: &out)
    times.appendShort(Timestamp(rawValue: time), to: &out)
    #expect(out.bytes.text == long + long + short)
    #expect(!times.ctime(time).contains(0))
  }

  /// A time glibc cannot convert never shows text from an earlier one (util-linux's stale buffer) or `(null)`.
  @Test func anUnconvertibleTimeAfterAnotherIsEmpty() {
    setenv("TZ", "UTC", 1)
    var times = TimeText()
    var out = OutputBuffer()
    times.appendShort(Timestamp(rawValue: 1_795_388_679), to: &out)
    times.appendShort(Timestamp(rawValue: .max), to: &out)
    times.appendLong(Timestamp(rawValue: 1_795_388_679), to: &out)
    times.appendLong(Timestamp(rawValue: .max), to: &out)
    #expect(
      out.bytes.text
        == "Nov 22 23:04:39     " + String(repeating: " ", count: 20) + "Sun Nov 22 23:04:39 2026  "
        + String(repeating: " ", count: 26)
    )
    #expect(times.ctime(.max).isEmpty)
  }
}

import Glibc
import IPCCore
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
    #expect(times.ctime(0).text == "Thu Jan  1 00:00:00 1970")
    #expect(times.ctime(1_795_388_679).text == "Sun Nov 22 23:04:39 2026")
    var out = OutputBuffer()
    times.appendShort(1_795_388_679, to: &out)
    times.appendShort(0, to: &out)
    times.appendLong(0, to: &out)
    times.appendLong(0, always: true, to: &out)
    #expect(
      out.bytes.text
        == "Nov 22 23:04:39     Not set             Not set                   Thu Jan  1 00:00:00 1970  "
    )
  }
}

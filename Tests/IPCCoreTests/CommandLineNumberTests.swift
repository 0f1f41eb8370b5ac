import IPCCore
import IPCModel
import Testing

/// `ipcs -i` numbers: util-linux strtos32_or_err.
@Suite struct CommandLineNumberTests {
  @Test(arguments: [
    ("0", Int32(0)), ("12", 12), (" 7", 7), ("\t\n-3", -3), ("+9", 9), ("-2147483648", .min), ("2147483647", .max),
    ("007", 7),
  ])
  func accepted(text: String, value: Int32) {
    #expect(CommandLineNumber.decimalInt32(Array(text.utf8)) == .success(value))
  }

  @Test(arguments: ["", " ", "-", "+", "0x10", "12abc", "1 ", "1e3", "abc", "--1", "1.0"])
  func invalid(text: String) {
    #expect(CommandLineNumber.decimalInt32(Array(text.utf8)) == .failure(.invalid))
  }

  @Test(arguments: ["2147483648", "-2147483649", "99999999999", "9223372036854775808", "99999999999999999999x"])
  func outOfRange(text: String) {
    #expect(CommandLineNumber.decimalInt32(Array(text.utf8)) == .failure(.outOfRange))
  }

  @Test func bytesThatAreNotUTF8AreInvalid() {
    #expect(CommandLineNumber.decimalInt32([0xff, 0x31]) == .failure(.invalid))
  }
}

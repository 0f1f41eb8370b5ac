import IPCCore
import IPCModel
import Testing

@Suite("ipcs -l arithmetic and rendering")
struct FiguresTests {
  /// shmall × page size, clamped on overflow as util-linux clamps it (values observed from /usr/bin/ipcs).
  @Test(arguments: [
    (UInt64(0), UInt64(4), UInt64(0)),
    (4_294_967_295, 4, 17_179_869_180),
    (4_294_967_295, 4096, 17_592_186_040_320),
    (.max, 4, 18_446_744_073_709_551_612),
    (.max, 4096, 18_446_744_073_709_547_520),
    (18_446_744_073_692_774_399, 4, 18_446_744_073_709_551_612),
    (4_503_599_627_370_495, 4096, 18_446_744_073_709_547_520),
    (4_503_599_627_370_496, 4096, 18_446_744_073_709_547_520),
    (4_611_686_018_427_387_903, 4, 18_446_744_073_709_551_612),
    (4_611_686_018_427_387_904, 4, 18_446_744_073_709_551_612),
  ])
  func totalSharedMemory(pages: UInt64, multiplier: UInt64, expected: UInt64) {
    #expect(LimitArithmetic.total(pages: pages, multiplier: multiplier) == expected)
  }

  @Test func hugeKernelDefaultsRender() {
    let limits = SharedMemoryLimits(
      maxSegments: 4096,
      maxSegmentSize: 18_446_744_073_692_774_399,
      maxTotalPages: 18_446_744_073_692_774_399,
      minSegmentSize: SharedMemoryLimits.kernelMinSegmentSize
    )
    var out = OutputBuffer()
    FiguresText(unit: .standard, decimalPoint: [46], pageSize: 4096).appendLimits(limits, to: &out)
    #expect(
      out.bytes.text == """
        ------ Shared Memory Limits --------
        max number of segments = 4096
        max seg size (kbytes) = 18014398509465599
        max total shared memory (kbytes) = 18446744073709551612
        min seg size (bytes) = 1

        """
    )
    out = OutputBuffer()
    FiguresText(unit: .bytes, decimalPoint: [46], pageSize: 4096).appendLimits(limits, to: &out)
    #expect(out.bytes.text.contains("max seg size (bytes) = 18446744073692774399\n"))
    #expect(out.bytes.text.contains("max total shared memory (bytes) = 18446744073709547520\n"))
    out = OutputBuffer()
    FiguresText(unit: .human, decimalPoint: [46], pageSize: 4096).appendLimits(limits, to: &out)
    #expect(out.bytes.text.contains("max seg size = 16E\nmax total shared memory = 16E\nmin seg size = 1B\n"))
  }

  @Test func missingFiguresSaySo() {
    var out = OutputBuffer()
    let text = FiguresText(unit: .standard, decimalPoint: [46], pageSize: 4096)
    text.appendLimits(MessageQueueLimits?.none, to: &out)
    text.appendUsage(SemaphoreUsage?.none, to: &out)
    #expect(out.bytes.text == "unable to fetch message limits\nkernel not configured for semaphores\n")
  }

  /// /proc/sys/kernel files are read as fscanf's %lu and %d read them.
  @Test func scanfNumbers() {
    #expect(ScanfNumber.unsignedLong(Array("18446744073692774399\n".utf8)) == 18_446_744_073_692_774_399)
    #expect(ScanfNumber.unsignedLong(Array("  -1\n".utf8)) == .max)
    #expect(ScanfNumber.unsignedLong(Array("99999999999999999999999".utf8)) == .max)
    #expect(ScanfNumber.unsignedLong(Array("12abc".utf8)) == 12)
    #expect(ScanfNumber.unsignedLong(Array("abc".utf8)) == nil)
    #expect(ScanfNumber.unsignedLong(Array("".utf8)) == nil)
    #expect(ScanfNumber.int(Array("32000\n".utf8)) == 32000)
    #expect(ScanfNumber.int(Array("4294967296".utf8)) == 0)
    #expect(ScanfNumber.int(Array("-2147483649".utf8)) == .max)
    #expect(
      ScanfNumber.ints(Array("32000\t1024000000\t500\t32000\n".utf8), count: 4) == [32000, 1_024_000_000, 500, 32000]
    )
    #expect(ScanfNumber.ints(Array("1 2 3x 4".utf8), count: 4) == [1, 2, 3])
    #expect(ScanfNumber.ints(Array("1 2 3 4x".utf8), count: 4) == [1, 2, 3, 4])
  }
}

import IPCCore
import IPCModel
import Testing

/// swipcrm's removal with a selection, on a fake kernel.
///
/// What is selected, the re-read and re-check just before each removal (an object changed in between is skipped
/// and reported as changed), the dry run's predictions, `--ignore-missing`, and the report's records. No privilege,
/// no IPC object of the machine touched.
struct RemovalSelectionTests {
  /// Segments in slots 0, 1, 2: id 0 (key 100, root, unattached), id 1 (key 200, uid 4242, unattached),
  /// id 2 (key 300, root, attached once).
  static func kernel() -> FakeSysV {
    var kernel = FakeSysV()
    kernel.slots[0] = .init(segment: FakeSysV.segment(0, key: 100))
    kernel.slots[1] = .init(segment: FakeSysV.segment(1, key: 200, owner: 4242))
    var attached = FakeSysV.segment(2, key: 300)
    attached.attachCount = 1
    kernel.slots[2] = .init(segment: attached)
    return kernel
  }

  static func remover(
    _ kernel: FakeSysV,
    filter: String?,
    dryRun: Bool = false,
    permission: RemovalPermission = RemovalPermission(effectiveUser: 0, privileged: true)
  ) throws -> Remover<FakeSysV, FakeFiles> {
    var remover = Remover(
      catalog: Catalog(sysV: kernel, files: FakeFiles()),
      program: Program(name: "swipcrm"),
      dryRun: dryRun,
      permission: permission,
      now: Timestamp(rawValue: 1_700_000_100)
    )
    remover.selection = try filter.map { try Selection(FilterParser.parse(Array($0.utf8))) }
    remover.recording = true
    return remover
  }

  static func steps(_ ids: [Int32]) -> [RemovalStep] {
    ids.map { RemovalStep(kind: .sharedMemorySegment, target: .id($0), verbose: false) }
  }

  static func outcomes(_ remover: Remover<FakeSysV, FakeFiles>) -> [Int32?: RemovalOutcome] {
    Dictionary(remover.records.map { ($0.id, $0.outcome) }, uniquingKeysWith: { first, _ in first })
  }

  @Test("named ids: the selected are removed, the others skipped, the missing gone")
  func namedIDs() throws {
    let kernel = Self.kernel()
    var remover = try Self.remover(kernel, filter: "NATTCH == 0")
    var out = OutputBuffer()
    try remover.removeSelected(Self.steps([2, 0, 9, 1]), to: &out)
    #expect(kernel.log.removed == [0, 1])
    #expect(Self.outcomes(remover) == [2: .skipped, 9: .gone, 0: .removed, 1: .removed])
    // The missing id is a failure; the skipped one is not.
    #expect(remover.reporter.failures == 1)
  }

  @Test("an object attached between selection and removal is skipped and reported as changed")
  func changedBetweenSelectionAndRemoval() throws {
    let kernel = Self.kernel()
    var remover = try Self.remover(kernel, filter: "NATTCH == 0")
    remover.afterSelection = {
      var now = FakeSysV.segment(1, key: 200, owner: 4242)
      now.attachCount = 1
      kernel.changes.segments[1] = now
    }
    var out = OutputBuffer()
    try remover.removeSelected(Self.steps([0, 1]), to: &out)
    #expect(kernel.log.removed == [0])
    #expect(Self.outcomes(remover) == [0: .removed, 1: .changed])
    #expect(remover.reporter.failures == 0)
    #expect(remover.records.first { $0.id == 1 }?.key == IPCKey(rawValue: 200))
  }

  @Test("an object whose key changed between selection and removal is skipped as changed, even if it matches")
  func keyChanged() throws {
    let kernel = Self.kernel()
    var remover = try Self.remover(kernel, filter: "UID == 0")
    remover.afterSelection = {
      // Removed while attached: the kernel sets its key to IPC_PRIVATE.
      var now = kernel.slots[2].map(\.segment) ?? FakeSysV.segment(2)
      now.key = .ipcPrivate
      kernel.changes.segments[2] = now
    }
    var out = OutputBuffer()
    try remover.removeSelected(Self.steps([2]), to: &out)
    #expect(kernel.log.removed.isEmpty)
    #expect(Self.outcomes(remover) == [2: .changed])
  }

  @Test("an object removed by someone else between selection and removal is gone")
  func goneBetweenSelectionAndRemoval() throws {
    let kernel = Self.kernel()
    var remover = try Self.remover(kernel, filter: "NATTCH == 0")
    remover.afterSelection = { kernel.changes.gone.insert(0) }
    var out = OutputBuffer()
    try remover.removeSelected(Self.steps([0]), to: &out)
    #expect(kernel.log.removed.isEmpty)
    #expect(Self.outcomes(remover) == [0: .gone])
    #expect(remover.reporter.failures == 1)

    var ignoring = try Self.remover(Self.kernel(), filter: "NATTCH == 0")
    ignoring.ignoreMissing = true
    try ignoring.removeSelected(Self.steps([7]), to: &out)
    #expect(Self.outcomes(ignoring) == [7: .gone])
    #expect(ignoring.reporter.failures == 0)
  }

  @Test("-a with a selection removes exactly what it selects, decided on the read just before each removal")
  func allWithSelection() throws {
    let kernel = Self.kernel()
    var remover = try Self.remover(kernel, filter: "NATTCH == 0 && OWNER == \"root\"")
    var out = OutputBuffer()
    try remover.removeAll(.sharedMemorySegment, verbose: false, to: &out)
    #expect(kernel.log.removed == [0])
    #expect(remover.records.map(\.outcome) == [.removed])
  }

  @Test("the dry run removes nothing and predicts: would remove, denied (not owner, creator or privileged), gone")
  func dryRunPredictions() throws {
    let kernel = Self.kernel()
    let nobody = RemovalPermission(effectiveUser: 4242, privileged: false)
    var remover = try Self.remover(kernel, filter: nil, dryRun: true, permission: nobody)
    var out = OutputBuffer()
    for id: Int32 in [0, 1, 9] {
      try remover.remove(.sharedMemorySegment, id: id, byKey: false, verbose: true, to: &out)
    }
    try remover.removeAll(.sharedMemorySegment, verbose: true, to: &out)
    #expect(kernel.log.removed.isEmpty)
    #expect(remover.records.map(\.outcome) == [.denied, .wouldRemove, .gone, .denied, .wouldRemove, .denied])
    #expect(remover.reporter.failures == 4)

    var root = try Self.remover(kernel, filter: "NATTCH == 0", dryRun: true)
    root.recording = false
    var lines = OutputBuffer()
    try root.removeSelected(Self.steps([0, 1, 2]), to: &lines)
    #expect(kernel.log.removed.isEmpty)
    #expect(
      lines.bytes.text
        == "would remove shared memory segment 0 (key 0x00000064, owner root)\n"
        + "would remove shared memory segment 1 (key 0x000000c8, owner 4242)\n"
    )
  }

  @Test("permission: owner or creator uid, or CAP_SYS_ADMIN")
  func permission() {
    let ownership = Ownership(
      owner: UserID(rawValue: 10),
      group: GroupID(rawValue: 0),
      creator: UserID(rawValue: 20),
      creatorGroup: GroupID(rawValue: 0),
      mode: IPCMode(rawValue: 0o777)
    )
    #expect(RemovalPermission(effectiveUser: 10, privileged: false).allows(ownership))
    #expect(RemovalPermission(effectiveUser: 20, privileged: false).allows(ownership))
    #expect(!RemovalPermission(effectiveUser: 30, privileged: false).allows(ownership))
    #expect(RemovalPermission(effectiveUser: 30, privileged: true).allows(ownership))
  }

  @Test("the JSON report: entries and totals")
  func report() throws {
    let kernel = Self.kernel()
    var remover = try Self.remover(kernel, filter: "NATTCH == 0")
    var out = OutputBuffer()
    try remover.removeSelected(Self.steps([2, 0]), to: &out)
    var json = OutputBuffer()
    var names = NameCache()
    RemovalReporter.appendJSON(
      remover.records,
      filter: remover.selection?.text,
      dryRun: false,
      names: &names,
      to: &json
    )
    #expect(
      json.bytes.text == """
        {
           "filter": "NATTCH == 0",
           "dry-run": false,
           "objects": [
              {"kind": "shm", "id": 2, "key": "0x0000012c", "name": null, "owner": "root", "uid": 0, "outcome": "skipped"},
              {"kind": "shm", "id": 0, "key": "0x00000064", "name": null, "owner": "root", "uid": 0, "outcome": "removed"}
           ],
           "totals": {"removed": 1, "would-remove": 0, "gone": 0, "denied": 0, "changed": 0, "skipped": 1}
        }

        """
    )
  }
}

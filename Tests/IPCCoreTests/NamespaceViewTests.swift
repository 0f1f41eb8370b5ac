import Glibc
import IPCCore
import IPCModel
import Testing

/// Issue 15 with the column views, the metrics and the POSIX kinds.
///
/// The NS column, `ns` labels, the namespace options' codes, and the check that a process read through is still in
/// its namespace. No namespace is entered.
struct NamespaceViewTests {
  @Test("NS: the namespace of the rows (the snapshot's), a number; in --global rows too; first under --all-namespaces")
  func namespaceColumn() throws {
    let column = try #require(ColumnRegistry.column(named: "ns"))
    #expect(column.name == "NS" && column.json == .number && column.alignRight)
    for kind in ObjectKind.removalOrder { #expect(column.scope.applies(to: kind), "\(kind)") }
    var context = RowContext(now: Timestamp(rawValue: 0), files: LiveFiles(), processes: LiveProcesses())
    let segment = PrometheusTextTests.segment(5, size: 4096)
    #expect(column.cell(.sharedMemorySegment(segment), &context) == .text(nil))
    context.namespace = NamespaceID(rawValue: 4_026_532_180)
    #expect(column.cell(.sharedMemorySegment(segment), &context) == .count(4_026_532_180))
    var resource = GlobalResource("MSGMNI", "Number of message queues", limit: 32000)
    #expect(column.globalValue(resource) == .text(nil))
    resource.namespace = NamespaceID(rawValue: 7)
    #expect(column.globalValue(resource) == .count(7))

    var options = ColumnOptions()
    #expect(options.columns(for: .semaphoreSet).map(\.name) == ["KEY", "ID", "PERMS", "OWNER", "NSEMS"])
    options.namespaceFirst = true
    #expect(options.columns(for: .semaphoreSet).map(\.name) == ["NS", "KEY", "ID", "PERMS", "OWNER", "NSEMS"])
    #expect(options.globalColumns.map(\.name) == ["NS", "RESOURCE", "DESCRIPTION", "LIMIT", "USED", "USE%"])
    // A list that names NS keeps it where it is.
    options.selection = .replace(["ID", "NS"])
    #expect(options.columns(for: .messageQueue).map(\.name) == ["ID", "NS"])
    options.namespaceFirst = false
    options.selection = .replace(["NS", "RESOURCE"])
    #expect(options.globalColumns.map(\.name) == ["NS", "RESOURCE"])
  }

  @Test("the namespace options' codes are unique among each tool's options, and clear of the byte range")
  func optionCodes() {
    for (tool, options) in [("swipcs", SwipcsCommandLine.options), ("swipcrm", SwipcrmCommandLine.options)] {
      let codes = options.map(\.code)
      #expect(Set(codes).count == codes.count, "\(tool): \(codes.sorted())")
      #expect(options.contains { $0.long.description == "ns" }, "\(tool)")
      #expect(options.contains { $0.long.description == "all-namespaces" }, "\(tool)")
    }
    #expect(NamespaceOptions.ns.code > 255 && NamespaceOptions.allNamespaces.code > 255)
  }

  @Test("metrics of several namespaces: each family once, every series labelled ns; one namespace as before")
  func namespaceLabels() {
    let first = NamespaceID(rawValue: 4_026_531_839)
    let second = NamespaceID(rawValue: 4_026_532_180)
    var out = OutputBuffer()
    PrometheusText.appendSummary([(first, PrometheusTextTests.sample), (second, PrometheusTextTests.sample)], to: &out)
    let text = out.bytes.text
    var single = OutputBuffer()
    PrometheusText.appendSummary([(nil, PrometheusTextTests.sample)], to: &single)
    #expect(single.bytes.text == PrometheusTextTests.render(PrometheusTextTests.sample))
    let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    let helps = text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }
    #expect(Set(helps).count == helps.count, "a family written twice")
    #expect(samples.count == 2 * single.bytes.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count)
    for sample in samples {
      #expect(sample.contains("{ns=\"4026531839\"") || sample.contains("{ns=\"4026532180\""), "\(sample)")
    }
    #expect(text.contains("ipc_objects{ns=\"4026532180\",kind=\"shm\"} 3\n"))
    #expect(text.contains("ipc_shm_bytes{ns=\"4026531839\"} 8194\n"))
    #expect(text.contains("ipc_usage_ratio{ns=\"4026531839\",resource=\"MSGMNI\"} "))
    #expect(text.contains("ipc_owner_objects{ns=\"4026532180\",kind=\"msg\",uid=\"1000\",user=\"a\\\"b\\\\c\"} 1\n"))
    // A family's samples stay together: every namespace's ipc_objects before the next family.
    let names = samples.map { $0.prefix { $0 != "{" && $0 != " " } }
    var seen: [Substring] = []
    for name in names where seen.last != name {
      #expect(!seen.contains(name), "\(name) is split")
      seen.append(name)
    }

    var objects = OutputBuffer()
    PrometheusText.appendObjects(
      [
        PrometheusObjects(namespace: first, rows: [PrometheusTextTests.segment(0, size: 1)], userNames: [:]),
        PrometheusObjects(namespace: second, rows: [PrometheusTextTests.segment(0, size: 2)], userNames: [:]),
      ],
      to: &objects
    )
    #expect(
      objects.bytes.text == """
        # HELP ipc_shm_segment_size_bytes Size of each shared memory segment.
        # TYPE ipc_shm_segment_size_bytes gauge
        ipc_shm_segment_size_bytes{ns="4026531839",id="0",key="0x00000000",uid="0",user=""} 1
        ipc_shm_segment_size_bytes{ns="4026532180",id="0",key="0x00000000",uid="0",user=""} 2
        # HELP ipc_shm_segment_attachments Processes attached to each shared memory segment.
        # TYPE ipc_shm_segment_attachments gauge
        ipc_shm_segment_attachments{ns="4026531839",id="0",key="0x00000000",uid="0",user=""} 0
        ipc_shm_segment_attachments{ns="4026532180",id="0",key="0x00000000",uid="0",user=""} 0

        """
    )
  }

  @Test("a process read through is still there only while its /proc/PID/ns/ipc names the namespace")
  func processStillThere() throws {
    var info = stat()
    try #require(stat("/proc/self/ns/ipc", &info) == 0)
    let own = NamespaceID(rawValue: UInt64(info.st_ino))
    #expect(NamespacePlace(namespace: own, pid: getpid()).processStillThere())
    #expect(!NamespacePlace(namespace: NamespaceID(rawValue: 1), pid: getpid()).processStillThere())
    #expect(!NamespacePlace(namespace: own, pid: Int32.max).processStillThere())
    #expect(NamespacePlace.own.processStillThere())
    #expect(!NamespacePlace(namespace: own, path: Array("/x".utf8)).reachesSharedMemoryDirectory)
  }

  @Test("in another namespace, queues are read only through a private mount: the message says why")
  func queueMessage() {
    let error = PosixQueueListingError(
      privateMount: IPCError("fsopen(mqueue)", code: Errno.notPermitted),
      mountedDirectory: nil,
      mountedProblem: nil
    )
    let text = error.message.bytes.text
    #expect(text.hasPrefix("POSIX message queues of another IPC namespace cannot be listed: "))
    #expect(text.contains("(only root may mount one)") && text.contains("/dev/mqueue is not read"))
  }
}

import IPCCore
import IPCModel
import Testing

/// The pure parts of issue 15.
///
/// Container ids from cgroup paths, `--ns` arguments, the namespace scan over a fake `/proc`, the header line,
/// and `-a` with a selection. No namespace is entered here.
struct NamespaceTests {
  static let id64 = "4f1c2a9b0e7d3c5a6b8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b"
  static let otherID = String(repeating: "ab", count: 32)
  static let pod = "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"

  static func parse(_ text: String) -> ContainerIdentity? {
    ContainerIdentity.parse(cgroupFile: Array(text.utf8))
  }

  @Test("container ids in cgroup paths: Docker, Podman, containerd, CRI-O, Kubernetes pods")
  func containerIDs() {
    let cases: [(String, ContainerIdentity?)] = [
      // Docker, systemd driver (cgroup v2) and cgroupfs driver (v1 and v2).
      ("0::/system.slice/docker-\(Self.id64).scope\n", ContainerIdentity(runtime: .docker, containerID: Self.id64)),
      (
        "12:memory:/docker/\(Self.id64)\n11:cpu,cpuacct:/docker/\(Self.id64)\n",
        ContainerIdentity(runtime: .docker, containerID: Self.id64)
      ),
      ("0::/docker/\(Self.id64)\n", ContainerIdentity(runtime: .docker, containerID: Self.id64)),
      // Podman: root (machine.slice), rootless (user slice), cgroupfs; conmon is not the container.
      ("0::/machine.slice/libpod-\(Self.id64).scope\n", ContainerIdentity(runtime: .podman, containerID: Self.id64)),
      (
        "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-\(Self.id64).scope/container\n",
        ContainerIdentity(runtime: .podman, containerID: Self.id64)
      ),
      ("0::/libpod_parent/libpod-\(Self.id64)\n", ContainerIdentity(runtime: .podman, containerID: Self.id64)),
      ("0::/machine.slice/libpod-conmon-\(Self.id64).scope\n", nil),
      // Kubernetes with containerd (systemd driver: the pod uid with underscores) and with CRI-O.
      (
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/"
          + "cri-containerd-\(Self.id64).scope\n",
        ContainerIdentity(runtime: .containerd, containerID: Self.id64, podUID: Self.pod)
      ),
      (
        "0::/kubepods.slice/kubepods-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/crio-\(Self.id64).scope\n",
        ContainerIdentity(runtime: .crio, containerID: Self.id64, podUID: Self.pod)
      ),
      ("0::/kubepods.slice/kubepods-besteffort.slice/crio-conmon-\(Self.id64).scope\n", nil),
      // Kubernetes, cgroupfs driver: the runtime is not in the path.
      (
        "0::/kubepods/burstable/pod\(Self.pod)/\(Self.otherID)\n",
        ContainerIdentity(containerID: Self.otherID, podUID: Self.pod)
      ),
      ("0::/kubepods/besteffort/pod\(Self.pod)\n", ContainerIdentity(podUID: Self.pod)),
      // No container: a user session, the root of a cgroup namespace, ids of the wrong length or case, garbage.
      ("0::/user.slice/user-1000.slice/session-3.scope\n", nil),
      ("0::/\n", nil),
      ("0::/system.slice/docker-\(Self.id64.dropLast()).scope\n", nil),
      ("0::/system.slice/docker-\(Self.id64.uppercased()).scope\n", nil),
      ("0::/system.slice/docker.service\n", nil),
      ("0::/init.scope\n", nil),
      ("", nil),
      ("garbage without colons\n", nil),
      ("0::/kubepods/burstable/podnot-a-uid/\(Self.id64)\n", nil),
    ]
    for (text, expected) in cases {
      #expect(Self.parse(text) == expected, "\(text)")
    }
  }

  @Test("how a header names a container")
  func containerLabels() {
    #expect(ContainerIdentity(runtime: .docker, containerID: Self.id64).label == "docker 4f1c2a9b0e7d")
    #expect(ContainerIdentity(runtime: .crio, containerID: Self.id64).label == "cri-o 4f1c2a9b0e7d")
    #expect(
      ContainerIdentity(containerID: Self.otherID, podUID: Self.pod).label == "container abababababab, pod \(Self.pod)"
    )
    #expect(ContainerIdentity(podUID: Self.pod).label == "pod \(Self.pod)")
  }

  @Test("--ns: digits alone are a pid, anything else a path")
  func targets() {
    #expect(NamespaceTarget.parse(Array("1234".utf8)) == .success(.process(1234)))
    #expect(NamespaceTarget.parse(Array("2147483647".utf8)) == .success(.process(Int32.max)))
    #expect(NamespaceTarget.parse(Array("2147483648".utf8)) == .failure(.outOfRange))
    #expect(NamespaceTarget.parse(Array("99999999999999999999".utf8)) == .failure(.outOfRange))
    #expect(NamespaceTarget.parse(Array("0".utf8)) == .failure(.invalid))
    #expect(NamespaceTarget.parse(Array("000".utf8)) == .failure(.invalid))
    #expect(NamespaceTarget.parse([]) == .failure(.invalid))
    #expect(NamespaceTarget.parse(Array("/run/netns/x".utf8)) == .success(.file(Array("/run/netns/x".utf8))))
    #expect(NamespaceTarget.parse(Array("-5".utf8)) == .success(.file(Array("-5".utf8))))
    #expect(NamespaceTarget.parse(Array(" 5".utf8)) == .success(.file(Array(" 5".utf8))))
    #expect(NamespaceTarget.process(42).path == Array("/proc/42/ns/ipc".utf8))
  }

  /// A `/proc` in memory.
  struct FakeProcesses: NamespaceProcessSource {
    var namespaces: [Int32: UInt64] = [:]
    var failures: [Int32: Int32] = [:]
    var commands: [Int32: String] = [:]
    var cgroups: [Int32: String] = [:]

    func processIDs() throws(IPCError) -> [Int32] { Array(Set(namespaces.keys).union(failures.keys)).sorted() }

    func ipcNamespace(of pid: Int32) throws(IPCError) -> NamespaceID {
      if let code = failures[pid] { throw IPCError("stat(/proc/\(pid)/ns/ipc)", code: code) }
      return NamespaceID(rawValue: namespaces[pid] ?? 0)
    }

    func command(of pid: Int32) -> [UInt8]? { commands[pid].map { Array($0.utf8) } }
    func cgroup(of pid: Int32) -> [UInt8]? { cgroups[pid].map { Array($0.utf8) } }
  }

  @Test("the scan lists each namespace once, by lowest pid; gone processes are skipped, refused ones counted")
  func scan() throws {
    var processes = FakeProcesses()
    processes.namespaces = [1: 100, 2: 100, 7: 300, 9: 200, 12: 300, 40: 100]
    processes.failures = [5: Errno.notFound, 6: Errno.noSuchProcess, 8: Errno.permissionDenied, 10: Errno.notPermitted]
    let scan = try NamespaceScanner(processes: processes).scan()
    #expect(
      scan.namespaces == [
        NamespaceMembers(id: NamespaceID(rawValue: 100), pids: [1, 2, 40]),
        NamespaceMembers(id: NamespaceID(rawValue: 300), pids: [7, 12]),
        NamespaceMembers(id: NamespaceID(rawValue: 200), pids: [9]),
      ]
    )
    #expect(scan.unreadable == 2)
    #expect(scan.unreadableErrno == Errno.permissionDenied)
  }

  @Test("a header names the namespace, a process with its command, the member count and the container")
  func header() {
    var processes = FakeProcesses()
    processes.commands = [7: "postgres\n", 8: "evil\u{1b}]0;x\u{7}\n"]
    processes.cgroups = [7: "0::/system.slice/docker-\(Self.id64).scope\n"]
    let scanner = NamespaceScanner(processes: processes)
    let id = NamespaceID(rawValue: 4_026_532_180)
    #expect(
      NamespaceHeader.line(id: id, members: 6, describing: scanner.describe(7)).description
        == "==== IPC namespace 4026532180 (pid 7 postgres, 6 processes, docker 4f1c2a9b0e7d) ====\n"
    )
    // Control characters of a command never reach the terminal; a process without comm shows `?`.
    #expect(
      NamespaceHeader.line(id: id, members: 1, describing: scanner.describe(8)).description
        == "==== IPC namespace 4026532180 (pid 8 evil?]0;x?, 1 process) ====\n"
    )
    #expect(scanner.describe(99).command == Array("?".utf8))
  }

  @Test("-a with a selection removes only the selected objects (the loop of swipcrm --all-namespaces)")
  func removeAllSelected() throws {
    let kernel = CatalogFallbackTests.kernel()
    var remover = Remover(
      catalog: Catalog(sysV: kernel, files: CatalogFallbackTests.files()),
      program: Program(name: "swipcrm"),
      dryRun: false,
      processes: IPCCoreTests.FakeProcesses()
    )
    remover.selection = try Selection(FilterParser.parse(Array("KEY == 0x12c".utf8)))
    var out = OutputBuffer()
    try remover.removeAll(.sharedMemorySegment, verbose: true, to: &out)
    #expect(kernel.log.removed == [163_845])
    #expect(out.bytes.text == "removing shared memory segment id `163845'\n")
  }
}

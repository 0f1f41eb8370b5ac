/// What a process's cgroup path says about the container it runs in, where the path shows one.
///
/// Recognised (`/proc/PID/cgroup`, cgroup v2's `0::PATH` line or any v1 `N:controllers:PATH` line):
/// - Docker: `docker-<64 hex>.scope` (systemd driver), `/docker/<64 hex>` (cgroupfs driver);
/// - Podman: `libpod-<64 hex>.scope`, `libpod-<64 hex>` (cgroupfs, under `libpod_parent`); `libpod-conmon-…` is
///   the monitor, not the container, and is not taken;
/// - containerd (CRI): `cri-containerd-<64 hex>.scope`;
/// - CRI-O: `crio-<64 hex>.scope` (`crio-conmon-…` is not taken);
/// - Kubernetes pods: `pod<uid>` (cgroupfs: `/kubepods/burstable/pod<uid>/<64 hex>`, the container id after it) and
///   `kubepods[-<qos>]-pod<uid>.slice` (systemd, the uid's `-` written `_`).
///
/// Anything else (a path of `/` inside a cgroup namespace, a user session) is no container.
package struct ContainerIdentity: Equatable, Sendable {
  package enum Runtime: String, Sendable {
    case docker
    case podman
    case containerd
    case crio = "cri-o"
  }

  /// The runtime, where the path names it.
  package var runtime: Runtime?
  /// The container's id: 64 lowercase hex digits.
  package var containerID: String?
  /// The Kubernetes pod's UID, with dashes (`1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901`).
  package var podUID: String?

  package init(runtime: Runtime? = nil, containerID: String? = nil, podUID: String? = nil) {
    self.runtime = runtime
    self.containerID = containerID
    self.podUID = podUID
  }

  /// Reads the contents of `/proc/PID/cgroup`; nil when no path in it shows a container or pod.
  package static func parse(cgroupFile bytes: [UInt8]) -> ContainerIdentity? {
    let text = String(decoding: bytes, as: UTF8.self)
    for line in text.split(separator: "\n") {
      // hierarchy-ID:controller-list:cgroup-path; the path may itself hold ':'.
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      if let found = parse(path: fields[2]) { return found }
    }
    return nil
  }

  /// Reads one cgroup path.
  package static func parse(path: Substring) -> ContainerIdentity? {
    var found = ContainerIdentity()
    let components = path.split(separator: "/")
    for (index, component) in components.enumerated() {
      if let uid = podUID(in: component) {
        found.podUID = uid
        continue
      }
      if let (runtime, id) = scope(component) {
        found.runtime = runtime
        found.containerID = id
        continue
      }
      // cgroupfs drivers: the bare id under `docker` or under a pod.
      if isContainerID(component[...]), index > 0 {
        let parent = components[index - 1]
        if parent == "docker" {
          found.runtime = .docker
          found.containerID = String(component)
        } else if found.podUID != nil && podUID(in: parent) != nil {
          found.containerID = String(component)
        }
      }
    }
    return found.containerID == nil && found.podUID == nil ? nil : found
  }

  /// `docker-<id>.scope`, `libpod-<id>.scope`, `libpod-<id>`, `cri-containerd-<id>.scope`, `crio-<id>.scope`.
  private static func scope(_ component: Substring) -> (Runtime, String)? {
    let prefixes: [(String, Runtime)] = [
      ("docker-", .docker), ("libpod-", .podman), ("cri-containerd-", .containerd), ("crio-", .crio),
    ]
    for (prefix, runtime) in prefixes where component.hasPrefix(prefix) {
      var rest = component.dropFirst(prefix.count)
      if rest.hasSuffix(".scope") {
        rest = rest.dropLast(".scope".count)
      } else if runtime != .podman {
        continue
      }
      if isContainerID(rest) { return (runtime, String(rest)) }
    }
    return nil
  }

  /// 64 lowercase hex digits.
  private static func isContainerID(_ text: Substring) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }

  /// The pod UID in `pod<uid>` or `kubepods[-<qos>]-pod<uid>.slice`, dashes restored.
  private static func podUID(in component: Substring) -> String? {
    var rest: Substring
    if component.hasPrefix("pod") {
      rest = component.dropFirst(3)
    } else if component.hasPrefix("kubepods"), component.hasSuffix(".slice"),
      let range = component.firstRange(of: "-pod")
    {
      rest = component[range.upperBound...].dropLast(".slice".count)
    } else {
      return nil
    }
    if rest.hasSuffix(".slice") { rest = rest.dropLast(".slice".count) }
    let uid = String(rest.map { $0 == "_" ? "-" : $0 })
    // 8-4-4-4-12 hex digits.
    let groups = uid.split(separator: "-", omittingEmptySubsequences: false)
    guard groups.map(\.count) == [8, 4, 4, 4, 12],
      groups.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
    else { return nil }
    return uid
  }

  /// How a header line names it: `docker 4f1c2a9b0e7d`, `pod 1b2c3d4e-…` or both; ids cut to 12 digits, as
  /// `docker ps` shows them.
  package var label: String {
    var parts: [String] = []
    if let id = containerID {
      parts.append("\(runtime?.rawValue ?? "container") \(id.prefix(12))")
    }
    if let pod = podUID { parts.append("pod \(pod)") }
    return parts.joined(separator: ", ")
  }
}

import Glibc
import Testing

/// The layers of ARCHITECTURE.md hold: IPCModel imports nothing of the project, and no folder of IPCCore uses a
/// type or function declared in a folder above it.
struct ArchitectureTests {
  /// IPCCore's folders, lowest first.
  static let layers = ["System", "Kernel", "Names", "Columns", "Output", "CommandLine", "Removal", "Commands"]

  static func swiftFiles(_ directory: String) throws -> [String] {
    let path = "Sources/" + directory
    let root = try #require(rootDirectory(), "the package root")
    guard let handle = opendir(root + "/" + path) else { return [] }
    defer { closedir(handle) }
    var files: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name.hasSuffix(".swift") { files.append(path + "/" + name) }
    }
    return files.sorted()
  }

  static func rootDirectory() -> String? {
    let file = #filePath
    guard let tests = file.firstRange(of: "/Tests/IPCCoreTests/") else { return nil }
    return String(file[..<tests.lowerBound])
  }

  /// A file's code without its comment lines.
  static func code(_ path: String) throws -> String {
    let text = try DocumentationTests.read(path)
    return text.split(separator: "\n").filter { !$0.drop { $0 == " " }.hasPrefix("//") }.joined(separator: "\n")
  }

  /// The names a folder declares at the start of a line: types, typealiases and free functions.
  static func declarations(_ folder: String) throws -> Set<String> {
    let pattern = #/(?m)^(?:package |public |internal )?(?:final )?(?:struct|enum|protocol|typealias|class|func) (\w+)/#
    var names = Set<String>()
    for file in try swiftFiles("IPCCore/" + folder) {
      for match in try code(file).matches(of: pattern) { names.insert(String(match.output.1)) }
    }
    return names
  }

  @Test("no IPCCore folder uses a name declared in a folder above it")
  func layersPointDown() throws {
    let declared = try Self.layers.map(Self.declarations)
    #expect(declared.allSatisfy { !$0.isEmpty })
    for (index, folder) in Self.layers.enumerated() {
      let above = declared[(index + 1)...].reduce(into: Set<String>()) { $0.formUnion($1) }
      for file in try Self.swiftFiles("IPCCore/" + folder) {
        let text = try Self.code(file)
        for name in above where text.contains(try Regex("\\b\(name)\\b")) {
          Issue.record("\(file) uses \(name), declared in a higher layer")
        }
      }
    }
  }

  @Test("IPCModel imports nothing of the project and makes no system call through the shim")
  func modelIsPure() throws {
    let files =
      try Self.swiftFiles("IPCModel/Model") + Self.swiftFiles("IPCModel/Parsing")
      + Self.swiftFiles("IPCModel/Selection")
    #expect(files.count > 5)
    for file in files {
      let text = try Self.code(file)
      for forbidden in ["import IPCCore", "import CIPCShim", "cipc_"] {
        #expect(!text.contains(forbidden), "\(file): \(forbidden)")
      }
    }
  }
}

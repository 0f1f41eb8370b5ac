package import IPCModel

/// The one place the version is written.
package enum Version {
  package static let number = "0.1.0"

  /// `-V` output, in util-linux's `<program> from <package> <version>` shape.
  package static func line(for program: Program) -> Message {
    "\(program.name) from swipcs \(number) (util-linux 2.38.1 compatible)\n"
  }
}

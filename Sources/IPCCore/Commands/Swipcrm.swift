/// The `swipcrm` tool.
///
/// Its behaviour is built in the swipcrm issue; until then it refuses to act.
package enum Swipcrm {
  package static func main() -> Int32 {
    Locale.adoptEnvironment()
    let program = Program.current()
    program.warn("not available yet in this version; nothing removed")
    return 1
  }
}

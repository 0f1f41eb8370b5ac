// ipc-fixture: makes a private IPC namespace, fills it with System V objects chosen by a seed, and runs a command
// in it while holding the segments attached. Used by the end-to-end tests and the benchmark; never installed.
//
//   ipc-fixture [--seed N] [--count N] [--bulk N] [--single-user] [--root-mode0] [--big-set N] [--churn]
//               [--set NAME=VALUE]... [--set-after NAME=VALUE]... -- COMMAND [ARG...]
//
// --root-mode0 makes every object root's with mode 0; --big-set N adds one semaphore set of N semaphores;
// --churn runs a second process that creates and removes objects of all three kinds as fast as it can until
// the command ends.
//
// --set writes /proc/sys/kernel/NAME before the objects are made, --set-after once they exist (so that limits
// lower than the objects need can be shown).
//
// The namespace is made by this process (unshare(CLONE_NEWIPC)) before anything is created, so it can never
// create, change or remove an object of the namespace it was started in. It needs CAP_SYS_ADMIN: run it as root
// or under `unshare --map-root-user`.
import CIPCShim
import CIPCTestSupport
import Glibc

func fail(_ message: String) -> Never {
  let text = Array("ipc-fixture: \(message)\n".utf8)
  _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  exit(2)
}

/// SplitMix64: a small, seedable generator, so a seed always makes the same fixture.
struct Generator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
  mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

func writeSetting(_ name: String, _ value: String) {
  let path = "/proc/sys/kernel/\(name)"
  let fd = open(path, O_WRONLY)
  guard fd >= 0 else { fail("open \(path): \(String(cString: strerror(errno)))") }
  let bytes = Array(value.utf8)
  let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  close(fd)
  guard written == bytes.count else { fail("write \(value) to \(path): \(String(cString: strerror(errno)))") }
}

func check(_ result: Int32, _ what: String) -> Int32 {
  if result < 0 { fail("\(what): \(String(cString: strerror(errno)))") }
  return result
}

// MARK: Arguments

var seed: UInt64 = 1
var count = 8
var bulk = 0
var singleUser = false
var rootModeZero = false
var bigSet = 0
var churn = false
var bulkMode: Int32 = 0o600
var settings: [(String, String)] = []
var settingsAfter: [(String, String)] = []
var command: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--seed": seed = UInt64(arguments.popFirst() ?? "") ?? { fail("--seed needs a number") }()
  case "--count": count = Int(arguments.popFirst() ?? "") ?? { fail("--count needs a number") }()
  case "--bulk": bulk = Int(arguments.popFirst() ?? "") ?? { fail("--bulk needs a number") }()
  case "--single-user": singleUser = true
  case "--root-mode0": rootModeZero = true
  case "--big-set": bigSet = Int(arguments.popFirst() ?? "") ?? { fail("--big-set needs a number") }()
  case "--churn": churn = true
  case "--bulk-mode": bulkMode = Int32(arguments.popFirst() ?? "", radix: 8) ?? { fail("--bulk-mode needs octal") }()
  case "--churn-child":
    // Internal: the churning process itself (started by --churn inside the namespace it is to churn).
    churnForever()
  case "--set", "--set-after":
    let pair = (arguments.popFirst() ?? "").split(separator: "=", maxSplits: 1).map(String.init)
    guard pair.count == 2 else { fail("\(argument) needs NAME=VALUE") }
    if argument == "--set" { settings.append((pair[0], pair[1])) } else { settingsAfter.append((pair[0], pair[1])) }
  case "--":
    command = Array(arguments)
    arguments = []
  default: fail("unknown argument \(argument)")
  }
}
guard !command.isEmpty else { fail("no command after --") }

// MARK: The namespace

_ = check(ipctest_unshare_ipc(), "unshare(CLONE_NEWIPC)")
for (name, value) in settings { writeSetting(name, value) }

var random = Generator(state: seed)
var usedKeys: Set<Int32> = [0]
@MainActor func freshKey() -> Int32 {
  if random.chance(20) { return 0 }  // IPC_PRIVATE
  while true {
    let key = Int32(bitPattern: UInt32(truncatingIfNeeded: random.next()))
    if usedKeys.insert(key).inserted { return key }
  }
}

/// Owners: root, users with and without a passwd entry, and (when the test's /etc/passwd has it) a long name.
let owners: [(UInt32, UInt32)] =
  singleUser ? [(0, 0)] : [(0, 0), (1, 1), (65534, 65534), (4242, 4343), (4244, 4244), (0, 4343), (4242, 0)]
let creators: [(UInt32, UInt32)] = singleUser ? [(0, 0)] : [(0, 0), (4242, 4343), (1, 65534)]

/// Creates with the effective ids of `creator`, so that cuid/cgid are theirs.
func asCreator<T>(_ creator: (UInt32, UInt32), _ body: () -> T) -> T {
  if creator.0 == 0 && creator.1 == 0 { return body() }
  _ = check(setegid(creator.1), "setegid")
  _ = check(seteuid(creator.0), "seteuid")
  let result = body()
  _ = check(seteuid(0), "seteuid(0)")
  _ = check(setegid(0), "setegid(0)")
  return result
}

@MainActor func setOwner(kind: ipctest_kind, id: Int32, mode: UInt32) {
  let owner = random.pick(owners)
  if rootModeZero {
    _ = check(ipctest_set_owner(kind, id, 0, 0, 0), "IPC_SET")
  } else {
    _ = check(ipctest_set_owner(kind, id, owner.0, owner.1, mode), "IPC_SET")
  }
}

@MainActor func nextMode(_ index: Int) -> UInt32 {
  // The first objects of each kind get the extremes; the rest are random.
  switch index {
  case 0: 0o600
  case 1: 0
  case 2: 0o777
  default: UInt32(random.below(0o1000))
  }
}

@MainActor func maybeSparseID(_ kind: String) {
  if random.chance(15) { writeSetting("\(kind)_next_id", String(random.below(65_536) * 32_768 + random.below(200))) }
}

var attachments: [UnsafeMutableRawPointer] = []
let flags = IPC_CREAT | IPC_EXCL

if bulk > 0 {
  // Many plain objects, as fast as possible (the benchmark).
  for _ in 0..<bulk {
    _ = check(shmget(0, 1, flags | bulkMode), "shmget")
    _ = check(msgget(0, flags | bulkMode), "msgget")
    _ = check(semget(0, 1, flags | bulkMode), "semget")
  }
} else {
  for index in 0..<count {
    // Shared memory: sizes around the human-readable edges, attached, detached, removed while attached, locked.
    maybeSparseID("shm")
    let sizes = [1, 4096, 12345, 1_048_552, 1_048_577, 2_097_152, 1023, 1024]
    let size = random.pick(sizes) + (random.chance(30) ? random.below(100_000) : 0)
    let creator = random.pick(creators)
    let shm = asCreator(creator) { check(shmget(freshKey(), size, flags | 0o600), "shmget") }
    setOwner(kind: IPCTEST_SHARED_MEMORY, id: shm, mode: nextMode(index))
    let attach = random.below(4)
    for _ in 0..<attach {
      guard let address = shmat(shm, nil, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else {
        fail("shmat: \(String(cString: strerror(errno)))")
      }
      attachments.append(address)
    }
    if attach > 0 && random.chance(30) {
      _ = check(shmdt(attachments.removeLast()), "shmdt")
      if attach == 1 { _ = check(shmdt(shmat(shm, nil, 0)), "shmat+shmdt") }
    }
    if random.chance(15) { _ = check(shmctl(shm, SHM_LOCK, nil), "SHM_LOCK") }
    if attach > 1 && random.chance(40) { _ = check(shmctl(shm, IPC_RMID, nil), "shm IPC_RMID") }

    // Message queues: empty, with queued messages, with some received.
    maybeSparseID("msg")
    let queue = asCreator(random.pick(creators)) { check(msgget(freshKey(), flags | 0o600), "msgget") }
    let messages = random.below(4)
    for _ in 0..<messages {
      var message = [UInt8](repeating: 0, count: 8 + 1 + random.below(5000))
      message[0] = 1
      _ = check(
        message.withUnsafeMutableBytes { msgsnd(queue, $0.baseAddress, $0.count - 8, 0) },
        "msgsnd"
      )
    }
    if messages > 0 && random.chance(40) {
      var buffer = [UInt8](repeating: 0, count: 8 + 8192)
      _ = buffer.withUnsafeMutableBytes { msgrcv(queue, $0.baseAddress, $0.count - 8, 0, IPC_NOWAIT | MSG_NOERROR) }
    }
    setOwner(kind: IPCTEST_MESSAGE_QUEUE, id: queue, mode: nextMode(index))

    // Semaphore sets: operated on, values set, or never touched ("Not set").
    maybeSparseID("sem")
    let nsems = 1 + random.below(6)
    let set = asCreator(random.pick(creators)) { check(semget(freshKey(), Int32(nsems), flags | 0o600), "semget") }
    if random.chance(50) {
      var operation = sembuf(sem_num: UInt16(random.below(nsems)), sem_op: 2, sem_flg: 0)
      _ = check(semop(set, &operation, 1), "semop")
    }
    if random.chance(30) {
      let values = (0..<nsems).map { _ in UInt16(random.below(100)) }
      _ = check(values.withUnsafeBufferPointer { ipctest_sem_setall(set, $0.baseAddress) }, "SETALL")
    }
    setOwner(kind: IPCTEST_SEMAPHORE_SET, id: set, mode: nextMode(index))
  }
}

if bigSet > 0 {
  let set = check(semget(IPC_PRIVATE, Int32(bigSet), IPC_CREAT | 0o640), "semget(\(bigSet))")
  let values = (0..<bigSet).map { UInt16($0 % 32768) }
  _ = check(values.withUnsafeBufferPointer { ipctest_sem_setall(set, $0.baseAddress) }, "SETALL")
  var operation = sembuf(sem_num: UInt16(bigSet - 1), sem_op: 1, sem_flg: 0)
  _ = check(semop(set, &operation, 1), "semop")
}

for (name, value) in settingsAfter { writeSetting(name, value) }

/// Creates and removes objects of every kind, keeping a few alive at any moment, until the parent goes away or
/// ten million operations have been done (a bound that does not depend on time).
func churnForever() -> Never {
  let parent = getppid()
  var alive: [(Int32, Int32)] = []
  for round in 0..<10_000_000 {
    if round % 256 == 0 && getppid() != parent { exit(0) }
    let kind = Int32(round % 3)
    let id: Int32 =
      switch kind {
      case 0: shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600)
      case 1: msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      default: semget(IPC_PRIVATE, 4, IPC_CREAT | 0o600)
      }
    if id >= 0 { alive.append((kind, id)) }
    if alive.count > 6 || id < 0 {
      guard !alive.isEmpty else { continue }
      let (oldKind, oldID) = alive.removeFirst()
      switch oldKind {
      case 0: _ = shmctl(oldID, IPC_RMID, nil)
      case 1: _ = msgctl(oldID, IPC_RMID, nil)
      default: _ = cipc_sem_remove(oldID)
      }
    }
  }
  exit(0)
}

var churner: pid_t = 0
if churn {
  var churnArgv: [UnsafeMutablePointer<CChar>?] = [strdup("/proc/self/exe"), strdup("--churn-child"), nil]
  let started = posix_spawn(&churner, "/proc/self/exe", nil, nil, &churnArgv, environ)
  guard started == 0 else { fail("cannot start the churning process: \(String(cString: strerror(started)))") }
}

// MARK: The command

var pid: pid_t = 0
var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
let spawned = posix_spawnp(&pid, argv[0].unsafelyUnwrapped, nil, nil, &argv, environ)
guard spawned == 0 else { fail("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
var status: Int32 = 0
while waitpid(pid, &status, 0) < 0 {
  guard errno == EINTR else { fail("waitpid: \(String(cString: strerror(errno)))") }
}
if churner > 0 {
  kill(churner, SIGKILL)
  while waitpid(churner, nil, 0) < 0 && errno == EINTR {}
}
for address in attachments { shmdt(address) }
// Exit as the command did.
let exited = status & 0x7f == 0
exit(exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))

import Testing

/// swipcs and swipcrm on real POSIX objects, in private IPC and mount namespaces.
///
/// A private tmpfs on `/dev/shm`, objects made by a small C helper with known sizes, values, message counts, owners and modes, run as root and as
/// uid 65534. The machine's own `/dev/shm` is never touched.
@Suite(.enabled(if: Namespaces.mode == .root, "needs root: a private tmpfs on /dev/shm and the mqueue filesystem"))
struct PosixEndToEndTests {
  /// The helper: `mkposix` makes the objects below; `mkposix sysv` one System V segment.
  static let helper = #"""
    #include <fcntl.h>
    #include <mqueue.h>
    #include <semaphore.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <sys/ipc.h>
    #include <sys/mman.h>
    #include <sys/shm.h>
    #include <sys/stat.h>
    #include <unistd.h>

    static void fail(const char *what) { perror(what); exit(1); }

    static void shm(const char *name, off_t size, mode_t mode, uid_t owner) {
      int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, mode);
      if (fd < 0 || ftruncate(fd, size) != 0 || fchmod(fd, mode) != 0 || fchown(fd, owner, owner) != 0) fail(name);
      close(fd);
    }

    static void sem(const char *name, unsigned value, mode_t mode, uid_t owner) {
      sem_t *s = sem_open(name, O_CREAT | O_EXCL, mode, value);
      if (s == SEM_FAILED) fail(name);
      sem_close(s);
      char path[300];
      snprintf(path, sizeof path, "/dev/shm/sem.%s", name + 1);
      if (chmod(path, mode) != 0 || chown(path, owner, owner) != 0) fail(path);
    }

    static void queue(const char *name, int messages, mode_t mode, uid_t owner) {
      struct mq_attr attributes = {.mq_maxmsg = 5, .mq_msgsize = 100};
      mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, mode, &attributes);
      if (q < 0) fail(name);
      for (int i = 0; i < messages; i++)
        if (mq_send(q, i ? "abc" : "hello", i ? 3 : 5, 1) != 0) fail("mq_send");
      if (fchmod(q, mode) != 0 || fchown(q, owner, owner) != 0) fail(name);
      mq_close(q);
    }

    int main(int argc, char **argv) {
      umask(0);
      if (argc > 1) {
        if (shmget(0x1234, 4096, IPC_CREAT | 0600) < 0) fail("shmget");
        return 0;
      }
      shm("/seg", 10000, 0640, 0);
      shm("/nobodys", 4096, 0600, 65534);
      sem("/lock", 3, 0640, 0);
      sem("/open", 0, 0666, 65534);
      queue("/q", 2, 0640, 0);
      queue("/empty", 0, 0600, 65534);
      return 0;
    }
    """#

  /// Runs `checks` (bash, with `check CONDITION TEXT` and `$ROOT`/`$NOBODY` prefixes) after the objects and the
  /// planted entries are made; every failed check prints `FAIL: TEXT`.
  static func run(_ checks: String) throws -> String {
    let script = """
      set -u
      cat > "$WORK/mkposix.c" <<'HELPER'
      \(helper)
      HELPER
      cc -o "$WORK/mkposix" "$WORK/mkposix.c" || exit 1
      mount -t tmpfs -o mode=1777 swipcs-test /dev/shm || exit 1
      "$WORK/mkposix" || exit 1
      # Entries that are no object: a symlink to a file outside /dev/shm (as shared memory and as a semaphore's
      # file), a directory and a FIFO.
      echo outside > "$WORK/outside"; chmod 666 "$WORK/outside"
      ln -s "$WORK/outside" /dev/shm/planted
      ln -s "$WORK/outside" /dev/shm/sem.planted
      mkdir /dev/shm/adir; mkfifo /dev/shm/fifo
      # The queues as a private mount of the mqueue filesystem shows them, to compare with.
      mkdir "$WORK/mq" && mount -t mqueue swipcs-test "$WORK/mq" || exit 1
      NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
      check() { if eval "$1"; then :; else echo "FAIL: $2"; fi; }
      outside_intact() { [ "$(cat "$WORK/outside")" = outside ] && [ -L /dev/shm/planted ] && [ -L /dev/shm/sem.planted ]; }
      run() { "$@" > "$WORK/out" 2> "$WORK/err"; echo $? > "$WORK/rc"; }
      out() { cat "$WORK/out"; }
      err() { cat "$WORK/err"; }
      rc() { cat "$WORK/rc"; }
      \(checks)
      echo DONE
      """
    let result = try Namespaces.runScript(script, fixtureArguments: ["--count", "0"])
    let text = String(decoding: result.stdout, as: UTF8.self)
    let errors = String(decoding: result.stderr, as: UTF8.self)
    #expect(result.status == 0, "\(errors)")
    #expect(text.hasSuffix("DONE\n"), "\(text)\(errors)")
    return text
  }

  static func expectNoFailures(_ text: String) {
    let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
    #expect(failures.isEmpty, "\(text)")
  }

  @Test("listings hold what the helper made, as root and as uid 65534")
  func listings() throws {
    let text = try Self.run(
      #"""
      run $SWIPCS --posix-shmems -b
      check '[ "$(rc)" = 0 ]' "shm listing status"
      check '[ "$(out | head -1)" = "NAME        PERMS  OWNER  SIZE MTIME" ] && [ "$(out | wc -l)" = 3 ]' "shm header: $(out)"
      check 'out | grep -Eq "^nobodys rw------- nobody  4096 [0-9:]{5}$" && out | grep -Eq "^seg     rw-r-----   root 10000 [0-9:]{5}$"' "shm rows: $(out)"
      check 'grep -q "/dev/shm/planted: a symbolic link, not a POSIX IPC object; left out" "$WORK/err"' "planted link reported"
      check 'grep -q "/dev/shm/adir: a directory" "$WORK/err" && grep -q "/dev/shm/fifo: not a regular file" "$WORK/err"' "dir and fifo reported"
      check '! grep -q sem.planted "$WORK/err"' "the semaphore-named link belongs to the semaphore listing"
      run $SWIPCS --posix-shmems
      check 'out | grep -q "^seg .* 9.8K "' "human size: $(out)"
      run $SWIPCS --posix-semaphores
      check '[ "$(out | head -1)" = "NAME     PERMS  OWNER MTIME SVAL" ]' "sem header: $(out)"
      check 'out | grep -Eq "^lock rw-r-----   root [0-9:]{5}    3$" && out | grep -Eq "^open rw-rw-rw- nobody [0-9:]{5}    0$"' "sem rows: $(out)"
      check 'grep -q "/dev/shm/sem.planted: a symbolic link" "$WORK/err"' "planted semaphore link reported"
      run $SWIPCS --posix-mqueues -b
      check '[ "$(rc)" = 0 ]' "queue listing status: $(err)"
      check 'out | grep -Eq "^/empty +rw------- +nobody +[0-9:]+ +0 0$"' "empty queue: $(out)"
      check 'out | grep -Eq "^/q +rw-r----- +root +[0-9:]+ +8 2$"' "queue: 8 bytes, 2 messages: $(out)"
      check 'grep -q "^QSIZE:8 " "$WORK/mq/q"' "the mqueue file agrees"
      run $SWIPCS --posix-mqueues --posix-shmems --posix-semaphores
      check '[ "$(out | grep -c "^NAME ")" = 3 ] && [ "$(out | grep -c "^$")" = 2 ]' "three tables: $(out)"
      check '[ "$(out | head -1 | tr -s " ")" = "NAME PERMS OWNER MTIME USEDBYTES MSGS" ]' "queues first"

      # uid 65534: the semaphore it may not read has no value; queues cannot be listed without root.
      run $NOBODY $SWIPCS --posix-semaphores
      check 'out | grep -Eq "^lock +rw-r----- +root +[0-9:]+ *$"' "unreadable value left empty: $(out)"
      check 'out | grep -Eq "^open .* 0$"' "readable value: $(out)"
      run $NOBODY $SWIPCS --posix-mqueues
      check '[ "$(rc)" = 1 ] && [ -z "$(out)" ]' "queues without root: status $(rc)"
      check 'grep -q "POSIX message queues cannot be listed: /dev/mqueue is not mounted, and a private mount of the mqueue filesystem could not be made: fsopen(mqueue) failed: Operation not permitted (only root may mount one)" "$WORK/err"' "message: $(err)"

      # Mixed with System V kinds: one table each, in lsipc master's order; ipcs's fixed views and -i are refused.
      run $SWIPCS --posix-shmems -m
      check '[ "$(rc)" = 0 ] && out | head -1 | grep -q "^KEY " && out | grep -q "^NAME "' "mixed with System V: $(out)"
      run $SWIPCS --posix-shmems -m -i 0
      check '[ "$(rc)" = 1 ] && grep -q "mutually exclusive arguments: --posix-shmems --id" "$WORK/err"' "with -i: $(err)"
      run $SWIPCS --posix-semaphores -l
      check '[ "$(rc)" = 1 ] && grep -q "mutually exclusive arguments: --posix-semaphores --limits" "$WORK/err"' "with -l: $(err)"
      check 'outside_intact' "planted entries and their target untouched"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("removal by name: only the object named, never a symlink's target; bad names remove nothing")
  func removalByName() throws {
    let text = try Self.run(
      #"""
      run $SWIPCRM --posix-shmem planted
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: name \`planted'"'"' is not POSIX shared memory: /dev/shm/planted is a symbolic link; not removed" ]' "planted: $(err)"
      run $SWIPCRM --posix-semaphore planted --posix-shmem adir --posix-shmem fifo
      check '[ "$(rc)" = 1 ] && [ "$(grep -c "not removed" "$WORK/err")" = 3 ]' "link as semaphore, dir, fifo: $(err)"
      check 'outside_intact && [ -d /dev/shm/adir ] && [ -p /dev/shm/fifo ]' "nothing of them removed"

      for bad in "a/b" "" "/" ".." "sem.lock" "$(printf "%0256d" 0)"; do
        run $SWIPCRM --posix-shmem seg --posix-shmem "$bad"
        check '[ "$(rc)" = 1 ] && [ -f /dev/shm/seg ] && [ -z "$(out)" ]' "bad name '$bad' removed something"
        check 'grep -q "^swipcrm: invalid POSIX shared memory name" "$WORK/err"' "bad name '$bad': $(err)"
      done
      run $SWIPCRM --posix-mqueue //q -m 0
      check '[ "$(rc)" = 1 ] && [ -f "$WORK/mq/q" ]' "bad queue name"
      run $SWIPCRM --posix-semaphore "$(printf "%0252d" 0)"
      check 'grep -q "longer than 251 bytes" "$WORK/err"' "semaphore NAME_MAX: $(err)"

      # uid 65534 may remove its own objects in the sticky /dev/shm, not root's.
      run $NOBODY $SWIPCRM --posix-shmem seg
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: permission denied for name \`seg'"'"'" ] && [ -f /dev/shm/seg ]' "nobody on root's: $(err)"
      run $NOBODY $SWIPCRM -v --posix-shmem /nobodys --posix-semaphore open
      check '[ "$(rc)" = 0 ] && [ ! -e /dev/shm/nobodys ] && [ ! -e /dev/shm/sem.open ]' "nobody's own: $(rc) $(err)"
      check '[ "$(out)" = "$(printf "removing POSIX shared memory \`/nobodys'"'"'\nremoving POSIX semaphore \`open'"'"'")" ]' "verbose: $(out)"
      run $NOBODY $SWIPCRM --posix-mqueue /q
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: permission denied for name \`/q'"'"'" ] && [ -f "$WORK/mq/q" ]' "nobody on root's queue: $(err)"
      run $NOBODY $SWIPCRM --posix-mqueue /empty
      check '[ "$(rc)" = 0 ] && [ ! -e "$WORK/mq/empty" ]' "nobody's own queue, no mount needed: $(err)"

      run $SWIPCRM -n --posix-shmem seg --posix-mqueue q --posix-semaphore nosuch
      check '[ "$(rc)" = 1 ] && [ -f /dev/shm/seg ] && [ -f "$WORK/mq/q" ]' "dry run removed something"
      check '[ "$(err)" = "swipcrm: name \`nosuch'"'"' not found" ]' "dry run finds the missing: $(err)"
      run $SWIPCRM --posix-shmem seg --posix-mqueue q --posix-semaphore /lock --posix-shmem gone
      check '[ "$(rc)" = 1 ] && [ "$(err)" = "swipcrm: name \`gone'"'"' not found" ]' "removal: $(err)"
      check '[ ! -e /dev/shm/seg ] && [ ! -e /dev/shm/sem.lock ] && [ ! -e "$WORK/mq/q" ]' "removed"
      check 'outside_intact && [ -d /dev/shm/adir ] && [ -p /dev/shm/fifo ]' "planted entries untouched"
      """#
    )
    Self.expectNoFailures(text)
  }

  @Test("-a: bare means System V only; pshm, psem and pmsg remove objects, never the planted entries")
  func removeAll() throws {
    let text = try Self.run(
      #"""
      "$WORK/mkposix" sysv || echo "FAIL: System V segment"
      run $SWIPCRM -a
      check '[ "$(rc)" = 0 ] && [ -z "$(ipcs -m | grep 0x00001234)" ]' "bare -a: System V removed"
      check '[ -f /dev/shm/seg ] && [ -f /dev/shm/sem.lock ] && [ -f "$WORK/mq/q" ]' "bare -a left POSIX objects"

      run $NOBODY $SWIPCRM -a pmsg -a pshm
      check '[ "$(rc)" = 1 ] && [ -f /dev/shm/nobodys ] && grep -q "POSIX message queues cannot be listed" "$WORK/err"' "-a pmsg without root stops before removing: $(err)"

      run $SWIPCRM -n -a pshm -a psem -a pmsg
      check '[ "$(rc)" = 0 ] && [ -f /dev/shm/seg ] && [ -f "$WORK/mq/q" ]' "dry run removed something"
      check '[ "$(out)" = "$(printf "removing POSIX shared memory \`nobodys'"'"'\nremoving POSIX shared memory \`seg'"'"'\nremoving POSIX semaphore \`lock'"'"'\nremoving POSIX semaphore \`open'"'"'\nremoving POSIX message queue \`/empty'"'"'\nremoving POSIX message queue \`/q'"'"'")" ]' "dry run order: $(out)"

      run $NOBODY $SWIPCRM -a pshm
      check '[ "$(rc)" = 1 ] && [ ! -e /dev/shm/nobodys ] && [ -f /dev/shm/seg ]' "nobody's -a pshm: its own only: $(err)"
      check 'grep -q "permission denied for name \`seg'"'"'" "$WORK/err" && grep -q "/dev/shm/planted: a symbolic link, not a POSIX IPC object; left alone" "$WORK/err"' "nobody's -a pshm messages: $(err)"

      run $SWIPCRM -v -apsem -a pmsg --all=pshm
      check '[ "$(rc)" = 0 ]' "-a of the three: $(err)"
      check '[ "$(ls -A /dev/shm | tr "\n" " ")" = "adir fifo planted sem.planted " ] && [ -z "$(ls -A "$WORK/mq")" ]' "left: $(ls -A /dev/shm) / $(ls -A "$WORK/mq")"
      check 'outside_intact' "planted entries and their target untouched"
      """#
    )
    Self.expectNoFailures(text)
  }
}

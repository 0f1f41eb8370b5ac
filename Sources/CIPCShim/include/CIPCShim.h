// The C side of swipcs: only what Swift cannot call or see directly.
//
// Why a shim at all:
// - semctl(2) is variadic and takes `union semun`; Swift cannot call a variadic C function.
// - IPC_INFO and the *_INFO/`struct msginfo` family are glibc `__USE_GNU` items; defining _GNU_SOURCE in this header
//   breaks the Glibc module import (swift-system's shims.c explains it), so they are reached out of line in shim.c,
//   which defines _GNU_SOURCE for itself only.
// - getopt_long and its globals (optarg, optind) are not visible through `import Glibc` and are mutable C globals
//   that Swift 6 strict concurrency rejects; accessors keep them in C.
// - errno and open(2) are reached here rather than through the Glibc overlay's Swift wrappers: using any of them
//   links the overlay's whole object file, whose sections are all marked retained, and with it about 110 libm
//   functions that the loader then binds at every start (issue 18).
//
// The structs below are this shim's own, with fixed-width fields: glibc's shmid_ds/msqid_ds/semid_ds never reach
// Swift, so the Swift side does not depend on libc field names (`__key`, `__msg_cbytes`, ...).
#ifndef CIPCSHIM_H
#define CIPCSHIM_H

#include <getopt.h>
#include <stdint.h>

/// The ipc_perm block shared by the three kinds of object.
struct cipc_perm {
  int32_t key;
  int32_t id;
  uint32_t uid;
  uint32_t gid;
  uint32_t cuid;
  uint32_t cgid;
  uint32_t mode;
};

struct cipc_shm {
  struct cipc_perm perm;
  uint64_t size;
  uint64_t nattch;
  int64_t atime;
  int64_t dtime;
  int64_t ctime;
  int32_t cpid;
  int32_t lpid;
};

struct cipc_msg {
  struct cipc_perm perm;
  uint64_t cbytes;
  uint64_t qnum;
  uint64_t qbytes;
  int64_t stime;
  int64_t rtime;
  int64_t ctime;
  int32_t lspid;
  int32_t lrpid;
};

struct cipc_sem {
  struct cipc_perm perm;
  uint64_t nsems;
  int64_t otime;
  int64_t ctime;
};

/// How the first argument of a stat call is understood.
enum cipc_lookup {
  /// A kernel slot index, without a read-permission check (`*_STAT_ANY`, Linux >= 4.17).
  CIPC_BY_INDEX_ANY = 0,
  /// A kernel slot index, with the read-permission check (`*_STAT`).
  CIPC_BY_INDEX = 1,
  /// An identifier (`IPC_STAT`).
  CIPC_BY_ID = 2,
};

/// Fills `out` for one segment. Returns the identifier (or 0 for CIPC_BY_ID), -1 with errno on failure.
int cipc_shm_stat(int target, enum cipc_lookup how, struct cipc_shm *out);
/// As cipc_shm_stat, for a message queue.
int cipc_msg_stat(int target, enum cipc_lookup how, struct cipc_msg *out);
/// As cipc_shm_stat, for a semaphore set.
int cipc_sem_stat(int target, enum cipc_lookup how, struct cipc_sem *out);

/// SHM_INFO figures (`ipcs -u`): total, resident and swapped are in pages; used_ids and the swap figures are
/// counts.
struct cipc_shm_usage {
  int32_t used_ids;
  uint64_t total_pages;
  uint64_t resident_pages;
  uint64_t swapped_pages;
  uint64_t swap_attempts;
  uint64_t swap_successes;
};
/// MSG_INFO figures: queues in use, messages queued, bytes queued.
struct cipc_msg_usage {
  int32_t queues;
  int32_t messages;
  int32_t bytes;
};
/// SEM_INFO figures: sets in use, semaphores in use.
struct cipc_sem_usage {
  int32_t sets;
  int32_t semaphores;
};

/// `shmctl(0, SHM_INFO)`: returns the highest used slot index (0 when none: the kernel clamps it), -1 with errno
/// on failure.
int cipc_shm_usage(struct cipc_shm_usage *out);
/// `msgctl(0, MSG_INFO)`: as cipc_shm_usage.
int cipc_msg_usage(struct cipc_msg_usage *out);
/// `semctl(0, 0, SEM_INFO)`: as cipc_shm_usage.
int cipc_sem_usage(struct cipc_sem_usage *out);

/// IPC_INFO limits of shared memory.
struct cipc_shm_limits {
  uint64_t shmmax;
  uint64_t shmmin;
  uint64_t shmmni;
  uint64_t shmall;
};
/// IPC_INFO limits of message queues.
struct cipc_msg_limits {
  int32_t msgmni;
  int32_t msgmax;
  int32_t msgmnb;
};
/// IPC_INFO limits of semaphores.
struct cipc_sem_limits {
  int32_t semmni;
  int32_t semmsl;
  int32_t semmns;
  int32_t semopm;
  int32_t semvmx;
};

/// `shmctl(0, IPC_INFO)`: returns >= 0 on success, -1 with errno.
int cipc_shm_limits(struct cipc_shm_limits *out);
/// `msgctl(0, IPC_INFO)`.
int cipc_msg_limits(struct cipc_msg_limits *out);
/// `semctl(0, 0, IPC_INFO)`.
int cipc_sem_limits(struct cipc_sem_limits *out);

/// IPC_RMID. Returns 0, or -1 with errno.
int cipc_shm_remove(int id);
/// IPC_RMID on a message queue.
int cipc_msg_remove(int id);
/// IPC_RMID on a semaphore set.
int cipc_sem_remove(int id);

/// Which per-semaphore figure cipc_sem_query reads.
enum cipc_sem_field {
  CIPC_SEM_VALUE = 0,
  CIPC_SEM_NCOUNT = 1,
  CIPC_SEM_ZCOUNT = 2,
  CIPC_SEM_PID = 3,
};
/// `semctl(id, num, GETVAL|GETNCNT|GETZCNT|GETPID)`: the figure, or -1 with errno.
int cipc_sem_query(int id, int num, enum cipc_sem_field field);

/// What an open file is as a namespace (cipc_ns_file_kind).
enum cipc_ns_file {
  /// Not a file of the nsfs file system: a regular file, a directory, a device...
  CIPC_NS_NOT_NSFS = 0,
  /// An nsfs file of an IPC namespace.
  CIPC_NS_IPC = 1,
  /// An nsfs file of another namespace type (net, mnt, user...).
  CIPC_NS_OTHER = 2,
};

/// What `fd` refers to: `fstatfs` (nsfs's magic number), then for nsfs the `NS_GET_NSTYPE` ioctl (Linux 4.11).
/// Returns an enum cipc_ns_file value, or -1 with errno. The ioctl is made only on nsfs files.
int cipc_ns_file_kind(int fd);
/// `setns(fd, CLONE_NEWIPC)`: moves the calling thread into the IPC namespace `fd` refers to. 0, or -1 with errno.
int cipc_setns_ipc(int fd);

/// The argument count glibc handed to this program's initialisers (shim.c), or -1 when they did not run.
///
/// The Swift runtime on Linux rebuilds argv from /proc/self/maps and `environ`, which fails without /proc, when
/// /proc/self does not resolve (another pid namespace's /proc) or after a preloaded library moved `environ`.
/// glibc passes argc/argv/envp to every `.init_array` function of the executable, from the process entry itself.
int cipc_argc(void);
/// The argument vector that goes with cipc_argc(), or NULL.
char **cipc_argv(void);

/// Remembers that a write to fd 2 failed (util-linux's close_stdout then exits 1).
void cipc_stderr_note_failure(void);
/// Whether any write to stderr failed: one noted above, or one through C's `stderr` (getopt's messages).
int cipc_stderr_failed(void);

/// The calling thread's errno.
int cipc_errno(void);
/// open(path, O_RDONLY | O_CLOEXEC): a descriptor, or -1 with errno.
int cipc_open_read(const char *path);

/// `setlocale(LC_ALL, "")`, the first time only: util-linux's first call, made here when libc is first about to
/// write or return text that depends on the locale (getopt's messages, strerror, localeconv). Loading the
/// locale is over a quarter of a short run's instructions and a dozen files mapped; most runs print nothing
/// that depends on it.
void cipc_adopt_locale(void);
/// Whether cipc_adopt_locale() has run.
int cipc_locale_adopted(void);
/// Sets getopt's `opterr`: 0 keeps getopt from printing its messages.
void cipc_set_opterr(int value);

/// getopt_long(3) with GNU argument permutation and glibc's own diagnostics on stderr.
int cipc_getopt_long(int argc, char *const *argv, const char *shortopts, const struct option *longopts);
/// The current `optarg`, or NULL.
const char *cipc_optarg(void);
/// The current `optind`.
int cipc_optind(void);
/// Sets `optind`: a caller that takes the next word as an option's argument skips it this way.
void cipc_set_optind(int index);
/// Restarts getopt scanning (optind = 0), for a second parse in one process (tests).
void cipc_getopt_reset(void);

/// One mapping of a process, as PROCMAP_QUERY returns it.
struct cipc_mapping {
  uint64_t start, end;
  /// Bits 1 readable, 2 writable, 4 executable, 8 shared.
  uint64_t flags;
  uint64_t offset;
  uint64_t inode;
  uint32_t dev_major, dev_minor;
  /// The bytes of the name written, its NUL included; 0 when it has none.
  uint32_t name_size;
};

/// `ioctl(PROCMAP_QUERY)` (Linux 6.11) on `fd`, an open /proc/PID/maps: the first shared, file-backed mapping that
/// ends after `address`, with its path (as /proc/PID/maps writes it) in `name`. 0, or -1 with errno: ENOENT when
/// there is none left, ENOTTY (or EINVAL) when the kernel has no PROCMAP_QUERY.
int cipc_next_shared_mapping(int fd, uint64_t address, struct cipc_mapping *out, char *name, uint32_t capacity);
/// The same for every file-backed mapping, private ones too when `shared_only` is 0.
int cipc_next_file_mapping(
  int fd, uint64_t address, int shared_only, struct cipc_mapping *out, char *name, uint32_t capacity);

// POSIX IPC. The new mount API (fsopen, fsconfig, fsmount) has no glibc 2.36 wrapper Swift sees, and syscall(2) is
// variadic; mqueue.h is not part of the Glibc module.

/// Which call of `cipc_mqueue_private_instance` failed.
enum cipc_mqueue_stage {
  CIPC_MQUEUE_FSOPEN = 0,
  CIPC_MQUEUE_FSCONFIG = 1,
  CIPC_MQUEUE_FSMOUNT = 2,
};

/// A detached, read-only mount of the mqueue filesystem of the caller's IPC namespace: fsopen("mqueue"),
/// fsconfig(FSCONFIG_CMD_CREATE), fsmount(MOUNT_ATTR_RDONLY|NOSUID|NODEV|NOEXEC). The mount is attached nowhere:
/// it lives in an anonymous mount namespace of its own, no other process can see it, and it goes away when the
/// descriptor is closed. Returns the mount's descriptor (close-on-exec), or -1 with errno and `*stage` set.
int cipc_mqueue_private_instance(enum cipc_mqueue_stage *stage);

/// mq_getattr on a descriptor of a file of the mqueue filesystem: 0 with the three values, or -1 with errno.
int cipc_mq_attributes(int fd, int64_t *current_messages, int64_t *max_messages, int64_t *message_size);

/// mq_open(name, O_RDONLY | O_NONBLOCK): the queue of the caller's IPC namespace, as a descriptor (Linux's mqd_t),
/// or -1 with errno.
int cipc_mq_open_readonly(const char *name);

/// mq_unlink(name), `name` with its leading '/': 0, or -1 with errno.
int cipc_mq_unlink(const char *name);

/// The filesystem magic of what `fd` is on (fstatfs's f_type), or -1 with errno.
int64_t cipc_filesystem_type(int fd);

/// MQUEUE_MAGIC.
#define CIPC_MQUEUE_MAGIC 0x19800202
/// Whether CAP_SYS_ADMIN is in this process's effective set (`capget`): 1, 0, or -1 with errno.
int cipc_has_cap_sys_admin(void);
/// Whether this process's capabilities count for its IPC namespace, that is whether the user namespace that owns
/// the IPC namespace (`NS_GET_USERNS`) is this process's own or a descendant of it (`NS_GET_PARENT`): 1 or 0, or -1
/// when that cannot be told (no /proc, or a kernel before 4.9).
int cipc_ipc_namespace_in_own_user_namespace(void);

/// openat2(root, path, flags) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: `path` resolved inside `root` (another
/// process's root, `/proc/PID/root`), absolute symlinks and ".." included. A descriptor, or -1 with errno (ENOSYS
/// before Linux 5.6).
int cipc_open_in_root(int root, const char *path, int flags);

/// Whether the namespace file `path` (`/proc/PID/ns/mnt`) belongs to this process's own user namespace
/// (`NS_GET_USERNS`): 1 or 0, or -1 with errno when that cannot be told.
int cipc_namespace_owned_by_own_user_namespace(const char *path);

/// openat(directory, path, O_PATH | flags): a descriptor that only names the file (Swift does not see O_PATH).
int cipc_open_path(int directory, const char *path, int flags);

#endif

// _GNU_SOURCE stays in this file: defined in the header it breaks the Glibc module import (see CIPCShim.h).
#define _GNU_SOURCE 1

#include "CIPCShim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <locale.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <mqueue.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

// X/Open leaves `union semun` to the caller.
union cipc_semun {
  int val;
  struct semid_ds *buf;
  unsigned short *array;
  struct seminfo *info;
};

static void copy_perm(const struct ipc_perm *in, int32_t id, struct cipc_perm *out) {
  out->key = in->__key;
  out->id = id;
  out->uid = in->uid;
  out->gid = in->gid;
  out->cuid = in->cuid;
  out->cgid = in->cgid;
  out->mode = in->mode;
}

static int shm_command(enum cipc_lookup how) {
  return how == CIPC_BY_INDEX_ANY ? SHM_STAT_ANY : how == CIPC_BY_INDEX ? SHM_STAT : IPC_STAT;
}

static int msg_command(enum cipc_lookup how) {
  return how == CIPC_BY_INDEX_ANY ? MSG_STAT_ANY : how == CIPC_BY_INDEX ? MSG_STAT : IPC_STAT;
}

static int sem_command(enum cipc_lookup how) {
  return how == CIPC_BY_INDEX_ANY ? SEM_STAT_ANY : how == CIPC_BY_INDEX ? SEM_STAT : IPC_STAT;
}

int cipc_shm_stat(int target, enum cipc_lookup how, struct cipc_shm *out) {
  struct shmid_ds ds;
  memset(&ds, 0, sizeof ds);
  int rc = shmctl(target, shm_command(how), &ds);
  if (rc < 0) return -1;
  copy_perm(&ds.shm_perm, how == CIPC_BY_ID ? target : rc, &out->perm);
  out->size = ds.shm_segsz;
  out->nattch = ds.shm_nattch;
  out->atime = ds.shm_atime;
  out->dtime = ds.shm_dtime;
  out->ctime = ds.shm_ctime;
  out->cpid = ds.shm_cpid;
  out->lpid = ds.shm_lpid;
  return rc;
}

int cipc_msg_stat(int target, enum cipc_lookup how, struct cipc_msg *out) {
  struct msqid_ds ds;
  memset(&ds, 0, sizeof ds);
  int rc = msgctl(target, msg_command(how), &ds);
  if (rc < 0) return -1;
  copy_perm(&ds.msg_perm, how == CIPC_BY_ID ? target : rc, &out->perm);
  out->cbytes = ds.__msg_cbytes;
  out->qnum = ds.msg_qnum;
  out->qbytes = ds.msg_qbytes;
  out->stime = ds.msg_stime;
  out->rtime = ds.msg_rtime;
  out->ctime = ds.msg_ctime;
  out->lspid = ds.msg_lspid;
  out->lrpid = ds.msg_lrpid;
  return rc;
}

int cipc_sem_stat(int target, enum cipc_lookup how, struct cipc_sem *out) {
  struct semid_ds ds;
  memset(&ds, 0, sizeof ds);
  union cipc_semun arg;
  arg.buf = &ds;
  int rc = semctl(target, 0, sem_command(how), arg);
  if (rc < 0) return -1;
  copy_perm(&ds.sem_perm, how == CIPC_BY_ID ? target : rc, &out->perm);
  out->nsems = ds.sem_nsems;
  out->otime = ds.sem_otime;
  out->ctime = ds.sem_ctime;
  return rc;
}

int cipc_shm_usage(struct cipc_shm_usage *out) {
  struct shm_info info;
  memset(&info, 0, sizeof info);
  int rc = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
  if (rc < 0) return -1;
  out->used_ids = info.used_ids;
  out->total_pages = info.shm_tot;
  out->resident_pages = info.shm_rss;
  out->swapped_pages = info.shm_swp;
  out->swap_attempts = info.swap_attempts;
  out->swap_successes = info.swap_successes;
  return rc;
}

int cipc_msg_usage(struct cipc_msg_usage *out) {
  struct msginfo info;
  memset(&info, 0, sizeof info);
  int rc = msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&info);
  if (rc < 0) return -1;
  out->queues = info.msgpool;
  out->messages = info.msgmap;
  out->bytes = info.msgtql;
  return rc;
}

int cipc_sem_usage(struct cipc_sem_usage *out) {
  struct seminfo info;
  memset(&info, 0, sizeof info);
  union cipc_semun arg;
  arg.info = &info;
  int rc = semctl(0, 0, SEM_INFO, arg);
  if (rc < 0) return -1;
  out->sets = info.semusz;
  out->semaphores = info.semaem;
  return rc;
}

int cipc_shm_limits(struct cipc_shm_limits *out) {
  struct shminfo info;
  memset(&info, 0, sizeof info);
  int rc = shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&info);
  if (rc < 0) return -1;
  out->shmmax = info.shmmax;
  out->shmmin = info.shmmin;
  out->shmmni = info.shmmni;
  out->shmall = info.shmall;
  return rc;
}

int cipc_msg_limits(struct cipc_msg_limits *out) {
  struct msginfo info;
  memset(&info, 0, sizeof info);
  int rc = msgctl(0, IPC_INFO, (struct msqid_ds *)(void *)&info);
  if (rc < 0) return -1;
  out->msgmni = info.msgmni;
  out->msgmax = info.msgmax;
  out->msgmnb = info.msgmnb;
  return rc;
}

int cipc_sem_limits(struct cipc_sem_limits *out) {
  struct seminfo info;
  memset(&info, 0, sizeof info);
  union cipc_semun arg;
  arg.info = &info;
  int rc = semctl(0, 0, IPC_INFO, arg);
  if (rc < 0) return -1;
  out->semmni = info.semmni;
  out->semmsl = info.semmsl;
  out->semmns = info.semmns;
  out->semopm = info.semopm;
  out->semvmx = info.semvmx;
  return rc;
}

int cipc_shm_remove(int id) { return shmctl(id, IPC_RMID, NULL); }

int cipc_msg_remove(int id) { return msgctl(id, IPC_RMID, NULL); }

int cipc_sem_remove(int id) {
  union cipc_semun arg;
  arg.val = 0;
  return semctl(id, 0, IPC_RMID, arg);
}

int cipc_sem_query(int id, int num, enum cipc_sem_field field) {
  static const int commands[] = {GETVAL, GETNCNT, GETZCNT, GETPID};
  union cipc_semun arg;
  arg.val = 0;
  return semctl(id, num, commands[field], arg);
}

int cipc_ns_file_kind(int fd) {
  struct statfs fs;
  if (fstatfs(fd, &fs) < 0) return -1;
  if (fs.f_type != NSFS_MAGIC) return CIPC_NS_NOT_NSFS;
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type < 0) return -1;
  return type == CLONE_NEWIPC ? CIPC_NS_IPC : CIPC_NS_OTHER;
}

int cipc_setns_ipc(int fd) { return setns(fd, CLONE_NEWIPC); }

static int captured_argc = -1;
static char **captured_argv;

static void capture_arguments(int argc, char **argv, char **envp) {
  (void)envp;
  captured_argc = argc;
  captured_argv = argv;
}

// Placed in .init_array by hand: glibc calls these with (argc, argv, envp), a `constructor` attribute does not
// promise the arguments. `used` keeps it through optimisation; linkers keep .init_array under --gc-sections.
__attribute__((section(".init_array"), used)) static void (*const capture_arguments_entry)(int, char **, char **) =
    capture_arguments;

int cipc_argc(void) { return captured_argc; }

char **cipc_argv(void) { return captured_argv; }

// Swift's `CommandLine` asks the runtime for argv through this function. The runtime's own definition (its
// CommandLine.cpp) comes with a static initialiser that, at every start of every Swift program on Linux, reads
// /proc/self/maps with fopen/fgets/sscanf to find the stack and walks back from `environ` to argv: about 100,000
// instructions, a tenth of `swipcs -m`'s start (issue 18). Defined here, the static link takes this definition
// (our objects come before libswiftCore.a), the archive member with that initialiser is never pulled in, and
// `CommandLine.arguments` (ipc-fixture uses it) is the argv glibc handed to the initialisers above.
//
// The runtime declares it `SWIFT_CC(swift) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen)`, hidden. If a
// toolchain renames it, this definition is simply unused; if that archive member gains another symbol the program
// needs, the link fails with a duplicate definition. A dynamically linked runtime (`swift test`) keeps its own.
__attribute__((swiftcall, visibility("hidden"), used)) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
  static char *empty[] = {NULL};
  if (captured_argc <= 0 || captured_argv == NULL) {
    *outArgLen = 0;
    return empty;
  }
  *outArgLen = captured_argc;
  return captured_argv;
}

static int stderr_failed;

void cipc_stderr_note_failure(void) { stderr_failed = 1; }

int cipc_stderr_failed(void) { return stderr_failed || ferror(stderr); }

static int locale_adopted;

void cipc_adopt_locale(void) {
  if (locale_adopted) return;
  locale_adopted = 1;
  setlocale(LC_ALL, "");
}

int cipc_locale_adopted(void) { return locale_adopted; }

void cipc_set_opterr(int value) { opterr = value; }

int cipc_errno(void) { return errno; }

int cipc_open_read(const char *path) { return open(path, O_RDONLY | O_CLOEXEC); }

int cipc_getopt_long(int argc, char *const *argv, const char *shortopts, const struct option *longopts) {
  return getopt_long(argc, argv, shortopts, longopts, NULL);
}

const char *cipc_optarg(void) { return optarg; }

int cipc_optind(void) { return optind; }

void cipc_getopt_reset(void) { optind = 0; }

void cipc_set_optind(int index) { optind = index; }


// The new mount API's numbers and flags, for headers that predate it (the numbers are the same on every
// architecture).
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#define CIPC_FSOPEN_CLOEXEC 0x00000001
#define CIPC_FSCONFIG_CMD_CREATE 6
#define CIPC_FSMOUNT_CLOEXEC 0x00000001
#define CIPC_MOUNT_ATTR_RDONLY 0x00000001
#define CIPC_MOUNT_ATTR_NOSUID 0x00000002
#define CIPC_MOUNT_ATTR_NODEV 0x00000004
#define CIPC_MOUNT_ATTR_NOEXEC 0x00000008

int cipc_mqueue_private_instance(enum cipc_mqueue_stage *stage) {
  *stage = CIPC_MQUEUE_FSOPEN;
  int context = (int)syscall(SYS_fsopen, "mqueue", CIPC_FSOPEN_CLOEXEC);
  if (context < 0) return -1;
  *stage = CIPC_MQUEUE_FSCONFIG;
  if (syscall(SYS_fsconfig, context, CIPC_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    int saved = errno;
    close(context);
    errno = saved;
    return -1;
  }
  *stage = CIPC_MQUEUE_FSMOUNT;
  int mount = (int)syscall(
    SYS_fsmount, context, CIPC_FSMOUNT_CLOEXEC,
    CIPC_MOUNT_ATTR_RDONLY | CIPC_MOUNT_ATTR_NOSUID | CIPC_MOUNT_ATTR_NODEV | CIPC_MOUNT_ATTR_NOEXEC);
  int saved = errno;
  close(context);
  errno = saved;
  return mount;
}

int cipc_mq_attributes(int fd, int64_t *current_messages, int64_t *max_messages, int64_t *message_size) {
  struct mq_attr attributes;
  if (mq_getattr((mqd_t)fd, &attributes) != 0) return -1;
  *current_messages = attributes.mq_curmsgs;
  *max_messages = attributes.mq_maxmsg;
  *message_size = attributes.mq_msgsize;
  return 0;
}

int cipc_mq_unlink(const char *name) { return mq_unlink(name); }

int cipc_mq_open_readonly(const char *name) { return (int)mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC); }

int64_t cipc_filesystem_type(int fd) {
  struct statfs info;
  if (fstatfs(fd, &info) != 0) return -1;
  return (int64_t)info.f_type;
}

/* PROCMAP_QUERY's argument, as include/uapi/linux/fs.h (Linux 6.11) declares it; the system headers of older
 * distributions do not have it. */
struct cipc_procmap_query {
  uint64_t size;
  uint64_t query_flags;
  uint64_t query_addr;
  uint64_t vma_start;
  uint64_t vma_end;
  uint64_t vma_flags;
  uint64_t vma_page_size;
  uint64_t vma_offset;
  uint64_t inode;
  uint32_t dev_major;
  uint32_t dev_minor;
  uint32_t vma_name_size;
  uint32_t build_id_size;
  uint64_t vma_name_addr;
  uint64_t build_id_addr;
};
_Static_assert(sizeof(struct cipc_procmap_query) == 104, "procmap_query is 104 bytes");
#define CIPC_PROCMAP_QUERY _IOWR('f', 17, struct cipc_procmap_query)
#define CIPC_QUERY_VMA_SHARED 0x08
#define CIPC_QUERY_COVERING_OR_NEXT_VMA 0x10
#define CIPC_QUERY_FILE_BACKED_VMA 0x20

int cipc_next_shared_mapping(int fd, uint64_t address, struct cipc_mapping *out, char *name, uint32_t capacity) {
  return cipc_next_file_mapping(fd, address, 1, out, name, capacity);
}

int cipc_next_file_mapping(
  int fd, uint64_t address, int shared_only, struct cipc_mapping *out, char *name, uint32_t capacity) {
  struct cipc_procmap_query query;
  memset(&query, 0, sizeof query);
  query.size = sizeof query;
  query.query_flags = CIPC_QUERY_COVERING_OR_NEXT_VMA | CIPC_QUERY_FILE_BACKED_VMA;
  if (shared_only) query.query_flags |= CIPC_QUERY_VMA_SHARED;
  query.query_addr = address;
  query.vma_name_size = capacity;
  query.vma_name_addr = (uint64_t)(uintptr_t)name;
  if (ioctl(fd, CIPC_PROCMAP_QUERY, &query) < 0) return -1;
  out->start = query.vma_start;
  out->end = query.vma_end;
  out->flags = query.vma_flags;
  out->offset = query.vma_offset;
  out->inode = query.inode;
  out->dev_major = query.dev_major;
  out->dev_minor = query.dev_minor;
  out->name_size = query.vma_name_size;
  return 0;
}

int cipc_has_cap_sys_admin(void) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  if (syscall(SYS_capget, &header, data) != 0) return -1;
  return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}

int cipc_ipc_namespace_in_own_user_namespace(void) {
  struct stat own;
  if (stat("/proc/self/ns/user", &own) != 0) return -1;
  int ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
  if (ipc < 0) return -1;
  int user = ioctl(ipc, NS_GET_USERNS);
  close(ipc);
  if (user < 0) return -1;
  /* User namespaces nest at most 32 deep. */
  for (int depth = 0; depth < 40; depth++) {
    struct stat owner;
    if (fstat(user, &owner) != 0) break;
    if (owner.st_dev == own.st_dev && owner.st_ino == own.st_ino) {
      close(user);
      return 1;
    }
    /* EPERM: the parent is outside this process's user namespace, so ours is not an ancestor. */
    int parent = ioctl(user, NS_GET_PARENT);
    close(user);
    if (parent < 0) return 0;
    user = parent;
  }
  close(user);
  return 0;
}

/* openat2(2) with RESOLVE_IN_ROOT: `path` resolved as if `root` were "/", so that an absolute symlink or ".." in
 * another process's root (/proc/PID/root) stays inside it instead of reaching the caller's own files. */
#include <linux/openat2.h>
int cipc_open_in_root(int root, const char *path, int flags) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (unsigned long long)flags;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

int cipc_open_path(int directory, const char *path, int flags) {
  return openat(directory, path, O_PATH | flags);
}

int cipc_namespace_owned_by_own_user_namespace(const char *path) {
  struct stat own;
  if (stat("/proc/self/ns/user", &own) != 0) return -1;
  int ns = open(path, O_RDONLY | O_CLOEXEC);
  if (ns < 0) return -1;
  int user = ioctl(ns, NS_GET_USERNS);
  close(ns);
  if (user < 0) return -1;
  struct stat owner;
  int result = fstat(user, &owner) == 0 ? (owner.st_dev == own.st_dev && owner.st_ino == own.st_ino) : -1;
  close(user);
  return result;
}

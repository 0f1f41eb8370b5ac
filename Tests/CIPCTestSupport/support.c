#define _GNU_SOURCE 1

#include "CIPCTestSupport.h"

#include <errno.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

union ipctest_semun {
  int val;
  struct semid_ds *buf;
  unsigned short *array;
};

int ipctest_sem_setall(int id, const unsigned short *values) {
  union ipctest_semun arg;
  arg.array = (unsigned short *)values;
  return semctl(id, 0, SETALL, arg);
}

int ipctest_set_owner(enum ipctest_kind kind, int id, uint32_t uid, uint32_t gid, uint32_t mode) {
  switch (kind) {
  case IPCTEST_SHARED_MEMORY: {
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0) return -1;
    ds.shm_perm.uid = uid;
    ds.shm_perm.gid = gid;
    ds.shm_perm.mode = mode & 0777;
    return shmctl(id, IPC_SET, &ds);
  }
  case IPCTEST_MESSAGE_QUEUE: {
    struct msqid_ds ds;
    if (msgctl(id, IPC_STAT, &ds) < 0) return -1;
    ds.msg_perm.uid = uid;
    ds.msg_perm.gid = gid;
    ds.msg_perm.mode = mode & 0777;
    return msgctl(id, IPC_SET, &ds);
  }
  case IPCTEST_SEMAPHORE_SET: {
    struct semid_ds ds;
    union ipctest_semun arg;
    arg.buf = &ds;
    if (semctl(id, 0, IPC_STAT, arg) < 0) return -1;
    ds.sem_perm.uid = uid;
    ds.sem_perm.gid = gid;
    ds.sem_perm.mode = mode & 0777;
    return semctl(id, 0, IPC_SET, arg);
  }
  }
  errno = EINVAL;
  return -1;
}

int ipctest_unshare_ipc(void) { return unshare(CLONE_NEWIPC); }

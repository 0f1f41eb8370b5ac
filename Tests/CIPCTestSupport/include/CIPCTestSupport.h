// Test-only C for the fixture and the tests: calls the shipped tools never make (they change or create IPC state,
// or a namespace). Not linked into swipcs or swipcrm.
#ifndef CIPCTESTSUPPORT_H
#define CIPCTESTSUPPORT_H

#include <stdint.h>

/// The kind of object ipctest_set_owner changes.
enum ipctest_kind {
  IPCTEST_SHARED_MEMORY = 0,
  IPCTEST_MESSAGE_QUEUE = 1,
  IPCTEST_SEMAPHORE_SET = 2,
};

/// `semctl(id, 0, SETALL, values)`: 0, or -1 with errno.
int ipctest_sem_setall(int id, const unsigned short *values);
/// IPC_STAT then IPC_SET of uid, gid and the 0777 bits of mode: 0, or -1 with errno.
int ipctest_set_owner(enum ipctest_kind kind, int id, uint32_t uid, uint32_t gid, uint32_t mode);
/// unshare(CLONE_NEWIPC): 0, or -1 with errno. Gives the caller a private IPC namespace.
int ipctest_unshare_ipc(void);

#endif

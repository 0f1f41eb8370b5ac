/* holder: a process that makes, uses and holds System V objects step by step, for the process tests and
 * bench/processes.sh. Compiled by them with cc; never installed.
 *
 *   holder STEP...
 *
 * Steps, run in order; each prints one line on stdout (flushed) when it is done. An ID of "-" is the id of the
 * object the last shm, msg or sem step made:
 *   shm KEY           create a 4 KiB segment (mode 0666)           -> "shm ID"
 *   msg KEY           create a queue (mode 0666)                    -> "msg ID"
 *   sem KEY N         create a set of N semaphores (mode 0666)      -> "sem ID"
 *   attach ID         shmat                                         -> "attached ID"
 *   detach            shmdt the last attachment                     -> "detached"
 *   rm-shm ID | rm-msg ID | rm-sem ID    IPC_RMID                   -> "removed ID"
 *   send ID           msgsnd one message of type 1                  -> "sent ID"
 *   recv ID           msgrcv one message, not waiting               -> "received ID"
 *   setval ID NUM VAL semctl SETVAL                                 -> "set ID"
 *   child             fork a child that inherits everything and waits for EOF on stdin; the parent goes on
 *                                                                    -> "child PID"
 *   block ID NUM      fork a child blocked in semop(NUM, -1) (it waits for an increase); returns once the kernel
 *                     counts it as waiting (GETNCNT), without sleeping -> "blocked PID"
 *   block-recv ID     fork a child blocked in msgrcv; returns once /proc/CHILD/syscall shows it in msgrcv
 *                     (the kernel's own state, no sleep)           -> "blocked PID"
 *   maps N            add N private mappings of a file (typical maps lines)   -> "mapped N"
 *   until T           wait until the wall clock is past T (seconds since the epoch) -> "time"
 *   hold              print "ready", then wait for EOF on stdin      -> "ready"
 *   pid               -> "pid PID"
 *
 * Every failure prints "holder: STEP: strerror" on stderr and exits 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *step) {
  fprintf(stderr, "holder: %s: %s\n", step, strerror(errno));
  exit(2);
}

static void say(const char *format, long value) {
  printf(format, value);
  fflush(stdout);
}

/* Waits for EOF on stdin (the test closes its end of the pipe). */
static void wait_for_eof(void) {
  char buffer[64];
  while (read(0, buffer, sizeof buffer) > 0) {
  }
}

static int last_id = -1;

static int id_argument(const char *text) { return strcmp(text, "-") ? atoi(text) : last_id; }

/* Whether /proc/PID/syscall shows the task in system call `number`. */
static int in_syscall(pid_t pid, long number) {
  char path[64], text[256];
  snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t count = read(fd, text, sizeof text - 1);
  close(fd);
  if (count <= 0) return 0;
  text[count] = 0;
  return strtol(text, NULL, 10) == number && text[0] != 'r';
}

int main(int argc, char **argv) {
  void *last = NULL;
  for (int i = 1; i < argc; i++) {
    const char *step = argv[i];
#define ARG() (i + 1 < argc ? argv[++i] : (errno = EINVAL, fail(step), ""))
    if (!strcmp(step, "shm")) {
      int id = shmget((key_t)strtoul(ARG(), NULL, 0), 4096, IPC_CREAT | IPC_EXCL | 0666);
      if (id < 0) fail(step);
      last_id = id;
      say("shm %ld\n", id);
    } else if (!strcmp(step, "msg")) {
      int id = msgget((key_t)strtoul(ARG(), NULL, 0), IPC_CREAT | IPC_EXCL | 0666);
      if (id < 0) fail(step);
      last_id = id;
      say("msg %ld\n", id);
    } else if (!strcmp(step, "sem")) {
      key_t key = (key_t)strtoul(ARG(), NULL, 0);
      int id = semget(key, atoi(ARG()), IPC_CREAT | IPC_EXCL | 0666);
      if (id < 0) fail(step);
      last_id = id;
      say("sem %ld\n", id);
    } else if (!strcmp(step, "attach")) {
      int id = id_argument(ARG());
      last = shmat(id, NULL, 0);
      if (last == (void *)-1) fail(step);
      say("attached %ld\n", id);
    } else if (!strcmp(step, "detach")) {
      if (shmdt(last) < 0) fail(step);
      say("detached\n", 0);
    } else if (!strcmp(step, "rm-shm") || !strcmp(step, "rm-msg") || !strcmp(step, "rm-sem")) {
      int id = id_argument(ARG());
      int rc = step[3] == 's' && step[4] == 'h' ? shmctl(id, IPC_RMID, NULL)
               : step[3] == 'm'                ? msgctl(id, IPC_RMID, NULL)
                                               : semctl(id, 0, IPC_RMID);
      if (rc < 0) fail(step);
      say("removed %ld\n", id);
    } else if (!strcmp(step, "send")) {
      int id = id_argument(ARG());
      struct {
        long type;
        char text[8];
      } message = {1, "hello"};
      if (msgsnd(id, &message, sizeof message.text, IPC_NOWAIT) < 0) fail(step);
      say("sent %ld\n", id);
    } else if (!strcmp(step, "recv")) {
      int id = id_argument(ARG());
      struct {
        long type;
        char text[8];
      } message;
      if (msgrcv(id, &message, sizeof message.text, 0, IPC_NOWAIT) < 0) fail(step);
      say("received %ld\n", id);
    } else if (!strcmp(step, "setval")) {
      int id = id_argument(ARG());
      int number = atoi(ARG());
      int value = atoi(ARG());
      if (semctl(id, number, SETVAL, value) < 0) fail(step);
      say("set %ld\n", id);
    } else if (!strcmp(step, "child")) {
      pid_t child = fork();
      if (child < 0) fail(step);
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        wait_for_eof();
        _exit(0);
      }
      say("child %ld\n", child);
    } else if (!strcmp(step, "block")) {
      int id = id_argument(ARG());
      int number = atoi(ARG());
      int before = semctl(id, number, GETNCNT);
      if (before < 0) fail(step);
      pid_t child = fork();
      if (child < 0) fail(step);
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        struct sembuf op = {(unsigned short)number, -1, 0};
        semop(id, &op, 1);
        _exit(0);
      }
      /* The kernel's own count says when the child waits: no sleep. */
      while (semctl(id, number, GETNCNT) <= before) {
        if (waitpid(child, NULL, WNOHANG) != 0) fail(step); /* the child failed instead of waiting */
        sched_yield();
      }
      say("blocked %ld\n", child);
    } else if (!strcmp(step, "block-recv")) {
      int id = id_argument(ARG());
      pid_t child = fork();
      if (child < 0) fail(step);
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        struct {
          long type;
          char text[8];
        } message;
        msgrcv(id, &message, sizeof message.text, 0, 0);
        _exit(0);
      }
      while (!in_syscall(child, SYS_msgrcv)) {
        if (waitpid(child, NULL, WNOHANG) != 0) fail(step); /* the child failed instead of waiting */
        sched_yield();
      }
      say("blocked %ld\n", child);
    } else if (!strcmp(step, "maps")) {
      int count = atoi(ARG());
      int fd = open("/proc/self/exe", O_RDONLY);
      if (fd < 0) fail(step);
      long page = sysconf(_SC_PAGESIZE);
      for (int n = 0; n < count; n++) {
        /* Alternate protections so that neighbouring mappings do not merge into one line. */
        void *p = mmap(NULL, page, n % 2 ? PROT_READ : PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) fail(step);
      }
      close(fd);
      say("mapped %ld\n", count);
    } else if (!strcmp(step, "until")) {
      struct timespec when = {(time_t)strtol(ARG(), NULL, 10), 1000000};
      while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &when, NULL) == EINTR) {
      }
      say("time\n", 0);
    } else if (!strcmp(step, "hold")) {
      say("ready\n", 0);
      wait_for_eof();
    } else if (!strcmp(step, "pid")) {
      say("pid %ld\n", getpid());
    } else {
      errno = EINVAL;
      fail(step);
    }
  }
  return 0;
}

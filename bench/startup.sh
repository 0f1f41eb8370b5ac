#!/bin/sh
# Start-up benchmark (issue 18): in an empty private IPC namespace, each of our tools against util-linux's on a
# call that does almost nothing, so that the time is the cost of starting the program:
#   swipcs -m          vs  ipcs -m            (empty listing)
#   swipcs -l          vs  ipcs -l            (limits: reads /proc/sys/kernel)
#   swipcrm -m 12345   vs  ipcrm -m 12345     (an id that does not exist: both exit 1)
# The two programs of a pair run alternately, PAIRS times (the order flips every round), each started with
# posix_spawn from a small C loop and timed from spawn to exit. It prints the median wall time of each and the
# median of the per-round ratios (ours / util-linux).
#
#   bench/startup.sh [PAIRS] [BINDIR]     default 500 pairs; BINDIR holding swipcs and swipcrm, by default the
#                                         release build of `make build` (.build/release)
#
# Needs a C compiler (cc) and root or unprivileged user namespaces.
set -eu
pairs=${1:-500}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
if [ $# -ge 2 ]; then
  bin=$(cd "$2" && pwd)
else
  make -s build >/dev/null
  bin=$here/.build/release
fi
wrap=""
[ "$(id -u)" = 0 ] || wrap="unshare --map-root-user"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/timer.c" <<'C'
/* timer PAIRS REF-ARGV... --- NEW-ARGV...: runs the two commands alternately, PAIRS rounds, stdin/stdout/stderr
   on /dev/null; prints "ref_median_us new_median_us median_ratio ref_status new_status". */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static double median(double *v, int n) {
  qsort(v, n, sizeof *v, ascending);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
int main(int argc, char **argv) {
  if (argc < 5) return 2;
  int pairs = atoi(argv[1]), split = 2;
  while (split < argc && strcmp(argv[split], "---") != 0) split++;
  if (pairs < 1 || split >= argc - 1) return 2;
  argv[split] = NULL;
  char **cmd[2] = {&argv[2], &argv[split + 1]};
  double *t[2] = {calloc(pairs, sizeof(double)), calloc(pairs, sizeof(double))};
  double *ratio = calloc(pairs, sizeof(double));
  int status[2] = {0, 0};
  posix_spawn_file_actions_t io;
  posix_spawn_file_actions_init(&io);
  posix_spawn_file_actions_addopen(&io, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&io, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&io, 2, "/dev/null", O_WRONLY, 0);
  for (int r = 0; r < pairs; r++) {
    for (int k = 0; k < 2; k++) {
      int c = r % 2 ? 1 - k : k;
      struct timespec a, b;
      pid_t pid;
      int st;
      clock_gettime(CLOCK_MONOTONIC, &a);
      if (posix_spawn(&pid, cmd[c][0], &io, NULL, cmd[c], environ) != 0) { perror(cmd[c][0]); return 2; }
      while (waitpid(pid, &st, 0) < 0) {}
      clock_gettime(CLOCK_MONOTONIC, &b);
      t[c][r] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
      status[c] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    ratio[r] = t[1][r] / t[0][r];
  }
  printf("%.0f %.0f %.3f %d %d\n", median(t[0], pairs), median(t[1], pairs), median(ratio, pairs), status[0],
         status[1]);
  return 0;
}
C
cc -O2 -o "$work/timer" "$work/timer.c"

# Inside the namespace: one line per pair, "label ref_us new_us ratio ref_status new_status".
inner=$(cat <<'INNER'
set -eu
timer=$1 pairs=$2 bin=$3
[ "$(wc -l < /proc/sysvipc/shm)" = 1 ] || { echo "bench: the namespace is not empty" >&2; exit 1; }
echo "swipcs-m $("$timer" "$pairs" /usr/bin/ipcs -m --- "$bin/swipcs" -m)"
echo "swipcs-l $("$timer" "$pairs" /usr/bin/ipcs -l --- "$bin/swipcs" -l)"
echo "swipcrm-m-missing $("$timer" "$pairs" /usr/bin/ipcrm -m 12345 --- "$bin/swipcrm" -m 12345)"
INNER
)

echo "== start-up, empty IPC namespace, $pairs alternating pairs each, binaries in $bin"
$wrap unshare --ipc sh -c "$inner" sh "$work/timer" "$pairs" "$bin" | awk '
  {
    split($1, w, "-"); ours = w[1] " -" w[2] (w[3] == "missing" ? " 12345" : "")
    theirs = (w[1] == "swipcs" ? "ipcs" : "ipcrm") " -" w[2] (w[3] == "missing" ? " 12345" : "")
    printf "%-18s %5d us   %-17s %5d us   ratio %.2f (median of pairs)   exit %d / %d\n",
      ours, $3, theirs, $2, $4, $6, $5
    if ($5 != $6) { printf "bench: %s and %s exit differently\n", ours, theirs > "/dev/stderr"; bad = 1 }
  }
  END { exit bad }'

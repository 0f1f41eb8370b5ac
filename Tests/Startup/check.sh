#!/bin/bash
# Checks on the release binaries that the start-up link options (Package.swift, issue 18) must not break, run by
# .ci/run on the `make build` binaries and on the ones `make install` staged:
#   - the ELF: no RUNPATH/RPATH, only glibc's libraries needed (libstdc++ and libgcc linked in), full RELRO
#     (BIND_NOW), a non-executable stack;
#   - glibc's NSS: a uid with no passwd entry prints as its number, a uid of /etc/passwd as its name (a miss goes
#     on to the next source of /etc/nsswitch.conf, which glibc loads with dlopen), byte for byte as ipcs, as root
#     and as uid 65534;
#   - the locale: de_DE.UTF-8 (made with localedef into a LOCPATH directory) as LC_NUMERIC gives --human a
#     decimal comma, byte for byte as ipcs; so does LC_ALL=de_DE.UTF-8;
#   - crash reports: with SWIFT_BACKTRACE naming the toolchain's swift-backtrace, a SIGSEGV prints the Swift
#     crash report; without it, the process dies of the signal and prints nothing (the runtime looks for
#     swift-backtrace next to the binary only).
#
#   Tests/Startup/check.sh BINDIR        (BINDIR holds swipcs and swipcrm; the NSS, locale and crash checks need
#                                         root, for private IPC and mount namespaces and setpriv)
set -u
bin=$(cd "${1:?usage: check.sh BINDIR}" && pwd)
failures=0
pass() { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf 'skip %s\n' "$*"; }

# --- the ELF ---
for tool in swipcs swipcrm; do
  dynamic=$(readelf -d "$bin/$tool")
  headers=$(readelf -lW "$bin/$tool")
  if grep -qE '\((RUNPATH|RPATH)\)' <<< "$dynamic"; then
    fail "$tool: $(grep -E '\((RUNPATH|RPATH)\)' <<< "$dynamic")"
  else
    pass "$tool: no RUNPATH or RPATH"
  fi
  needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<< "$dynamic" | sort | tr '\n' ' ')
  extra=$(tr ' ' '\n' <<< "$needed" | grep -vxE 'libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|' | tr '\n' ' ' || true)
  if [ -z "$extra" ]; then pass "$tool: needs only $needed"; else fail "$tool: also needs $extra"; fi
  if grep -q 'BIND_NOW' <<< "$dynamic" && grep -q 'GNU_RELRO' <<< "$headers"; then
    pass "$tool: full RELRO"
  else
    fail "$tool: no full RELRO (BIND_NOW and GNU_RELRO)"
  fi
  if grep -E 'GNU_STACK' <<< "$headers" | grep -q 'RWE'; then fail "$tool: executable stack"; else
    pass "$tool: non-executable stack"
  fi
done

if [ "$(id -u)" != 0 ] || ! unshare --ipc --mount true 2> /dev/null; then
  skip "NSS, locale and crash checks: they need root (private IPC and mount namespaces, setpriv)"
  [ "$failures" = 0 ] && exit 0 || exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# --- NSS and the locale, in private IPC and mount namespaces ---
cp /etc/passwd "$work/passwd" && echo 'startupcheck:x:4321:4321::/nonexistent:/usr/sbin/nologin' >> "$work/passwd"
cp /etc/group "$work/group" && echo 'startupgroup:x:4321:' >> "$work/group"
locales=""
if command -v localedef > /dev/null && [ -e /usr/share/i18n/locales/de_DE ]; then
  mkdir -p "$work/locales"
  localedef -i de_DE -f UTF-8 "$work/locales/de_DE.UTF-8" 2> /dev/null && locales=$work/locales
fi
cat > "$work/inner.sh" << 'INNER'
set -u
bin=$1 work=$2 locales=$3
mount --bind "$work/passwd" /etc/passwd && mount --bind "$work/group" /etc/group || exit 1
# A segment owned and created by a uid with no passwd entry, one by a uid that has one; 1,500,000 bytes shows a
# decimal separator with --human.
setpriv --reuid=12345 --regid=12345 --clear-groups ipcmk -M 4096 > /dev/null || exit 1
setpriv --reuid=4321 --regid=4321 --clear-groups ipcmk -M 1500000 > /dev/null || exit 1
as() { # user command...: root, or uid/gid 65534
  user=$1; shift
  if [ "$user" = root ]; then "$@"; else setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; fi
}
compare() { # label user env-assignments... -- arguments...: swipcs against ipcs, stdout, stderr and status
  label=$1 user=$2; shift 2
  assignments=()
  while [ "$1" != -- ]; do assignments+=("$1"); shift; done
  shift
  as "$user" env "${assignments[@]}" /usr/bin/ipcs "$@" > "$work/ref.out" 2> "$work/ref.err"; ref=$?
  as "$user" env "${assignments[@]}" "$bin/swipcs" "$@" > "$work/new.out" 2> "$work/new.err"; new=$?
  if [ $ref = $new ] && cmp -s "$work/ref.out" "$work/new.out" && cmp -s "$work/ref.err" "$work/new.err"; then
    echo "ok   $label ($user): same as ipcs"
  else
    echo "FAIL $label ($user): differs from ipcs (exit $ref vs $new)"; diff "$work/ref.out" "$work/new.out" | head -5
  fi
}
echo "     (passwd and group in /etc/nsswitch.conf: $(grep -E '^passwd:' /etc/nsswitch.conf | tr -s ' '))"
for user in root nobody; do
  for arguments in "-m" "-m -c" "-m -p" "-m -t"; do
    # shellcheck disable=SC2086
    compare "swipcs $arguments" "$user" -- $arguments
  done
  out=$(as "$user" "$bin/swipcs" -m -c)
  if grep -qw 12345 <<< "$out" && grep -qw startupcheck <<< "$out" && grep -qw startupgroup <<< "$out"; then
    echo "ok   swipcs -m -c ($user): uid 12345 as a number, uid 4321 as startupcheck/startupgroup"
  else
    echo "FAIL swipcs -m -c ($user): expected 12345 and startupcheck/startupgroup in:"; echo "$out"
  fi
done
if [ -n "$locales" ]; then
  for user in root nobody; do
    # LC_NUMERIC alone: util-linux-locales, where installed, translates ipcs's headers under LC_ALL=de_DE.
    compare "LC_NUMERIC=de_DE.UTF-8 swipcs -m --human" "$user" -u LC_ALL LOCPATH="$locales" LANG=C.UTF-8 \
      LC_NUMERIC=de_DE.UTF-8 -- -m --human
    compare "LC_NUMERIC=de_DE.UTF-8 swipcs -l --human" "$user" -u LC_ALL LOCPATH="$locales" LANG=C.UTF-8 \
      LC_NUMERIC=de_DE.UTF-8 -- -l --human
  done
  if LOCPATH="$locales" LC_ALL=de_DE.UTF-8 "$bin/swipcs" -m --human | grep -q '1,4M'; then
    echo "ok   LC_ALL=de_DE.UTF-8 swipcs -m --human: 1,4M (decimal comma)"
  else
    echo "FAIL LC_ALL=de_DE.UTF-8 swipcs -m --human: no 1,4M"
  fi
else
  echo "skip locale: no localedef or no de_DE source here"
fi
INNER
unshare --ipc --mount --propagation private bash "$work/inner.sh" "$bin" "$work" "$locales" > "$work/inner.log" 2>&1
cat "$work/inner.log"
failures=$((failures + $(grep -c '^FAIL' "$work/inner.log")))

# --- crash reports ---
# swipcs is made to block writing its listing to a full pipe; it then gets a SIGSEGV.
crash() { # output-file SWIFT_BACKTRACE-value-or-empty: prints the exit status
  exec 3<> "$work/fifo"
  head -c 65536 /dev/zero >&3 # fills the pipe: the listing's write blocks
  if [ -n "$2" ]; then
    SWIFT_BACKTRACE=$2 "$bin/swipcs" -m >&3 2> "$1" < /dev/null &
  else
    env -u SWIFT_BACKTRACE "$bin/swipcs" -m >&3 2> "$1" < /dev/null &
  fi
  pid=$!
  until read -r call _ < "/proc/$pid/syscall" 2> /dev/null && [ "$call" = 1 ]; do :; done
  kill -SEGV "$pid"
  if [ -n "$2" ]; then
    # The report is complete when the handler has returned to the blocked write (a SIGSEGV sent with kill is not
    # a fault, so the program goes on where it was); then it is stopped for good.
    until grep -q 'Program crashed' "$1" && read -r call _ < "/proc/$pid/syscall" 2> /dev/null && [ "$call" = 1 ]
    do :; done
    kill -KILL "$pid"
  fi
  wait "$pid"
  echo $?
  exec 3>&-
}
mkfifo "$work/fifo"
status=$(unshare --ipc bash -c "$(declare -f crash); work=$work bin=$bin; crash $work/plain.err ''" 2> /dev/null)
if [ "$status" = 139 ] && [ ! -s "$work/plain.err" ]; then
  pass "crash without SWIFT_BACKTRACE: killed by SIGSEGV (status 139), no report"
else
  fail "crash without SWIFT_BACKTRACE: status $status, stderr: $(head -c 300 "$work/plain.err")"
fi
swift_backtrace=$(dirname "$(readlink -f "$(command -v swift 2> /dev/null || echo /nonexistent)")")/../libexec/swift/linux/swift-backtrace
if [ -x "$swift_backtrace" ]; then
  unshare --ipc bash -c "$(declare -f crash); work=$work bin=$bin; \
    crash $work/report.err enable=yes,interactive=no,swift-backtrace=$swift_backtrace" > /dev/null 2>&1
  if grep -q 'Program crashed' "$work/report.err" && grep -q 'Thread 0 "swipcs" crashed' "$work/report.err" \
    && grep -q ' in swipcs' "$work/report.err"; then
    pass "crash with SWIFT_BACKTRACE=...,swift-backtrace=$swift_backtrace: Swift crash report, swipcs's frames"
  else
    fail "crash with SWIFT_BACKTRACE: no crash report: $(head -c 600 "$work/report.err")"
  fi
else
  skip "crash report: no swift-backtrace next to the toolchain's swift"
fi

echo
if [ "$failures" = 0 ]; then echo "startup checks: all passed"; else echo "startup checks: $failures failed"; exit 1; fi

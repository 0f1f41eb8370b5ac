#!/bin/sh
# Builds the libFuzzer targets (with AddressSanitizer) and runs each for SECONDS.
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET...]      (default 60 s; targets: proc-shm proc-msg proc-sem numbers proc-process filter)
#
# Each target starts from Tests/Fuzz/Corpus/TARGET and keeps what it finds in .build/fuzz/corpus-TARGET; a crash
# or sanitizer report is saved in .build/fuzz/artifacts/ and makes this script fail. Two targets run at a time.
set -eu
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-proc-shm proc-msg proc-sem numbers proc-process filter}
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
out=.build/fuzz
mkdir -p "$out/artifacts" "$out/module"
# The IPCModel target on its own, instrumented, as a module the targets import: it has no dependency, so what
# builds in the package builds here.
model=$(find Sources/IPCModel -name '*.swift' | sort)
echo "building IPCModel"
# shellcheck disable=SC2086 # $model is a list of files
if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -package-name swipcs -module-name IPCModel \
  -emit-module -emit-module-path "$out/module/IPCModel.swiftmodule" -emit-library -static \
  -o "$out/module/libIPCModel.a" $model > "$out/IPCModel.build.log" 2>&1; then
  cat "$out/IPCModel.build.log"
  exit 1
fi
for target in $targets; do
  flag=FUZZ_$(echo "$target" | tr 'a-z-' 'A-Z_')
  echo "building $target"
  if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -package-name swipcs -module-name IPCFuzz -D "$flag" \
    -I "$out/module" -L "$out/module" -lIPCModel Tests/Fuzz/Targets.swift -o "$out/$target" \
    > "$out/$target.build.log" 2>&1; then
    cat "$out/$target.build.log"
    exit 1
  fi
  mkdir -p "$out/corpus-$target"
done
# Swift's own crash backtracer would hold the crash open; libFuzzer reports it instead.
export SWIFT_BACKTRACE=enable=no
status=0
for target in $targets; do echo "$target"; done | xargs -P 2 -I{} sh -c '
  out=$1 seconds=$2 target=$3
  timeout $((seconds + 120)) "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/artifacts/$target-" -print_final_stats=1 "$out/corpus-$target" "Tests/Fuzz/Corpus/$target" \
    > "$out/$target.log" 2>&1
  rc=$?
  runs=$(grep -m1 "stat::number_of_executed_units" "$out/$target.log" | tr -dc 0-9)
  if [ $rc -eq 0 ]; then echo "fuzz $target: ${runs:-?} runs, no crash"; else
    echo "fuzz $target: FAILED (exit $rc), see $out/$target.log"; tail -20 "$out/$target.log"; exit 1; fi
' sh "$out" "$seconds" {} || status=1
exit $status

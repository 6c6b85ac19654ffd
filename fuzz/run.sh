#!/bin/sh
# fuzz/run.sh - build the libFuzzer harnesses and run each for a while.
#
# Usage: fuzz/run.sh [HARNESS...]      (default: every fuzz/fuzz_*.c)
# Environment:
#	FUZZ_TIME	seconds per harness (default 60)
#	FUZZ_BUILD	the clang build directory (default
#			${TMPDIR:-/tmp}/bouncedoc-fuzz); configured with
#			--enable-fuzzing when it has no Makefile yet (or
#			one of another source tree)
#	FUZZ_CC		the compiler (default clang)
#
# Seeds come from tests/data/, help/, examples/ and, when it is there,
# ../shared/corpus/.  Each harness runs with -max_total_time, a per-input
# timeout of 10 s and an RSS limit of 2 GiB; a crash, a leak, a sanitizer
# report, a slow input or an out-of-memory fails it.  Prints one line per
# harness:
#	fuzz NAME: N execs, M exec/s, ok|CRASH
# and exits 1 if any failed (or the build did).  Crash inputs are kept in
# $FUZZ_BUILD/artifacts/; turn each into a test under
# tests/data/fuzz-regress/ before fixing it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd) || exit 1
secs=${FUZZ_TIME:-60}
build=${FUZZ_BUILD:-${TMPDIR:-/tmp}/bouncedoc-fuzz}
cc=${FUZZ_CC:-clang}
shared=$top/../shared/corpus

if [ $# -gt 0 ]; then
	names=$*
else
	names=
	for f in "$top"/fuzz/fuzz_*.c; do
		[ -f "$f" ] || continue
		f=${f##*/}
		names="$names ${f%.c}"
	done
fi
if [ -z "$names" ]; then
	echo "fuzz: no harness in $top/fuzz" >&2
	exit 1
fi
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found (Debian: apt-get install clang libclang-rt-dev)" >&2
	exit 1
fi
if [ ! -x "$top/configure" ]; then
	echo "fuzz: $top/configure missing: run autoreconf -fi first" >&2
	exit 1
fi

# ------------------------------------------------------------------ build
mkdir -p "$build" || exit 1
cd "$build" || exit 1
# a build directory left by another source tree is started again
if [ -f Makefile ] && ! grep -qx "abs_top_srcdir = $top" Makefile; then
	echo "fuzz: $build was configured for another tree; starting again"
	find . -mindepth 1 -delete
fi
if [ ! -f Makefile ]; then
	"$top/configure" -q CC="$cc" CFLAGS="-O1 -g" --enable-fuzzing \
	    || { echo "fuzz: configure failed" >&2; exit 1; }
fi
progs=
for h in $names; do
	progs="$progs fuzz/$h"
done
# shellcheck disable=SC2086
if ! make -j2 $progs >build.log 2>&1; then
	tail -40 build.log
	echo "fuzz: build failed (log: $build/build.log)" >&2
	exit 1
fi

# ------------------------------------------------------------------ seeds
work=$build/run
rm -rf "$work"
mkdir -p "$work/artifacts" || exit 1

# copy_seeds DIR FILE...: copies the regular files that exist into DIR
copy_seeds() {
	d=$1
	shift
	mkdir -p "$d"
	for f in "$@"; do
		[ -f "$f" ] || continue
		# a name unique per path, since corpora repeat base names
		n=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
		cp "$f" "$d/$n-${f##*/}"
	done
}

# line_seeds DIR MAX FILE...: one seed per line of the files (the second
# column of a TSV, where the test tables keep the text), at most MAX
line_seeds() {
	d=$1 max=$2
	shift 2
	mkdir -p "$d"
	for f in "$@"; do
		[ -f "$f" ] && cat "$f"
	done | awk -F'\t' -v d="$d" -v max="$max" '
		/^#/ || NF == 0 { next }
		{ t = NF > 1 ? $2 : $0; if (seen[t]++) next
		  if (++n > max) exit
		  f = d "/line" n; printf "%s", t > f; close(f) }'
}

seeds_for() {
	s=$work/seeds/$1
	case $1 in
	fuzz_findings)
		line_seeds "$s" 3000 "$top"/tests/data/*.tsv \
		    "$top"/tests/data/*.txt
		copy_seeds "$s" "$top"/tests/data/fuzz-regress/findings/* ;;
	fuzz_kb)
		copy_seeds "$s" "$top"/help/*.kb "$top"/help/providers/*.kb \
		    "$top"/tests/data/*.kb "$top"/tests/data/kb-user/* \
		    "$top"/tests/data/bad/*.kb \
		    "$top"/tests/data/fuzz-regress/kb/* ;;
	fuzz_message)
		copy_seeds "$s" "$top"/examples/* "$top"/tests/data/*.eml \
		    "$top"/tests/data/*/*.eml "$top"/tests/data/hostile.* \
		    "$top"/tests/data/bad/* \
		    "$top"/tests/data/fuzz-regress/message/*
		[ -d "$shared" ] && find "$shared" -type f -size -256k \
		    ! -name '*.md' ! -name LICENSE | while read -r f; do
			copy_seeds "$s" "$f"
		done ;;
	fuzz_maillog)
		copy_seeds "$s" "$top"/tests/data/*.log \
		    "$top"/tests/data/*/*.log "$top"/tests/data/*/*.log.gz \
		    "$top"/tests/data/hostile.* "$top"/tests/data/bad/*.gz \
		    "$top"/tests/data/fuzz-regress/maillog/*
		# pieces of the bigger logs, 100 lines each
		for f in "$top"/tests/data/*/*.log.gz; do
			[ -f "$f" ] || continue
			gzip -dc "$f" 2>/dev/null | head -3000 |
			    split -l 100 - "$s/piece-${f##*/}-"
		done ;;
	*)
		mkdir -p "$s" ;;
	esac
	# never an empty corpus: libFuzzer would start from nothing at all
	[ -n "$(ls "$s")" ] || printf '550 5.1.1 user unknown\n' >"$s/one"
	echo "$s"
}

max_len_for() {
	case $1 in
	fuzz_findings)	echo 4096 ;;
	fuzz_kb)	echo 16384 ;;
	*)		echo 65536 ;;
	esac
}

# -------------------------------------------------------------------- run
# A leak, a UBSan report (-fno-sanitize-recover) or an ASan error aborts.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

failed=0
summary=
for h in $names; do
	seeds=$(seeds_for "$h")
	corpus=$work/corpus/$h
	mkdir -p "$corpus"
	dict=
	[ -f "$top/fuzz/${h#fuzz_}.dict" ] &&
	    dict="-dict=$top/fuzz/${h#fuzz_}.dict"
	log=$work/$h.log
	echo "==== $h ($secs s, $(ls "$seeds" | wc -l) seeds)"
	# the outer timeout only guards against a fuzzer that never stops
	# shellcheck disable=SC2086
	timeout -k 10 $((secs + 120)) "$build/fuzz/$h" \
	    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len="$(max_len_for "$h")" -print_final_stats=1 \
	    -artifact_prefix="$work/artifacts/$h-" $dict \
	    "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" |
	    tail -1)
	if [ "$rc" -eq 0 ] && [ -n "$execs" ]; then
		status=ok
	else
		status=CRASH
		failed=1
		echo "---- $h exited $rc; the end of $log:"
		grep -v '^#[0-9]' "$log" | tail -60
		ls "$work/artifacts/$h-"* 2>/dev/null | sed 's/^/artifact: /'
	fi
	line="fuzz ${h#fuzz_}: ${execs:-0} execs, ${speed:-0} exec/s, $status"
	echo "$line"
	summary="$summary$line
"
done
echo "==== fuzzing summary"
printf '%s' "$summary"
exit "$failed"

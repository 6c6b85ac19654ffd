#!/bin/sh
# maillog.sh - make bench: how fast bouncedoc reads a big mail log.
#
# Generates a Postfix log (BENCH_SIZE, default 1G) once with the shared
# log generator and keeps it in ${XDG_CACHE_HOME:-~/.cache}/bouncedoc-bench/,
# then runs, BENCH_ROUNDS times (default 5) and in turn so that all three
# see the same machine load:
#
#	wc -l LOG				reading the bytes
#	grep -cP '<reply and enhanced code>' LOG	one regex over every line
#	bouncedoc --summary LOG			every failure found, joined by
#						queue id and diagnosed
#
# and prints each one's median wall time, fastest round, MB/s and peak
# RSS, and how bouncedoc compares with grep, in medians and in fastest
# rounds (the least disturbed by other work on the machine).
# BENCH_VERIFY=1 also checks that the diagnosis cache changes nothing:
# --json with and without it (BOUNCEDOC_DIAG_CACHE=off) must be the same.
# A benchmark, not a test: it never fails on time.  Without the shared
# generator or python3 it says so and succeeds.
#
# Environment: BOUNCEDOC, RUNSTAT (bench/runstat), SHARED (../shared).
: "${BOUNCEDOC:=./bouncedoc}"
: "${RUNSTAT:=./bench/runstat}"
: "${SHARED:=../shared}"
size=${BENCH_SIZE:-1G}
rounds=${BENCH_ROUNDS:-5}
gen="$SHARED/bench/genmaillog.py"
regex='\b[45][0-9]{2}[ -][245]\.[0-9]{1,3}\.[0-9]{1,3}\b'

if [ ! -f "$gen" ]; then
	echo "bench: $gen not found; nothing to measure"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "bench: python3 not found; cannot generate the log"
	exit 0
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/bouncedoc-bench"
log="$cache/postfix-$size-seed1.log"
mkdir -p "$cache" || exit 1
if [ ! -s "$log" ]; then
	echo "bench: generating a $size Postfix log in $log (once)"
	python3 "$gen" --format postfix --size "$size" --seed 1 \
	    >"$log.tmp" && mv "$log.tmp" "$log" || {
		rm -f "$log.tmp"
		echo "bench: the generator failed"
		exit 1
	}
fi
bytes=$(wc -c <"$log")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# one round of each; results appended to $tmp/NAME
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	# (to a file: GNU grep stops at the first match when its output
	# is /dev/null)
	"$RUNSTAT" -o "$tmp/out" wc -l "$log" >>"$tmp/wc"
	"$RUNSTAT" -o "$tmp/out" grep -cP "$regex" "$log" >>"$tmp/grep"
	"$RUNSTAT" -o "$tmp/summary" "$BOUNCEDOC" --no-user-kb --summary \
	    "$log" >>"$tmp/bouncedoc"
done

# minimum KEY FILE: the least of the KEY= values in FILE
minimum() {
	sed -n "s/.*$1=\\([0-9.]*\\).*/\\1/p" "$2" | sort -n | head -1
}

# middle: the median of the numbers on standard input, one a line
middle() {
	sort -n | awk '
	    { v[NR] = $1 }
	    END {
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2
	    }'
}

# median KEY FILE: the median of the KEY= values in FILE
median() {
	sed -n "s/.*$1=\\([0-9.]*\\).*/\\1/p" "$2" | middle
}

printf 'log: %s (%d bytes, %s lines), %d rounds, medians\n' "$log" \
    "$bytes" "$(wc -l <"$log")" "$rounds"
printf '%-22s %9s %9s %10s %12s %9s\n' "" "wall s" "min s" "MB/s" \
    "peak RSS" "CPU s"
for name in wc grep bouncedoc; do
	wall=$(median wall "$tmp/$name")
	fast=$(minimum wall "$tmp/$name")
	rss=$(median maxrss_kb "$tmp/$name")
	# user + system time of each round, then their median
	cpu=$(awk -F'[= ]' '{ print $4 + $6 }' "$tmp/$name" | middle)
	case $name in
	wc)	label="wc -l" ;;
	grep)	label="grep -cP" ;;
	*)	label="bouncedoc --summary" ;;
	esac
	awk -v l="$label" -v w="$wall" -v f="$fast" -v b="$bytes" -v k="$rss" \
	    -v c="$cpu" 'BEGIN {
		rate = 0
		if (w > 0) rate = b / w / 1e6
		printf "%-22s %9.3f %9.3f %10.0f %9.1f MiB %9.3f\n", l, w, f,
		    rate, k / 1024, c
	    }'
done
awk -v b="$(median wall "$tmp/bouncedoc")" -v g="$(median wall "$tmp/grep")" \
    'BEGIN { if (g > 0) printf "bouncedoc / grep (wall): %.2f\n", b / g }'
# the fastest rounds, the least disturbed by other work on the machine
awk -v b="$(minimum wall "$tmp/bouncedoc")" -v g="$(minimum wall "$tmp/grep")" \
    'BEGIN { if (g > 0) printf "bouncedoc / grep (fastest rounds): %.2f\n",
    b / g }'
# the machine's load: wall times stretch with it, CPU times much less
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null ||
    echo unknown)"
if grep -qv 'status=[013]$' "$tmp/bouncedoc"; then
	echo "bench: bouncedoc did not end normally:"
	grep -v 'status=[013]$' "$tmp/bouncedoc"
fi
sed -n '1,3p' "$tmp/summary" | sed 's/^/summary: /'

if [ "${BENCH_VERIFY:-0}" = 1 ]; then
	"$BOUNCEDOC" --no-user-kb --json "$log" >"$tmp/on.json" 2>/dev/null
	BOUNCEDOC_DIAG_CACHE=off "$BOUNCEDOC" --no-user-kb --json "$log" \
	    >"$tmp/off.json" 2>/dev/null
	if cmp -s "$tmp/on.json" "$tmp/off.json"; then
		echo "verify: the cache changes nothing ($(wc -l \
		    <"$tmp/on.json") records)"
	else
		echo "verify: the cache changes the output:"
		diff "$tmp/off.json" "$tmp/on.json" | head -20
	fi
fi
exit 0

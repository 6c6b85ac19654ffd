#!/bin/sh
# json.sh - every line bouncedoc --json writes is one valid JSON object in
# valid UTF-8 with the schema version, whatever bytes the input holds:
# runs --json and --summary --json on every file and directory under
# tests/data and parses each line with jq (else python3; else the checks
# are skipped).  Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data="$srcdir/tests/data"

if command -v jq >/dev/null 2>&1; then
	parser=jq
elif command -v python3 >/dev/null 2>&1; then
	parser=python3
else
	echo "1..0 # SKIP neither jq nor python3 is installed"
	exit 0
fi

# valid FILE: each line of FILE is a JSON object with "schema": 1 and the
# file is UTF-8; prints the number of lines, or the first problem and
# fails.
valid() {
	if [ "$parser" = jq ]; then
		# -R: each line is a string; fromjson fails on bad JSON.
		LC_ALL=C jq -R -e 'fromjson | (type == "object" and .schema == 1)
		    or error("not an object with schema 1")' "$1" \
		    >"$tmp/jq.out" 2>"$tmp/jq.err" || {
			head -1 "$tmp/jq.err"
			return 1
		}
		if command -v iconv >/dev/null 2>&1 &&
		    ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
			echo "not valid UTF-8"
			return 1
		fi
		wc -l <"$1" | tr -d ' '
	else
		py=$(python3 -c '
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for raw in f:
        o = json.loads(raw.decode("utf-8", "strict"))
        if not isinstance(o, dict) or o.get("schema") != 1:
            sys.exit("line %d: not an object with schema 1" % (n + 1))
        n += 1
print(n)' "$1" 2>&1)
		st=$?
		printf '%s\n' "$py" | tail -1
		return $st
	fi
}

# run DESC ARGS...: bouncedoc ARGS > out, checked; adds its lines to total
total=0
run() {
	desc=$1
	shift
	n=$((n + 1))
	bd "$@" >"$tmp/out" 2>/dev/null </dev/null
	st=$?
	if [ "$st" -gt 3 ]; then
		echo "not ok $n - $desc: exit $st"
		fails=$((fails + 1))
		return
	fi
	if res=$(valid "$tmp/out") && [ -n "$res" ] &&
	    [ "$res" -eq "$res" ] 2>/dev/null; then
		echo "ok $n - $desc ($res lines)"
		total=$((total + res))
	else
		echo "not ok $n - $desc: $res"
		fails=$((fails + 1))
	fi
}

# Every file and every directory of the test data, in a stable order.
find "$data" \( -type f -o -type d \) -print | LC_ALL=C sort >"$tmp/list"
while IFS= read -r f; do
	name=${f#"$srcdir"/}
	run "--json $name" --json "$f"
	run "--summary --json $name" --summary --json "$f"
done <"$tmp/list"

# The hostile inputs: escapes, C1, bidi, NUL, DEL, invalid UTF-8, U+2028.
run "--json of hostile bytes" --json "$data/json/hostile.txt" \
    "$data/json/hostile.eml"
n=$((n + 1))
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out" ||
    LC_ALL=C grep -q "$(printf '\342\200\250')" "$tmp/out"; then
	echo "not ok $n - no raw ESC or U+2028 in the JSON"
	fails=$((fails + 1))
else
	echo "ok $n - no raw ESC or U+2028 in the JSON"
fi
n=$((n + 1))
if grep -qF '\u001b[31mred' "$tmp/out" && grep -qF '\u2028' "$tmp/out"; then
	echo "ok $n - ESC and U+2028 are escaped"
else
	echo "not ok $n - ESC and U+2028 are escaped"
	fails=$((fails + 1))
fi
run "--explain --json of hostile bytes" --json --explain \
    "$(printf '550 5.1.1 \033[2J \377 \302\233 \001')"

# The data set gave something to check.
n=$((n + 1))
if [ "$total" -gt 20 ]; then
	echo "ok $n - $total JSON lines checked"
else
	echo "not ok $n - only $total JSON lines checked"
	fails=$((fails + 1))
fi

echo "1..$n"
[ "$fails" -eq 0 ]

#!/bin/sh
# report.sh - the report and the summary of the whole test data: the same
# bytes on every run, lines within 78 columns (a word longer than a line
# stands alone), nothing from the input written raw, the groups adding up.
# Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data="$srcdir/tests/data"


# Runs twice must agree byte for byte (the log reader works in threads,
# directories are walked, groups are sorted: none of it may show).
for mode in --report "--report -v" "--summary -v" --json "--summary --json"; do
	bd $mode "$data" >"$tmp/a" 2>/dev/null </dev/null
	bd $mode "$data" >"$tmp/b" 2>/dev/null </dev/null
	if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then
		pass "$mode of tests/data: the same bytes twice"
	else
		fail "$mode of tests/data: the same bytes twice"
	fi
done

# 78 columns when not on a terminal.  A longer line may only hold one
# word (after a "label:" or "12."), which no wrapping can split.
for mode in --report "--report -v" --summary; do
	# one byte per character: drop UTF-8 continuation bytes
	bd $mode "$data" 2>/dev/null </dev/null | LC_ALL=C tr -d '\200-\277' \
	    >"$tmp/out"
	LC_ALL=C awk '
	length($0) > 78 {
		w = split($0, f, " ")
		if (w == 1 || (w == 2 && f[1] ~ /(:|^[0-9]+\.)$/))
			next
		print NR ": " $0
		bad++
	}
	END { exit bad > 0 }' "$tmp/out" >"$tmp/long" 2>&1
	if [ $? -eq 0 ]; then
		pass "$mode of tests/data: lines within 78 columns"
	else
		fail "$mode of tests/data: lines within 78 columns"
		sed 's/^/# /' "$tmp/long" | head -5
	fi
done

# Input bytes never reach the text raw.
bd --report -v "$data/json" >"$tmp/out" 2>/dev/null </dev/null
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out" ||
    LC_ALL=C grep -q "$(printf '\302\233')" "$tmp/out"; then
	fail "no raw ESC or C1 in the report of hostile input"
else
	pass "no raw ESC or C1 in the report of hostile input"
fi
if grep -qF '[421] [4.7.0] ^[[31mred^[[0m' "$tmp/out"; then
	pass "escapes in a reply are shown as ^["
else
	fail "escapes in a reply are shown as ^["
fi

# The headline adds up: "N failures (T temporary, P permanent)", N = T+P,
# N = the number of detailed failures = the JSON records.
bd --report -v "$data" >"$tmp/rep" 2>/dev/null </dev/null
bd --json "$data" >"$tmp/json" 2>/dev/null </dev/null
set -- $(sed -n '1s/.*: \([0-9]*\) failures* (\([0-9]*\) temporary, \([0-9]*\) permanent).*/\1 \2 \3/p' "$tmp/rep")
nd=$(sed -n '/^Failures, by group:$/,$p' "$tmp/rep" | grep -c '^ *source:   ')
nj=$(grep -c . "$tmp/json")
nt=$(grep -c '"temporary":true' "$tmp/json")
if [ $# -eq 3 ] && [ "$1" -gt 0 ] && [ "$1" -eq $(($2 + $3)) ] &&
    [ "$1" -eq "$nd" ] && [ "$1" -eq "$nj" ] && [ "$2" -eq "$nt" ]; then
	pass "headline $1 = $2 + $3 = $nd details = $nj JSON records"
else
	fail "headline '$*', $nd details, $nj JSON records ($nt temporary)"
fi

# The summary's reason rows add up to the total, and so do its JSON
# groups at each level.
bd --summary --json "$data" >"$tmp/sj" 2>/dev/null </dev/null
for level in reason codes domain; do
	sum=$(sed -n "s/.*\"level\":\"$level\".*\"count\":\([0-9]*\),.*/\1/p" \
	    "$tmp/sj" | awk '{ s += $1 } END { print s + 0 }')
	if [ "$sum" -eq "$nj" ]; then
		pass "summary JSON: the $level groups add up to $nj"
	else
		fail "summary JSON: the $level groups add up to $sum, not $nj"
	fi
done

echo "1..$n"
[ "$fails" -eq 0 ]

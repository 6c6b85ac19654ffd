#!/bin/sh
# exit.sh - the exit status is the same in every output mode: 0 no
# failure, 1 only temporary failures, 3 a permanent failure, 2 a usage
# error or an input that could not be read (bouncedoc(1), EXIT STATUS).
# Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data="$srcdir/tests/data/exit"

# check DESCRIPTION EXPECTED_STATUS ARGS...: runs bouncedoc ARGS
check() {
	d=$1 w=$2
	shift 2
	expect "$d: exit $w" "$w" bd "$@"
}

missing="$tmp/no-such-file.log"

# Each mode (the default is the report when stdout is not a terminal)
# against each kind of input.
for mode in default --report --summary --json "--summary --json"; do
	if [ "$mode" = default ]; then set --; else set -- $mode; fi
	check "$mode, no failure" 0 "$@" "$data/none.txt"
	check "$mode, only temporary failures" 1 "$@" "$data/temp.txt"
	check "$mode, a permanent failure" 3 "$@" "$data/perm.txt"
	check "$mode, an unreadable file" 2 "$@" "$missing"
	check "$mode, a permanent failure and an unreadable file" 2 "$@" \
	    "$data/perm.txt" "$missing"
	check "$mode, a bad option" 2 "$@" --no-such-option "$data/none.txt"
	check "$mode, empty stdin" 0 "$@" -
done

tui_wait=1
[ -n "${BOUNCEDOC_WRAP:-}" ] && tui_wait=10
# The interactive view, quit at once with q, on a pseudo-terminal made by
# script(1) of util-linux (-e: its status is the program's).
tui() {
	desc=$1 want=$2
	shift 2
	n=$((n + 1))
	# q must come after the scan ends (the status counts what was read):
	# allow for valgrind's slowness
	(sleep "$tui_wait"; printf q) | TERM=xterm timeout 120 script -qec \
	    "${BOUNCEDOC_WRAP:-} $BOUNCEDOC --tui $*" /dev/null \
	    >/dev/null 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		echo "ok $n - --tui quit with q, $desc: exit $want"
	else
		echo "not ok $n - --tui quit with q, $desc: exit $got, want $want"
		fails=$((fails + 1))
	fi
}
if command -v timeout >/dev/null 2>&1 &&
    script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	tui "no failure" 0 "$data/none.txt"
	tui "only temporary failures" 1 "$data/temp.txt"
	tui "a permanent failure" 3 "$data/perm.txt"
	tui "an unreadable file" 2 "$data/perm.txt" "$missing"
else
	n=$((n + 1))
	echo "ok $n # SKIP no script(1) with -e and -c to give a terminal"
fi

# The readable input is still shown when another cannot be read.
check "report of a readable file next to a missing one" 2 \
    "$data/perm.txt" "$missing"
has "the readable file is reported" out \
    "Bounce report: 2 failures (1 temporary, 1 permanent)"
n=$((n + 1))
if grep -qF "no-such-file.log" "$tmp/err"; then
	echo "ok $n - the missing file is named on stderr"
else
	echo "not ok $n - the missing file is named on stderr"
	fails=$((fails + 1))
fi
check "the JSON of a readable file next to a missing one" 2 --json \
    "$data/temp.txt" "$missing"
has "its record is written" out '"reply_code":"421"'

# Other usage errors.
check "--report with --json" 2 --report --json "$data/none.txt"
check "--tui with --json" 2 --tui --json "$data/none.txt"
has "--tui with --json: says so" err \
    "bouncedoc: --tui and --json cannot be used together"
check "a bad --color" 2 --color=maybe "$data/none.txt"
check "a --kb-dir that does not exist" 2 --kb-dir "$tmp/none" \
    "$data/none.txt"
check "a --kb-dir with a bad stanza, no failure found" 2 \
    --kb-dir "$data/kb" "$data/none.txt"

# --explain: 0 recognised, 1 nothing recognised.
check "--explain a code" 0 --explain 550
check "--explain text without a code" 1 --explain 'all is well'
check "--explain --json text without a code" 1 --json --explain 'all is well'

echo "1..$n"
[ "$fails" -eq 0 ]

#!/bin/sh
# maillog.sh - mail logs through the command line: every deferred and
# bounced delivery of the test logs is found, with the right line, queue
# id, recipient, reply code, enhanced status and action - all of them and
# nothing else.  Prints TAP.
#
# The logs under tests/data/logs/ were written by a log generator with an
# answer key beside each (NAME.tsv: line, queue id, recipient, code,
# enhanced code, status, dsn, MTA - one row per deferred or bounced
# delivery line).  --json writes one object per recipient and final state,
# its delivery attempts in "attempts"; each attempt that was deferred
# ("delayed") or bounced ("failed") must be one row of the key.  Inbound
# rejections (action "rejected") are not deliveries and not in the key.
. "${srcdir:-.}/tests/tap.sh"
logs="$srcdir/tests/data/logs"


# the attempts of --json output $1 as rows of the answer key
attempts() {
	jq -r 'select(.action != "rejected") |
	    .queue_id as $q | .recipient as $r | .attempts[] |
	    select(.action == "delayed" or .action == "failed") |
	    [.line, $q, $r, (.reply_code // "-"), (.enhanced_status // "-"),
	     (if .action == "delayed" then "deferred" else "bounced" end)] |
	    @tsv' "$1" | sort
}

# same DESCRIPTION WANT GOT: the two files are equal (a diff if not)
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		diff "$2" "$3" | head -20 | sed 's/^/# /'
	fi
}

if ! command -v jq >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 - # SKIP jq is not installed"
	exit 0
fi

for log in postfix-small.log postfix.log.gz exim.log.gz sendmail.log.gz \
    mixed.log.gz; do
	key="$logs/${log%%.*}.tsv"
	grep -v '^#' "$key" | cut -f1-6 | sort >"$tmp/want"
	rows=$(wc -l <"$tmp/want")
	if [ "$rows" -gt 0 ]; then
		pass "$log: the key has $rows rows"
	else
		fail "$log: the key is empty"
	fi
	exits "$log" 3 bd --json "$logs/$log"
	if [ -s "$tmp/err" ]; then
		fail "$log: no message"
		sed 's/^/# /' "$tmp/err" | head -5
	else
		pass "$log: no message"
	fi
	attempts "$tmp/out" >"$tmp/got"
	same "$log: every deferred and bounced delivery, nothing else" \
	    "$tmp/want" "$tmp/got"
	# one record per recipient and final state of a queue id
	jq -r 'select(.action != "rejected") |
	    [.queue_id, .recipient, .action] | @tsv' "$tmp/out" |
	    sort | uniq -d >"$tmp/dup"
	same "$log: one record per recipient and final state" /dev/null \
	    "$tmp/dup"
done

# The same log on standard input, plain and gzip
bd --json "$logs/postfix-small.log" >"$tmp/file.json" 2>/dev/null
exits "postfix-small.log on stdin" 3 bd --json - <"$logs/postfix-small.log"
sed 's/"source":"[^"]*"/"source":""/' "$tmp/file.json" >"$tmp/a"
sed 's/"source":"[^"]*"/"source":""/' "$tmp/out" >"$tmp/b"
same "stdin: the same records" "$tmp/a" "$tmp/b"
grep -v '^#' "$logs/postfix.tsv" | cut -f1-6 | sort >"$tmp/want"
exits "postfix.log.gz on stdin" 3 bd --json - <"$logs/postfix.log.gz"
attempts "$tmp/out" >"$tmp/got"
same "gzip on stdin: the same failures" "$tmp/want" "$tmp/got"

# Read a few bytes at a time (BOUNCEDOC_READ_BLOCK), lines are cut by
# the end of a buffer at every place, and the second thread parses ahead
# buffers the first has not reached: the same records and messages.  A
# line over 1 MiB, one a byte short of it and one just at it, and a last
# line without its newline, among them.
head -c 20000 "$logs/postfix-small.log" >"$tmp/blocks.log"
for k in 1 0 2; do
	head -c $((1048576 - k)) /dev/zero | tr '\0' x
	echo
	sed -n "$((k * 50 + 100)),$((k * 50 + 200))p" "$logs/postfix-small.log"
done >>"$tmp/blocks.log"
head -c 3000000 /dev/zero | tr '\0' y >>"$tmp/blocks.log"
echo >>"$tmp/blocks.log"
tail -c 30000 "$logs/postfix-small.log" | tr -d '\n' | head -c 200 \
    >>"$tmp/blocks.log"
bd --json "$logs/postfix-small.log" >"$tmp/a" 2>&1
bd --json "$tmp/blocks.log" >"$tmp/c" 2>&1
for k in 61 4093; do
	BOUNCEDOC_READ_BLOCK=$k bd --json "$logs/postfix-small.log" >"$tmp/b" \
	    2>&1
	same "read $k bytes at a time: the same records" "$tmp/a" "$tmp/b"
done
for k in 1 999 65536; do
	BOUNCEDOC_READ_BLOCK=$k bd --json "$tmp/blocks.log" >"$tmp/b" 2>&1
	same "long lines read $k bytes at a time: the same" "$tmp/c" "$tmp/b"
done
if [ "$(grep -c 'line longer than 1048576 bytes' "$tmp/c")" = 1 ] &&
    grep -q '"queue_id"' "$tmp/c"; then
	pass "long lines: told once, the lines around them read"
else
	fail "long lines: told once, the lines around them read"
fi

# Several files in one run, in the order given
exits "two logs in one run" 3 bd --json "$logs/postfix-small.log" \
    "$logs/postfix.log.gz"
jq -r .source "$tmp/out" | uniq >"$tmp/got"
printf '%s\n%s\n' "$logs/postfix-small.log" "$logs/postfix.log.gz" \
    >"$tmp/want"
same "two logs: records in file order" "$tmp/want" "$tmp/got"

# A truncated gzip: where it ended is said, what came before is kept
head -c 60000 "$logs/postfix.log.gz" >"$tmp/cut.log.gz"
exits "truncated gzip" 3 bd --json "$tmp/cut.log.gz"
if grep -q "^bouncedoc: $tmp/cut.log.gz: gzip data truncated after [0-9]* bytes of text; keeping what was read\$" "$tmp/err"; then
	pass "truncated gzip: says where it ended"
else
	fail "truncated gzip: says where it ended"
	sed 's/^/# /' "$tmp/err" | head -5
fi
attempts "$tmp/out" >"$tmp/got"
grep -v '^#' "$logs/postfix.tsv" | cut -f1-6 | sort >"$tmp/all"
if [ -s "$tmp/got" ] && [ -z "$(comm -13 "$tmp/all" "$tmp/got")" ]; then
	pass "truncated gzip: the failures before the cut are found"
else
	fail "truncated gzip: the failures before the cut are found"
fi

# --summary reads a log
exits "--summary of a log" 3 bd --summary "$logs/mixed.log.gz"

echo "1..$n"
[ "$fails" -eq 0 ]

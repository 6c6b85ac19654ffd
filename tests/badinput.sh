#!/bin/sh
# badinput.sh - bad input is normal input.  Each row gives bouncedoc a
# broken, odd or hostile input and checks the exit status and the exact
# messages on stderr ("bouncedoc: FILE: …" / "bouncedoc: FILE:LINE: …",
# one line each, lower case, no final period), and that what could still
# be read was.  Big and binary inputs are made here, in a temporary
# directory.  Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data=$(cd "$srcdir/tests/data" && pwd) || exit 1
LC_ALL=C
export LC_ALL BOUNCEDOC
cd "$tmp" || exit 1


# row DESC STATUS STDERR COMMAND...: runs COMMAND (stdin /dev/null unless
# redirected by it), checks its exit status and that stderr is exactly
# STDERR (lines separated by newlines; '' for none).  Output in $tmp/out.
row() {
	desc=$1 want=$2 werr=$3
	shift 3
	exits "$desc" "$want" "$@" </dev/null
	if [ -z "$werr" ]; then
		: >"$tmp/werr"
	else
		printf '%s\n' "$werr" >"$tmp/werr"
	fi
	if cmp -s "$tmp/werr" "$tmp/err"; then
		pass "$desc: stderr"
	else
		fail "$desc: stderr differs (want, then got)" werr
		sed 's/^/# got: /' "$tmp/err" | head -c 2000
	fi
}

nofail='Bounce report: no failure found'
bounce="$data/bad/not-gzip.log.gz"

# ------------------------------------------------------------ what is read
row "missing file" 2 "bouncedoc: nosuch.eml: cannot open: No such file or directory" \
    bd nosuch.eml
row "missing file among good ones: the rest is read" 2 \
    "bouncedoc: nosuch.eml: cannot open: No such file or directory" \
    bd "$bounce" nosuch.eml
has "missing file among good ones: the good one is reported" out \
    'Bounce report: 1 failure (0 temporary, 1 permanent)'

mkdir emptydir
row "empty directory" 0 '' bd emptydir
has "empty directory: no failure" out "$nofail"
row "directory as a knowledge-base file" 2 \
    "bouncedoc: emptydir: is a directory" bd --check-kb emptydir
row "empty knowledge-base directory" 0 '' bd --kb-dir emptydir --explain 550
has "empty knowledge-base directory: the built-in articles" out '[code-550, code]'
: >plain.kb
row "file as a knowledge-base directory" 2 \
    "bouncedoc: plain.kb: cannot open directory: Not a directory" \
    bd --kb-dir plain.kb --explain 550

# a directory of junk: binary bytes (no digits, so no reply code), NUL,
# a lone byte, a file named like a .gz
mkdir junk
awk 'BEGIN { x = 7; for (i = 0; i < 20000; i++) {
	x = (x * 75 + 74) % 65537; c = x % 256; if (c >= 48 && c <= 57) c = 0
	printf "%c", c } }' >junk/binary
printf '\000\000\000' >junk/nul
printf 'x' >junk/byte
printf 'not gzip at all\n' >junk/fake.gz
row "directory of junk" 0 '' bd junk
has "directory of junk: no failure" out "$nofail"

echo 'Final-Recipient: rfc822; a@example.org' >unreadable.eml
chmod 000 unreadable.eml
if [ "$(id -u)" != 0 ]; then
	row "unreadable file" 2 \
	    "bouncedoc: unreadable.eml: cannot open: Permission denied" \
	    bd unreadable.eml
elif command -v setpriv >/dev/null 2>&1 && chmod 711 "$tmp" &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$BOUNCEDOC" --version >/dev/null 2>&1; then
	# root reads anything: run as nobody
	row "unreadable file (as nobody)" 2 \
	    "bouncedoc: unreadable.eml: cannot open: Permission denied" \
	    setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    ${BOUNCEDOC_WRAP:-} "$BOUNCEDOC" --no-user-kb unreadable.eml
else
	skip "unreadable file: root reads every file and setpriv cannot drop it"
	skip "unreadable file: stderr"
fi

# A FIFO is read as cat(1) reads it: bouncedoc waits for a writer, however
# late, and reads what it writes; with no writer it waits (timeout ends
# it here: exit 124).
if mkfifo fifo 2>/dev/null; then
	row "fifo with a late writer" 3 '' timeout 60 sh -c \
	    '(sleep 1; cat "$1" >fifo) & ${BOUNCEDOC_WRAP:-} "$BOUNCEDOC" fifo;
	    s=$?; wait; exit $s' sh "$bounce"
	has "fifo with a late writer: its bounce" out \
	    'Bounce report: 1 failure (0 temporary, 1 permanent)'
	row "fifo as a knowledge-base file, late writer" 0 '' timeout 60 sh -c \
	    '(sleep 1; cat "$1" >fifo) & ${BOUNCEDOC_WRAP:-} "$BOUNCEDOC" \
	    --check-kb fifo; s=$?; wait; exit $s' sh "$data/kb-user/override.kb"
	has "fifo as a knowledge-base file: its articles" out \
	    '2 articles, 0 bad stanzas'
	row "fifo with no writer: bouncedoc waits for one" 124 '' \
	    timeout 2 "$BOUNCEDOC" fifo
else
	skip "fifo: mkfifo failed"
	skip "fifo: stderr"
fi

row "/dev/null" 0 '' bd /dev/null
has "/dev/null: no failure" out "$nofail"
row "stdin from /dev/null" 0 '' bd -
: >empty.txt
row "empty file" 0 '' bd empty.txt
printf '5' >one.txt
row "one byte" 0 '' bd one.txt

# ---------------------------------------------------------- odd bytes
# NUL inside a log line's reply: the text after it is kept, the NUL shown
# as U+2400 (the symbol for NUL: a C string cannot hold the byte)
awk '{ sub(/User unknown/, "User\001unknown"); print }' "$bounce" |
    tr '\001' '\000' >nul.log
row "NUL in a log line" 3 '' bd --json nul.log
has "NUL in a log line: kept in JSON, as U+2400" out 'User␀unknown'
row "NUL in a log line, report" 3 '' bd --report --verbose nul.log
has "NUL in a log line: shown as U+2400" out 'User␀unknown'

# NUL in a header field name and value of a bounce
printf 'From: MAILER-DAEMON@mx.example.net\nX-Bad\000Name: v\nSubject: Undelivered\000 Mail\nTo: alice@example.net\n\nThis is the mail system at host mx.example.net.\n\n<bob@example.org>: host mx.example.org[192.0.2.7] said: 550 5.1.1\n    <bob@example.org>: Recipient address rejected: User unknown (in reply to\n    RCPT TO command)\n' >nulhdr.eml
row "NUL in a header" 3 '' bd --json nulhdr.eml
has "NUL in a header: the recipient is found" out '"recipient":"bob@example.org"'

# invalid UTF-8 in the reply: U+FFFD in JSON, <FF> in text
printf 'mx.example.org said: 550 5.1.1 bad \377\376 bytes \300\200 here\n' \
    >badutf8.txt
row "invalid UTF-8" 3 '' bd --json badutf8.txt
has "invalid UTF-8: replaced in JSON" out 'bad \ufffd\ufffd bytes \ufffd\ufffd here'
row "invalid UTF-8, report" 3 '' bd --report --verbose badutf8.txt
has "invalid UTF-8: shown as hex" out 'bad <FF><FE> bytes <C0><80>'

# a 10 MB line, then a good one: the long one is cut, the next is read
awk 'BEGIN { s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    while (length(s) < 10485760) s = s s; printf "550 5.1.1 %s\n", s;
    print "421 4.7.0 try again later" }' >long.txt
row "10 MB line" 3 \
    "bouncedoc: long.txt:1: line longer than 1048576 bytes; only its start is read" \
    bd --summary long.txt
has "10 MB line: both failures" out '2 failures (1 temporary, 1 permanent)'
# the same in a mail log
{ cat "$bounce"
  awk 'BEGIN { s = "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy";
    while (length(s) < 10485760) s = s s;
    printf "Mar  2 00:00:08 mx1 postfix/smtpd[9]: %s\n", s }'
  echo 'Mar  2 00:00:09 mx1 postfix/smtp[124]: 5C2B3D4E5F: to=<carol@example.org>, relay=mx.example.org[192.0.2.7]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.2.2, status=deferred (host mx.example.org[192.0.2.7] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))'
} >long.log
row "10 MB log line" 3 \
    "bouncedoc: long.log:3: line longer than 1048576 bytes; only its start is read" \
    bd --summary long.log
has "10 MB log line: the lines around it are read" out \
    '2 failures (1 temporary, 1 permanent)'

# ---------------------------------------------------------- broken MIME
hdr='From: MAILER-DAEMON@mx.example.net
To: alice@example.net
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"
'
dsn='--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; bob@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: user unknown
'
printf '%s\n--B\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!@@@@ not base64 at all ****\n%s\n--B--\n' \
    "$hdr" "$dsn" >base64.eml
row "base64 garbage" 3 "bouncedoc: base64.eml:1: bytes outside base64 skipped" \
    bd --json base64.eml
has "base64 garbage: the record says so" out '"note":"bytes outside base64 skipped"'
has "base64 garbage: the report is still read" out '"recipient":"bob@example.org"'

printf '%s\n%s' "$hdr" "$dsn" >noclose.eml
row "boundary that never closes" 3 '' bd --json noclose.eml
has "boundary that never closes: the report is read" out \
    '"recipient":"bob@example.org"'

# 10 000 nested multiparts after the report
{ printf '%s\n%s\n--B\nContent-Type: multipart/mixed; boundary="N0"\n\n' \
    "$hdr" "$dsn"
  awk 'BEGIN { for (i = 0; i < 10000; i++)
    printf "--N%d\nContent-Type: multipart/mixed; boundary=\"N%d\"\n\n",
    i, i + 1 }'
  printf 'deep\n--B--\n'
} >nested.eml
row "10 000 nested parts" 3 "bouncedoc: nested.eml:1: MIME nesting too deep" \
    bd --json nested.eml
has "10 000 nested parts: the record says so" out '"note":"MIME nesting too deep"'
has "10 000 nested parts: the report is read" out '"recipient":"bob@example.org"'

# 10 000 parts side by side
{ printf '%s\n%s\n--B\nContent-Type: multipart/mixed; boundary="S"\n\n' \
    "$hdr" "$dsn"
  awk 'BEGIN { for (i = 0; i < 10000; i++)
    printf "--S\nContent-Type: text/plain\n\npart %d\n", i }'
  printf -- '--S--\n--B--\n'
} >siblings.eml
row "10 000 parts" 3 "bouncedoc: siblings.eml:1: too many MIME parts" \
    bd --json siblings.eml
has "10 000 parts: the record says so" out '"note":"too many MIME parts"'

# 10 000 header fields, and one of 1 MB
{ awk 'BEGIN { for (i = 0; i < 10000; i++) printf "X-Field-%d: v\n", i }'
  printf '%s\n%s\n--B--\n' "$hdr" "$dsn"
} >fields.eml
row "10 000 header fields" 3 "bouncedoc: fields.eml:1: too many header fields" \
    bd --json fields.eml
has "10 000 header fields: the report is read" out '"recipient":"bob@example.org"'
{ printf '%s' "$hdr"
  awk 'BEGIN { s = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    while (length(s) < 1048576) s = s s; printf "X-Long: %s\n", s }'
  printf '\n%s\n--B--\n' "$dsn"
} >longfield.eml
row "1 MB header field" 3 "bouncedoc: longfield.eml:1: header field too long" \
    bd --json longfield.eml
has "1 MB header field: the report is read" out '"recipient":"bob@example.org"'

# ---------------------------------------------------------------- gzip
cp "$data/bad/truncated.log.gz" truncated.log.gz
row "truncated .gz" 3 \
    "bouncedoc: truncated.log.gz: gzip data truncated after 17400 bytes of text; keeping what was read" \
    bd --summary truncated.log.gz
has "truncated .gz: what came before is read" out \
    '1 failure (0 temporary, 1 permanent)'
cp "$bounce" notgzip.log.gz
row ".gz that is not gzip" 3 '' bd --summary notgzip.log.gz
has ".gz that is not gzip: read as text" out \
    '1 failure (0 temporary, 1 permanent)'
# a gzip bomb: 1 GiB of NUL bytes in 1 MB; the input limit stops it
if [ -z "${BOUNCEDOC_WRAP:-}" ]; then
	head -c 1073741824 /dev/zero | gzip -1 >bomb.gz
	row "gzip bomb" 0 \
	    "bouncedoc: bomb.gz: input larger than 256 MiB; the rest is ignored
bouncedoc: bomb.gz:1: line longer than 1048576 bytes; only its start is read" \
	    bd bomb.gz
else
	skip "gzip bomb: too slow under valgrind"
	skip "gzip bomb: stderr"
fi

# ------------------------------------------------------- knowledge base
# a user's pattern that backtracks without end stops at the match limit:
# the record says so and the rest of the diagnosis is done
mkdir limitkb
printf '%s\n' 'id: catastrophic' 'match: (\w+\s?)+$' 'code: 550' \
    'bounce: permanent' 'reason: userunknown' 'title: Backtracks' \
    'explain: x' 'remedy: x' 'customer: x' >limitkb/limit.kb
awk 'BEGIN { printf "mx said: 550 5.1.1 "
    for (i = 0; i < 30; i++) printf "word "; print "!" }' >limit.txt
row "a pattern stopped at its match limit" 3 '' \
    bd --kb-dir limitkb --json limit.txt
has "a pattern stopped at its match limit: the record says so" out \
    "\"note\":\"the pattern of article 'catastrophic' stopped at its match limit\""
has "a pattern stopped at its match limit: the rest is diagnosed" out \
    '"reason":"userunknown"'
# the same reply in a mail log: its record says so too
awk 'BEGIN { printf "Mar  2 00:00:01 mail postfix/smtp[1]: 1A2B3C4D5E: "
    printf "to=<a@example.org>, relay=mx[192.0.2.1]:25, delay=1, "
    printf "delays=0/0/0/1, dsn=5.1.1, status=bounced (mx said: 550 5.1.1 "
    for (i = 0; i < 30; i++) printf "word "; print "!)" }' >limit.log
row "a pattern stopped at its match limit, in a log" 3 '' \
    bd --kb-dir limitkb --json limit.log
has "a pattern stopped at its match limit, in a log: the record says so" out \
    "\"note\":\"the pattern of article 'catastrophic' stopped at its match limit\""

cp "$data/bad/every-error.kb" every-error.kb
row "knowledge base with every kind of error" 2 \
"bouncedoc: every-error.kb:15: expected 'key: value'; stanza skipped
bouncedoc: every-error.kb:25: unknown key 'colour'; stanza skipped
bouncedoc: every-error.kb:35: duplicate key 'title'; stanza skipped
bouncedoc: every-error.kb:37: continuation line without a field; stanza skipped
bouncedoc: every-error.kb:54: match: pattern does not compile at offset 9: missing closing parenthesis; stanza skipped
bouncedoc: every-error.kb:63: match: pattern can match the empty string; stanza skipped
bouncedoc: every-error.kb:65: missing field 'title'; stanza skipped
bouncedoc: every-error.kb:73: missing field 'remedy'; stanza skipped
bouncedoc: every-error.kb:81: bad id 'Bad_ID': use a-z, 0-9, '.', '_' and '-'; stanza skipped
bouncedoc: every-error.kb:93: unknown reason 'nosuchreason'; stanza skipped
bouncedoc: every-error.kb:100: bad reply code '999'; stanza skipped
bouncedoc: every-error.kb:115: bad enhanced status '4.9.1'; stanza skipped
bouncedoc: every-error.kb:125: see: not an http(s) URL: 'ftp://example.com/x'; stanza skipped
bouncedoc: every-error.kb:129: bounce: 'sometimes' is not temporary or permanent; stanza skipped
bouncedoc: every-error.kb:136: needs 'match', 'status' or 'code'; stanza skipped
bouncedoc: every-error.kb:151: a status article has exactly one status; stanza skipped
bouncedoc: every-error.kb:153: missing field 'bounce'; stanza skipped
bouncedoc: every-error.kb:162: a code article has exactly one code; stanza skipped
bouncedoc: every-error.kb:171: NUL byte in line; stanza skipped
bouncedoc: every-error.kb:174: duplicate id 'good-one' (first at every-error.kb:5)" \
    bd --check-kb every-error.kb
has "knowledge base with every kind of error: the count" out \
    '1 articles, 20 bad stanzas'
mkdir kbdir
cp every-error.kb kbdir/
row "a bad --kb-dir still lets the good article load" 2 \
    "$(sed 's|every-error.kb|kbdir/every-error.kb|g' "$tmp/werr")" \
    bd --kb-dir kbdir --list-kb
has "a bad --kb-dir: the good article is listed" out 'good-one '

echo "1..$n"
[ "$fails" -eq 0 ]

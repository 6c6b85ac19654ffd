#!/bin/sh
# gen-findings-data.sh - make the data of tests/check_findings.c from the
# team's shared reference, so that "make check" needs nothing outside the
# tree.  Run by hand when the reference changes; commit what it writes:
#
#   tests/data/findings-positive.tsv  expected_reply, expected_status, text
#   tests/data/findings-phase.tsv     expected_phase, text
#   tests/data/findings-unfold.tsv    expected_unfolded, text
#
# Text fields escape backslash, tab, LF and CR as \\ \t \n \r.
#
# Usage: tests/gen-findings-data.sh [SHARED_DIR]    (default /work/shared)
#
# Where the rows come from:
# - reference/provider-patterns.tsv example_text, client-side.tsv
#   error_text_example (rows whose reply_or_response holds a reply code):
#   the expected codes are those of the reply_code/enhanced_code columns
#   that the text holds as a token ("550/554" and "4.7.500-699" list
#   several).  A column describes the knowledge-base entry, not always the
#   text ("(local)", or 554 for a text that starts "550 5.4.14"); then the
#   text's own "NNN x.y.z" at its start or after ": " (Exim's wrapper), or
#   its "dsn=", "#" or "Status:" code, is expected, and a note on stderr
#   names the row.
# - reference/reply-codes.tsv has no example column: each code is written
#   before its meaning ("235 Authentication succeeded (usually 235
#   2.7.0)."); the expected status is then the first x.y.z in the meaning,
#   since none stands next to the reply.  Every "NNN x.y.z" in the
#   typical_cause column is a row of its own.
# - reference/enhanced-codes.tsv: each X.s.d row as "R C.s.d meaning" for
#   each reply R in typical_reply_codes, as "Status: 4.s.d" and
#   "Status: 5.s.d" (RFC 3464), and as qmail's "meaning (#5.s.d)".
# - bench/replies.txt, placeholders filled with fictional values: the
#   leading three digits and the x.y.z after them (else qmail's "(#x.y.z)"
#   at the end) are expected, in five
#   forms - joined by spaces (Postfix), by a literal \n (Exim), by CRLF (the
#   wire), inside a Postfix smtp log line and inside an Exim log line.  The
#   two log lines also give the phase rows, and every reply an unfold row
#   per folding.
set -eu

shared=${1:-/work/shared}
data=$(cd "$(dirname "$0")" && pwd)/data
ref=$shared/reference
bench=$shared/bench/replies.txt

for f in "$ref/provider-patterns.tsv" "$ref/client-side.tsv" \
    "$ref/reply-codes.tsv" "$ref/enhanced-codes.tsv" "$bench"; do
	if [ ! -r "$f" ]; then
		echo "gen-findings-data.sh: cannot read '$f'" >&2
		exit 1
	fi
done
mkdir -p "$data"
LC_ALL=C
export LC_ALL

prog='
function esc(s,   o, i, c) {
	o = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\")
			o = o "\\\\"
		else if (c == "\t")
			o = o "\\t"
		else if (c == "\n")
			o = o "\\n"
		else if (c == "\r")
			o = o "\\r"
		else
			o = o c
	}
	return o
}

# s with every "from" replaced by "to" (no regex, no "&" surprises)
function repl(s, from, to,   o, p) {
	o = ""
	while ((p = index(s, from)) > 0) {
		o = o substr(s, 1, p - 1) to
		s = substr(s, p + length(from))
	}
	return o s
}

function fill(s) {
	s = repl(s, "{rcpt}", "alice@dest.example")
	s = repl(s, "{domain}", "dest.example")
	s = repl(s, "{sender}", "news@sender.example")
	s = repl(s, "{sdomain}", "sender.example")
	s = repl(s, "{ip}", "192.0.2.10")
	s = repl(s, "{helo}", "mta1.sender.example")
	s = repl(s, "{tok}", "d75a77b69052e-42e7c6d0f7fsi421550pfb.310")
	s = repl(s, "{mstok}", "DM6PR04MB4421")
	s = repl(s, "{n}", "550")
	s = repl(s, "{user}", "alice")
	return s
}

# Position of code in text as a token (not inside a longer number), or 0.
# A reply must be followed by a space, "-" or the end.
function tokpos(text, code, isreply,   base, p, b, a, a2) {
	base = 0
	while ((p = index(text, code)) > 0) {
		b = p > 1 ? substr(text, p - 1, 1) : ""
		a = substr(text, p + length(code), 1)
		a2 = substr(text, p + length(code) + 1, 1)
		if (b !~ /[0-9.]/ && a !~ /[0-9]/ && !(a == "." && a2 ~ /[0-9]/) &&
		    (!isreply || a == "" || a == " " || a == "-"))
			return base + p
		base += p
		text = substr(text, p + 1)
	}
	return 0
}

function note(what) {
	printf("gen-findings-data.sh: note: %s:%d: %s\n", FILENAME, FNR,
	    what) > "/dev/stderr"
}

function pick_reply(text, col,   s, c, p, best, code) {
	best = 0
	code = ""
	s = col
	while (match(s, /[2-5][0-5][0-9]/)) {
		c = substr(s, RSTART, 3)
		s = substr(s, RSTART + 3)
		if ((p = tokpos(text, c, 1)) > 0 && (best == 0 || p < best)) {
			best = p
			code = c
		}
	}
	if (code == "" && match(text, /(^|: )#?[2-5][0-5][0-9][ -]/)) {
		code = substr(text, RSTART + RLENGTH - 4, 3)
		note("reply column \"" col "\", text has " code)
	} else if (code == "" && col ~ /[0-9]/)
		note("reply column \"" col "\" not in the text: expect none")
	return code
}

function pick_status(text, col,   s, c, p, best, st) {
	best = 0
	st = ""
	s = col
	while (match(s, /[245]\.[0-7]\.[0-9]+/)) {
		c = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		if ((p = tokpos(text, c, 0)) > 0 && (best == 0 || p < best)) {
			best = p
			st = c
		}
	}
	if (st != "")
		return st
	if (match(text, /(^|: )#?[2-5][0-5][0-9][ -]#?[245]\.[0-7]\.[0-9]+/) ||
	    match(text, /(dsn=|#|Status: )[245]\.[0-7]\.[0-9]+/)) {
		st = substr(text, RSTART, RLENGTH)
		sub(/^.*[^0-9.]/, "", st)
		note("status column \"" col "\", text has " st)
	} else if (col ~ /[0-9]/)
		note("status column \"" col "\" not in the text: expect none")
	return st
}

# The first well-formed x.y.z standing as a token in s, or "".
function first_status(s,   c) {
	while (match(s, /[245]\.[0-7]\.[0-9]+/)) {
		c = substr(s, RSTART, RLENGTH)
		if (tokpos(s, c, 0) == RSTART && length(c) <= 7)
			return c
		s = substr(s, RSTART + 1)
	}
	return ""
}

function pos(reply, status, text) {
	print reply "\t" status "\t" esc(text) > posf
}

function provider_row() {
	pos(pick_reply($2, $4), pick_status($2, $5), $2)
}

function client_row() {
	if ($5 !~ /[2-5][0-5][0-9]/)
		return
	pos(pick_reply($3, $5), pick_status($3, $6), $3)
}

function replycode_row(   s, t) {
	pos($1, first_status($3), $1 " " $3)
	s = $4
	while (match(s, /[2-5][0-5][0-9] [245]\.[0-7]\.[0-9]+/)) {
		t = substr(s, RSTART)
		s = substr(s, RSTART + RLENGTH)
		sub(/[);].*$/, "", t)
		pos(substr(t, 1, 3), first_status(t), t)
	}
}

function enhanced_row(   sd, s, r, seen) {
	if ($1 !~ /^X\.[0-7]\.[0-9]+$/)
		return
	sd = substr($1, 3)
	s = $4
	while (match(s, /[0-9]+/)) {
		r = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		if (r !~ /^[245][0-5][0-9]$/ || (r in seen))
			continue
		seen[r] = 1
		pos(r, substr(r, 1, 1) "." sd, r " " substr(r, 1, 1) "." sd \
		    " " $3)
	}
	pos("", "4." sd, "Status: 4." sd)
	pos("", "5." sd, "Status: 5." sd)
	pos("", first_status($3 " (#5." sd ")"), $3 " (#5." sd ")")
}

# The reply unfolded the way findings_unfold() should: each continuation
# line loses its code and a repeated enhanced code, lines are joined by one
# space, white space is squeezed.
function unfold(r, code, st,   n, L, k, x, o) {
	n = split(r, L, /\\n/)
	o = L[1]
	if (substr(o, 4, 1) == "-")
		o = code " " substr(o, 5)
	for (k = 2; k <= n; k++) {
		x = L[k]
		if (substr(x, 1, 3) == code && substr(x, 4, 1) ~ /^[- ]?$/)
			x = substr(x, 5)
		if (st != "" && substr(x, 1, length(st)) == st &&
		    substr(x, length(st) + 1, 1) ~ /^ ?$/)
			x = substr(x, length(st) + 1)
		o = o " " x
	}
	gsub(/[ \t]+/, " ", o)
	sub(/^ /, "", o)
	sub(/ $/, "", o)
	return o
}

function postfix_line(r, code, st, stage,   dsn, cmd, tail) {
	dsn = st != "" ? st : substr(code, 1, 1) ".0.0"
	cmd = stage == "ehlo" ? "EHLO" : stage == "mail" ? "MAIL FROM" : \
	    stage == "rcpt" ? "RCPT TO" : stage == "data" ? "DATA" : \
	    "end of DATA"
	if (stage == "connect")
		tail = "(host mx.dest.example[203.0.113.5] refused to talk" \
		    " to me: " r ")"
	else
		tail = "(host mx.dest.example[203.0.113.5] said: " r \
		    " (in reply to " cmd " command))"
	return "Jan 15 12:42:21 mx1 postfix/smtp[4210]: 4F2A1B3C5D:" \
	    " to=<alice@dest.example>, relay=mx.dest.example[203.0.113.5]:25," \
	    " delay=421, delays=0.1/0/1.2/0, dsn=" dsn ", status=" \
	    (code ~ /^4/ ? "deferred " : "bounced ") tail
}

function exim_line(r, code, stage,   what, head) {
	what = stage == "connect" ? "initial connection" : \
	    stage == "ehlo" ? "EHLO mta1.sender.example" : \
	    stage == "mail" ? "MAIL FROM:<news@sender.example> SIZE=4210" : \
	    stage == "rcpt" ? "RCPT TO:<alice@dest.example>" : \
	    stage == "data" ? "DATA" : "end of data"
	head = "2024-01-15 12:42:21 1qXyZ2-000Abc-4T " \
	    (code ~ /^4/ ? "== alice@dest.example R=dnslookup T=remote_smtp" \
	    " defer (-44)" : "** alice@dest.example R=dnslookup" \
	    " T=remote_smtp")
	return head " H=mx.dest.example [203.0.113.5]" \
	    " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from" \
	    " remote mail server after " what ": " r
}

function reply_row(   p, stage, r, code, st, qm, any, ph, u) {
	if ($0 ~ /^#/ || $0 !~ /\|/)
		return
	p = index($0, "|")
	r = substr($0, p + 1)
	stage = substr(r, 1, index(r, "|") - 1)
	r = substr(r, index(r, "|") + 1)
	r = fill(substr(r, index(r, "|") + 1))
	code = substr(r, 1, 3)
	if (code !~ /^[2-5][0-5][0-9]$/) {
		note("no reply code at the start, skipped")
		return
	}
	st = qm = ""
	if (match(r, /^[2-5][0-5][0-9][ -]#?[245]\.[0-7]\.[0-9]+/)) {
		st = substr(r, 5, RLENGTH - 4)
		sub(/^#/, "", st)
	}
	if (match(r, /\(#[245]\.[0-7]\.[0-9]+\)/))
		qm = substr(r, RSTART + 2, RLENGTH - 3)
	any = st != "" ? st : qm
	pos(code, any, repl(r, "\\n", " "))
	pos(code, any, r)
	pos(code, any, repl(r, "\\n", "\r\n"))
	pos(code, st != "" ? st : substr(code, 1, 1) ".0.0",
	    postfix_line(repl(r, "\\n", " "), code, st, stage))
	pos(code, any, exim_line(r, code, stage))

	ph = stage == "connect" ? "CONNECT" : stage == "ehlo" ? "EHLO" : \
	    stage == "mail" ? "MAIL" : stage == "rcpt" ? "RCPT" : "DATA"
	print ph "\t" esc(postfix_line(repl(r, "\\n", " "), code, st,
	    stage)) > phasef
	print ph "\t" esc(exim_line(r, code, stage)) > phasef

	u = esc(unfold(r, code, st))
	print u "\t" esc(repl(r, "\\n", " ")) > unff
	print u "\t" esc(r) > unff
	print u "\t" esc(repl(r, "\\n", "\r\n")) > unff
}

BEGIN {
	posf = data "/findings-positive.tsv"
	phasef = data "/findings-phase.tsv"
	unff = data "/findings-unfold.tsv"
	print "expected_reply\texpected_status\ttext" > posf
	print "expected_phase\ttext" > phasef
	print "expected_unfolded\ttext" > unff
	FS = "\t"
}
FNR == 1 && FILENAME !~ /replies\.txt$/ {
	next
}
FILENAME ~ /provider-patterns\.tsv$/ {
	provider_row()
}
FILENAME ~ /client-side\.tsv$/ {
	client_row()
}
FILENAME ~ /reply-codes\.tsv$/ {
	replycode_row()
}
FILENAME ~ /enhanced-codes\.tsv$/ {
	enhanced_row()
}
FILENAME ~ /replies\.txt$/ {
	reply_row()
}
'

awk -v data="$data" "$prog" "$ref/provider-patterns.tsv" \
    "$ref/client-side.tsv" "$ref/reply-codes.tsv" "$ref/enhanced-codes.tsv" \
    "$bench"

#!/bin/sh
# cli.sh - the command line: options, --explain, --json, --check-kb, exit
# status.  Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data="$srcdir/tests/data"

expect "--help exits 0" 0 bd --help
has "--help shows usage" out "usage: bouncedoc"
expect "--version exits 0" 0 bd --version
has "--version names the program" out "bouncedoc "
expect "unknown option exits 2" 2 bd --no-such-option
expect "bad --color value exits 2" 2 bd --color=sometimes --explain 421
has "bad --color value is explained" err "--color: 'sometimes' is not auto, always or never"
expect "--explain without text exits 2" 2 bd --explain

expect "--explain 421" 0 bd --explain 421
has "--explain 421 shows the code article" out "[code-421, code"
has "--explain 421 says temporary" out "temporary failure"
expect "--explain 5.7.26" 0 bd --explain 5.7.26
has "--explain 5.7.26 shows the status article" out "[status-x.7.26, status"
has "--explain 5.7.26 says permanent" out "permanent failure"
expect "--explain a 421 #4.4.5 reply" 0 bd --explain '421 #4.4.5 Too many connections from your host.'
has "it finds the reply code" out "reply code 421"
has "it finds the enhanced status" out "enhanced status 4.4.5"
has "codes are marked without colour" out "[421] #[4.4.5] Too many"
expect "--explain text without a code" 1 bd --explain 'hello world, nothing to see'

expect "--explain --json" 0 bd --json --explain '550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)'
has "json reply_code" out '"reply_code":"550"'
has "json enhanced_status" out '"enhanced_status":"5.1.1"'
has "json phase" out '"phase":"RCPT"'
has "json temporary" out '"temporary":false'
has "json reason" out '"reason":"userunknown"'
has "json articles" out '"articles":[{"id":'

# Escape sequences from the input are shown, never sent.
expect "--explain with escape bytes" 0 bd --explain "$(printf '550 5.1.1 \033]52;c;Zm9v\007 \033[2J bad\302\233 \342\200\256x')"
has "ESC is shown as ^[" out "^[]52;c;Zm9v^G ^[[2J"
has "C1 is shown" out "<U+009B>"
has "bidi override is shown" out "<U+202E>"
n=$((n + 1))
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out"; then
	echo "not ok $n - no raw ESC in output"; fails=$((fails + 1))
else
	echo "ok $n - no raw ESC in output"
fi
expect "--json with escape bytes" 0 bd --json --explain "$(printf '550 5.1.1 \033[2J\377')"
has "json escapes ESC" out '\u001b[2J\ufffd'

expect "--check-kb on the built-in base" 0 bd --check-kb
expect "--check-kb on a bad file" 2 bd --check-kb "$data/kb-bad.kb"
has "bad file: unknown reason reported" err "kb-bad.kb:14: unknown reason 'nosuch'; stanza skipped"
has "bad file: good stanza still counted" out "1 articles, "
expect "--check-kb on a missing file" 2 bd --check-kb "$tmp/missing.kb"
has "missing file reported" err "missing.kb: cannot open: No such file or directory"

expect "--list-kb" 0 bd --list-kb
has "--list-kb lists code articles" out "code-550"
expect "--list-kb --json" 0 bd --list-kb --json
has "--list-kb --json has kind" out '"kind":"status"'

expect "--kb-dir adds an article" 0 bd --kb-dir "$data/kb-user" --explain '554 ACME-GW-12 rejected your message'
has "user article wins" out "[user-added, match"

echo "1..$n"
[ "$fails" -eq 0 ]

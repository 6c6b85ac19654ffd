#!/bin/sh
# gen-replies-data.sh - copy the reply texts of the log generator's
# replies.txt into tests/data/replies.tsv (provider, stage, reply), with
# the placeholders filled, so make check needs nothing outside the tree.
# Usage: tests/gen-replies-data.sh ../shared/bench/replies.txt > tests/data/replies.tsv
LC_ALL=C awk -F'|' '
/^#/ || NF < 4 { next }
{
	r = $4
	for (i = 5; i <= NF; i++)
		r = r "|" $i
	gsub(/\{rcpt\}/, "user@example.com", r)
	gsub(/\{domain\}/, "example.com", r)
	gsub(/\{sender\}/, "sender@example.org", r)
	gsub(/\{sdomain\}/, "example.org", r)
	gsub(/\{ip\}/, "192.0.2.10", r)
	gsub(/\{helo\}/, "mail.example.org", r)
	gsub(/\{tok\}/, "a1b2c3d4e5", r)
	gsub(/\{mstok\}/, "AM0PR01MB1234", r)
	gsub(/\{n\}/, "5", r)
	gsub(/\{user\}/, "user", r)
	printf "%s\t%s\t%s\n", $1, $2, r
}' "$1"

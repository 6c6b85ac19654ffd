#!/bin/sh
# readonly.sh - input files are read, never written.  A read-only copy of
# every kind of input (a bounce, an mbox, a maildir, a log, a .gz, a
# knowledge-base directory) is given to every mode of bouncedoc; after
# the runs each file has the same bytes (sha256), size, mode and mtime,
# and no file has appeared next to them.  Where strace is present, every
# open of an input is also checked to be O_RDONLY.  Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data=$(cd "$srcdir/tests/data" && pwd) || exit 1
LC_ALL=C
export LC_ALL


# the inputs, read-only
ro="$tmp/ro"
mkdir -p "$ro/maildir/cur" "$ro/maildir/new" "$ro/maildir/tmp" "$ro/kb"
cp "$data/hostile.eml" "$ro/bounce.eml"
cp "$data/hostile.log" "$ro/mail.log"
cp "$data/bad/truncated.log.gz" "$ro/old.log.gz"
gzip -c "$data/hostile.log" >"$ro/mail.log.1.gz"
{ printf 'From MAILER-DAEMON Sat Nov 28 09:14:02 2026\n'
  cat "$data/hostile.eml"
  printf '\nFrom MAILER-DAEMON Sat Nov 28 09:15:02 2026\n'
  cat "$data/hostile.eml"; } >"$ro/bounces.mbox"
cp "$data/hostile.eml" "$ro/maildir/cur/1.host:2,S"
cp "$data/hostile.eml" "$ro/maildir/new/2.host"
cp "$data/bad/every-error.kb" "$ro/kb/user.kb"
# the same times on every file, well in the past, so a touch would show
find "$ro" -exec touch -d '2020-01-02 03:04:05' {} +
chmod -R a-w "$ro"

# snapshot: path, size, mode, mtime and sha256 of every file and directory
snap() {
	(cd "$ro" && find . -print | sort | while read -r f; do
		if [ -f "$f" ]; then
			s=$(sha256sum <"$f" | cut -d' ' -f1)
		else
			s=dir
		fi
		printf '%s %s %s\n' "$f" "$(stat -c '%s %a %Y' "$f")" "$s"
	done)
}
snap >"$tmp/before"

# ran DESC STATUS ARGS...: bouncedoc ARGS exits with STATUS
ran() {
	desc=$1 want=$2
	shift 2
	exits "$desc" "$want" bd "$@"
}

ran "report of every input" 3 "$ro/bounce.eml" "$ro/mail.log" \
    "$ro/old.log.gz" "$ro/mail.log.1.gz" "$ro/bounces.mbox" "$ro/maildir"
ran "verbose report" 3 --report --verbose "$ro/bounce.eml" "$ro/mail.log"
ran "summary" 3 --summary "$ro/bounces.mbox" "$ro/maildir"
ran "json" 3 --json --all "$ro/mail.log.1.gz" "$ro/bounces.mbox"
ran "summary json" 3 --summary --json "$ro/maildir" "$ro/mail.log"
ran "stdin" 3 - <"$ro/bounce.eml"
exec </dev/null
ran "--check-kb" 2 --check-kb "$ro/kb/user.kb"
ran "--kb-dir" 2 --kb-dir "$ro/kb" --list-kb
ran "--kb-dir with a report" 2 --kb-dir "$ro/kb" "$ro/bounce.eml"

snap >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	pass "inputs unchanged: bytes, size, mode, mtime, no new file"
else
	fail "inputs unchanged"
	diff "$tmp/before" "$tmp/after" | sed 's/^/# /' | head -20
fi

# Every open of an input file or directory is read-only.
if [ -n "${BOUNCEDOC_WRAP:-}" ]; then
	n=$((n + 1)); echo "ok $n # SKIP strace under valgrind"
elif ! command -v strace >/dev/null 2>&1; then
	n=$((n + 1)); echo "ok $n # SKIP no strace"
else
	strace -f -qq -e trace=open,openat,creat,truncate,rename,unlink \
	    -o "$tmp/trace" "$BOUNCEDOC" --kb-dir "$ro/kb" --json \
	    "$ro/bounce.eml" "$ro/mail.log" "$ro/mail.log.1.gz" \
	    "$ro/bounces.mbox" "$ro/maildir" >/dev/null 2>&1 </dev/null
	if ! grep -q "$ro/mail.log" "$tmp/trace"; then
		fail "strace saw the inputs opened"
	elif grep -F "$ro" "$tmp/trace" | grep -v 'O_RDONLY' |
	    grep -q .; then
		fail "inputs opened read-only"
		grep -F "$ro" "$tmp/trace" | grep -v O_RDONLY | head -5 |
		    sed 's/^/# /'
	elif grep -F "$ro" "$tmp/trace" |
	    grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(|rename|unlink' |
	    grep -q .; then
		fail "inputs opened read-only (write flags)"
	else
		pass "inputs opened read-only (strace)"
	fi
fi

echo "1..$n"
[ "$fails" -eq 0 ]

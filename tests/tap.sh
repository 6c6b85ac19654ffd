# tap.sh - what the shell tests share; each tests/*.sh sources it first.
#
# Sets BOUNCEDOC and srcdir (from the environment, else ./bouncedoc and .),
# n and fails (TAP counters) and tmp (a directory removed at exit); defines
#	bd ARGS...	bouncedoc, under $BOUNCEDOC_WRAP (valgrind) when set
#	pass DESC	one "ok" line
#	fail DESC [FILE] one "not ok" line; FILE (under $tmp) shown as comments
#	skip DESC	one "ok … # SKIP" line
#	expect, exits, has: run a command and check it (below)
# A script may define its own fail after this, to show FILE differently.
: "${BOUNCEDOC:=./bouncedoc}"
: "${srcdir:=.}"
n=0
fails=0
bd() { ${BOUNCEDOC_WRAP:-} "$BOUNCEDOC" "$@"; }
tmp=$(mktemp -d) || exit 1
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	fails=$((fails + 1))
	[ -n "${2:-}" ] && [ -f "$tmp/$2" ] && head -c 2000 "$tmp/$2" |
	    sed 's/^/# /'
	return 0
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

# expect DESC WANT COMMAND...: runs COMMAND (stdin /dev/null), stdout in
# $tmp/out and stderr in $tmp/err; passes if it exits with WANT
expect() {
	desc=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" = "$want" ]; then
		pass "$desc"
	else
		fail "$desc (exit $got, want $want)" err
	fi
}

# exits DESC WANT COMMAND...: runs COMMAND (stdin as the caller gives
# it), stdout in $tmp/out and stderr in $tmp/err; passes "DESC: exit
# WANT" if it exits with WANT
exits() {
	desc=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then
		pass "$desc: exit $want"
	else
		fail "$desc: exit $got, want $want" err
	fi
}

# has DESC FILE STRING: $tmp/FILE (out or err) holds the fixed STRING
has() {
	if grep -qF -- "$3" "$tmp/$2"; then
		pass "$1"
	else
		fail "$1: '$3' not in $2" "$2"
	fi
}

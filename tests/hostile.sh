#!/bin/sh
# hostile.sh - text from strangers is shown, never obeyed.  A bounce
# (tests/data/hostile.eml) and a mail log (tests/data/hostile.log) carry
# CSI, OSC 0 (window title), OSC 52 (clipboard), C1 controls as UTF-8 and
# as raw bytes, BEL, backspaces, DEL, a bidi override and invalid UTF-8 in
# the recipient, the host, the diagnostic and the subject.  Every text
# view (report, verbose report, summary, --explain) must print them in
# their visible forms (^[ <U+009B> <9B> <U+202E> <FF>) and emit none of
# them; --json must escape them and stay valid JSON; --color=always adds
# our own SGR sequences and nothing else.  Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
data="$srcdir/tests/data"
LC_ALL=C
export LC_ALL

fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	fails=$((fails + 1))
	[ -f "$tmp/$2" ] && od -c "$tmp/$2" | head -12 | sed 's/^/# /'
}

# run DESC WANT_STATUS ARGS...: bouncedoc ARGS, output in $tmp/out, $tmp/err
run() {
	desc=$1 want=$2
	shift 2
	exits "$desc" "$want" bd "$@"
}

# clean DESC FILE: FILE holds no byte a terminal acts on: C0 controls but
# newline (ESC, BEL, BS …), DEL, C1 controls written as UTF-8 (c2 80-9f),
# a bidi control (U+202A-202E, U+2066-2069, U+200E/F), and no invalid
# UTF-8 (a lone 9b is CSI on 8-bit terminals).
clean() {
	if od -An -v -tx1 "$tmp/$2" | tr -s ' \n' '\n\n' | awk '
	    BEGIN { bad = 0 }
	    { b[NR] = $0 }
	    END {
		for (i = 1; i <= NR; i++) {
			x = b[i]
			if (x == "") continue
			if (x != "0a" && x < "20") bad = 1
			if (x == "7f") bad = 1
			if (x == "c2" && b[i+1] >= "80" && b[i+1] <= "9f") bad = 1
			if (x == "e2" && b[i+1] == "80" &&
			    (b[i+2] >= "aa" && b[i+2] <= "ae" ||
			     b[i+2] == "8e" || b[i+2] == "8f")) bad = 1
			if (x == "e2" && b[i+1] == "81" &&
			    b[i+2] >= "a6" && b[i+2] <= "a9") bad = 1
		}
		exit bad
	    }'; then
		if iconv -f UTF-8 -t UTF-8 <"$tmp/$2" >/dev/null 2>&1; then
			pass "$1: no control byte, valid UTF-8"
		else
			fail "$1: invalid UTF-8 in $2" "$2"
		fi
	else
		fail "$1: a control byte reached $2" "$2"
	fi
}

# json DESC: every line of $tmp/out is a JSON object jq reads
json() {
	if [ ! -s "$tmp/out" ]; then
		fail "$1: no output" out
	elif jq -e -c 'type == "object"' "$tmp/out" >"$tmp/jq" 2>&1 &&
	    ! grep -qv '^true$' "$tmp/jq"; then
		pass "$1: valid JSON Lines"
	else
		fail "$1: jq cannot read it" jq
	fi
}

for f in hostile.eml hostile.log; do
	in="$data/$f"
	run "$f report" 3 "$in"
	clean "$f report stdout" out
	clean "$f report stderr" err
	has "$f report shows the recipient domain's bidi override" out \
	    'victim<U+202E>.example'
	run "$f verbose report" 3 --report --verbose "$in"
	clean "$f verbose report stdout" out
	has "$f verbose report shows OSC 52 as text" out '^[]52;c;ZXZpbA==^G'
	has "$f verbose report shows CSI as text" out '^[[2J^[[31m'
	has "$f verbose report shows C1 CSI" out '<U+009B>1m'
	has "$f verbose report shows the bidi override" out '<U+202E>desrever'
	has "$f verbose report shows invalid UTF-8" out '<FF><FE><C0><80>'
	has "$f verbose report shows BEL and DEL" out 'bell^G'
	run "$f summary" 3 --summary "$in"
	clean "$f summary stdout" out
	run "$f verbose summary" 3 --summary --verbose "$in"
	clean "$f verbose summary stdout" out
	has "$f verbose summary shows the domain" out 'victim<U+202E>.example'
	run "$f json" 3 --json --all "$in"
	clean "$f json stdout" out
	json "$f json"
	has "$f json escapes ESC" out '\u001b]52;c;ZXZpbA==\u0007'
	has "$f json escapes C1" out '\u009b1m'
	has "$f json escapes the bidi override" out '\u202edesrever'
	has "$f json replaces invalid UTF-8" out '\ufffd\ufffd\ufffd\ufffd'
	# escaped, not dropped: jq gives the bytes back
	jq -r 'select(.reply_code == "550") | .diagnostic' "$tmp/out" \
	    >"$tmp/diag" 2>/dev/null
	if grep -q "$(printf '\033]52;c;ZXZpbA==\007')" "$tmp/diag"; then
		pass "$f json keeps the escape sequence as data"
	else
		fail "$f json keeps the escape sequence as data" diag
	fi
	run "$f summary json" 3 --summary --json "$in"
	clean "$f summary json stdout" out
	json "$f summary json"
	run "$f colour report" 3 --color=always --report --verbose "$in"
	if grep -q "$(printf '\033\\[')" "$tmp/out"; then
		pass "$f colour report has its own SGR"
	else
		fail "$f colour report has its own SGR" out
	fi
	sed "s/$(printf '\033')\\[[0-9;]*m//g" "$tmp/out" >"$tmp/nosgr"
	clean "$f colour report: nothing but SGR" nosgr
done

# --explain of a hostile reply, as a support agent would paste it
line=$(sed -n 3p "$data/hostile.log" | sed 's/.*said: //')
run "explain" 0 --explain "$line"
clean "explain stdout" out
has "explain shows ESC as ^[" out '^[]52;c;ZXZpbA==^G'
has "explain shows the bidi override" out '<U+202E>desrever'
run "explain verbose" 0 --explain --verbose "$line"
clean "explain verbose stdout" out
run "explain json" 0 --explain --json "$line"
clean "explain json stdout" out
json "explain json"
run "explain colour" 0 --explain --color=always "$line"
sed "s/$(printf '\033')\\[[0-9;]*m//g" "$tmp/out" >"$tmp/nosgr"
clean "explain colour: nothing but SGR" nosgr

# File names are input too: a name with escapes, in messages and reports.
evil="$tmp/$(printf 'a\033]0;T\007b\302\233c')"
cp "$data/hostile.eml" "$evil.eml"
run "hostile file name" 3 --report --verbose "$evil.eml"
clean "hostile file name stdout" out
has "hostile file name shown as text" out 'a^[]0;T^Gb<U+009B>c.eml'
run "missing hostile file name" 2 "$evil.missing"
clean "missing hostile file name stderr" err
has "missing hostile file name in the message" err \
    'a^[]0;T^Gb<U+009B>c.missing: cannot open'
run "hostile option value" 2 --color="$(printf '\033[2J')" --explain 550
clean "hostile option value stderr" err
has "hostile option value shown as text" err "--color: '^[[2J' is not"
run "hostile unknown option" 2 "$(printf -- '--x\033]0;T\007')" "$data/hostile.eml"
clean "hostile unknown option stderr" err
has "hostile unknown option shown as text" err "unknown option '--x^[]0;T^G'"

# A user's knowledge base is shown safely too (--kb-dir, --list-kb).
mkdir "$tmp/kb"
cp "$data/bad/hostile.kb" "$tmp/kb/"
run "hostile article" 2 --kb-dir "$tmp/kb" --explain '550 hostile test reply'
clean "hostile article stdout" out
clean "hostile article stderr" err
has "hostile article title shown" out 'Title ^[[2J^[[31m red <U+009B>1m'
has "hostile article provider shown" out 'Evil ^[]0;PROVIDER^G Corp<U+202E>'
has "hostile article remedy shown" out 'Remedy ^[[5m blink <U+202E>'
has "hostile key in the message" err "unknown key '^[[2Jbad-key'"
run "hostile article list" 2 --kb-dir "$tmp/kb" --list-kb
clean "hostile article list stdout" out
has "hostile article list shows the provider" out 'Evil ^[]0;PROVIDER^G '
run "hostile article list json" 2 --kb-dir "$tmp/kb" --list-kb --json
clean "hostile article list json stdout" out
json "hostile article list json"

echo "1..$n"
[ "$fails" -eq 0 ]

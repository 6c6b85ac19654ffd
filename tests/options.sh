#!/bin/sh
# options.sh - the documentation matches the program: every long option
# of --help is in bouncedoc(1) OPTIONS with the same short option, and the
# reverse; the manual pages pass mandoc -Tlint; the example article of
# bouncedoc-kb(5) is valid.  Prints TAP.
. "${srcdir:-.}/tests/tap.sh"
man1="$srcdir/man/bouncedoc.1"
man5="$srcdir/man/bouncedoc-kb.5"


bd --help >"$tmp/help" 2>&1 || fail "--help exits 0"

# "  -r, --report   ..." or "      --kb-dir DIR ...": short,long per line
sed -n 's/^  *\(-[A-Za-z]\), \(--[a-z][a-z-]*\).*/\1,\2/p;
    s/^  *\(--[a-z][a-z-]*\).*/,\1/p' "$tmp/help" | LC_ALL=C sort \
    >"$tmp/help.opts"
# ".It Fl r , Fl -report" or ".It Fl -kb-dir Ar dir" in OPTIONS
sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$man1" |
    sed -n 's/^\.It Fl \([A-Za-z]\) , Fl \(-[a-z][a-z-]*\).*/-\1,-\2/p;
    s/^\.It Fl \(-[a-z][a-z-]*\).*/,-\1/p' | LC_ALL=C sort >"$tmp/man.opts"

[ -s "$tmp/help.opts" ] && pass "--help lists options" ||
    fail "--help lists options"
[ -s "$tmp/man.opts" ] && pass "bouncedoc(1) OPTIONS lists options" ||
    fail "bouncedoc(1) OPTIONS lists options"
for want in -r,--report -s,--summary -j,--json -e,--explain -V,--version; do
	if grep -qx -- "$want" "$tmp/help.opts"; then
		pass "--help has $want"
	else
		fail "--help has $want"
	fi
done
while IFS= read -r o; do
	if grep -qx -- "$o" "$tmp/man.opts"; then
		pass "--help option $o is in bouncedoc(1)"
	else
		fail "--help option $o is in bouncedoc(1) (as .It Fl x , Fl -long)"
	fi
done <"$tmp/help.opts"
while IFS= read -r o; do
	if grep -qx -- "$o" "$tmp/help.opts"; then
		pass "bouncedoc(1) option $o is in --help"
	else
		fail "bouncedoc(1) option $o is in --help"
	fi
done <"$tmp/man.opts"

# --version: the version and the number of built-in articles, which is
# what --list-kb lists without user articles.
v=$(bd --version 2>&1)
nkb=$(bd --no-user-kb --list-kb 2>/dev/null | grep -c .)
want="bouncedoc [0-9][0-9.]* ($nkb built-in articles)"
if printf '%s\n' "$v" | grep -qx "$want" && [ "$nkb" -gt 100 ]; then
	pass "--version: $v"
else
	fail "--version: '$v', want the version and $nkb built-in articles"
fi

# Sections every reader looks for.
for s in NAME SYNOPSIS DESCRIPTION OPTIONS KEYS "JSON OUTPUT" FILES \
    ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	if grep -qx "\\.Sh $s" "$man1"; then
		pass "bouncedoc(1) has $s"
	else
		fail "bouncedoc(1) has $s"
	fi
done
for v in NO_COLOR XDG_CONFIG_HOME TERM; do
	if sed -n '/^\.Sh ENVIRONMENT/,/^\.Sh /p' "$man1" |
	    grep -q "^\\.It Ev $v\$"; then
		pass "ENVIRONMENT names $v"
	else
		fail "ENVIRONMENT names $v"
	fi
done

# Every key the JSON output writes is documented.  The keys come from a
# run of the program (a record, an explain, a summary), so a new key
# without documentation fails here.
printf '%s\n' '<bob@example.org>: host mx.example.org[192.0.2.7] said:' \
    '    550 5.1.1 <bob@example.org>: User unknown (in reply to RCPT TO' \
    '    command)' >"$tmp/bounce.txt"
{
	bd --json "$tmp/bounce.txt"
	bd --json --explain 421
	bd --summary --json "$tmp/bounce.txt"
} >"$tmp/json" 2>/dev/null
grep -o '"[a-z_]*":' "$tmp/json" | tr -d '":' | LC_ALL=C sort -u \
    >"$tmp/keys"
sed -n '/^\.Sh JSON OUTPUT/,/^\.Sh /p' "$man1" >"$tmp/jsonsec"
[ "$(wc -l <"$tmp/keys")" -gt 20 ] && pass "JSON keys found" ||
    fail "JSON keys found"
while IFS= read -r k; do
	if grep -qx "\\.It Cm $k" "$tmp/jsonsec"; then
		pass "JSON key $k is documented"
	else
		fail "JSON key $k is documented in JSON OUTPUT"
	fi
done <"$tmp/keys"

# The example article of bouncedoc-kb(5) loads and diagnoses its example.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$man5" |
    sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed -e '/^\.Bd/d' -e '/^\.Ed/d' \
    -e 's/\\e/\\/g' -e 's/\\(aq/'"'"'/g' -e 's/\\&//g' >"$tmp/example.kb"
if bd --check-kb "$tmp/example.kb" >"$tmp/out" 2>&1 &&
    grep -q '^1 articles, 0 bad stanzas' "$tmp/out"; then
	pass "the example article of bouncedoc-kb(5) is valid"
else
	fail "the example article of bouncedoc-kb(5) is valid"
	sed 's/^/# /' "$tmp/out"
fi
mkdir "$tmp/kb"
cp "$tmp/example.kb" "$tmp/kb/"
ex=$(sed -n 's/^example: *//p' "$tmp/example.kb" | head -1)
id=$(sed -n 's/^id: *//p' "$tmp/example.kb" | head -1)
if [ -n "$ex" ] && bd --no-user-kb --kb-dir "$tmp/kb" --json --explain "$ex" |
    grep -q "\"articles\":\[{\"id\":\"$id\""; then
	pass "the example article wins its own example"
else
	fail "the example article wins its own example"
fi
# Every field of the format is in the example (a complete article).
for f in id code status match provider bounce reason title explain remedy \
    customer see example; do
	if grep -q "^$f:" "$tmp/example.kb"; then
		pass "the example article has $f"
	else
		fail "the example article has $f"
	fi
done

# The bash completion offers the options of --help.
if command -v bash >/dev/null 2>&1; then
	comp=$(bash -c '. "$1"; COMP_WORDS=("$2" --su); COMP_CWORD=1;
	    _bouncedoc; echo "${COMPREPLY[*]}"; COMP_WORDS=("$2" --);
	    _bouncedoc; echo "${COMPREPLY[*]}"; COMP_WORDS=("$2" --color "");
	    COMP_CWORD=2; _bouncedoc; echo "${COMPREPLY[*]}"' sh \
	    "$srcdir/completions/bouncedoc" "$BOUNCEDOC" 2>&1)
	if [ "$(printf '%s\n' "$comp" | sed -n 1p)" = --summary ]; then
		pass "completion of --su is --summary"
	else
		fail "completion of --su is --summary: '$comp'"
	fi
	cut -d, -f2 "$tmp/help.opts" | LC_ALL=C sort >"$tmp/want"
	printf '%s\n' "$comp" | sed -n 2p | tr ' ' '\n' | LC_ALL=C sort \
	    >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		pass "completion of -- offers every long option"
	else
		fail "completion of -- offers every long option"
	fi
	if [ "$(printf '%s\n' "$comp" | sed -n 3p)" = "auto always never" ]
	then
		pass "completion of --color offers auto always never"
	else
		fail "completion of --color offers auto always never"
	fi
else
	n=$((n + 1))
	echo "ok $n # SKIP bash is not installed"
fi

# mandoc, when installed, finds nothing to warn about.
if command -v mandoc >/dev/null 2>&1; then
	for m in "$man1" "$man5"; do
		if out=$(mandoc -Tlint -Wwarning "$m" 2>&1) && [ -z "$out" ]; then
			pass "mandoc -Tlint -Wwarning $(basename "$m")"
		else
			fail "mandoc -Tlint -Wwarning $(basename "$m")"
			printf '%s\n' "$out" | sed 's/^/# /'
		fi
	done
else
	n=$((n + 1))
	echo "ok $n # SKIP mandoc is not installed"
fi

echo "1..$n"
[ "$fails" -eq 0 ]

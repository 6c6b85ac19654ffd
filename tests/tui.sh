#!/bin/sh
# tui.sh - the interactive screen, end to end: the real program runs in a
# detached tmux (private socket, 120x40), keys are sent with send-keys and
# the screen is read with capture-pane (-e where attributes matter).
# Every wait polls the screen with a bounded timeout.  Prints TAP; skips
# when tmux is not installed.
: "${BOUNCEDOC:=./bouncedoc}"
: "${srcdir:=.}"
# tmux starts the program in another directory: use absolute paths
srcdir=$(cd "$srcdir" && pwd) || exit 1
data="$srcdir/tests/data"
examples="$srcdir/examples"
n=0
fails=0

if ! command -v tmux >/dev/null 2>&1; then
	echo "ok 1 # SKIP tmux is not installed"
	echo "1..1"
	exit 0
fi

tmp=$(mktemp -d) || exit 1
sock="bd$$"
# Under valgrind everything is slower: wait longer.
limit=${TUI_WAIT:-15}
[ -n "${BOUNCEDOC_WRAP:-}" ] && limit=120
unset TMUX TMUX_PANE
LC_ALL=C.UTF-8
NO_COLOR=1
export LC_ALL NO_COLOR
# A safety net: the tmux server ends even if this script is killed.
(sleep $((limit * 60)); tmux -L "$sock" kill-server) >/dev/null 2>&1 \
    </dev/null &
watchdog=$!
cleanup() {
	kill "$watchdog" 2>/dev/null
	tmux -L "$sock" kill-server >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cat >"$tmp/tmux.conf" <<EOF
set -g status off
set -g default-terminal screen
set -g set-clipboard on
set -g history-limit 100
EOF
# run.sh OUT [ARGS...]: the program in the pane; after it ends, its exit
# status and the terminal modes go to OUT, and the pane stays open.
# PIPE=FILE feeds FILE on standard input; with GATE=FILE too, only once
# GATE exists (at most a minute later).
cat >"$tmp/run.sh" <<EOF
#!/bin/sh
trap : INT
out=\$1
shift
gate() {
	i=0
	while [ -n "\${GATE:-}" ] && [ ! -e "\$GATE" ] && [ \$i -lt 600 ]; do
		sleep 0.1
		i=\$((i + 1))
	done
	cat "\$PIPE"
}
if [ -n "\${PIPE:-}" ]; then
	gate | ${BOUNCEDOC_WRAP:-} "$BOUNCEDOC" "\$@"
else
	${BOUNCEDOC_WRAP:-} "$BOUNCEDOC" "\$@"
fi
echo "exit=\$?" >"\$out.tmp"
stty -a >>"\$out.tmp" 2>&1
mv "\$out.tmp" "\$out"
exec sleep 600
EOF
chmod +x "$tmp/run.sh"

tm() { tmux -L "$sock" -f "$tmp/tmux.conf" "$@"; }

# start NAME [ENV=VALUE...] -- ARGS...: a new session running the program
start() {
	name=$1
	shift
	envs=
	while [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	shift
	tm new-session -d -s "$name" -x 120 -y 40 -c "$tmp" \
	    "env $envs $tmp/run.sh $tmp/$name.out $*"
}

screen() { tm capture-pane -p -t "$1"; }
screen_e() { tm capture-pane -p -e -t "$1"; }

# wait_for SESSION TEXT: polls the screen until it shows TEXT
wait_for() {
	i=0
	while [ $i -lt $((limit * 10)) ]; do
		if screen "$1" 2>/dev/null | grep -qF -- "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_gone SESSION TEXT: polls until the screen no longer shows TEXT
wait_gone() {
	i=0
	while [ $i -lt $((limit * 10)) ]; do
		if ! screen "$1" 2>/dev/null | grep -qF -- "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_exit SESSION: waits for the program to end (run.sh writes .out)
wait_exit() {
	i=0
	while [ $i -lt $((limit * 10)) ]; do
		[ -f "$tmp/$1.out" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	fails=$((fails + 1))
	if [ -n "${2:-}" ]; then
		screen "$2" 2>/dev/null | sed 's/^/# /'
	fi
}

# shows DESC SESSION TEXT: the screen shows TEXT (waiting for it)
shows() {
	if wait_for "$2" "$3"; then ok "$1"; else not_ok "$1: no '$3'" "$2"; fi
}

# lacks DESC SESSION TEXT: the screen does not show TEXT now
lacks() {
	if screen "$2" | grep -qF -- "$3"; then
		not_ok "$1: '$3' is shown" "$2"
	else
		ok "$1"
	fi
}

# check DESC COMMAND...: COMMAND succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# is_selected SESSION TEXT: the selected row (marked ">") holds TEXT
is_selected() {
	screen "$1" | grep '^>' | grep -qF -- "$2"
}

# selected SESSION TEXT: the selected row holds TEXT, or will soon
selected() {
	i=0
	while [ $i -lt $((limit * 10)) ]; do
		is_selected "$1" "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# restored SESSION STATUS: the program ended with STATUS and left the
# terminal as it found it: canonical mode, echo, normal screen, cursor
# shown, no mouse reporting, no keypad mode
restored() {
	s=$1
	if ! wait_exit "$s"; then
		not_ok "$s: the program ended" "$s"
		return
	fi
	check "$s: exit status $2" grep -qx "exit=$2" "$tmp/$s.out"
	check "$s: canonical mode and echo are back" \
	    sh -c "grep -q ' icanon' '$tmp/$s.out' && grep -q ' echo ' \
	    '$tmp/$s.out' && ! grep -q -- '-icanon' '$tmp/$s.out' && \
	    ! grep -q -- ' -echo ' '$tmp/$s.out'"
	flags=$(tm display -p -t "$s" \
	    '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_flag}')
	check "$s: normal screen, cursor on, no mouse, no keypad ($flags)" \
	    test "$flags" = "0 1 0 0"
}

# ------------------------------------------------------------------ paste
# No file and standard input a terminal: paste a bounce, Ctrl-D.
start paste -- ""
shows "paste: the prompt asks for a bounce" paste "Paste a bounce"
tm load-buffer -b bounce "$examples/aol-421.eml"
tm paste-buffer -b bounce -d -t paste
shows "paste: the pasted lines are shown" paste "TSS04"
tm send-keys -t paste C-d
shows "paste: opens on the record: the Yahoo/AOL article" paste \
    "specific: yahoo-tss04"
shows "paste: temporary, said as a word" paste "TEMPORARY failure"
shows "paste: the list has the record" paste "421  4.7.0   temp"
if screen_e paste | grep -qF "$(printf '\033[1;4m421')"; then
	ok "paste: the reply code is highlighted (bold, underlined)"
else
	not_ok "paste: the reply code is highlighted" paste
fi
if screen_e paste | grep -qF "$(printf '\033[1;4m4.7.0')"; then
	ok "paste: the enhanced status is highlighted"
else
	not_ok "paste: the enhanced status is highlighted" paste
fi
# the article has the focus: zoom it; a search scrolls to its match
tm send-keys -t paste Enter / "only takes them" Enter
shows "paste: the customer text" paste "What to tell the customer"
shows "paste: the customer text's words" paste \
    "Yahoo only takes them slowly"
shows "paste: the links" paste "https://senders.yahooinc.com/"
tm send-keys -t paste c
shows "c: says the customer text was copied" paste \
    "copied to the clipboard (OSC 52)"
tm show-buffer >"$tmp/clip" 2>/dev/null
check "c: the clipboard (OSC 52) holds the customer text" \
    grep -qF "Yahoo only takes them slowly" "$tmp/clip"
tm send-keys -t paste q q
restored paste 1

# --------------------------------------------------------------- the log
start log -- "$data/tui-postfix.log"
shows "log: the list" log "CODE STATUS  TYPE"
shows "log: a permanent failure" log "550  5.1.1   perm"
shows "log: a temporary failure" log "421  4.7.0   temp"
shows "log: the status line counts" log "5 failures (1 temp, 4 perm)"
shows "log: the source pane" log "Source: the failure as read"
shows "log: the article pane" log "Article: what it means"
shows "log: the recipient" log "dave@example.org"
# the journey of a deferred message: every log line of its queue id
tm send-keys -t log / "carol" Enter
shows "journey: search finds carol's message" log "carol@aol.example"
check "journey: it is selected" selected log "carol@aol.example"
tm send-keys -t log Tab Enter
shows "journey: the source pane zoomed" log "Source: the failure as read"
shows "journey: the log lines" log "Log lines:"
shows "journey: the sender line" log "      4 Nov 28 09:00:01 mx1 postfix/qmgr"
shows "journey: the first deferral" log "      5 Nov 28 09:00:03 mx1 postfix"
shows "journey: the second deferral" log "     14 Nov 28 09:10:04 mx1 postfix"
shows "journey: the last deferral" log "     16 Nov 28 09:40:05 mx1 postfix"
lacks "journey: no line of another message" log "5C6D7E8F90"
tm send-keys -t log Escape Escape Tab Tab
# search: the DMARC failure, highlighted; n wraps on to the same one
tm send-keys -t log / "DMARC" Enter
shows "search: selects the DMARC failure" log "550  5.7.26  perm"
check "search: the selection is on it" selected log "5.7.26"
if screen_e log | grep -qF "$(printf '\033[7m')DMARC"; then
	ok "search: the match is highlighted (reverse video)"
else
	not_ok "search: the match is highlighted" log
fi
tm send-keys -t log n
shows "search: n goes past the end and says so" log "on from the top"
tm send-keys -t log / "no-such-thing-here" Enter
shows "search: a pattern that is not found is named" log \
    "not found: no-such-thing-here"
tm send-keys -t log / "(" Enter
shows "search: a bad pattern is explained" log "search: missing closing"
# filter: permanent only, shown in the status line, Esc clears
tm send-keys -t log f C-u "perm" Enter
shows "filter: in the status line" log "filter: perm (4 shown)"
lacks "filter: no temporary failure is listed" log "4.7.0   temp"
tm send-keys -t log Escape
shows "filter: Esc clears it" log "filter cleared"
shows "filter: every failure is back" log "421  4.7.0   temp"
tm send-keys -t log f C-u "code:4xx" Enter
shows "filter: code:4xx" log "filter: code:4xx (1 shown)"
tm send-keys -t log Escape
tm send-keys -t log f C-u "reason:nonsense" Enter
shows "filter: a bad reason is explained" log \
    "'nonsense' is not a reason name"
tm send-keys -t log Escape
# the summary: reason > code > domain, drill down and back
tm send-keys -t log s
shows "summary: by reason" log "Summary of 5 failures by reason"
shows "summary: ratelimited counted" log "ratelimited"
check "summary: userunknown has 2" sh -c "tmux -L $sock capture-pane -p \
    -t log | grep -q '^.      2 .*userunknown'"
# go to userunknown: the rows are sorted by count, ties by name
tm send-keys -t log g
i=0
while [ $i -lt 10 ] && ! is_selected log userunknown; do
	tm send-keys -t log j
	sleep 0.2
	i=$((i + 1))
done
tm send-keys -t log Enter
shows "summary: Enter shows the codes" log \
    "by codes - reason userunknown"
tm send-keys -t log Enter
shows "summary: Enter shows the domains" log \
    "by recipient domain - reason userunknown, codes 550 5.1.1"
tm send-keys -t log Enter
shows "summary: Enter on a domain opens the list of that group" log \
    "filter: reason:userunknown code:550 status:5.1.1 domain:"
lacks "summary: the drilled list has no other reason" log "ratelimited"
tm send-keys -t log BSpace
shows "summary: Backspace comes back to the domains" log \
    "by recipient domain"
tm send-keys -t log q
shows "summary: q goes up to the codes" log "by codes"
tm send-keys -t log BSpace
shows "summary: Backspace goes up to the reasons" log "by reason"
tm send-keys -t log q
shows "summary: q from the top is the list again" log "CODE STATUS  TYPE"
# w on the summary writes the summary
tm send-keys -t log s
shows "summary: s again" log "Summary of 5 failures by reason"
tm send-keys -t log w
shows "summary: w asks for a file name" log "write the summary to:"
tm send-keys -t log Enter
shows "summary: w says where it wrote" log \
    "wrote the summary to bouncedoc-summary.txt"
check "summary: the file has the counts" grep -Eq \
    "^userunknown +2  \(0 temporary, 2 permanent\)" \
    "$tmp/bouncedoc-summary.txt"
check "summary: the file has the domains under the codes" grep -Eq \
    "^        example.org +2 " "$tmp/bouncedoc-summary.txt"
tm send-keys -t log q
shows "summary: back to the list" log "CODE STATUS  TYPE"
# help
tm send-keys -t log h
shows "help: h shows the keys" log "Searching and filtering"
tm send-keys -t log G
shows "help: G scrolls to its end" log "Ctrl-C           quit"
tm send-keys -t log q
shows "help: q closes it" log "CODE STATUS  TYPE"
tm send-keys -t log F1
shows "help: F1 shows it too" log "Searching and filtering"
tm send-keys -t log Escape
# mouse: X10 reports (TERM=screen): ESC [ M, button+32, column+33,
# line+33.  A press on a row selects it; the wheel moves three rows.
tm send-keys -t log -H 1b 5b 4d 20 2b 25 1b 5b 4d 23 2b 25
check "mouse: a click selects the row under it" selected log \
    "frank@example.net"
tm send-keys -t log -H 1b 5b 4d 20 2b 22 1b 5b 4d 23 2b 22
check "mouse: a click on the first row" selected log "dave@example.org"
tm send-keys -t log -H 1b 5b 4d 61 2b 23
check "mouse: the wheel moves three rows down" selected log \
    "frank@example.net"
# panes: Tab moves the focus, Enter zooms
tm send-keys -t log g Tab Tab Enter
if wait_gone log "CODE STATUS  TYPE"; then
	ok "zoom: the list is hidden"
else
	not_ok "zoom: the list is hidden" log
fi
shows "zoom: the article pane fills the screen" log "Article: what it means"
tm send-keys -t log Enter
shows "zoom: Enter again comes back" log "CODE STATUS  TYPE"
# resize: small, too small, and back
tm resize-window -t log -x 60 -y 20
shows "resize 60x20: the list is still there" log "CODE STATUS  TYPE"
shows "resize 60x20: the source pane" log "Source: the failure"
shows "resize 60x20: the article pane" log "Article: what it means"
wide=$(screen log | awk '{ if (length($0) > 60) print }' | wc -l)
check "resize 60x20: nothing wider than 60 columns" test "$wide" -eq 0
tm resize-window -t log -x 30 -y 8
shows "resize 30x8: a clear message" log "terminal too small"
tm resize-window -t log -x 120 -y 40
shows "resize back to 120x40: the list" log "DIAGNOSTIC"
shows "resize back to 120x40: both panes side by side" log \
    "Source: the failure as read"
# w writes the selected failure; an existing file is not replaced
rm -f "$tmp/bouncedoc-failure.txt"
tm send-keys -t log g w
shows "w: asks for a file name" log "write this failure to:"
tm send-keys -t log Enter
shows "w: says where it wrote" log "wrote the failure to bouncedoc-failure.txt"
check "w: the file holds the failure" grep -q "recipient: *dave@example.org" \
    "$tmp/bouncedoc-failure.txt"
cp "$tmp/bouncedoc-failure.txt" "$tmp/first-write"
tm send-keys -t log j w Enter
shows "w: asks before replacing a file" log "exists; replace it? (y/n)"
tm send-keys -t log n
shows "w: n keeps it" log "nothing written"
check "w: the file is unchanged" cmp -s "$tmp/bouncedoc-failure.txt" \
    "$tmp/first-write"
tm send-keys -t log q
restored log 3

# ------------------------------------------------------------ Ctrl-C
start intr -- "$data/tui-postfix.log"
shows "Ctrl-C: the screen is up" intr "CODE STATUS  TYPE"
tm send-keys -t intr C-c
restored intr 130

# ------------------------------------------- a terminal that cannot draw
start dumb TERM=dumb -- "$data/tui-postfix.log"
shows "TERM=dumb: the report instead" dumb "Bounce report: 5 failures"
shows "TERM=dumb: says why" dumb "cannot move the cursor: showing the report"
restored dumb 3

# ----------------------------------------------------------- SIGTERM
start term -- "$data/tui-postfix.log"
shows "SIGTERM: the screen is up" term "CODE STATUS  TYPE"
pid=$(ps -o pid= --ppid "$(tm display -p -t term '#{pane_pid}')" 2>/dev/null |
    head -1)
if [ -n "$pid" ]; then
	kill -TERM $pid
	restored term 143
else
	ok "SIGTERM # SKIP no ps --ppid to find the program"
	tm send-keys -t term q
fi

# --------------------------------------------------- data on a pipe
start pipe PIPE="$data/tui-postfix.log" -- ""
shows "pipe: the records read from standard input" pipe "(stdin)"
shows "pipe: the list" pipe "550  5.1.1   perm"
tm send-keys -t pipe G
shows "pipe: keys come from the terminal" pipe "5/5"
tm send-keys -t pipe q
restored pipe 3

# ------------------------------------------------------- hostile input
buffers=$(tm list-buffers 2>/dev/null | wc -l)
start hostile -- "$data/hostile.txt"
shows "hostile: the list" hostile "CODE STATUS  TYPE"
tm send-keys -t hostile /PWNED Enter
shows "hostile: OSC 0 is shown as text" hostile "^[]0;PWNED-TITLE^G"
shows "hostile: C1 CSI is shown" hostile "<U+009B>31m"
shows "hostile: a bidi override is shown" hostile "<U+202E>desrever"
shows "hostile: invalid UTF-8 is shown" hostile "<FF><FE>"
shows "hostile: backspaces are shown" hostile "bad^H^H^HXX"
shows "hostile: OSC 52 is shown" hostile "^[]52;c;SGFja2VkIQ==^G"
shows "hostile: CSI clear is shown" hostile "^[[2J^[[H"
shows "hostile: the screen was not cleared" hostile "CODE STATUS  TYPE"
title=$(tm display -p -t hostile '#{pane_title}')
case $title in
*PWNED*) not_ok "hostile: the window title is unchanged ($title)" ;;
*) ok "hostile: the window title is unchanged" ;;
esac
if [ "$(tm list-buffers 2>/dev/null | wc -l)" -ne "$buffers" ]; then
	not_ok "hostile: no clipboard write from the input"
else
	ok "hostile: no clipboard write from the input"
fi
if screen_e hostile | grep -q "$(printf '\033')\[[0-9;]*3[0-7]m"; then
	not_ok "hostile: no colour from the input (NO_COLOR)" hostile
else
	ok "hostile: no colour from the input (NO_COLOR)"
fi
flags=$(tm display -p -t hostile '#{alternate_on}')
check "hostile: still on the alternate screen" test "$flags" = 1
tm send-keys -t hostile q
restored hostile 3

# ----------------------------------------------- colour and the clipboard
start color BOUNCEDOC_CLIPBOARD=file TMPDIR="$tmp" -- --color=always \
    "$data/tui-postfix.log"
shows "colour: the screen is up" color "CODE STATUS  TYPE"
if screen_e color | grep -q "$(printf '\033')\[[0-9;]*3[0-7]m"; then
	ok "colour: --color=always colours even with NO_COLOR"
else
	not_ok "colour: --color=always colours" color
fi
tm send-keys -t color Tab Tab c
shows "c without OSC 52: says where the text went" color \
    "customer text written to $tmp/bouncedoc-customer-"
f=$(ls "$tmp"/bouncedoc-customer-* 2>/dev/null | head -1)
check "c without OSC 52: the file holds the customer text" \
    test -s "${f:-/nonexistent}"
tm send-keys -t color q
restored color 3

# -------------------------------------------- reading while keys work
# the data comes on a pipe that stays silent until the gate opens
start slow PIPE="$data/tui-postfix.log" GATE="$tmp/gate" -- ""
shows "reading: the screen is up before the input ends" slow "reading"
tm send-keys -t slow h
shows "reading: keys work while reading" slow "Searching and filtering"
tm send-keys -t slow q
: >"$tmp/gate"
shows "reading: the records arrive" slow "550  5.1.1   perm"
if wait_gone slow "reading 1/1"; then
	ok "reading: the progress goes when done"
else
	not_ok "reading: the progress goes when done" slow
fi
tm send-keys -t slow q
restored slow 3

# ------------------------------------------------------------ Ctrl-Z
# (valgrind cannot be suspended: Ctrl-Z is tested without it)
if [ -n "${BOUNCEDOC_WRAP:-}" ]; then
	ok "Ctrl-Z # SKIP job control does not work under ${BOUNCEDOC_WRAP%% *}"
else
	tm new-session -d -s jobs -x 120 -y 40 -c "$tmp" "env PS1='$ ' sh -i"
	shows "Ctrl-Z: a shell" jobs "$"
	tm send-keys -t jobs "'$BOUNCEDOC' '$data/tui-postfix.log'" Enter
	shows "Ctrl-Z: the screen is up" jobs "CODE STATUS  TYPE"
	tm send-keys -t jobs C-z
	if wait_gone jobs "CODE STATUS  TYPE"; then
		ok "Ctrl-Z: back to the shell"
	else
		not_ok "Ctrl-Z: back to the shell" jobs
	fi
	# the shell's own output, not the echo of the typed line: $((1 + 1))
	tm send-keys -t jobs \
	    "stty -a > '$tmp/stopped.stty'; echo stty-\$((1 + 1))" Enter
	shows "Ctrl-Z: the shell runs commands" jobs "stty-2"
	check "Ctrl-Z: the terminal is in canonical mode" \
	    grep -q " icanon" "$tmp/stopped.stty"
	tm send-keys -t jobs "fg" Enter
	shows "fg: the screen is back" jobs "CODE STATUS  TYPE"
	tm send-keys -t jobs q
	if wait_gone jobs "CODE STATUS  TYPE"; then
		ok "fg: q quits to the shell"
	else
		not_ok "fg: q quits to the shell" jobs
	fi
	tm send-keys -t jobs \
	    "stty -a > '$tmp/after.stty'; echo after-\$((1 + 2))" Enter
	shows "fg: the shell runs commands after" jobs "after-3"
	check "fg: the terminal is in canonical mode after" \
	    sh -c "grep -q ' icanon' '$tmp/after.stty' && grep -q ' echo ' \
	    '$tmp/after.stty'"
fi

echo "1..$n"
[ "$fails" -eq 0 ]

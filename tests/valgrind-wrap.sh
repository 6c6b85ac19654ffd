#!/bin/sh
# valgrind-wrap.sh - LOG_COMPILER for make check under valgrind: runs a
# compiled test under memcheck (errors and leaks fail it); scripts run as
# they are, with bouncedoc itself wrapped through $BOUNCEDOC_WRAP.
# PCRE2's JIT code is run by the interpreter instead: memcheck cannot
# follow generated code and reports false errors in it.
BOUNCEDOC_NO_JIT=1
export BOUNCEDOC_NO_JIT
case $1 in
*.sh)
	BOUNCEDOC_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
	export BOUNCEDOC_WRAP
	exec sh "$@" ;;
*)
	exec valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect "$@" ;;
esac

#!/usr/bin/env bash
# SIPP_BIN for the shared harness in the bench's SRTP variant: the callee
# (uas_call.xml) is srtp-echo-uas.ts, which answers with SDES-SRTP and echoes
# through its own SRTP contexts; every other sipp is the real one.
case " $* " in
  *uas_call.xml*) exec "${BENCH_NODE:-node}" "$(dirname "$0")/srtp-echo-uas.ts" "$@" ;;
esac
exec sipp "$@"

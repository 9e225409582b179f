#!/usr/bin/env bash
# The device simulator's commands: the same as `scripts/sysmem sim ARGS` (kept for scripts that call it).
exec "$(dirname "${BASH_SOURCE[0]}")/sysmem" sim "$@"

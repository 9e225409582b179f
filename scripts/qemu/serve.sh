#!/usr/bin/env bash
# Runs the ivshmem server for QEMU's ivshmem-doorbell (sysmem-sim's `serve` command,
# dev.sysmem.sim.cli.IvshmemServeCommand) from this checkout on JDK 25; every argument goes to
# `serve`. Try: scripts/qemu/serve.sh --help
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/sysmem-sim.sh" serve "$@"

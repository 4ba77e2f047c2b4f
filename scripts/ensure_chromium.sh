#!/usr/bin/env bash
# Kept for CI's entry point: Chromium and the other system packages (scripts/ensure_system_packages.sh).
set -euo pipefail
exec bash "$(dirname "$0")/ensure_system_packages.sh"

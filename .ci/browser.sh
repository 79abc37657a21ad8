#!/usr/bin/env bash
# Browser tests of `migsim serve`: headless Chromium from Debian's packages,
# driven over WebDriver by tests/serve_browser.rs. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromedriver >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
cargo test --release --test serve_browser

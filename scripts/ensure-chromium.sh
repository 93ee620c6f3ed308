#!/usr/bin/env bash
# Run before `npm test`: the web client's end-to-end tests drive Debian's Chromium (/usr/bin/chromium, see
# test/e2e/support/browser.ts) and are never skipped, so a fresh Debian machine gets it here. Elsewhere it
# only says what is missing; the tests then fail with the same sentence.
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need Chromium at /usr/bin/chromium (on Debian: apt-get install -y chromium)." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "The browser tests need Chromium: run 'apt-get install -y chromium' as root." >&2
    exit 0
  fi
fi
echo "Installing Chromium for the browser tests (apt-get install -y chromium)..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || $SUDO apt-get update
$SUDO apt-get install -y -qq chromium || { $SUDO apt-get update && $SUDO apt-get install -y chromium; }

#!/bin/sh
# Installs what the browser end-to-end test needs, once: Debian's chromium and playwright-core
# (pinned) from npm into $1 (a directory under the build dir). Idempotent: a second run finds
# both and does nothing, so only the first run on a machine pays for the download.
# Exits non-zero with a message when something cannot be installed (e.g. no network): the test
# then fails instead of skipping, so a CI without a browser is noticed.
set -eu

WORK_DIR=${1:?usage: setup.sh <work dir>}
PLAYWRIGHT_VERSION=1.65.1
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$CHROMIUM" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup.sh: $CHROMIUM is missing and there is no apt-get to install it" >&2
        exit 2
    fi
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        SUDO="sudo -n"
    fi
    echo "setup.sh: installing chromium with apt-get"
    $SUDO apt-get update -q || { echo "setup.sh: apt-get update failed (no network?)" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium \
        || { echo "setup.sh: apt-get install chromium failed" >&2; exit 2; }
fi
"$CHROMIUM" --version

if ! command -v npm >/dev/null 2>&1; then
    echo "setup.sh: npm is missing: install Node.js (Debian: apt-get install nodejs npm)" >&2
    exit 2
fi
mkdir -p "$WORK_DIR"
INSTALLED="$WORK_DIR/node_modules/playwright-core/package.json"
if [ ! -f "$INSTALLED" ] || ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$INSTALLED"; then
    echo "setup.sh: installing playwright-core@$PLAYWRIGHT_VERSION into $WORK_DIR"
    # playwright-core downloads no browser (unlike the playwright package): Debian's chromium is used.
    (cd "$WORK_DIR" && [ -f package.json ] || echo '{"private": true}' > "$WORK_DIR/package.json")
    (cd "$WORK_DIR" && npm install --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION") \
        || { echo "setup.sh: npm install playwright-core@$PLAYWRIGHT_VERSION failed (no network?)" >&2; exit 2; }
fi
echo "setup.sh: ready (chromium at $CHROMIUM, playwright-core $PLAYWRIGHT_VERSION in $WORK_DIR)"

#!/usr/bin/env bash
# Set up (virtualenv, package with its test extra, Debian chromium for the browser tests, Pango
# for the PDF export) and run the test suite. Extra arguments go to pytest. Set
# CTOM_TEST_DATABASE_URL / CTOM_TEST_REDIS_URL to run against PostgreSQL and Redis instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian chromium for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium' and retry." >&2
    exit 1
  fi
fi

# The portfolio's PDF export (WeasyPrint) lays text out with Pango.
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Pango and a font for the PDF export..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
  else
    echo "The PDF export needs Pango: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core' and retry." >&2
    exit 1
  fi
fi

exec .venv/bin/pytest "$@"

#!/usr/bin/env bash
# `npm test`: every test, as the README says — Vitest (on PGlite, and on PostgreSQL when a server can be
# had) and Playwright against a production build in Debian's Chromium. It needs nothing but Node, npm and
# apt: a missing Chromium is installed (as root; otherwise one line says how), and the PostgreSQL half
# runs when a server answers and says plainly when it does not.
#
#   TEST_DATABASE_URL unset   the usual local server, postgres://postgres@127.0.0.1:5432/test, if it
#                             answers; otherwise the PostgreSQL half is skipped, and the run says so
#   TEST_DATABASE_URL=URL     that server, which must answer (a run asked for it must not pass without it)
#   TEST_DATABASE_URL=        (empty) skip the PostgreSQL half
#   CHROMIUM_PATH             a Chromium other than /usr/bin/chromium
#
# `bash scripts/test.sh --setup-only` does the checks above and runs no test.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    echo "CHROMIUM_PATH=$CHROMIUM_PATH is not a program: point it at Chromium, or unset it to use Debian's /usr/bin/chromium" >&2
    exit 1
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Chromium is missing: installing Debian's chromium package …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install it with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH), then run npm test again" >&2
    exit 1
  fi
fi
echo "Chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"

# Never print a password that a URL carries.
shown() { sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }

postgres_note=""
if [ -z "${TEST_DATABASE_URL+set}" ]; then
  url="postgres://postgres@127.0.0.1:5432/test"
  if why=$(npx tsx scripts/support/test-database.ts "$url"); then
    export TEST_DATABASE_URL="$url"
    echo "PostgreSQL half: on $(shown "$url") (found there; set TEST_DATABASE_URL to choose another server)"
  else
    postgres_note="PostgreSQL half SKIPPED: no usable server at $(shown "$url") ($why); set TEST_DATABASE_URL to run it"
  fi
elif [ -z "$TEST_DATABASE_URL" ]; then
  unset TEST_DATABASE_URL
  postgres_note="PostgreSQL half SKIPPED: TEST_DATABASE_URL is empty"
elif why=$(npx tsx scripts/support/test-database.ts "$TEST_DATABASE_URL"); then
  echo "PostgreSQL half: on $(shown "$TEST_DATABASE_URL")"
else
  echo "TEST_DATABASE_URL=$(shown "$TEST_DATABASE_URL") cannot be used ($why): start that server, or set TEST_DATABASE_URL= (empty) to skip the PostgreSQL half" >&2
  exit 1
fi
[ -n "$postgres_note" ] && echo "$postgres_note"

[ "${1:-}" = "--setup-only" ] && exit 0

npm run test:unit
npm run test:e2e
# Said again at the end, where it is seen after the tests' long output.
[ -n "$postgres_note" ] && echo "$postgres_note"
exit 0

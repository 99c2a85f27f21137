#!/usr/bin/env bash
# `make deploy-check`: follows docs/DEPLOY.md ("One machine with SQLite") on
# this machine and checks the result from the outside, through nginx:
#   - nginx from Debian's packages (installed if missing) runs the shipped
#     deploy/nginx.conf, changed only where the file says a deployment changes
#     it: the name, a self-signed certificate, high ports, the server's port;
#   - the server runs in production mode with the shipped environment file
#     (deploy/takamul.env.example) — Secure cookies, HSTS, real Nafath client —
#     pointed at a local stand-in for Nafath that speaks its protocol
#     (request, status, key set) and approves every sign-in, because the
#     built-in simulator refuses production mode, as it must;
#   - it checks: HTTPS page, one HSTS header, HTTP → HTTPS, compression, the
#     Nafath callback URL reaching the server, /metrics closed to the site,
#     a full Nafath sign-in with a Secure session cookie, the client address
#     the server recorded (the forwarded one, not nginx's), and the nightly
#     backup script (deploy/backup.sh) with the restore drill.
# DEPLOY_CHECK_ENGINE=postgres follows the scale-out section instead: two
# instances on one PostgreSQL database (a fresh one on the server of
# TAKAMUL_TEST_POSTGRES_URL) behind the same nginx, which sends requests to
# both in turn, so a sign-in starts on one and finishes on the other.
# The server binary is the release one when TAKAMUL_PROFILE=release or
# target/release/server exists (make build), else the development one (make
# run / make test build it); the script says which.
set -euo pipefail
source "$(dirname "$0")/env.sh"
log() { printf '\033[1;34m[deploy-check]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[deploy-check] FAILED: %s\033[0m\n' "$*" >&2; exit 1; }
pass() { printf '\033[1;32m[deploy-check] ok:\033[0m %s\n' "$*"; }

HTTPS_PORT="${DEPLOY_CHECK_HTTPS_PORT:-18443}"
HTTP_PORT="${DEPLOY_CHECK_HTTP_PORT:-18080}"
APP_PORT="${DEPLOY_CHECK_APP_PORT:-13080}"
NAFATH_PORT="${DEPLOY_CHECK_NAFATH_PORT:-13085}"
NAME=takamul.test
# The visitor connects from another loopback address than nginx's own, so
# the address the server records tells the forwarded one from nginx's.
VISITOR_IP=127.0.0.2
ADMIN_ID=1098765439
ENGINE="${DEPLOY_CHECK_ENGINE:-sqlite}"
PG_ADMIN="${TAKAMUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_DB="takamul_deploy_check_$$"

# ------------------------------------------------------------------ tools
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ "$ENGINE" = postgres ]; then command -v pg_dump >/dev/null || missing+=(postgresql-client); fi
command -v python3 >/dev/null || missing+=(python3)
command -v rsync >/dev/null || missing+=(rsync)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's package starts nginx on :80 where systemd runs; this check runs its own.

# ------------------------------------------------------------------ binary and site
if [ "${TAKAMUL_PROFILE}" = release ] || [ -x "$CARGO_TARGET_DIR/release/server" ]; then
  SERVER_BIN="$CARGO_TARGET_DIR/release/server"
  profile=release
else
  profile=dev
fi
if ! [ -x "$SERVER_BIN" ] || ! [ -f "$LEPTOS_SITE_ROOT/pkg/$LEPTOS_OUTPUT_NAME.css" ]; then
  log "no built server or site yet: scripts/build-site.sh ($profile profile)"
  TAKAMUL_PROFILE=$profile scripts/build-site.sh
fi
log "server binary: $SERVER_BIN ($profile profile)"
newer="$(find app/src server/src migrations -type f -newer "$SERVER_BIN" 2>/dev/null | head -1)"
if [ -n "$newer" ]; then
  printf '\033[1;33m[deploy-check] note: %s is newer than the binary: this checks an older build (make build / cargo build -p server)\033[0m\n' "$newer"
fi

# ------------------------------------------------------------------ workspace and clean-up
WORK="$(mktemp -d /tmp/takamul-deploy-check.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/nginx/nginx.pid" ]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; fi
  sleep 0.3
  if [ "$ENGINE" = postgres ]; then
    for db in "$PG_DB" "${PG_DB}_drill"; do
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
  fi
  if [ "${KEEP_DEPLOY_CHECK:-}" = yes ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
for port in "$HTTPS_PORT" "$HTTP_PORT" "$APP_PORT" "$((APP_PORT + 1))" "$NAFATH_PORT" "$((APP_PORT + 10))"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is taken (set DEPLOY_CHECK_*_PORT)"
  fi
done
mkdir -p "$WORK/tls" "$WORK/nginx/tmp" "$WORK/data"

# ------------------------------------------------------------------ step: a certificate
# (docs/DEPLOY.md uses Let's Encrypt; here a self-signed one the client trusts.)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$NAME" \
  -addext "subjectAltName=DNS:$NAME" \
  -keyout "$WORK/tls/privkey.pem" -out "$WORK/tls/fullchain.pem" 2>/dev/null
pass "self-signed certificate for $NAME"

# ------------------------------------------------------------------ a stand-in for Nafath
cat > "$WORK/fake_nafath.py" <<'PY'
# Speaks Nafath's MFA API as Takamul's client uses it; the person "picks the
# number" on the second status question. Checks APP-ID and APP-KEY.
import json, sys, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
APP_ID, APP_KEY = "deploy-check", "deploy-check-key"
asked = {}
class Nafath(BaseHTTPRequestHandler):
    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        if self.path == "/api/v1/mfa/jwk":
            return self.answer(200, {"keys": []})
        self.answer(404, {})
    def do_POST(self):
        if self.headers.get("APP-ID") != APP_ID or self.headers.get("APP-KEY") != APP_KEY:
            return self.answer(401, {})
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path == "/api/v1/mfa/request":
            trans = str(uuid.uuid4())
            asked[trans] = 0
            return self.answer(200, {"transId": trans, "random": "42"})
        if self.path == "/api/v1/mfa/request/status":
            trans = body.get("transId")
            if trans not in asked or body.get("random") != "42":
                return self.answer(400, {})
            asked[trans] += 1
            if asked[trans] < 2:
                return self.answer(200, {"status": "WAITING"})
            return self.answer(200, {"status": "COMPLETED", "person": {
                "arFullName": "مشرف فحص النشر", "enFullName": "Deploy Check Admin"}})
        self.answer(404, {})
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Nafath).serve_forever()
PY
python3 "$WORK/fake_nafath.py" "$NAFATH_PORT" &
pids+=($!)

# ------------------------------------------------------------------ step: the environment file
env_file="$WORK/takamul.env"
cp deploy/takamul.env.example "$env_file"
setvar() { # NAME VALUE: the one line a deployment edits
  grep -q "^#\?$1=" "$env_file" || fail "$1 is not in deploy/takamul.env.example"
  sed -i "s|^#\?$1=.*|$1=$2|" "$env_file"
}
case "$ENGINE" in
  sqlite)
    database_url="sqlite://$WORK/data/takamul.db"
    drill_url="sqlite://$WORK/drill/takamul.db"
    sql() { sqlite3 "${1#sqlite://}" "$2"; }
    ;;
  postgres)
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" -c "CREATE DATABASE ${PG_DB}_drill" >/dev/null
    database_url="${PG_ADMIN%/*}/$PG_DB"
    drill_url="${PG_ADMIN%/*}/${PG_DB}_drill"
    sql() { psql -qtAX "$1" -c "$2"; }
    ;;
  *) fail "DEPLOY_CHECK_ENGINE is sqlite or postgres, not $ENGINE" ;;
esac
setvar DATABASE_URL "$database_url"
setvar TAKAMUL_PHOTO_DIR "$WORK/data/photos"
setvar LEPTOS_SITE_ADDR "127.0.0.1:$APP_PORT"
setvar LEPTOS_SITE_ROOT "$LEPTOS_SITE_ROOT"
setvar TAKAMUL_PUBLIC_URL "https://$NAME:$HTTPS_PORT"
setvar NAFATH_BASE_URL "http://127.0.0.1:$NAFATH_PORT"
setvar NAFATH_APP_ID deploy-check
setvar NAFATH_APP_KEY deploy-check-key
grep -q '^TAKAMUL_ENV=production$' "$env_file" || fail "the shipped environment is not production"
# As systemd's EnvironmentFile does: these variables and nothing else.
with_env() { env -i PATH="$PATH" HOME="$WORK" bash -c 'set -a; source "$0"; set +a; exec "$@"' "$env_file" "$@"; }

# ------------------------------------------------------------------ step: the systemd unit
# No systemd runs here to start it; its syntax and directives are checked
# (with this binary in place of /opt/takamul/server).
if command -v systemd-analyze >/dev/null; then
  sed "s|/opt/takamul/server|$SERVER_BIN|" deploy/takamul.service > "$WORK/takamul.service"
  # It warns (unknown keys, bad values) without failing: any output fails here.
  verdict="$(systemd-analyze verify "$WORK/takamul.service" 2>&1)" || true
  [ -z "$verdict" ] || fail "deploy/takamul.service: $verdict"
  pass "deploy/takamul.service verifies (systemd-analyze)"
fi

# ------------------------------------------------------------------ step: migrate, seed, first admin, serve
with_env "$SERVER_BIN" migrate >/dev/null
with_env "$SERVER_BIN" seed >/dev/null
with_env "$SERVER_BIN" admin grant --national-id "$ADMIN_ID" --role council_admin >/dev/null
if with_env "$SERVER_BIN" seed --demo >/dev/null 2>&1; then fail "demo data was accepted on a live configuration"; fi
pass "migrate, reference data, first council admin; demo data refused"
instances=("$APP_PORT")
[ "$ENGINE" = postgres ] && instances+=("$((APP_PORT + 1))")
for port in "${instances[@]}"; do
  # Started without the function so that $! is the server itself (env and bash exec into it).
  env -i PATH="$PATH" HOME="$WORK" bash -c 'set -a; source "$0"; set +a; exec "$@"' \
    "$env_file" env LEPTOS_SITE_ADDR="127.0.0.1:$port" "$SERVER_BIN" serve >"$WORK/server-$port.log" 2>&1 &
  server_pid=$!
  pids+=($server_pid)
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/server-$port.log"; fail "the server stopped"; }
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "no /healthz from the server"
  [ "$(ps -o comm= -p "$server_pid")" = server ] || fail "the server is not the process started"
  pass "server up in production mode on 127.0.0.1:$port ($ENGINE)"
done

# ------------------------------------------------------------------ step: nginx with the shipped site file
site="$WORK/nginx/takamul.conf"
edits=(
  -e "s|takamul\.example|$NAME|g"
  -e "s|/etc/letsencrypt/live/$NAME/|$WORK/tls/|g"
  -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|"
  -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|"
  -e "/listen \[::\]/d"
  -e "s|server 127.0.0.1:3000;|server 127.0.0.1:$APP_PORT;|"
  -e "s|root /var/www/letsencrypt;|root $WORK/acme;|"
)
# Scale-out: the second instance's line, as the file's comment shows.
[ "$ENGINE" = postgres ] && edits+=(-e "s|# server 10.0.0.12:3000; .*|server 127.0.0.1:$((APP_PORT + 1));|")
sed "${edits[@]}" deploy/nginx.conf > "$site"
# What differs from the file as shipped (the four things it names, and no more).
diff deploy/nginx.conf "$site" | grep '^>' | sed 's/^/    /' || true
cat > "$WORK/nginx/nginx.conf" <<EOF
# Debian's /etc/nginx/nginx.conf in short, with paths inside this check's folder.
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    # Which instance answered each request (the check reads it).
    log_format check '\$remote_addr "\$request" \$status \$upstream_addr';
    access_log $WORK/nginx/access.log check;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $site;
}
EOF
nginx -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>&1 | grep -v 'could not build optimal' || true
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
sleep 0.3
pass "nginx $(nginx -v 2>&1 | sed 's|.*/||') serving https://$NAME:$HTTPS_PORT"

# ------------------------------------------------------------------ checks through nginx
BASE="https://$NAME:$HTTPS_PORT"
jar="$WORK/cookies.txt"
visit() { # curl as a browser without JavaScript, from the visitor's address
  curl -sS --cacert "$WORK/tls/fullchain.pem" --resolve "$NAME:$HTTPS_PORT:127.0.0.1" \
    --interface "$VISITOR_IP" -c "$jar" -b "$jar" -H 'Accept: text/html' -H 'Accept-Language: ar' "$@"
}

headers="$(visit -D - -o "$WORK/home.html" "$BASE/")"
grep -q '^HTTP/2 200' <<<"$headers" || fail "GET / over HTTPS: $(head -1 <<<"$headers")"
grep -q '<html lang="ar" dir="rtl"' "$WORK/home.html" || fail "the home page is not the Arabic page"
pass "HTTPS (HTTP/2) serves the home page"
hsts="$(grep -ci '^strict-transport-security: max-age=31536000; includeSubDomains' <<<"$headers" || true)"
[ "$hsts" = 1 ] || fail "expected one HSTS header, found $hsts"
pass "one Strict-Transport-Security header"

redirect="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/market" -H "Host: $NAME")"
[[ "$redirect" == "301 https://$NAME/market" ]] || fail "plain HTTP: $redirect"
pass "plain HTTP redirects to HTTPS"

encoding="$(visit -o /dev/null -D - -H 'Accept-Encoding: br' "$BASE/" | grep -i '^content-encoding' | tr -d '\r' || true)"
[[ "${encoding,,}" == "content-encoding: br" ]] || fail "page compression: '$encoding'"
css="$(visit -o /dev/null -D - -H 'Accept-Encoding: gzip' "$BASE/pkg/$LEPTOS_OUTPUT_NAME.css" | grep -i '^content-encoding' | tr -d '\r' || true)"
[[ "${css,,}" == "content-encoding: gzip" ]] || fail "static file compression: '$css'"
pass "pages in brotli from the server, static files precompressed, passed through"

callback="$(visit -o "$WORK/callback.txt" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data '{"token":"not-a-jwt"}' "$BASE/api/nafath/callback")"
[[ "$callback" =~ ^4 ]] && ! grep -q nginx "$WORK/callback.txt" \
  || fail "Nafath callback through nginx: $callback $(cat "$WORK/callback.txt")"
pass "the Nafath callback URL reaches the server (which refuses a bad token: $callback)"

metrics="$(visit -o /dev/null -w '%{http_code}' "$BASE/metrics")"
[ "$metrics" = 404 ] || fail "/metrics through nginx: $metrics"
curl -fsS "http://127.0.0.1:$APP_PORT/metrics" | grep -q '^takamul_database_up 1' || fail "/metrics on loopback"
pass "/metrics closed through the site, open on the instance's loopback"

# A sign-in as a person does it: national ID, the number, Nafath's approval.
# The spoofed X-Forwarded-For must not reach the server's records.
start="$(visit -o /dev/null -w '%{http_code} %{redirect_url}' -X POST -H "Origin: $BASE" \
  -H 'X-Forwarded-For: 203.0.113.66' --data "national_id=$ADMIN_ID" "$BASE/api/start_sign_in")"
[[ "$start" == "302 $BASE/sign-in/wait" || "$start" == "302 "*"/sign-in/wait" ]] || fail "start_sign_in: $start"
visit -o "$WORK/wait.html" "$BASE/sign-in/wait"
grep -q 'data-testid="nafath-number">42' "$WORK/wait.html" || fail "the waiting page does not show Nafath's number"
pass "sign-in started; the waiting page shows Nafath's number"
first="$(visit -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/api/poll_sign_in")"
[[ "$first" == *"/sign-in/wait" ]] || fail "first poll (Nafath still waiting): $first"
poll_headers="$(visit -o /dev/null -D - "$BASE/api/poll_sign_in")"
grep -qi '^location: /account' <<<"$poll_headers" || fail "second poll: $(grep -i '^location' <<<"$poll_headers")"
session_cookie="$(grep -i '^set-cookie: __Host-takamul_session=' <<<"$poll_headers" | tr -d '\r' || true)"
[ -n "$session_cookie" ] || fail "no __Host- session cookie: $poll_headers"
for attribute in Secure HttpOnly 'SameSite=Lax' 'Path=/'; do
  grep -qi "; $attribute" <<<"$session_cookie" || fail "session cookie without $attribute: $session_cookie"
done
pass "signed in; session cookie: __Host- prefix, Secure, HttpOnly, SameSite=Lax"
visit -o "$WORK/account.html" "$BASE/account"
grep -q 'مشرف فحص النشر' "$WORK/account.html" || fail "the account page does not show the person Nafath named"
pass "the account page shows the person Nafath named"

recorded="$(sql "$database_url" "SELECT client_ip FROM audit_events WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1")"
[ "$recorded" = "$VISITOR_IP" ] || fail "the server recorded $recorded for the sign-in, not the visitor's $VISITOR_IP"
pass "the server recorded the visitor's address $VISITOR_IP (forwarded by nginx; the spoofed one dropped)"

# ------------------------------------------------------------------ step: backup and the restore drill
# The shipped nightly script, as cron runs it, while the server serves; a
# file in the photo folder stands for a product photo.
mkdir -p "$WORK/data/photos" && echo photo > "$WORK/data/photos/deploy-check-640.webp"
TAKAMUL_ENV_FILE="$env_file" BACKUP_DIR="$WORK/backups" SERVER="$SERVER_BIN" \
  deploy/backup.sh | sed 's/^/    /'
backup_file="$(ls "$WORK"/backups/db/takamul-*.backup)"
[ -f "$WORK/backups/photos/deploy-check-640.webp" ] || fail "deploy/backup.sh did not copy the photos"
[ "$(stat -c %a "$backup_file")" = 600 ] || fail "the backup is readable by others: $(stat -c %a "$backup_file")"
# The drill (docs/DEPLOY.md): restore into an empty database, serve it on
# another port, compare.
drill="DATABASE_URL=$drill_url"
with_env env "$drill" "$SERVER_BIN" restore "$backup_file" | sed 's/^/    /'
if with_env env "$drill" "$SERVER_BIN" restore "$backup_file" >/dev/null 2>&1; then
  fail "a restore over a database that holds data was accepted"
fi
env -i PATH="$PATH" HOME="$WORK" bash -c 'set -a; source "$0"; set +a; exec "$@"' \
  "$env_file" env "$drill" LEPTOS_SITE_ADDR="127.0.0.1:$((APP_PORT + 10))" "$SERVER_BIN" serve \
  >"$WORK/drill.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$((APP_PORT + 10))/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$((APP_PORT + 10))/healthz" >/dev/null || fail "the restored copy does not serve"
for table in users sessions audit_events districts nafath_requests; do
  live="$(sql "$database_url" "SELECT COUNT(*) FROM $table")"
  copy="$(sql "$drill_url" "SELECT COUNT(*) FROM $table")"
  [ "$live" = "$copy" ] || fail "restored $table: $copy rows, live $live"
done
pass "deploy/backup.sh while serving (database 0600, photos), restore drill: the copy serves, same rows"

if [ "$ENGINE" = postgres ]; then
  # Each instance answered some of the requests that came through nginx.
  for port in "${instances[@]}"; do
    served="$(curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^takamul_http_responses_total/ {n += $2} END {print n}')"
    [ "${served:-0}" -ge 4 ] || fail "instance $port answered only $served requests"
  done
  crossed="$(grep -E 'sign_in|/sign-in/wait|/account' "$WORK/nginx/access.log" | awk '{print $NF}' | sort -u | wc -l)"
  [ "$crossed" = 2 ] || fail "the sign-in's requests went to $crossed instance(s), not both"
  pass "both instances answered; the sign-in's requests went to both, and it completed"
fi

log "all checks passed ($profile server on $ENGINE behind nginx, production mode, Nafath stand-in)"

#!/usr/bin/env bash
# Runs `nginx -t` on deploy/nginx/default.conf (or the file given) outside docker compose, for CI
# (.ci/run) and developers. Needs an nginx binary (Debian: apt-get install nginx).
#
# The file is only the http-level part: in the container the official image's nginx.conf includes
# it, and it names the upstream `web`, which resolves only inside compose. So this writes a
# stand-in main nginx.conf in a temp dir (same http settings as the image's, so a directive that
# clashes there clashes here too), points the upstream at 127.0.0.1, and keeps every path nginx
# writes (pid, logs, temp dirs) in that temp dir. `nginx -t` also binds each listen address, so
# those become Unix sockets in the temp dir: no privileged port, no clash with anything on port
# 80, no network. It only tests: nginx is never started, and the temp dir is removed on exit.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
conf="${1:-$here/default.conf}"

# Debian puts nginx in /usr/sbin, which a non-root PATH often leaves out.
nginx="$(command -v nginx || true)"
[ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
if [ -z "$nginx" ]; then
  echo "$0: nginx is not installed (Debian: apt-get install nginx)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/conf.d"
# Same line numbers as the original, so nginx's messages point at the right lines.
sed -E 's/\bweb:([0-9]+)/127.0.0.1:\1/g' "$conf" |
  awk -v dir="$tmp" '/^[[:space:]]*listen[[:space:]]/ {
    n++; sub(/listen[[:space:]]+[^[:space:];]+/, "listen unix:" dir "/listen" n ".sock")
  } { print }' >"$tmp/conf.d/default.conf"

# The types map only affects responses, not whether the config parses: an empty one will do.
mime_types=/etc/nginx/mime.types
if [ ! -f "$mime_types" ]; then
  mime_types="$tmp/mime.types"
  echo 'types {}' >"$mime_types"
fi

cat >"$tmp/nginx.conf" <<EOF
# Stand-in for the official nginx image's /etc/nginx/nginx.conf.
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log notice;

events {
    worker_connections 1024;
}

http {
    include $mime_types;
    default_type application/octet-stream;
    log_format main '\$remote_addr - \$remote_user [\$time_local] "\$request" '
                    '\$status \$body_bytes_sent "\$http_referer" '
                    '"\$http_user_agent" "\$http_x_forwarded_for"';
    access_log $tmp/access.log main;
    sendfile on;
    keepalive_timeout 65;

    client_body_temp_path $tmp/client_body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;

    include $tmp/conf.d/*.conf;
}
EOF

# -e: nginx opens its error log before reading any config; keep that in the temp dir too.
if ! output="$("$nginx" -t -q -p "$tmp/" -c "$tmp/nginx.conf" -e "$tmp/error.log" 2>&1)"; then
  printf '%s\n' "${output//$tmp\/conf.d\/default.conf/$conf}" >&2
  echo "$0: nginx -t failed for $conf" >&2
  exit 1
fi
echo "nginx -t: $conf is valid"

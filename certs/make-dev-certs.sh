#!/usr/bin/env bash
# Creates development certificates for Switchboard's TLS listener (see certs/README.md):
#   ca.crt / ca.key          a throw-away certificate authority
#   server.crt / server.key  the SIP TLS server certificate, SAN IP:127.0.0.1 and DNS:localhost, signed by the CA
#   client.crt / client.key  a client certificate signed by the CA, for mutual-TLS tests
# Only missing files are created; --force recreates all of them. --dir DIR writes elsewhere (default: this folder).
# Keys are ECDSA P-256. Never use these files in production.
set -euo pipefail

dir="$(cd "$(dirname "$0")" && pwd)"
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --dir) shift; dir="${1:?--dir needs a directory}" ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "make-dev-certs: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

command -v openssl >/dev/null || { echo "make-dev-certs: openssl is not installed" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"
umask 077

days_ca=3650
days_leaf=825   # the longest validity some TLS clients accept for a leaf certificate

# Concurrent runs (parallel test files) wait for one another; files appear whole (written aside, then renamed,
# key before certificate, so a reader that sees the certificate also sees its key).
if command -v flock >/dev/null; then
  exec 9>"${TMPDIR:-/tmp}/switchboard-make-dev-certs-$(id -u).lock"
  flock 9
fi

have() { [ "$force" = 0 ] && [ -s "$1.crt" ] && [ -s "$1.key" ]; }

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.tmp.key" 2>/dev/null; }

publish() { mv -f "$1.tmp.key" "$1.key"; chmod 644 "$1.tmp.crt"; mv -f "$1.tmp.crt" "$1.crt"; }

# leaf NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
leaf() {
  local ext
  ext="$(mktemp)"
  printf '%s\n' "$3" >"$ext"
  new_key "$1"
  openssl req -new -key "$1.tmp.key" -subj "$2" -out "$1.tmp.csr"
  openssl x509 -req -in "$1.tmp.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
    -days "$days_leaf" -sha256 -extfile "$ext" -out "$1.tmp.crt" 2>/dev/null
  rm -f "$1.tmp.csr" "$ext"
  publish "$1"
}

made=()
renew_leaves=0
if ! have ca; then
  if [ "$force" = 0 ] && [ -e ca.crt ] && [ ! -e ca.key ]; then
    echo "make-dev-certs: $dir/ca.crt exists without ca.key; cannot sign (remove it or use --force)" >&2
    exit 1
  fi
  new_key ca
  openssl req -x509 -new -key ca.tmp.key -sha256 -days "$days_ca" -subj "/O=Switchboard development/CN=Switchboard dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.tmp.crt
  publish ca
  made+=(ca)
  renew_leaves=1   # certificates of an older CA would no longer verify
fi

if [ "$renew_leaves" = 1 ] || ! have server; then
  leaf server "/O=Switchboard development/CN=localhost" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
  made+=(server)
fi

if [ "$renew_leaves" = 1 ] || ! have client; then
  leaf client "/O=Switchboard development/CN=switchboard-dev-client" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:switchboard-dev-client"
  made+=(client)
fi

if [ ${#made[@]} -eq 0 ]; then
  echo "make-dev-certs: certificates already present in $dir (use --force to recreate)"
else
  echo "make-dev-certs: created ${made[*]} in $dir"
fi

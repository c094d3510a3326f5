#!/bin/sh
# Creates the secret files docker-compose.yml mounts (compose secrets), once: an existing file is
# never overwritten, so running it again is harmless and rotating a secret means editing its file.
#
#   sh deploy/init-secrets.sh [folder]     (default: deploy/secrets beside this script)
#
# Each file holds one value, read by the engine through <NAME>_FILE:
#   postgres_password   PostgreSQL password of the temporal user
#   cardflow_db_password  PostgreSQL password of the cardflow role (the engine's own database)
#   database_url        CARDFLOW_DATABASE_URL: the cardflow database with that password
#   codec_keys          CARDFLOW_CODEC_KEYS: keyId:base64(32 random bytes)
#   secret_store_key    CARDFLOW_SECRET_STORE_KEY: base64(32 random bytes), encrypts PIN handles in Redis
#   api_credentials     CARDFLOW_API_CREDENTIALS: the API's named credentials with scopes, JSON lines
#                       with the SHA-256 of each token (one: `operator`, every scope; add lines from
#                       `cardflow api credentials new`)
#   api_operator_token  the operator credential's bearer token, for the caller; never mounted (the API
#                       holds the hash only). An earlier setup's api_tokens (CARDFLOW_API_TOKENS) gives
#                       its first token, so its callers keep working.
#   codec_server_tokens CARDFLOW_CODEC_SERVER_TOKENS: one bearer token for the codec server
#   providers/          the real providers' key files (KAZEPAY_*_FILE / WASABI_*_FILE point here)
#
# Only POSIX sh, od/head/base64/sha256sum from coreutils (or shasum) and /dev/urandom: no Node
# needed on the host.
# Files are mode 0644 inside a folder of mode 0700: compose bind-mounts each file as it is, and the
# engine runs as uid 10001 in its container, which must be able to read them; the folder keeps
# other users of the host out.
set -eu

dir=${1:-"$(dirname "$0")/secrets"}
mkdir -p "$dir/providers"
chmod 0700 "$dir"

random_base64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
random_token() { head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_'; }
sha256_hex() {
  if command -v sha256sum >/dev/null 2>&1; then printf '%s' "$1" | sha256sum | cut -d' ' -f1
  else printf '%s' "$1" | shasum -a 256 | cut -d' ' -f1; fi
}
key_id() { printf 'key-%s-%s' "$(date -u +%Y%m%d)" "$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

write() {
  if [ -e "$dir/$1" ]; then
    echo "kept    $dir/$1"
    return
  fi
  (umask 022 && printf '%s\n' "$2" >"$dir/$1")
  echo "created $dir/$1"
}

write postgres_password "$(random_token)"
write cardflow_db_password "$(random_token)"
# URL-safe tokens need no escaping in the URL.
write database_url "postgres://cardflow:$(cat "$dir/cardflow_db_password")@postgresql:5432/cardflow"
write codec_keys "$(key_id):$(random_base64 32)"
write secret_store_key "$(random_base64 32)"
if [ -e "$dir/api_tokens" ]; then operator=$(head -n1 "$dir/api_tokens" | cut -d, -f1 | tr -d ' \r'); else operator=$(random_token); fi
write api_operator_token "$operator"
# Every scope of src/security/api-credentials.ts (the deployment test checks the two agree).
scopes='"flows:read","flows:write","money:move","outcomes:resolve","providers:read","audit:read","metrics:read"'
write api_credentials "{\"name\":\"operator\",\"scopes\":[$scopes],\"sha256\":\"$(sha256_hex "$(cat "$dir/api_operator_token")")\"}"
write codec_server_tokens "$(random_token)"

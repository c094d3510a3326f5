#!/bin/sh
# One-shot job (temporalio/admin-tools, or any shell with the `temporal` CLI): waits for the
# cluster, creates the engine's namespace with its retention, and registers the engine's search
# attributes on it. Idempotent: what exists is left as it is.
#
#   TEMPORAL_ADDRESS                 host:port of the frontend (also read by the CLI itself)
#   TEMPORAL_NAMESPACE               the namespace the engine uses (default: default)
#   CARDFLOW_NAMESPACE_RETENTION     how long closed workflows' histories are kept (default 30d)
#   CARDFLOW_SETUP_ATTEMPTS          how many 2-second waits for the cluster (default 90)
#
# The search attributes are the ones in src/contract/search-attributes.ts, all Keyword.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${CARDFLOW_NAMESPACE_RETENTION:=30d}"
: "${CARDFLOW_SETUP_ATTEMPTS:=90}"
SEARCH_ATTRIBUTES="CardProvider CardFlow CardState CustomerRef CardRef NotificationKey"
export TEMPORAL_ADDRESS

attempt=1
until temporal operator cluster health >/dev/null 2>&1; do
  if [ "$attempt" -ge "$CARDFLOW_SETUP_ATTEMPTS" ]; then
    echo "namespace: the cluster at $TEMPORAL_ADDRESS is not serving after $attempt attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "namespace: $TEMPORAL_NAMESPACE exists (retention unchanged; change it with temporal operator namespace update --retention)"
else
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$CARDFLOW_NAMESPACE_RETENTION"
  echo "namespace: $TEMPORAL_NAMESPACE created, retention $CARDFLOW_NAMESPACE_RETENTION"
fi

# A new namespace can take a moment to reach every frontend: retry each attribute a few times.
existing=$(temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" 2>/dev/null || true)
for name in $SEARCH_ATTRIBUTES; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute: $name exists"
    continue
  fi
  tries=1
  until temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type Keyword; do
    if [ "$tries" -ge 10 ]; then
      echo "search attribute: could not create $name" >&2
      exit 1
    fi
    tries=$((tries + 1))
    sleep 2
  done
  echo "search attribute: $name created (Keyword)"
done
echo 'namespace: ready'

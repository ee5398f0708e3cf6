#!/bin/sh
# Registers the namespace blockops uses, and its search attributes, once the Temporal server answers (the server image, unlike
# the deprecated auto-setup image, creates none). Idempotent.
set -eu
NS="${NAMESPACE:-default}"
ADDR="${TEMPORAL_ADDRESS:-temporal:7233}"
tries=0
until temporal operator cluster health --address "$ADDR" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -ge 60 ] && { echo "Temporal at $ADDR did not become healthy"; exit 1; }
  sleep 2
done
if temporal operator namespace describe -n "$NS" --address "$ADDR" >/dev/null 2>&1; then
  echo "namespace $NS exists"
else
  temporal operator namespace create -n "$NS" --retention 7d --address "$ADDR"
  echo "namespace $NS created"
fi
# blockops' search attributes (packages/domain SEARCH_ATTRIBUTES): the worker refuses to start without them
for a in BlockopsMarket BlockopsStatus BlockopsCorrelationId BlockopsBatchId; do
  if temporal operator search-attribute list -n "$NS" --address "$ADDR" 2>/dev/null | grep -q "$a"; then
    echo "search attribute $a exists"
  else
    temporal operator search-attribute create -n "$NS" --name "$a" --type Keyword --address "$ADDR"
    echo "search attribute $a created"
  fi
done

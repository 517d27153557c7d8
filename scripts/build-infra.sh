#!/usr/bin/env bash
# `npm run build:infra`: installs the pinned Bicep CLI if needed, then `bicep build` of the three
# deployable templates (which compiles every module in infra/modules) into dist/infra and
# `bicep lint` of every .bicep file in infra/. Any error or warning fails the run.
set -uo pipefail
# Parameter files are compiled too (build-params); their outputs contain no secrets (placeholders only).
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-bicep.sh" >/dev/null || exit 1
bicep="$root/.tools/bicep"
out="$root/dist/infra"
mkdir -p "$out"
log="$(
  "$bicep" build "$root/infra/main.bicep" --outdir "$out" 2>&1; echo "rc=$?"
  "$bicep" build "$root/infra/subscription-roles.bicep" --outdir "$out" 2>&1; echo "rc=$?"
  "$bicep" build "$root/infra/managed-subscriptions.bicep" --outdir "$out" 2>&1; echo "rc=$?"
  for params in "$root"/infra/*.bicepparam; do
    # The parameter files read deployment secrets from the environment; placeholders (always, never real values) let them compile.
    AKSOPS_IDENTITY_PRINCIPAL_ID=00000000-0000-0000-0000-000000000000 \
    AKSOPS_APPROVAL_SIGNING_KEY=placeholder-signing-key-of-32-characters \
    AKSOPS_TEAMS_WEBHOOK_URL=https://example.invalid/teams \
      "$bicep" build-params "$params" --outfile "$out/$(basename "$params" .bicepparam).parameters.json" 2>&1; echo "rc=$?"
  done
  cd "$root" && "$bicep" lint --pattern 'infra/**/*.bicep' 2>&1; echo "rc=$?"
)"
echo "$log" | grep -v '^rc=0$'
if echo "$log" | grep -qE '^rc=[1-9]|: (Warning|Error) '; then
  echo "build:infra: errors or warnings above" >&2
  exit 1
fi
echo "build:infra: infra/*.bicep built into dist/infra and linted: no errors, no warnings"

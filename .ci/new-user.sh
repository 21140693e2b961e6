#!/usr/bin/env bash
# Plays a new user: a fresh console project outside the repository, the packed packages from a
# local folder feed, the README's quick start compiled and run. Fails if any of that fails.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
feed="$repo/artifacts/packages"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A private package folder: a cached copy of an older build with the same version must not be used.
export NUGET_PACKAGES="$work/packages"
cd "$work"
cat > nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG
dotnet new console --framework net10.0 --name NewUser --output NewUser >/dev/null
cp "$repo/samples/QuickStart/Program.cs" NewUser/Program.cs
cd NewUser
dotnet add package Opportunity.Core --version "$version" >/dev/null
dotnet add package Microsoft.Extensions.DependencyInjection --version 10.0.15 >/dev/null
output="$(dotnet run)"
echo "$output"
grep -q "O-1001: Proposal" <<<"$output"
echo "new-user check passed: the README quick start compiles and runs against the packed packages"

# A second new user: the ASP.NET Core app of docs/getting-started.md section 9, exactly as written
# (Program.cs and appsettings.json are cut out of the page), against the packed packages, driven
# over HTTP with a real SMTP server on loopback.
cd "$work"
page="$repo/docs/getting-started.md"
block() { # the first ```$1 block after the section-9 heading
  awk -v lang="$1" '/^## 9\. /{s=1} s && $0=="```"lang {p=1; next} p && /^```/{exit} p' "$page"
}
dotnet new web --framework net10.0 --name NewWebUser --output NewWebUser >/dev/null
block csharp > NewWebUser/Program.cs
block json > NewWebUser/appsettings.json
test -s NewWebUser/Program.cs && test -s NewWebUser/appsettings.json
cd NewWebUser
for package in Opportunity.Core Opportunity.Persistence.Sqlite Opportunity.Notifications.Smtp Opportunity.Hosting Opportunity.AspNetCore; do
  dotnet add package "$package" --version "$version" >/dev/null
done
dotnet add package OpenTelemetry.Extensions.Hosting --version 1.20.1 >/dev/null
dotnet add package OpenTelemetry.Exporter.Console --version 1.20.1 >/dev/null
dotnet build -c Release >/dev/null

smtp_port="$(sed -n 's/.*"Port": *\([0-9]*\).*/\1/p' appsettings.json)"
python3 "$repo/.ci/smtp-sink.py" "$smtp_port" "$work/mail" & sink=$!
# The built app itself, not `dotnet run` (which would not pass the stop signal on).
dotnet bin/Release/net10.0/NewWebUser.dll --urls http://127.0.0.1:5087 > app.log 2>&1 & app=$!
trap 'kill $app $sink 2>/dev/null || true; rm -rf "$work"' EXIT
base=http://127.0.0.1:5087
for _ in $(seq 120); do curl -fs "$base/health" >/dev/null 2>&1 && break; sleep 0.5; done

fail() { echo "new-user web check failed: $*"; echo "--- app.log"; tail -n 60 app.log; exit 1; }
health="$(curl -fs "$base/health")" || fail "no /health"
[ "$health" = "Healthy" ] || fail "/health says $health"
routed="$(curl -fs -X POST "$base/leads" -H 'Content-Type: application/json' \
  -d '{"id":"L-1","company":"Bäckerei Krume","contact":"Jana Krume","email":"jana@krume.example","country":"DE","postalCode":"10115","value":18500}')" || fail "POST /leads"
grep -q '"partner":"P-17"' <<<"$routed" || fail "lead not routed to P-17: $routed"
lead="$(curl -fs "$base/leads/L-1")" || fail "GET /leads/L-1"
grep -q '"id":"L-1"' <<<"$lead" && grep -q '"state":"Assigned"' <<<"$lead" || fail "lead JSON: $lead"
curl -fs -X POST "$base/leads/L-1/accept?partner=P-17" >/dev/null || fail "accept"
curl -fs -X POST "$base/leads/L-1/convert?partner=P-17" >/dev/null || fail "convert"
pipeline="$(curl -fs "$base/pipeline")" || fail "GET /pipeline"
grep -q '"amount":"18500.00"' <<<"$pipeline" || fail "pipeline JSON: $pipeline"
problem="$(curl -s -X POST "$base/leads/L-404/accept?partner=P-17")"
grep -q '"code":"lead_not_found"' <<<"$problem" || fail "unknown lead is not a ProblemDetails: $problem"

# The partner's e-mail arrives through the background dispatch loop (idle back-off: up to 30 s).
for _ in $(seq 180); do ls "$work/mail"/*.eml >/dev/null 2>&1 && break; sleep 0.5; done
grep -ls "sales@spree.example" "$work/mail"/*.eml >/dev/null || fail "no e-mail to the partner reached the SMTP server"

kill -TERM $app; wait $app || true  # graceful stop (SIGTERM; a script's background jobs ignore SIGINT) flushes the metrics
grep -q "opportunity.lead.capture" app.log || fail "no capture span in the console output"
grep -q "opportunity.routing.decisions" app.log || fail "no routing metric in the console output"
echo "new-user web check passed: getting-started's app routes, returns JSON, mails the partner, is healthy and emits telemetry"

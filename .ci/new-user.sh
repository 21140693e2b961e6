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

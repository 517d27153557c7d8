#!/usr/bin/env bash
# Installs the Bicep CLI pinned below into .tools/bicep (gitignored): restores Microsoft's NuGet
# package Azure.Bicep.CommandLine.linux-x64 with the .NET SDK's own client (a throwaway project
# with a PackageDownload item), then links the `bicep` binary from the package's tools folder.
set -euo pipefail
BICEP_VERSION="0.49.2"
PACKAGE="Azure.Bicep.CommandLine.linux-x64"
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bicep"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "$BICEP_VERSION"; then
  exit 0
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-bicep: the .NET SDK (dotnet) is required to restore $PACKAGE $BICEP_VERSION from NuGet" >&2
  exit 1
fi
work="$tools/bicep-restore"
mkdir -p "$work"
cat >"$work/restore.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(dotnet --version | cut -d. -f1,2)</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
XML
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet restore "$work/restore.csproj" \
  --packages "$tools/nuget" >"$work/restore.log" 2>&1 || { cat "$work/restore.log" >&2; exit 1; }
pkg="$tools/nuget/$(echo "$PACKAGE" | tr 'A-Z' 'a-z')/$BICEP_VERSION"
found="$(find "$pkg" -type f -name bicep | head -n 1)"
if [ -z "$found" ]; then
  echo "install-bicep: no bicep binary in $pkg" >&2
  exit 1
fi
chmod +x "$found"
ln -sf "$found" "$bin"
"$bin" --version

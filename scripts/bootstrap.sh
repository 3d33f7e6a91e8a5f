#!/usr/bin/env bash
# Set up everything records-dms needs on a Debian machine: system packages, a .venv with the
# project installed, and compiled translations. Safe to run again: it only does what is missing.
#   scripts/bootstrap.sh        what running the product needs
#   scripts/bootstrap.sh test   the same plus what the tests need (Chromium for browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng poppler-utils fonts-wqy-zenhei gettext clamav)
if [ "${1:-}" = "test" ]; then
  PACKAGES+=(chromium)
fi
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
  PACKAGES+=(python3-venv)
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "Installing Debian packages with sudo: ${missing[*]}"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "records-dms needs these Debian packages, which are not installed:" >&2
    echo "    ${missing[*]}" >&2
    echo "Install them as root, then run this again:" >&2
    echo "    sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when the project's dependencies changed.
stamp=".venv/.records-dms-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing records-dms and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.records-dms-*
  touch "$stamp"
fi

# Compile the translations (zh-Hans) of every app that has them.
for app in records_dms ingestion retention; do
  (cd "$app" && ../.venv/bin/django-admin compilemessages -v0)
done

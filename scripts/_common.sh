# Shared by scripts/run and scripts/test. Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"

need_python() {
  if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "需要 Python 3.11 或更高版本（当前：$("$PY" --version 2>&1)）。" >&2
    exit 1
  fi
}

# install_debs PKG... : install missing Debian packages when root, else say what to install.
install_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> 安装系统软件包：${missing[*]}"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "!! 缺少系统软件包：${missing[*]}" >&2
    echo "!! 请以 root 运行：apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

# make_venv LOCKFILE : create .venv and install the locked requirements (only when the lock changed).
make_venv() {
  local lock="$1"
  if [ ! -x .venv/bin/python ]; then
    echo "==> 创建虚拟环境 .venv"
    "$PY" -m venv .venv || { echo "!! 无法创建虚拟环境；Debian/Ubuntu 上请安装 python3-venv" >&2; exit 1; }
  fi
  local stamp=".venv/.installed-$(basename "$lock")"
  if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
    echo "==> 安装 Python 依赖（$lock）"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$lock"
    cp "$lock" "$stamp"
  fi
}

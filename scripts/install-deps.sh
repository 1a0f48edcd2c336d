#!/usr/bin/env bash
# Installs the Debian packages corridor needs; skips the step when all are present,
# so `make run` and `make test` stay fast on a machine that is already set up.
set -euo pipefail
pkgs=(build-essential cmake libboost-all-dev libtbb-dev libhdf5-dev hdf5-tools libeigen3-dev
  libyaml-cpp-dev librandom123-dev libopenmpi-dev openmpi-bin libgtest-dev libbenchmark-dev
  python3-h5py python3-xarray python3-h5netcdf python3-pandas python3-matplotlib
  python3-pytest python3-nbclient python3-nbformat python3-ipykernel python3-scipy python3-dask python3-yaml
  slurm-wlm munge libnlopt-cxx-dev bc clang-14 libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
# Debian's default Boost only: 1.81 conflicts with python3-scipy through pythran.
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

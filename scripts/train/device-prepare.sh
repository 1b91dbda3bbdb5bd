#!/bin/bash
# Prepares .devrun and .gl for scripts/train/device-run.sh (see its header): the training
# bundle, the standalone kernel check, Dawn's Node binding, the Fashion-MNIST files, a
# Node.js binary and the Vulkan loader's Debian packages, xz-compressed to fit, with the
# repository, in what a GPU machine's command may carry (64 MiB; these take about 57 MB). Run from the repository root after
# `npm ci` and `node scripts/prepare-data.mjs`; remove .devrun and .gl afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .devrun .gl
mkdir -p .devrun/node_modules/webgpu/dist/linux-x64 .gl
node scripts/train.mjs --model lenet --epochs 0 > /dev/null 2>&1 || true
test -f node_modules/.cache/train-node/main.mjs
cp node_modules/.cache/train-node/main.mjs scripts/train/device-run.sh .devrun/
node scripts/bench/build-gpu-check.mjs /tmp/gpu-check > /dev/null
cp /tmp/gpu-check/check.mjs .devrun/
cp node_modules/webgpu/{index.js,package.json} .devrun/node_modules/webgpu/
xz -9c node_modules/webgpu/dist/linux-x64/dawn.node > .devrun/node_modules/webgpu/dist/linux-x64/dawn.node.xz
for s in train test; do xz -9 -T2 -c public/data/fashion-$s.bin > .devrun/fashion-$s.bin.xz; done
xz -9 -T2 -c "$(command -v node)" > .devrun/node.xz
(cd .gl && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 \
  libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 > /dev/null)
du -sh .devrun .gl
echo "carry [\".devrun\", \".gl\"]; run PART=1 bash .devrun/device-run.sh, then PART=2"

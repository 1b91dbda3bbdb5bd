#!/bin/bash
# The real-GPU runs of RESULTS.md, with the engine on Dawn/WebGPU (Vulkan): by default
# (MODE=solo) each recipe alone at its original input size, one after another; MODE=shared
# gives the older table's six runs at once on reduced inputs. The machine had no Node.js and no Vulkan
# loader, so both travel with it. Prepare, from the repository root, with
# `bash scripts/train/device-prepare.sh`, which does this:
#   mkdir -p .devrun/node_modules/webgpu/dist/linux-x64 .gl
#   node scripts/train.mjs --model lenet --epochs 0 || true        # builds the bundle
#   cp node_modules/.cache/train-node/main.mjs scripts/train/device-run.sh .devrun/
#   node scripts/bench/build-gpu-check.mjs /tmp/gpu-check && cp /tmp/gpu-check/check.mjs .devrun/
#   cp node_modules/webgpu/{index.js,package.json} .devrun/node_modules/webgpu/
#   xz -9c node_modules/webgpu/dist/linux-x64/dawn.node > .devrun/node_modules/webgpu/dist/linux-x64/dawn.node.xz
#   for s in train test; do xz -9 -c public/data/fashion-$s.bin > .devrun/fashion-$s.bin.xz; done
#   xz -9 -c "$(command -v node)" > .devrun/node.xz
#   (cd .gl && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 \
#      libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0)
# then run `bash .devrun/device-run.sh` there (about 9 minutes; T_RESNET=... and the like
# set each run's share) with .devrun and .gl carried; logs go to $OUT. Where one command may
# run 10 minutes at most, run it in two parts on the same machine: PART=1 (the probe, the
# kernel check, ResNet-18 and LeNet; about 6 minutes), then at once PART=2 (AlexNet, NiN and
# VGG; about 5); each part writes its own results.txt, which
# `node scripts/train/results-table.mjs results.txt` turns into RESULTS.md's tables.
cd "$(dirname "$0")"
for f in ../.gl/*.deb; do dpkg -x "$f" /; done; ldconfig
# The machine has Python but no xz: Python's lzma unpacks what travels compressed.
unxz_to() { python3 -c "import lzma,shutil,sys;shutil.copyfileobj(lzma.open(sys.argv[1]),open(sys.argv[2],'wb'))" "$1" "$2"; }
N=$(command -v node || true)
if [ -z "$N" ]; then unxz_to node.xz /tmp/node; chmod +x /tmp/node; N=/tmp/node; fi
unxz_to node_modules/webgpu/dist/linux-x64/dawn.node.xz node_modules/webgpu/dist/linux-x64/dawn.node
for s in train test; do [ -f fashion-$s.bin.xz ] && unxz_to fashion-$s.bin.xz fashion-$s.bin; done
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f $ICD ] && export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD
R="$N --max-old-space-size=16000 main.mjs --data ."
timeout 40 $R --backend webgpu --model lenet --epochs 1 --train-limit 2560 --test-limit 500 --read-every 5 > $OUT/probe.log 2>&1
grep -q "^backend: webgpu" $OUT/probe.log && grep -q RESULT $OUT/probe.log || { echo "no GPU adapter"; exit 3; }
# A software adapter (the Vulkan driver not found) would spend the GPU's time on reduced sizes.
grep "^backend:" $OUT/probe.log | grep -qi "swiftshader\|llvmpipe\|lavapipe\|software" && { grep "^backend:" $OUT/probe.log; echo "software adapter, not the GPU"; exit 4; }
# --profile: steps 50-100 of each run's first epoch are timed kernel by kernel on the GPU
# (profile.txt); the rest of the run is not.
R="$R --backend webgpu --read-every 50 --profile"
PART=${PART:-all}
part() { [ "$PART" = all ] || [ "$PART" = "$1" ]; }
# Every kernel variant against the CPU backend on this GPU, then kernel timings (ResNet-18's
# products at 96x96, batch 256, with and without split-K; matmuls; LeNet's convolutions),
# cut off after T_CHECK seconds (the conformance lines come first; the runs' profiles time
# the kernels where they matter).
part 1 && [ -f check.mjs ] && timeout ${T_CHECK:-90} $N check.mjs > $OUT/gpu-check.log 2>&1
if [ "${MODE:-solo}" = shared ]; then
  # The first table of RESULTS.md: six runs at once, reduced inputs, cut off after T seconds.
  R="$R --max-seconds ${T:-115}"
  $R --model lenet --epochs 10 > $OUT/lenet.log 2>&1 &
  $R --model lenet-bn --epochs 10 > $OUT/lenet-bn.log 2>&1 &
  $R --model alexnet --input 67 --epochs 3 > $OUT/alexnet.log 2>&1 &
  $R --model vgg --input 64 --epochs 3 > $OUT/vgg.log 2>&1 &
  $R --model nin --input 67 --epochs 3 > $OUT/nin.log 2>&1 &
  $R --model resnet18 --input 64 --epochs 3 > $OUT/resnet18.log 2>&1 &
  wait
else
  # Each recipe alone on the GPU at the original chapters' input sizes (the default on a
  # real GPU), one after another, each cut off after its share of the time (seconds).
  if part 1; then
    $R --model resnet18 --epochs 10 --max-seconds ${T_RESNET:-200} > $OUT/resnet18.log 2>&1
    $R --model lenet --epochs 10 --max-seconds ${T_LENET:-35} > $OUT/lenet.log 2>&1
  fi
  if part 2; then
    $R --model alexnet --epochs 2 --max-seconds ${T_ALEXNET:-100} > $OUT/alexnet.log 2>&1
    $R --model nin --epochs 2 --max-seconds ${T_NIN:-100} > $OUT/nin.log 2>&1
    $R --model vgg --epochs 2 --max-seconds ${T_VGG:-100} > $OUT/vgg.log 2>&1
  fi
fi
grep -h "RESULT\|== epoch\|tuned\|device training-step check" $OUT/*.log > $OUT/results.txt
for f in $OUT/*.log; do grep -q "^profile:" "$f" && { echo "== $(basename "$f" .log)"; grep "^profile:" "$f"; }; done > $OUT/profile.txt
[ -f $OUT/gpu-check.log ] && grep -h "conformance:\|autotune spot checks\|device training-step check\|ResNet-18 96x96" $OUT/gpu-check.log >> $OUT/results.txt
cat $OUT/results.txt

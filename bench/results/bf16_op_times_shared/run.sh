#!/bin/bash
# before/after per-op breakdown, alternating
cd /tmp/bf16w/final
for size in 256 512; do
  for thr in 1 2; do
    for which in before after; do
      echo "$size $thr $which start $(cut -d' ' -f1-3 /proc/loadavg)" >> loads.txt
      /tmp/bf16w/nsrg-bench-$which --precision bf16 --sizes $size --skip-layers --threads $thr --warmup 1 --runs 5 --op-times --json ${size}_t${thr}_${which}.json > ${size}_t${thr}_${which}.txt 2>&1
      echo "$size $thr $which end $(cut -d' ' -f1-3 /proc/loadavg)" >> loads.txt
    done
  done
done
echo done >> loads.txt

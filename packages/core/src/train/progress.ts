import type { FitProgress } from './fit.js';

/** `12m05s` (or `1h02m` past an hour): short durations for progress lines. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One progress line: `epoch 3/10 step 5/20 loss 0.1234 · 12.5 examples/s · ETA 4m10s`. */
export function formatProgress(p: FitProgress): string {
  const rate = p.examplesPerSecond === undefined ? '' : ` · ${p.examplesPerSecond.toFixed(1)} examples/s`;
  return `epoch ${p.epoch + 1}/${p.epochs} step ${p.step + 1}/${p.stepsInEpoch} loss ${p.loss.toFixed(4)}${rate} · ETA ${formatDuration(p.etaSeconds)}`;
}

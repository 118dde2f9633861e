// Progress for long commands: a bar redrawn in place when stdout is a terminal; otherwise (a log
// file, CI, a pipe) one plain line every few seconds, so a log holds lines, not hundreds of `\r` frames.

/**
 * `progress(label, total)` (total 0: unknown) returns `update(done)` (cheap to call per row: it draws at most every
 * `tickMs` on a terminal, every `lineMs` elsewhere) and `end(done)` (the last state, on its own line).
 */
export function progress(label, total, { stream = process.stdout, tickMs = 250, lineMs = 5000, unit = "rows" } = {}) {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let last = tty ? 0 : started; // a log's first line comes after lineMs, not with the first row
  const text = (done) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    // Without a total (one that would cost a scan to know): how far and how fast, no share or ETA.
    if (!total) return `${label}: ${done.toLocaleString("en")} ${unit}  ${rate.toFixed(0)} ${unit}/s  ${seconds.toFixed(0)} s`;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    const share = Math.min(1, done / total);
    const counts = `${done.toLocaleString("en")}/${total.toLocaleString("en")} ${unit} (${(share * 100).toFixed(0)}%)  ${rate.toFixed(0)} ${unit}/s  ETA ${eta.toFixed(0)} s`;
    if (!tty) return `${label}: ${counts}`;
    const width = 30;
    const filled = Math.round(share * width);
    return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${counts}`;
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < (tty ? tickMs : lineMs)) return;
      last = now;
      stream.write(tty ? `\r${text(done)}   ` : `${text(done)}\n`);
    },
    end(done) {
      stream.write(tty ? `\r${text(done)}   \n` : `${text(done)}\n`);
    },
  };
}

// Preloaded (`node -r`) into benchmarked child processes: reports the process's peak RSS on exit.
import * as fs from 'fs';

process.on('exit', () => {
  fs.writeSync(2, `\n__PEAK_RSS_KB__ ${process.resourceUsage().maxRSS}\n`);
});

// Preloaded (`node -r`) into benchmarked child processes: reports the process's peak RSS and CPU time on exit.
import * as fs from 'fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  fs.writeSync(2, `\n__PEAK_RSS_KB__ ${usage.maxRSS}\n__CPU_US__ ${usage.userCPUTime + usage.systemCPUTime}\n`);
});

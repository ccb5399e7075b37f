// The floor (a copy of ../shared/bench/json-parse-floor.js): read the file and JSON.parse every line, nothing else.
import * as fs from 'fs';

const text = fs.readFileSync(process.argv[2]!, 'utf8');
let n = 0;
let start = 0;
for (;;) {
  const end = text.indexOf('\n', start);
  const line = text.slice(start, end < 0 ? undefined : end);
  if (line.trim()) {
    JSON.parse(line);
    n++;
  }
  if (end < 0) break;
  start = end + 1;
}
console.log(n);

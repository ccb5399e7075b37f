// The floor (a copy of ../shared/bench/json-parse-floor.js): read the file and JSON.parse every line, nothing else.
// Several files are read one after the other (the join's floor is its input, output and error files).
import * as fs from 'fs';

let n = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
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
}
console.log(n);

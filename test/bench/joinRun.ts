// Child process of join.bench: one results join (the code the CLI's --out and the editor's Open Results Beside run).
import { writeJoinedResults } from '../../src/core/results/join';

const [inputPath, outputPath, errorPath, dest] = process.argv.slice(2);
writeJoinedResults({ inputPath: inputPath!, outputPath, errorPath }, dest!, { overwrite: true }).then(
  (summary) => console.log(JSON.stringify(summary)),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

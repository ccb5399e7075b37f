import { parseExperiment } from './src/core/experiments/parse';
import { jsonlDataset } from './src/core/experiments/dataset';
import { DOCUMENTED_MODEL_IDS } from './src/core/models';
const cases = [
  '[1,2]\n', 'hello\n', '~\n',
  'prompts: [5]\nproviders: [m]\ntests: [{vars: {x: 1}}]\n',
  'prompts: [{messages: []}]\nproviders: [m]\ntests: [{vars: {x: 1}}]\n',
  'prompts: [hi]\nproviders: [""]\ntests: [{vars: {x: 1}}]\n',
  'prompts: [hi]\nproviders: [{id: m, config: 5}]\ntests: [{vars: {x: 1}}]\n',
  'prompts: [hi]\nproviders: [m]\ntests: 42\n',
  'prompts: [hi]\nproviders: [m]\ntests: file://x.txt\n',
  'prompts: [hi]\nproviders: [m]\ntests: [{vars: 5}]\n',
  'prompts: [hi]\nproviders: [m]\ntests: [{vars: {}, assert: [{type: 5}]}]\n',
  'prompts: [hi]\nproviders: [m]\ntests: [{vars: {}}]\ndefaultTest: [1]\n',
];
for (const c of cases) {
  console.log('---', JSON.stringify(c));
  for (const p of parseExperiment(c, '/x/e.experiment.yaml', { knownModels: DOCUMENTED_MODEL_IDS }).problems) if (p.code !== 'experiment.unknownModel') console.log(`  ${p.range.start.line + 1}:${p.range.start.column + 1} ${p.code}: ${p.message}`);
}
for (const p of jsonlDataset('{"vars": 5}\n{"vars":{}, "assert":[{"type":"contains","value":{}}]}\n{"vars":{}, "assert":5}\n', 'd.jsonl').problems) console.log(p.message);

// Typed identifiers shared by package.json contributions and code. Keep in sync with package.json.
export const EXTENSION_ID = 'kluster-community.kluster-vscode';

export const Commands = {
  setApiKey: 'kluster.setApiKey',
  clearApiKey: 'kluster.clearApiKey',
  apiKeyStatus: 'kluster.apiKeyStatus',
  showLog: 'kluster.showLog',
  // Batches (src/batches)
  submitBatch: 'kluster.submitBatch',
  openResults: 'kluster.openResults',
  retryFailed: 'kluster.retryFailed',
  cancelBatch: 'kluster.cancelBatch',
  refreshBatches: 'kluster.refreshBatches',
  copyBatchId: 'kluster.copyBatchId',
  revealInputFile: 'kluster.revealInputFile',
  showBatchErrors: 'kluster.showBatchErrors',
  loadMoreBatches: 'kluster.loadMoreBatches',
  openBatchErrorLine: 'kluster.openBatchErrorLine',
  sendRequestLineAsync: 'kluster.sendRequestLineAsync',
  batchesSnapshot: 'kluster.batches.snapshot',
  // Files (src/files)
  refreshFiles: 'kluster.refreshFiles',
  openRemoteFile: 'kluster.openRemoteFile',
  downloadFile: 'kluster.downloadFile',
  deleteFile: 'kluster.deleteFile',
  copyFileId: 'kluster.copyFileId',
  loadMoreFiles: 'kluster.loadMoreFiles',
  filesSnapshot: 'kluster.files.snapshot',
  // Fine-tuning (src/fineTuning)
  createFineTuningJob: 'kluster.createFineTuningJob',
  refreshFineTuning: 'kluster.refreshFineTuning',
  loadMoreFineTuning: 'kluster.loadMoreFineTuning',
  cancelFineTuningJob: 'kluster.cancelFineTuningJob',
  copyFineTuningJobId: 'kluster.copyFineTuningJobId',
  fineTuningOpenInChat: 'kluster.fineTuning.openInChat',
  fineTuningAddToExperiment: 'kluster.fineTuning.addToExperiment',
  fineTuningSnapshot: 'kluster.fineTuning.snapshot',
  // Chat (src/chat)
  openChat: 'kluster.openChat',
  openInChat: 'kluster.openInChat',
  chatSaveAsRequest: 'kluster.chat.saveAsRequest',
  chatSendSelection: 'kluster.chat.sendSelection',
  chatStop: 'kluster.chat.stop',
  chatRegenerate: 'kluster.chat.regenerate',
  chatClear: 'kluster.chat.clear',
  chatHistory: 'kluster.chat.history',
  chatSnapshot: 'kluster.chat.snapshot',
  // Results grid (src/results)
  resultsReopenAsText: 'kluster.results.reopenAsText',
  resultsExportCsv: 'kluster.results.exportCsv',
  resultsRefresh: 'kluster.results.refresh',
  resultsSnapshot: 'kluster.results.snapshot',
  resultsSetQuery: 'kluster.results.setQuery',
  resultsOpenAt: 'kluster.results.openAt',
  resultsOpenInChat: 'kluster.results.openInChat',
  resultsMarksSnapshot: 'kluster.results.marksSnapshot',
  // Demo server (src/demo)
  startDemoServer: 'kluster.startDemoServer',
  stopDemoServer: 'kluster.stopDemoServer',
  demoSnapshot: 'kluster.demo.snapshot',
  // First run (src/firstRun)
  newBatchFile: 'kluster.newBatchFile',
  openSampleBatchFile: 'kluster.openSampleBatchFile',
  // Experiments editor (src/experiments)
  experimentBuild: 'kluster.experiment.build',
  experimentPreview: 'kluster.experiment.preview',
  experimentSubmit: 'kluster.experiment.submit',
  experimentOpenComparison: 'kluster.experiment.openComparison',
  experimentFetchResults: 'kluster.experiment.fetchResults',
  // Experiment comparison (src/comparison)
  openComparison: 'kluster.openComparison',
  comparisonJudge: 'kluster.comparison.judge',
  comparisonExportCsv: 'kluster.comparison.exportCsv',
  comparisonSnapshot: 'kluster.comparison.snapshot',
  comparisonSetFilter: 'kluster.comparison.setFilter',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const ContextKeys = {
  hasApiKey: 'kluster.hasApiKey',
  batchesEmpty: 'kluster.batchesEmpty',
  filesEmpty: 'kluster.filesEmpty',
  fineTuningEmpty: 'kluster.fineTuningEmpty',
  fineTuningDatasets: 'kluster.fineTuningDatasets',
  chatStreaming: 'kluster.chatStreaming',
  demoServerRunning: 'kluster.demoServerRunning',
  // Set once in a window, to complete steps of the Get Started walkthrough (src/firstRun)
  problemFixed: 'kluster.walkthrough.problemFixed',
  batchSubmitted: 'kluster.walkthrough.batchSubmitted',
  resultsOpened: 'kluster.walkthrough.resultsOpened',
} as const;
export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

export const Views = {
  container: 'kluster',
  batches: 'kluster.batches',
  files: 'kluster.files',
  fineTuning: 'kluster.fineTuning',
} as const;

export const SECRET_API_KEY = 'kluster.apiKey';
export const ENV_API_KEY = 'KLUSTER_API_KEY';

// One build script, several contexts (as in vscode-eslint):
//   extension  node/cjs, `vscode` external        -> dist/extension.js
//   cli        node/cjs, same core                -> dist/cli.js
//   webviews   browser/iife                       -> dist/webview.js (chat), dist/results.js and dist/results-style.css (grid)
//   codicons   the icon font's CSS and TTF        -> dist/codicon.css, dist/codicon.ttf
//   tests      (--tests) unit, integration, e2e, harness, emulator -> out/test/**
// Flags: --production (minify; source maps go to separate .map files, left out of the VSIX), --watch, --tests.
const esbuild = require('esbuild');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');

/** Prints errors in the `file:line:col: error: text` shape VS Code's problem matchers read. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? 'external' : true,
  sourcesContent: false,
  minify: production,
  logLevel: 'silent',
  plugins: [problemMatcher],
  // jsonc-parser's `main` is a UMD build esbuild cannot follow; its ESM `module` build bundles cleanly.
  mainFields: ['module', 'main'],
};

const contexts = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...nodeCommon, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The webviews, for the browser: the chat's script, the results grid's and the comparison's scripts and stylesheets.
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? 'external' : true,
    sourcesContent: false,
    minify: production,
    logLevel: 'silent',
    plugins: [problemMatcher],
    entryPoints: {
      webview: 'src/webview/main.ts',
      results: 'src/resultsView/main.ts',
      'results-style': 'src/resultsView/results.css',
      comparison: 'src/comparisonView/main.ts',
      'comparison-style': 'src/comparisonView/comparison.css',
    },
    outdir: 'dist',
  },
  // The workbench's icon font for the webview's buttons: dist/codicon.css and dist/codicon.ttf.
  {
    bundle: true,
    minify: production,
    logLevel: 'silent',
    plugins: [problemMatcher],
    entryPoints: { codicon: 'node_modules/@vscode/codicons/dist/codicon.css' },
    outdir: 'dist',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];

if (withTests) {
  contexts.push({
    ...nodeCommon,
    sourcemap: true,
    minify: false,
    entryPoints: ['test/**/*.ts'],
    outbase: '.',
    outdir: 'out',
    // Resolved at run time: `vscode` by the extension host, the rest from node_modules.
    external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'],
  });
}

async function main() {
  const built = await Promise.all(contexts.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(built.map((ctx) => ctx.watch()));
    return;
  }
  try {
    await Promise.all(built.map((ctx) => ctx.rebuild()));
  } finally {
    await Promise.all(built.map((ctx) => ctx.dispose()));
  }
  console.log(`built ${contexts.length} bundle(s)${production ? ' (production)' : ''} in ${path.basename(process.cwd())}`);
}

main().catch((error) => {
  if (!error.errors) console.error(error);
  process.exit(1);
});

// Preloaded by the CLI test: on exit, print which CommonJS packages the process loaded,
// so the test can check that `devcap --help` never loads express or autocannon.
process.on('exit', () => {
  const loaded = Object.keys(require('node:module')._cache);
  process.stderr.write(`\nLOADED_MODULES ${JSON.stringify(loaded)}\n`);
});

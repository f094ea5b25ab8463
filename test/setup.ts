// Loaded by mocha before every suite (.mocharc.json). The tests check analysis, so the scan cache is
// off for every scan they run, in this process and in the CLIs and servers they start (which inherit
// the environment); the cache's own tests turn it on with a directory of their own.
process.env.GOHAZARD_CACHE = 'off';

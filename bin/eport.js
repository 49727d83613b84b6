#!/usr/bin/env node
// Runs the compiled CLI; `npm install` / `npm ci` builds dist/ through the prepare script.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error(
      'eport: dist/ is missing; run `npm run build` first / 未编译：请先运行 npm run build',
    );
    process.exit(1);
  }
  throw err;
});

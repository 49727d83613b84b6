// `node --import ./record-imports.mjs …` appends the URL of every module the process loads to the
// file named by EPORT_RECORD_IMPORTS: which packages a command pulls in, without timing anything.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.EPORT_RECORD_IMPORTS) appendFileSync(process.env.EPORT_RECORD_IMPORTS, r.url + '\\n');
  return r;
}`)}`,
);

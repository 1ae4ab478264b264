#!/usr/bin/env node
import { runProgram } from './program.ts';

const code = await runProgram(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;

import { readFile } from 'node:fs/promises';
import { interestingLogLines, tailLines } from './state.js';

const LOG_TAIL_LINES = 20;
const CONSOLE_TAIL_LINES = 10;

function indent(lines: string[]): string {
  return lines.map((l) => `    | ${l}`).join('\n');
}

async function readOr(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Log excerpts for a failed start: the end of the console output (where the JVM itself and the
 * launch scripts complain) and the error lines of the main log (or its end when it has none).
 */
export async function logExcerpts(logFile: string, consoleLog: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const consoleLines = tailLines(await readOr(consoleLog), CONSOLE_TAIL_LINES);
  if (consoleLines.length > 0) out.consoleTail = `\n${indent(consoleLines)}`;
  const logLines = interestingLogLines(await readOr(logFile), LOG_TAIL_LINES);
  if (logLines.length > 0) out.logExcerpt = `\n${indent(logLines)}`;
  return out;
}

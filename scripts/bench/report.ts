import { cpus, totalmem } from "node:os";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../node/paths.js";

/** The machine a figure was measured on: BENCHMARKS.md keeps it beside every figure. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function describeMachine(m = machine()): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`;
}

/** Writes scripts/bench/results/<name>.json. */
export async function writeResult(name: string, result: unknown): Promise<string> {
  const dir = join(PROJECT_ROOT, "scripts", "bench", "results");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * Replaces the section of BENCHMARKS.md between `<!-- name:begin -->` and `<!-- name:end -->` (appending
 * it when missing), so each benchmark keeps its own latest figures without touching the others.
 */
export async function updateBenchmarksSection(name: string, markdown: string): Promise<void> {
  const file = join(PROJECT_ROOT, "BENCHMARKS.md");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    text = "# Benchmarks\n\nLatest figures of `npm run bench`, each with the machine it ran on and its baseline.\n";
  }
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}

import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CURRENT_LEXICON } from "../domain/conduct/lexicon.js";
import { MAX_SCREENED_TEXT, Screener } from "../domain/conduct/screen.js";
import { EXIT, type Output } from "./output.js";

export const CONDUCT_HELP = `  caseledger conduct screen FILE|- [--json]
                              检查短信/信函文本或模板是否含禁用语（离线）/ screen an SMS, letter or template against the
                              lexicon (offline): exit 0 when it passes, 1 with the rule, category and span when it does not`;

async function readText(path: string): Promise<string> {
  if (path !== "-") return readFile(path, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** `caseledger conduct screen`: the gateway's screening (docs/design.md §26) with the lexicon this code ships. */
export async function conductScreen(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help || positionals.length !== 1) {
    (values.help ? io.out : io.err)(CONDUCT_HELP);
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  const text = (await readText(positionals[0]!)).replace(/^\ufeff/, "");
  if ([...text].length > MAX_SCREENED_TEXT) {
    io.err(`文本超过 ${MAX_SCREENED_TEXT} 字 / the text is longer than ${MAX_SCREENED_TEXT} characters`);
    return EXIT.BAD_INPUT;
  }
  const screener = new Screener(CURRENT_LEXICON);
  const result = screener.screen(text);
  if (io.json) io.out(JSON.stringify({ ...result, lexiconHash: screener.hash }));
  else if (result.ok) io.out(`通过 / passes — 词库 / lexicon ${result.lexiconVersion} ${screener.hash}`);
  else {
    io.out(`不通过 / refused — 规则 / rule ${result.rule} (${result.category}), 位置 / span [${result.span[0]}, ${result.span[1]}) — 词库 / lexicon ${result.lexiconVersion}`);
  }
  return result.ok ? EXIT.OK : EXIT.FINDINGS;
}

/**
 * The flat subset of TOML that Besu's config.toml and permissions_config.toml use: `key=value` lines, `#` comments,
 * values that are strings, integers, booleans or arrays of strings (one line or several). No tables, no dates, no
 * floats: nothing here needs them, and a parser that refuses what it does not know cannot misread a file.
 */
export type TomlValue = string | number | boolean | string[];
export type TomlDocument = Record<string, TomlValue>;

export class TomlError extends Error {
  override readonly name = "TomlError";
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`TOML line ${line}: ${problem}`);
  }
}

const KEY = /^[A-Za-z0-9_-]+$/;

function quote(value: string): string {
  // eslint-disable-next-line no-control-regex -- TOML basic strings forbid exactly these control characters
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new RangeError(`control character in TOML string ${JSON.stringify(value)}`);
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** One `key=value` line (a long array gets a line per item). */
function entry(key: string, value: TomlValue): string {
  if (!KEY.test(key)) throw new RangeError(`bad TOML key ${JSON.stringify(key)}`);
  if (Array.isArray(value)) {
    const inline = `${key}=[${value.map(quote).join(",")}]`;
    if (inline.length <= 100) return inline;
    return `${key}=[\n${value.map((v) => `  ${quote(v)}`).join(",\n")}\n]`;
  }
  if (typeof value === "string") return `${key}=${quote(value)}`;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`TOML integers only: ${key}=${value}`);
    return `${key}=${value}`;
  }
  return `${key}=${value ? "true" : "false"}`;
}

/** A section of a file: a comment (each line prefixed with `# `) and its entries. */
export interface TomlSection {
  comment?: string;
  entries: TomlDocument;
}

/** Writes sections separated by blank lines; a key may appear once in the whole file. */
export function stringifyToml(sections: TomlSection[]): string {
  const seen = new Set<string>();
  const blocks = sections.map(({ comment, entries }) => {
    const lines = comment ? comment.split("\n").map((l) => (l ? `# ${l}` : "#")) : [];
    for (const [key, value] of Object.entries(entries)) {
      if (seen.has(key)) throw new RangeError(`TOML key ${key} written twice`);
      seen.add(key);
      lines.push(entry(key, value));
    }
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

/** Reads one string literal starting at `text[at] === '"'`; returns it and the index after the closing quote. */
function readString(text: string, at: number, line: number): [string, number] {
  let out = "";
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return [out, i + 1];
    if (c === "\n") break;
    if (c === "\\") {
      const next = text[++i];
      if (next === '"' || next === "\\") out += next;
      else if (next === "n") out += "\n";
      else if (next === "t") out += "\t";
      else throw new TomlError(line, `unsupported escape \\${next ?? ""}`);
    } else out += c;
  }
  throw new TomlError(line, "unterminated string");
}

/** Parses the subset above; anything else (tables, floats, duplicate keys, trailing garbage) is an error with its line. */
export function parseToml(text: string): TomlDocument {
  const doc: TomlDocument = {};
  let i = 0;
  let line = 1;
  const skipSpace = (newlines: boolean) => {
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\r") i++;
      else if (newlines && c === "\n") {
        i++;
        line++;
      } else if (newlines && c === "#") {
        while (i < text.length && text[i] !== "\n") i++;
      } else return;
    }
  };
  const endOfLine = () => {
    skipSpace(false);
    if (text[i] === "#") while (i < text.length && text[i] !== "\n") i++;
    if (i < text.length && text[i] !== "\n") throw new TomlError(line, `unexpected ${JSON.stringify(text[i])} after the value`);
  };
  for (;;) {
    skipSpace(true);
    if (i >= text.length) return doc;
    if (text[i] === "[") throw new TomlError(line, "tables are not used in these files");
    const keyMatch = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 200));
    if (!keyMatch) throw new TomlError(line, `expected a key, found ${JSON.stringify(text[i])}`);
    const key = keyMatch[0];
    i += key.length;
    skipSpace(false);
    if (text[i] !== "=") throw new TomlError(line, `expected = after ${key}`);
    i++;
    skipSpace(false);
    const keyLine = line;
    let value: TomlValue;
    const c = text[i];
    if (c === '"') {
      [value, i] = readString(text, i, line);
    } else if (c === "[") {
      i++;
      const items: string[] = [];
      for (;;) {
        skipSpace(true);
        if (text[i] === "]") {
          i++;
          break;
        }
        if (text[i] !== '"') throw new TomlError(line, `${key}: arrays hold strings only`);
        let item: string;
        [item, i] = readString(text, i, line);
        items.push(item);
        skipSpace(true);
        if (text[i] === ",") i++;
        else if (text[i] !== "]") throw new TomlError(line, `${key}: expected , or ] in the array`);
      }
      value = items;
    } else {
      const word = /^[^\s#]+/.exec(text.slice(i, i + 100))?.[0] ?? "";
      if (word === "true" || word === "false") value = word === "true";
      else if (/^-?(0|[1-9][0-9]*)$/.test(word) && Number.isSafeInteger(Number(word))) value = Number(word);
      else throw new TomlError(line, `${key}: unsupported value ${JSON.stringify(word)}`);
      i += word.length;
    }
    if (Object.hasOwn(doc, key)) throw new TomlError(keyLine, `duplicate key ${key}`);
    doc[key] = value;
    endOfLine();
  }
}

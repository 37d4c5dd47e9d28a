/**
 * A file name a user supplied (an upload's name), made safe to store, show and offer back as a download name:
 * no directory part (`/`, `\`), no control or invisible format characters (U+202E RIGHT-TO-LEFT OVERRIDE turns
 * `invoice‮vsc.exe` into what reads as `invoiceexe.csv`; zero-width characters make two names look alike), no
 * leading dots (hidden files, `..`), at most `maxLength` characters. Empty after all that → `fallback`.
 */
export function safeFileName(raw: string, fallback: string, maxLength = 200): string {
  const base = raw.normalize("NFC").split(/[/\\]/).pop() ?? "";
  const visible = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/^[\s.]+/u, "")
    .trim();
  const cut = [...visible].slice(0, maxLength).join("");
  return cut === "" ? fallback : cut;
}

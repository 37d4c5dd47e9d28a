import { CATALOG } from "./catalog.js";

export type Catalog = typeof CATALOG;
type Section = keyof Catalog;
export type Lang = "zh" | "en";

/** Every message id, `section.CODE`. */
export type MessageId = { [S in Section]: `${S}.${keyof Catalog[S] & string}` }[Section];

type TemplateOf<Id extends MessageId> = Id extends `${infer S extends Section}.${infer K}`
  ? K extends keyof Catalog[S]
    ? Catalog[S][K] extends { zh: infer Zh extends string; en: infer En extends string }
      ? Zh | En
      : never
    : never
  : never;

/** The `{name}` placeholders of a template, as a union of names. */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The parameters a message takes, typed from its templates: `msg("api.CHAIN_REFUSED", { reason })`. */
export type ParamsOf<Id extends MessageId> = { [P in Placeholders<TemplateOf<Id>>]: string | number };

/** A message not yet put into words: an id and its parameters. */
export interface Message<Id extends MessageId = MessageId> {
  readonly id: Id;
  readonly params: ParamsOf<Id>;
}

type ParamArgs<Id extends MessageId> = [Placeholders<TemplateOf<Id>>] extends [never] ? [] : [params: ParamsOf<Id>];

export function msg<Id extends MessageId>(id: Id, ...params: ParamArgs<Id>): Message<Id> {
  return { id, params: (params[0] ?? {}) as ParamsOf<Id> };
}

/** The catalog entry of an id, or undefined for an id that is not in it. */
export function entryOf(id: string): { zh: string; en: string } | undefined {
  const dot = id.indexOf(".");
  const section = (CATALOG as Record<string, Record<string, { zh: string; en: string }>>)[id.slice(0, dot)];
  return section && Object.hasOwn(section, id.slice(dot + 1)) ? section[id.slice(dot + 1)] : undefined;
}

/** Fills `{name}` placeholders; a name without a value stays as written, so a gap shows instead of vanishing. */
export function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The message in one language. */
export function render(message: Message, lang: Lang): string {
  const entry = entryOf(message.id);
  if (!entry) return message.id;
  return fill(entry[lang], message.params);
}

/** "中文 / English": the form the API and the CLI give every message in. */
export function bilingual(message: Message): string {
  return `${render(message, "zh")} / ${render(message, "en")}`;
}

/** The ids of messages without parameters. */
type FixedId = { [Id in MessageId]: ParamArgs<Id> extends [] ? Id : never }[MessageId];

const FIXED_WORDS = new Map<string, string>();

/**
 * bilingual() of a message without parameters: the same words every time, so made once (a bundle's verification
 * words thousands of receipts' steps).
 */
export function fixedWords(id: FixedId): string {
  let text = FIXED_WORDS.get(id);
  if (text === undefined) FIXED_WORDS.set(id, (text = bilingual({ id, params: {} } as Message)));
  return text;
}

/**
 * A message as an API body carries it: the words in both languages (what clients have always read), and the id and
 * parameters, so that a client with the catalog (the console) renders it in its own language instead of splitting prose.
 */
export function onTheWire(message: Message): { message: string; messageId: MessageId; params?: Readonly<Record<string, string | number>> } {
  const params = message.params as Readonly<Record<string, string | number>>;
  return { message: bilingual(message), messageId: message.id, ...(Object.keys(params).length > 0 && { params }) };
}

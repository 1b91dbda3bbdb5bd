/**
 * Text a reader may see that is made outside the page (in the training worker or while a
 * file is read): an English and a Chinese half kept together, so that the page shows the
 * reader's language. An error of this kind carries the English as its `message` (what logs,
 * the command line and tests read) and the Chinese beside it.
 */
export interface Bilingual {
  en: string;
  zh: string;
}

export class BilingualError extends Error {
  readonly zh: string;
  constructor(text: Bilingual, options?: { cause?: unknown }) {
    super(text.en, options);
    this.name = 'BilingualError';
    this.zh = text.zh;
  }
}

/** `lead`, then why `e` happened, as one sentence in each language ("lead: why"). */
export function because(lead: Bilingual, e: unknown): Bilingual {
  const why = bilingualOf(e);
  return { en: `${lead.en}: ${why.en}`, zh: `${lead.zh}：${why.zh}` };
}

/**
 * What an error says, in both languages: the two halves of a BilingualError or of any error
 * that carries its Chinese as `zh` beside the message (a dataset file's DatasetError, from a
 * layer that does not import this one); any other error's message (an engine or browser
 * failure, which has only English) in both halves.
 */
export function bilingualOf(e: unknown): Bilingual {
  const zh = (e as { zh?: unknown } | null)?.zh;
  if (e instanceof Error && typeof zh === 'string') return { en: e.message, zh };
  const en = e instanceof Error ? e.message : String(e);
  return { en, zh: en };
}

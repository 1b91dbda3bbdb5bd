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

/** Chinese characters (Han, with kana and bopomofo). */
const HAN = /[\u2E80-\u2FFF\u3040-\u30FF\u3100-\u312F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/u;
/** Full-width punctuation and forms, and the curly quotes Chinese text uses: never spaced. */
const FULL_WIDTH = /[\u3000-\u303F\uFF00-\uFFEF\u2018\u2019\u201C\u201D]/u;
/** Latin and Greek letters and digits: spaced from Chinese characters. */
const LATIN = /[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF]/u;

/** `left` followed by `right`, spaced the Chinese way where they meet (see joinZh). */
function seam(left: string, right: string): string {
  const l = left.trimEnd();
  const r = right.trimStart();
  const a = Array.from(l).pop() ?? '';
  const b = Array.from(r)[0] ?? '';
  if (!a || !b) return left + right;
  if (FULL_WIDTH.test(a) || FULL_WIDTH.test(b)) return l + r;
  const hanA = HAN.test(a);
  const hanB = HAN.test(b);
  if (hanA && hanB) return l + r;
  if ((hanA && LATIN.test(b)) || (LATIN.test(a) && hanB)) return `${l} ${r}`;
  return left + right;
}

/**
 * Chinese text with names put in (a model's name, which may start or end with a Chinese
 * character or full-width punctuation: “带批量规范化的 LeNet”, “VGG-11（通道数 / 4）”), spaced
 * the Chinese way where each one meets the text around it: one space between a Chinese
 * character and a Latin letter or digit, none between Chinese characters or next to
 * full-width punctuation. Elsewhere (Latin next to Latin, symbols) the template's own spacing
 * stands, and so does all spacing inside the template's text and inside the names.
 *
 *   joinZh`在 Fashion-MNIST 上训练 ${name}`   // 在 Fashion-MNIST 上训练带批量规范化的 LeNet
 *   joinZh`还没有训练好的 ${name} 权重`        // 还没有训练好的 VGG-11（通道数 / 4）权重
 */
export function joinZh(strings: readonly string[], ...values: readonly (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out = seam(seam(out, String(v)), strings[i + 1] ?? '');
  });
  return out;
}

export type DiagramLang = 'en' | 'zh';

export interface DiagramProps {
  /** Language of the accessible title and description; labels are language-neutral. */
  lang: DiagramLang;
}

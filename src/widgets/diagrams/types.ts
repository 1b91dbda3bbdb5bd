export type DiagramLang = 'en' | 'zh';

export interface DiagramProps {
  /** Language of the accessible title and description, and of the boxes' labels (labels.ts). */
  lang: DiagramLang;
}

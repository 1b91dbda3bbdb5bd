import { FASHION_CLASSES as EN } from '../../data/format';

/** The ten Fashion-MNIST classes in label order, in both languages. */
export const FASHION_CLASSES: { en: readonly string[]; zh: readonly string[] } = {
  en: EN,
  zh: ['T恤/上衣', '裤子', '套头衫', '连衣裙', '外套', '凉鞋', '衬衫', '运动鞋', '包', '短靴'],
};

import { useSettings, type Lang } from '../stores/settings';

const strings = {
  bookTitle: { en: 'Convolutional Networks, Interactively', zh: '动手学卷积神经网络' },
  contents: { en: 'Contents', zh: '目录' },
  readProgress: { en: 'Read so far: ', zh: '已读进度：' },
  lab: { en: 'Lab: every widget', zh: '实验室：全部组件' },
  train: { en: 'Train the model zoo', zh: '训练模型' },
  previous: { en: 'Previous', zh: '上一章' },
  next: { en: 'Next', zh: '下一章' },
  colon: { en: ': ', zh: '：' },
  language: { en: 'Language', zh: '语言' },
  theme: { en: 'Theme', zh: '主题' },
  themeSystem: { en: 'System', zh: '跟随系统' },
  themeLight: { en: 'Light', zh: '浅色' },
  themeDark: { en: 'Dark', zh: '深色' },
  themeContrast: { en: 'High contrast', zh: '高对比度' },
  loading: { en: 'Loading…', zh: '加载中…' },
  notFound: { en: 'No such chapter', zh: '没有这一章' },
  notFoundAsked: { en: 'The address asks for a page named ', zh: '地址中要打开的页面名为' },
  notFoundEnd: { en: '.', zh: '。' },
  notFoundNear: { en: 'Perhaps you meant:', zh: '你要找的也许是：' },
  notFoundStart: { en: 'Start from the preface', zh: '从前言开始' },
  notFoundOr: { en: ', or pick any chapter from the contents.', zh: '，或在目录中任选一章。' },
  skip: { en: 'Skip to content', zh: '跳到正文' },
  backendStarting: { en: 'Starting the engine…', zh: '正在启动引擎…' },
  backendIdle: { en: 'CPU · WebGPU when needed', zh: 'CPU · 需要时启用 WebGPU' },
  backendIdleTitle: {
    en: 'The widgets on this page compute on the engine’s CPU backend. WebGPU starts the first time something needs the GPU: the LeNet part of the receptive-field widget, a look inside a trained model larger than LeNet, or training.',
    zh: '本页的交互组件在引擎的 CPU 后端上计算。第一次需要 GPU 时（感受野组件的 LeNet 部分、“走进训练好的模型”中比 LeNet 大的模型，或训练）才启动 WebGPU。',
  },
  menu: { en: 'Chapters', zh: '章节' },
  chapterLoadError: { en: 'This chapter could not be loaded.', zh: '这一章加载失败。' },
  pageError: { en: 'This page could not be shown.', zh: '这个页面无法显示。' },
  retry: { en: 'Try again', zh: '重试' },
  presenter: { en: 'Presenter', zh: '演示' },
  presentStart: { en: 'Present (P)', zh: '演示模式 (P)' },
  presentStop: { en: 'Stop presenting (Esc)', zh: '退出演示 (Esc)' },
  teacherView: { en: 'Teacher view', zh: '教师视图' },
  cpuBannerTitle: { en: 'WebGPU is not available here.', zh: '此处无法使用 WebGPU。' },
  cpuBannerBody: {
    en: 'Every chapter and widget works on the CPU instead; training the larger models will be much slower.',
    zh: '所有章节和交互组件改为在 CPU 上运行；训练较大的模型会慢很多。',
  },
  labTitle: { en: 'Lab', zh: '实验室' },
  labIntro: {
    en: 'Every widget of the book on one page. Each widget keeps its settings in the address, so a copied link shows students exactly this state.',
    zh: '本书的全部交互组件都在这一页。每个组件的设置都保存在地址里，复制链接就能原样分享给学生。',
  },
  labWidgets: { en: 'Widgets', zh: '组件' },
  trainIntro: {
    en: 'Train LeNet through ResNet-18 in this tab. Training runs in a background worker so the page stays responsive, and a checkpoint is saved after every epoch.',
    zh: '在本标签页中训练 LeNet 到 ResNet-18。训练在后台线程中运行，页面保持流畅；每个轮次结束时都会保存检查点。',
  },
  teacherWaiting: { en: 'Waiting for the projected window…', zh: '等待投影窗口……' },
  teacherHowTitle: { en: 'How the two windows work together', zh: '两个窗口如何配合' },
  teacherHow1: { en: 'Put the book’s other window on the projector (or the shared screen).', zh: '把本书的另一个窗口放到投影仪（或共享的屏幕）上。' },
  teacherHow2: { en: 'There, open the chapter you teach and press P (or the Present button).', zh: '在那个窗口里打开要讲的一章，按 P（或“演示模式”按钮）。' },
  teacherHow3: {
    en: 'This window then shows the step on screen, the text to say, what comes next and the time since you started. Its buttons move the presentation, as a clicker does in the projected window (Page Down or → forward, Page Up or ← back).',
    zh: '这个窗口随即显示屏幕上的步骤、要讲的内容、下一步和已用时间。它的按钮可以控制演示，就像在投影窗口中使用翻页笔一样（Page Down 或 → 前进，Page Up 或 ← 后退）。',
  },
  teacherNow: { en: 'Now showing', zh: '当前显示' },
  teacherNext: { en: 'Up next', zh: '接下来' },
  teacherNextChapter: { en: 'Next chapter', zh: '下一章' },
  teacherEnd: { en: 'End of the book.', zh: '全书结束。' },
  teacherPrev: { en: 'Previous step', zh: '上一步' },
  teacherFwd: { en: 'Next step', zh: '下一步' },
  presentPrevKeys: { en: 'Previous step (←, ↑, Page Up or a swipe right)', zh: '上一步（←、↑、Page Up 或向右滑动）' },
  presentNextKeys: { en: 'Next step (→, ↓, Space, Page Down or a swipe left)', zh: '下一步（→、↓、空格、Page Down 或向左滑动）' },
  teacherSteps: { en: 'All steps', zh: '全部步骤' },
  teacherWidget: { en: 'widget', zh: '组件' },
  teacherElapsed: { en: 'Time since the start', zh: '已用时间' },
  teacherNotes: { en: 'What to say', zh: '讲稿' },
  teacherNoNotes: { en: 'No text in this step: talk over the widget on screen.', zh: '这一步没有正文：围绕屏幕上的组件讲解。' },
  teacherPage: { en: 'page', zh: '页' },
  teacherNotPresenting: { en: 'The projected window is not presenting: press P there.', zh: '投影窗口未处于演示模式：请在那里按 P。' },
} satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof strings;

export function t(key: StringKey, lang: Lang): string {
  return strings[key][lang];
}

export function useT(): (key: StringKey) => string {
  const lang = useSettings((s) => s.lang);
  return (key) => strings[key][lang];
}

import { Slider } from '../common/Slider';
import { groupDigits } from '../common/format';
import { useTr, type Tr } from '../common/i18n';
import { Tex } from '../common/Tex';
import { EngineError } from '../common/EngineError';
import { outputState, type EngineResult } from '../common/useEngineResult';
import { MCP_CHANNELS, MCP_EXAMPLES, MCP_MAX_K, type MCParamSettings, type ParamCount as Count } from './compute';

/** c_o × c_i × k_h × k_w + c_o with the numbers filled in; each side in braces, so a narrow screen breaks the line at an equals sign only. */
export function paramTex(s: MCParamSettings): string {
  return `{c_o \\times c_i \\times k_h \\times k_w + c_o} = {${s.co} \\times ${s.ci} \\times ${s.kh} \\times ${s.kw} + ${s.co}} = ${groupDigits(s.co * s.ci * s.kh * s.kw + s.co).replace(/,/g, '{,}')}`;
}

/** The example buttons, under the words "The text’s examples": the chapter's two layers. */
export function paramExamples(t: Tr): { settings: MCParamSettings; label: string }[] {
  return [
    { settings: MCP_EXAMPLES.rgb, label: 'nn.Conv2d(3, 64, 3)' },
    { settings: MCP_EXAMPLES.oneByOne, label: t('1×1, 256 → 64 channels', '1×1，256 → 64 个通道') },
  ];
}

const same = (a: MCParamSettings, b: MCParamSettings) => a.ci === b.ci && a.co === b.co && a.kh === b.kh && a.kw === b.kw;

const convCode = (s: MCParamSettings) => `nn.Conv2d(${s.ci}, ${s.co}, [${s.kh}, ${s.kw}])`;

/** The count in one sentence for screen readers: "nn.Conv2d(3, 64, [3, 3]) has 1,792 parameters." */
export function paramSentence(t: Tr, s: MCParamSettings, params: number): string {
  return t(`${convCode(s)} has ${groupDigits(params)} parameters.`, `${convCode(s)} 有 ${groupDigits(params)} 个参数。`);
}

/**
 * The parameter count of nn.Conv2d(c_i, c_o, [k_h, k_w]): the formula with its numbers and the
 * engine's own count. Its settings are its own (URL key 'mcp', held by the widget, which also
 * speaks the result), with channel counts up to 512 and kernels up to 7 × 7, far beyond what
 * the other parts draw cell by cell.
 */
export function ParamCount({ s, set, result, heading }: { s: MCParamSettings; set: (f: (p: MCParamSettings) => MCParamSettings) => void; result: EngineResult<Count>; heading: boolean }) {
  const t = useTr();
  const r = result.value;
  const formula = s.co * s.ci * s.kh * s.kw + s.co;
  const code = convCode(s);
  const channelSlider = (field: 'ci' | 'co', label: string) => (
    <Slider
      label={label}
      value={Math.max(0, MCP_CHANNELS.indexOf(s[field] as (typeof MCP_CHANNELS)[number]))}
      min={0}
      max={MCP_CHANNELS.length - 1}
      onChange={(i) => set((p) => ({ ...p, [field]: MCP_CHANNELS[i] }))}
      format={(i) => String(MCP_CHANNELS[i])}
    />
  );
  const kernelSlider = (field: 'kh' | 'kw', label: string) => <Slider label={label} value={s[field]} min={1} max={MCP_MAX_K} onChange={(v) => set((p) => ({ ...p, [field]: v }))} />;
  return (
    <section className="mc-params" aria-label={t('Parameter count', '参数数量')}>
      {heading ? <h4 className="b-subtitle">{t('Parameters', '参数数量')}</h4> : null}
      <div className="b-toolbar" role="group" aria-label={t('The text’s examples', '正文示例')}>
        <span className="b-toolbar-label">{t('The text’s examples:', '正文示例：')}</span>
        {paramExamples(t).map((ex) => (
          <button key={ex.label} type="button" aria-pressed={same(s, ex.settings)} onClick={() => set(() => ({ ...ex.settings }))}>
            {ex.label}
          </button>
        ))}
      </div>
      <div className="b-controls">
        {channelSlider('ci', t('Input channels c_i', '输入通道数 c_i'))}
        {channelSlider('co', t('Output channels c_o', '输出通道数 c_o'))}
        {kernelSlider('kh', t('Kernel height k_h', '卷积核高度 k_h'))}
        {kernelSlider('kw', t('Kernel width k_w', '卷积核宽度 k_w'))}
      </div>
      <p className="mc-param-tex">
        <Tex tex={paramTex(s)} />
      </p>
      <p data-state={outputState(result)}>
        {r?.source === 'shapes' ? t('From its shapes (too big to build), ', '按参数形状计算（太大，不构建）') : t('The engine’s count for ', '引擎对 ')}
        <code>{code}</code>
        {r?.source === 'shapes' ? t(': ', ' 的参数：') : t(': ', ' 的计数：')}
        <strong data-part="param-count" data-value={r ? r.params : undefined}>
          {r ? groupDigits(r.params) : '…'}
        </strong>
        {r && r.params === formula ? <span className="b-ok"> ✓</span> : null}
      </p>
      <EngineError className="b-problem" error={result.error} />
    </section>
  );
}

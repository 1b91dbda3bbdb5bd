import { convParamCount, MCP_DEFAULTS, type MCParamSettings } from '../../multichannel/compute';
import { sanitizeMCP } from '../../multichannel/settings';
import type { Goal } from '../goal';

/** Multiple channels: a convolution (channels in and out, kernel size) whose engine count is exactly 38 parameters. */
export const multichannel38: Goal<MCParamSettings> = {
  key: 'mcp',
  defaults: MCP_DEFAULTS,
  sanitize: sanitizeMCP,
  judge(s) {
    const n = convParamCount(s).params;
    const layer = `nn.Conv2d(${s.ci}, ${s.co}, (${s.kh}, ${s.kw}))`;
    return {
      met: n === 38,
      now: {
        en: `Now: ${s.ci} input channel${s.ci === 1 ? '' : 's'}, ${s.co} output channel${s.co === 1 ? '' : 's'}, a ${s.kh}×${s.kw} kernel; the engine counts ${n} parameters in ${layer}.`,
        zh: `当前：${s.ci} 个输入通道，${s.co} 个输出通道，${s.kh}×${s.kw} 的卷积核；引擎数出 ${layer} 有 ${n} 个参数。`,
      },
    };
  },
};

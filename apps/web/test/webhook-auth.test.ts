import { loadConfig } from '@blockops/config';
import { webhookAuthorized } from '../lib/server/auth';

const OPERATOR = 'operator-key-0123456789';
const VIEWER = 'viewer-key-0123456789ab';
const TOKEN = 'webhook-token-0123456789';

describe("Alertmanager's webhook authorisation", () => {
  it('is open with no keys and no token (dev)', () => {
    expect(webhookAuthorized(loadConfig({}), undefined)).toBe(true);
  });

  it('takes its token, or the operator key, never the viewer key', () => {
    const config = loadConfig({ BLOCKOPS_OPERATOR_KEY: OPERATOR, BLOCKOPS_VIEWER_KEY: VIEWER, ALERTS_WEBHOOK_TOKEN: TOKEN });
    expect(webhookAuthorized(config, TOKEN)).toBe(true);
    expect(webhookAuthorized(config, OPERATOR)).toBe(true);
    expect(webhookAuthorized(config, VIEWER)).toBe(false);
    expect(webhookAuthorized(config, undefined)).toBe(false);
    expect(webhookAuthorized(config, `${TOKEN}x`)).toBe(false);
  });

  it('needs the operator key when keys are on and no token is set', () => {
    const config = loadConfig({ BLOCKOPS_OPERATOR_KEY: OPERATOR, BLOCKOPS_VIEWER_KEY: VIEWER });
    expect(webhookAuthorized(config, OPERATOR)).toBe(true);
    expect(webhookAuthorized(config, VIEWER)).toBe(false);
  });

  it('needs the token when only a token is set (console keys off)', () => {
    const config = loadConfig({ ALERTS_WEBHOOK_TOKEN: TOKEN });
    expect(webhookAuthorized(config, TOKEN)).toBe(true);
    expect(webhookAuthorized(config, undefined)).toBe(false);
    expect(webhookAuthorized(config, 'anything-else-0123456')).toBe(false);
  });
});

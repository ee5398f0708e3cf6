/**
 * docker-compose.yml is valid (Debian's docker-compose parses and validates it with no engine),
 * pins every image, runs Temporal the way Temporal supports now (server + admin-tools, not the
 * deprecated auto-setup image) and loads the same monitoring files as `npm start`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');

function composeConfig(): { services: Record<string, { image?: string; volumes?: string[]; environment?: Record<string, string> }> } {
  const res = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, COMPOSE_PROJECT_NAME: 'blockops' },
  });
  if (res.error) throw new Error(`docker-compose is not on PATH (apt-get install -y docker-compose): ${res.error.message}`);
  if (res.status !== 0) throw new Error(res.stderr);
  return parse(res.stdout);
}

describe('docker-compose.yml', () => {
  const config = composeConfig();
  const services = config.services;

  it('passes docker-compose config', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'temporal',
        'temporal-schema',
        'temporal-namespace',
        'worker',
        'web',
        'prometheus',
        'alertmanager',
        'grafana',
      ]),
    );
  });

  it('pins every image to a version (no latest, no bare name)', () => {
    const images = Object.values(services).flatMap((s) => (s.image ? [s.image] : []));
    expect(images.length).toBeGreaterThan(6);
    for (const image of images) expect(image).toMatch(/^[\w./-]+:(v?\d+(\.\d+)+)$|@sha256:[0-9a-f]{64}$/);
  });

  it('runs Temporal on the server image with admin-tools setting up the schema (auto-setup is deprecated)', () => {
    expect(JSON.stringify(services)).not.toContain('auto-setup');
    expect(services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services.temporal!.image!.split(':')[1]).toBe(services['temporal-schema']!.image!.split(':')[1]);
    expect(services.temporal!.environment!.PROMETHEUS_ENDPOINT).toBe('0.0.0.0:8000');
  });

  it('gives Prometheus, Alertmanager and Grafana the same monitoring files as npm start', () => {
    const mounts = (s: string) => (services[s]!.volumes ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    const has = (s: string, local: string, target: string) =>
      expect(mounts(s).some((m) => m.includes(path.join(root, local)) && m.includes(target))).toBe(true);
    has('prometheus', 'monitoring/rules', '/etc/prometheus/rules');
    has('prometheus', 'monitoring/prometheus.yml', '/etc/prometheus/prometheus.yml');
    has('alertmanager', 'monitoring/alertmanager.yml', '/etc/alertmanager/alertmanager.yml');
    has('grafana', 'monitoring/grafana/provisioning', '/etc/grafana/provisioning');
    has('grafana', 'monitoring/grafana/dashboards', '/var/lib/grafana/dashboards');
  });
});

import { describe, expect, it } from 'vitest';
import type { AnyLab } from '../lab/types.js';
import type { RunConfig } from '../report/result.js';
import { resolveRequests } from './requests.js';

const config = { params: { size: 4 } } as unknown as RunConfig;
const labWith = (workload: Partial<AnyLab['workload']>) => ({ slug: 'requests-test', workload: { path: '/work', ...workload } }) as unknown as AnyLab;

describe('resolveRequests', () => {
  it("fills each request in from the workload's method, headers and body, unless it says its own", async () => {
    const lab = labWith({
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: '{}',
      requests: ({ variant, params, env }) => [
        { path: `/work?n=${params.size}&v=${variant}&db=${env.DATABASE_URL}`, expect: { status: 200 } },
        { path: '/other', method: 'GET', headers: {}, body: 'x', expect: { body: 'ok' } },
      ],
    });
    expect(await resolveRequests(lab, 'sync', config, { DATABASE_URL: 'db' })).toEqual([
      { path: '/work?n=4&v=sync&db=db', method: 'POST', headers: { authorization: 'Bearer t' }, body: '{}', expect: { status: 200 } },
      { path: '/other', method: 'GET', headers: {}, body: 'x', expect: { body: 'ok' } },
    ]);
  });

  it('sends GET when neither says', async () => {
    const [request] = await resolveRequests(labWith({ requests: () => [{ path: '/a', expect: {} }] }), 'v', config, {});
    expect(request!.method).toBe('GET');
  });

  it('is nothing for a lab that declares no requests', async () => {
    expect(await resolveRequests(labWith({}), 'v', config, {})).toEqual([]);
  });

  it('refuses a lab whose requests are none, or that asks the download client to check a body', async () => {
    await expect(resolveRequests(labWith({ requests: () => [] }), 'v', config, {})).rejects.toThrow('requests-test: workload.requests returned no request');
    const download = labWith({ client: 'download', requests: () => [{ path: '/big', expect: { body: 'all of it' } }] });
    await expect(resolveRequests(download, 'v', config, {})).rejects.toThrow(/the download client checks bytes and sha256 only/);
  });
});

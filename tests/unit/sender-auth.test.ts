// The gateway's Authentication-Results: believed only from the configured authserv-id, its topmost header,
// and only for the From domain.
import { describe, expect, it } from 'vitest';
import { gatewayPass, senderVerdict } from '../../channels/email/sender-auth.ts';

const GW = 'mx.council.example';

describe('a trusted gateway’s results', () => {
  it('counts its DMARC pass, or aligned DKIM pass, for the From domain', () => {
    expect(
      gatewayPass([`${GW}; spf=fail smtp.mailfrom=x.example; dkim=none; dmarc=pass (p=reject) header.from=testford.example`], GW, 'testford.example'),
    ).toBe(true);
    expect(gatewayPass([`${GW} 1; dkim=pass header.d=testford.example header.s=s1; dmarc=none`], GW, 'mail.testford.example')).toBe(true);
    expect(gatewayPass([`${GW}; dmarc=pass header.from=other.example`], GW, 'testford.example')).toBe(false);
    expect(gatewayPass([`${GW}; dkim=pass header.d=other.example`], GW, 'testford.example')).toBe(false);
  });

  it('ignores anyone else’s, a lower header with its id, and results inside comments', () => {
    expect(gatewayPass([`mx.attacker.example; dmarc=pass header.from=testford.example`], GW, 'testford.example')).toBe(false);
    // The sender's forged header sits below the gateway's own.
    expect(gatewayPass([`${GW}; dmarc=fail header.from=testford.example`, `${GW}; dmarc=pass header.from=testford.example`], GW, 'testford.example')).toBe(
      false,
    );
    expect(gatewayPass([`${GW}; dmarc=fail (dmarc=pass header.from=testford.example) header.from=testford.example`], GW, 'testford.example')).toBe(false);
  });

  it('turns a check that could not run into temperror, unless the gateway vouched', () => {
    expect(senderVerdict('temperror', { senderDomain: 'testford.example', connection: false })).toMatchObject({ verdict: 'temperror', by: 'hub' });
    expect(
      senderVerdict('temperror', {
        senderDomain: 'testford.example',
        connection: false,
        authenticationResults: [`${GW}; dmarc=pass header.from=testford.example`],
        trustedAuthservId: GW,
      }),
    ).toMatchObject({ verdict: 'pass', by: 'gateway' });
    expect(
      senderVerdict('temperror', {
        senderDomain: 'testford.example',
        connection: false,
        authenticationResults: [`${GW}; dmarc=pass header.from=testford.example`],
      }),
    ).toMatchObject({ verdict: 'temperror' });
  });
});

/** Masking, the privacy scan and Markdown escaping. */
import { describe, it, expect } from 'vitest';
import { maskSecrets, maskUrl } from '../../src/harness/model/mask.js';
import * as hannah from '../../fixtures/hannah.js';
import { looksLikeRealName, looksLikeRealNhsNumber, looksLikeRealPostcode, scanPrivacy } from '../../src/harness/model/privacy.js';
import { generatePopulation } from '../../fixtures/population.js';
import { hannahChildren, hannahMother, hannahPractitioners } from '../../fixtures/hannah.js';
import { nhsCheckDigit } from '../../src/platform/identifiers/index.js';
import { mdCode, mdText, markdownSummary } from '../../src/harness/reporters/markdown.js';
import { canonicalJson } from '../../src/harness/evidence/hash.js';
import { resultWith } from './support.js';

describe('masking credentials', () => {
  const token = 'ics_Zq3xV9kLmN2pQ7rS4tU8wY1z';
  it('masks token fields (a driver configure call), access_token query parameters, bearer headers, and the same secret elsewhere', () => {
    const masked = maskSecrets({
      requestBody: { contactPoint: { baseUrl: 'http://127.0.0.1:1', token }, ecaf: { token: 'short-secret-1' } },
      url: `/contactpoint/v1/involvements?access_token=${token}&page=2`,
      requestHeaders: { authorization: `Bearer ${token}` },
      message: `the system sent short-secret-1 in a body and ${token} in the URL`,
      statement: { mocks: { controlToken: 'ctl_0123456789abcdef01234567' } },
    });
    expect(masked.requestBody.contactPoint).toEqual({ baseUrl: 'http://127.0.0.1:1', token: '***' });
    expect(masked.requestBody.ecaf.token).toBe('***');
    expect(masked.url).toBe('/contactpoint/v1/involvements?access_token=***&page=2');
    expect(masked.requestHeaders.authorization).toBe('Bearer ***');
    expect(masked.message).toBe('the system sent *** in a body and *** in the URL');
    expect(masked.statement.mocks.controlToken).toBe('***');
    expect(maskSecrets(masked)).toEqual(masked);
  });

  it('leaves ordinary query parameters and text alone', () => {
    expect(maskUrl('/children?postcode=EC1Y%200TN&code=201')).toBe('/children?postcode=EC1Y%200TN&code=201');
    expect(maskSecrets({ message: 'expected Bearer <configured token>', n: 3 })).toEqual({ message: 'expected Bearer <configured token>', n: 3 });
  });
});

describe('privacy scan', () => {
  const realNhs = (() => {
    for (let n = 401_000_000; ; n++) {
      const d = nhsCheckDigit(String(n));
      if (d !== undefined && d !== null && d >= 0 && d <= 9) return `${n}${d}`;
    }
  })();

  it("knows every identifier of the synthetic population, and Hannah's story, as synthetic", () => {
    let people = 0;
    for (const seed of [1, 20091102, 777]) {
      for (const r of generatePopulation({ count: 400, seed })) {
        const names =
          r.kind === 'child'
            ? [r.identity.name, ...r.identity.formerNames, ...r.identity.parentsCarers.map((p) => p.name)]
            : r.kind === 'practitioner'
              ? [r.name]
              : [];
        for (const n of names) expect(looksLikeRealName(n), JSON.stringify(n)).toBe(false);
        people += names.length;
        if (r.kind === 'child') {
          if (r.identity.residence.status === 'current')
            expect(looksLikeRealPostcode(r.identity.residence.address.postcode), r.identity.residence.address.postcode).toBe(false);
          if (r.identity.identifiers.nhsNumber) expect(looksLikeRealNhsNumber(r.identity.identifiers.nhsNumber)).toBe(false);
        }
        if (r.kind === 'school') expect(looksLikeRealPostcode(r.address.postcode), r.address.postcode).toBe(false);
      }
    }
    expect(people).toBeGreaterThan(1500);
    for (const c of hannahChildren) expect(looksLikeRealName(c.identity.name)).toBe(false);
    expect(looksLikeRealName(hannahMother.name)).toBe(false);
    for (const p of Object.values(hannahPractitioners)) expect(looksLikeRealName(p.name)).toBe(false);
  });

  it('flags an NHS number outside the 999 range, a postcode outside the synthetic areas and a name from neither list', () => {
    expect(looksLikeRealNhsNumber(realNhs)).toBe(true);
    expect(looksLikeRealNhsNumber('9990000018')).toBe(false); // test range
    expect(looksLikeRealNhsNumber(`${realNhs.slice(0, 9)}${(Number(realNhs[9]) + 1) % 10}`)).toBe(false); // fails the check: nobody's
    expect(looksLikeRealPostcode('SW1A 2AA')).toBe(true);
    expect(looksLikeRealPostcode('EC1Y 0TN')).toBe(false);
    // Hannah's story lives in the population's areas: none of its postcodes is flagged.
    const storyPostcodes = [...JSON.stringify(hannah).matchAll(/"postcode":"([^"]+)"/g)].map((m) => m[1]!);
    expect(storyPostcodes.length).toBeGreaterThan(2);
    for (const p of storyPostcodes) expect(looksLikeRealPostcode(p), p).toBe(false);
    expect(looksLikeRealPostcode('not a postcode')).toBe(false);
    expect(looksLikeRealName({ given: 'Zbigniew', family: 'Brzęczyszczykiewicz' })).toBe(true);
    expect(looksLikeRealName({ given: 'Hannah', middle: 'Louise', family: 'Carter' })).toBe(false);
  });

  it('scans what the SUT sent, not what the harness gave it, and masks the values it reports', () => {
    const child = (given: string, family: string, postcode: string, nhsNumber: string) => ({
      child: { name: { given, family }, residence: { address: { postcode } }, identifiers: { nhsNumber } },
    });
    const result = resultWith([
      // The harness gives the SUT a value of its own making (a suite may use an address outside the population): echoing it is no finding.
      { direction: 'harness->sut', requestBody: child('Hannah', 'Former', 'E1 4EG', '9990000018'), responseBody: { childRef: 'C1' } },
      { direction: 'sut->mock', requestBody: child('Hannah', 'Former', 'E1 4EG', '9990000018') },
      // What the SUT made up itself is scanned.
      {
        direction: 'sut->mock',
        requestBody: child('Zbigniew', 'Brzęczyszczykiewicz', 'SW1A 2AA', realNhs),
        url: `/contactpoint/v1/children?nhsNumber=${realNhs}`,
      },
      { direction: 'sut->mock', requestBody: child('Zbigniew', 'Brzęczyszczykiewicz', 'SW1A 2AA', realNhs) },
    ]);
    const report = scanPrivacy(result);
    expect(report.findings.map((f) => [f.kind, f.value, f.exchange, f.path, f.occurrences])).toEqual([
      ['name', 'Z***** B*****', 3, '/child/name', 2],
      ['postcode', 'SW1A ***', 3, '/child/residence/address/postcode', 2],
      ['nhs-number', `${realNhs.slice(0, 3)} *** **${realNhs.slice(-2)}`, 3, '/child/identifiers/nhsNumber', 3],
    ]);
    expect(JSON.stringify(report)).not.toContain(realNhs);
  });
});

describe('markdown summary', () => {
  it('keeps vendor text inert: no HTML, no links, no images, no table breaks', () => {
    expect(mdText('<img src=x onerror=alert(1)> [x](http://e.invalid) | *b*')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; \\[x\\](http://e.invalid) \\| \\*b\\*',
    );
    expect(mdCode('a `b` | c')).toBe('``a `b` \\| c``');
    const r = resultWith([], {
      status: 'FAILED',
      checks: [
        {
          requirement: 'CP-FEED-002',
          verdict: 'fail',
          message: '<script>alert(1)</script>',
          path: '/involvement/reason',
          expected: 'no case information',
          actual: '![x](http://e.invalid/t.png)',
        },
      ],
    });
    r.requirements = [
      {
        id: 'CP-FEED-002',
        statement: 'No case information.',
        level: 'MUST',
        capability: 'contactpoint-feed',
        status: 'FAILED',
        tests: ['T-1.sample'],
      },
    ];
    r.summary = { ...r.summary, PASSED: 0, FAILED: 1, verdict: 'fail', label: 'FAIL', exitCode: 1 };
    const md = markdownSummary(r);
    expect(md).toContain('## ❌ FAIL');
    expect(md).toContain(
      '| **CP-FEED-002** | MUST | `T-1.sample` | &lt;script&gt;alert(1)&lt;/script&gt; | `/involvement/reason` | `no case information` | `![x](http://e.invalid/t.png)` |',
    );
    expect(md).not.toContain('<script>');
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x', e: undefined }] })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
  });
});

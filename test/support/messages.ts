/** Hand-built valid messages for rule tests: every field deliberate, so each test changes one thing. */
import { randomUUID } from 'node:crypto';
import { nhsCheckDigit } from '../../src/platform/identifiers/nhs.js';
import { upnCheckLetter } from '../../src/platform/identifiers/upn.js';
import type { InvolvementMessage, CafIndicatorMessage } from '../../mocks/contactpoint/schemas.js';

/** The n-th valid NHS number in the 999 test range. */
export function testNhs(n: number): string {
  for (let i = n; ; i++) {
    const stem = `999${String(i).padStart(6, '0')}`;
    const c = nhsCheckDigit(stem);
    if (c !== undefined) return stem + c;
  }
}

export function testUpn(n: number): string {
  const rest = `302${'1234'}09${String(n).padStart(3, '0')}`;
  return upnCheckLetter(rest)! + rest;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

let counter = 0;
/** A distinct family name per message, so tests never collide on demographics unless they mean to. */
function uniqueFamily(): string {
  let n = counter++;
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `Hart-${s}`;
}

export function involvement(
  over: {
    child?: Partial<InvolvementMessage['child']>;
    involvement?: Partial<InvolvementMessage['involvement']>;
    sourceRecordId?: string;
    sentAt?: string;
    messageId?: string;
  } = {},
): InvolvementMessage {
  return {
    messageId: over.messageId ?? randomUUID(),
    sourceRecordId: over.sourceRecordId ?? `REF-${randomUUID().slice(0, 8)}`,
    sentAt: over.sentAt ?? '2026-11-20T10:00:00Z',
    child: {
      name: { given: 'Amelia', family: uniqueFamily() },
      formerNames: [],
      dateOfBirth: '2014-05-02',
      gender: 'female',
      residence: { status: 'current', address: { lines: ['12 Station Road'], town: 'Barnet', postcode: 'EN5 1QA' } },
      identifiers: { nhsNumber: testNhs(1) },
      parentsCarers: [
        { name: { given: 'Claire', family: 'Hart' }, relationship: 'mother', parentalResponsibility: true, contact: { phone: '020 7946 0101' } },
      ],
      ...(over.child ?? {}),
    },
    involvement: {
      service: 'childrens-social-care',
      contact: { kind: 'team', teamName: 'Duty and Assessment Team', organisation: 'London Borough of Barnet', phone: '020 8359 4066' },
      startDate: '2026-11-01',
      leadProfessional: false,
      ...(over.involvement ?? {}),
    },
  };
}

export function cafIndicator(child: InvolvementMessage['child'], over: Partial<CafIndicatorMessage> = {}): CafIndicatorMessage {
  return {
    messageId: randomUUID(),
    episodeRef: `CAF-${randomUUID().slice(0, 8)}`,
    sentAt: '2026-11-21T10:00:00Z',
    child,
    status: 'open',
    assessor: {
      kind: 'practitioner',
      name: { given: 'Melanie', family: 'Shaw' },
      role: 'Learning mentor',
      organisation: 'Hendon School',
      phone: '020 8202 9004',
    },
    completedOn: '2026-11-21',
    ...over,
  };
}

export type { DeepPartial };

/** Shapes shared by ContactPoint and National eCAF, so the two services link on the same child. */
import { Type, Closed, Tagged, DateString, NhsNumber, Upn, Uln, Postcode, type Static } from '../schema.js';

const Text = (max: number, opts: Record<string, unknown> = {}) => Type.String({ minLength: 1, maxLength: max, ...opts });

export const PersonName = Closed(
  {
    given: Text(100, { examples: ['Hannah'] }),
    middle: Type.Optional(Text(100)),
    family: Text(100, { examples: ['Carter'] }),
  },
  { title: 'PersonName', description: "A person's name." },
);
export type PersonName = Static<typeof PersonName>;

export const UkPhone = Type.String({
  pattern: '^(\\+44\\s?|0)[0-9][0-9 ]{8,12}$',
  description: 'UK telephone number.',
  examples: ['020 7946 0123'],
});

export const Address = Closed(
  {
    lines: Type.Array(Text(100), { minItems: 1, maxItems: 4 }),
    town: Type.Optional(Text(60)),
    postcode: Postcode,
  },
  { title: 'Address', description: 'A UK postal address.' },
);
export type Address = Static<typeof Address>;

/**
 * ContactPoint records an address, or a statement about it (SI 2007/2182 Sch. 1 para 2):
 * current, last known, no known address, or left England with an intention about returning.
 */
export const Residence = Tagged(
  'status',
  [
    Closed({ status: Type.Literal('current'), address: Address }),
    Closed({ status: Type.Literal('last-known'), address: Address }),
    Closed({ status: Type.Literal('no-known-address') }),
    Closed({
      status: Type.Literal('left-england'),
      intendsToReturnWithin3Years: Type.Boolean(),
      lastAddress: Type.Optional(Address),
    }),
  ],
  { title: 'Residence', description: 'Where the child lives, or a statement about the address.' },
);
export type Residence = Static<typeof Residence>;

export const ContactDetails = Closed(
  {
    phone: Type.Optional(UkPhone),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    address: Type.Optional(Address),
  },
  { title: 'ContactDetails', minProperties: 1, description: 'How to reach a person: at least one of phone, email, address.' },
);
export type ContactDetails = Static<typeof ContactDetails>;

export const ParentCarer = Closed(
  {
    name: PersonName,
    relationship: Type.Unsafe<string>({
      type: 'string',
      enum: ['mother', 'father', 'step-parent', 'grandparent', 'other-relative', 'foster-carer', 'guardian', 'carer'],
    }),
    parentalResponsibility: Type.Boolean(),
    contact: ContactDetails,
  },
  { title: 'ParentCarer', description: 'A person with parental responsibility for, or care of, the child.' },
);
export type ParentCarer = Static<typeof ParentCarer>;

export const School = Closed(
  {
    urn: Type.String({ pattern: '^[1-9][0-9]{5}$', description: 'DfE unique reference number of the establishment.' }),
    name: Text(120),
    phone: UkPhone,
    address: Type.Optional(Address),
    startDate: DateString(),
  },
  { title: 'School', description: 'The educational institution the child attends.' },
);
export type School = Static<typeof School>;

export const ChildIdentifiers = Closed(
  {
    nhsNumber: Type.Optional(NhsNumber),
    upn: Type.Optional(Upn),
    uln: Type.Optional(Uln),
  },
  { title: 'ChildIdentifiers', description: 'Identifiers the source system holds. Each is visible only to the body that supplied it.' },
);
export type ChildIdentifiers = Static<typeof ChildIdentifiers>;

export const Gender = Type.Unsafe<'male' | 'female' | 'not-specified'>({
  type: 'string',
  enum: ['male', 'female', 'not-specified'],
  description: 'Gender, or "not-specified".',
});

export const ChildIdentity = Closed(
  {
    name: PersonName,
    formerNames: Type.Array(PersonName, { maxItems: 10 }),
    dateOfBirth: DateString(),
    gender: Gender,
    residence: Residence,
    identifiers: ChildIdentifiers,
    parentsCarers: Type.Array(ParentCarer, { maxItems: 10 }),
    school: Type.Optional(School),
  },
  { title: 'ChildIdentity', description: 'The child as a source system knows them: identity only, never case details.' },
);
export type ChildIdentity = Static<typeof ChildIdentity>;

/** A practitioner's or team's contact details: whom to call, nothing about why. */
export const PractitionerContact = Tagged(
  'kind',
  [
    Closed({
      kind: Type.Literal('practitioner'),
      name: PersonName,
      role: Text(80, { examples: ['Social worker'] }),
      organisation: Text(120),
      phone: UkPhone,
      email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    }),
    Closed({
      kind: Type.Literal('team'),
      teamName: Text(120, { examples: ['Duty and Assessment Team'] }),
      organisation: Text(120),
      phone: UkPhone,
      email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    }),
  ],
  { title: 'PractitionerContact', description: 'A named practitioner, or a central team contact.' },
);
export type PractitionerContact = Static<typeof PractitionerContact>;

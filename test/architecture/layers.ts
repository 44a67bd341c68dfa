/**
 * The layers of the product code, bottom first (docs/decisions/0045-layers.md): a file may import its
 * own layer and the layers its `mayImport` names, which must all sit below it. Each entry of `folders`
 * (a folder ending in '/', or one file) is one folder for the cycle check. A new folder gets its row here first.
 */
export interface Layer {
  name: string;
  folders: string[];
  mayImport: string[];
}

export const LAYERS: Layer[] = [
  { name: 'platform', folders: ['src/platform/'], mayImport: [] },
  { name: 'services', folders: ['mocks/contactpoint/', 'mocks/ecaf/', 'mocks/rules.ts'], mayImport: ['platform'] },
  { name: 'fixtures', folders: ['fixtures/'], mayImport: ['platform', 'services'] },
  { name: 'mock-server', folders: ['src/mock-server/'], mayImport: ['platform', 'services', 'fixtures'] },
  { name: 'model', folders: ['src/harness/model/'], mayImport: ['platform', 'services', 'fixtures'] },
  { name: 'driver-api', folders: ['src/harness/driver-api/'], mayImport: ['platform', 'services', 'model'] },
  { name: 'engine', folders: ['src/harness/engine/'], mayImport: ['platform', 'services', 'fixtures', 'model', 'driver-api'] },
  { name: 'reporters', folders: ['src/harness/reporters/'], mayImport: ['platform', 'model', 'engine'] },
  { name: 'evidence', folders: ['src/harness/evidence/'], mayImport: ['platform', 'fixtures', 'model', 'engine', 'reporters'] },
  { name: 'suites', folders: ['suites/'], mayImport: ['platform', 'services', 'fixtures', 'model', 'driver-api', 'engine'] },
  { name: 'reference-ics', folders: ['reference-ics/'], mayImport: ['platform', 'services', 'fixtures', 'model', 'driver-api'] },
  {
    name: 'app',
    folders: ['src/harness/app/', 'src/cli/', 'src/console/'],
    mayImport: [
      'platform',
      'services',
      'fixtures',
      'mock-server',
      'model',
      'driver-api',
      'engine',
      'reporters',
      'evidence',
      'suites',
      'reference-ics',
    ],
  },
  { name: 'entry', folders: ['src/index.ts', 'src/msw.ts'], mayImport: ['platform', 'services', 'fixtures', 'mock-server'] },
];

/** The product code the table covers (tests, benchmarks and scripts may import anything). */
export const PRODUCT_ROOTS = ['src', 'mocks', 'fixtures', 'suites', 'reference-ics'];

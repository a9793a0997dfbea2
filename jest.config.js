const esm = {
  preset: 'ts-jest/presets/default-esm',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@c360/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};

/** Unit specs sit beside the code; integration suites live in `test/` folders (the bench's too) and talk to real servers. */
export default {
  projects: [
    { ...esm, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts'] },
    {
      ...esm,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/test/**/*.test.ts', '<rootDir>/bench/test/**/*.test.ts'],
    },
  ],
  testTimeout: 120000,
};
